"""The fast JSON-LD compactor gives what pyld gives, key for key, and knows its limits.

pyld's ``compact`` is the reference: every node is compacted by both and the JSON compared
as text (so key order counts too). Nodes come from the seed catalog built for the session, from
a generated synthetic catalog, and from hand-made edge cases of term selection.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from synthetic_network import synthetic_catalog

from museumkg.namespaces import MKG, RDF, RDFS, SKOS, XSD
from museumkg.release.export import (
    compact_nodes,
    compact_nodes_pyld,
    compactor_for,
    expanded_nodes,
    graph_names,
    load_context,
)
from museumkg.release.jsonld_compact import Compactor, UnsupportedContext
from museumkg.store import EmbeddedStore

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
CONTEXT = load_context(ONTOLOGY)


def _same_as_pyld(nodes: list[dict[str, Any]], context: dict[str, Any] = CONTEXT) -> None:
    fast = Compactor(context["@context"])
    reference = compact_nodes_pyld(nodes, context)
    assert len(reference) == len(nodes)
    for node, want in zip(nodes, reference, strict=True):
        got = fast.compact_node(node)
        assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False), node


def _nodes_of(store: EmbeddedStore) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for graph in [ox.DefaultGraph(), *graph_names(store)]:
        nodes += expanded_nodes(store.quads(None, None, None, graph))
    return nodes


def test_the_seed_catalog_compacts_as_with_pyld(store: EmbeddedStore) -> None:
    _same_as_pyld(_nodes_of(store))


def test_a_synthetic_catalog_compacts_as_with_pyld() -> None:
    generated, _expected = synthetic_catalog(1)
    _same_as_pyld(_nodes_of(generated))


def _value(value: str, *, lang: str | None = None, datatype: str | None = None) -> dict[str, str]:
    out = {"@value": value}
    if lang:
        out["@language"] = lang
    if datatype:
        out["@type"] = datatype
    return out


EDGE_CASES = [
    # language map term, and the same property without a language (no @language map then)
    {
        "@id": "https://w3id.org/museumkg/id/org/a",
        "@type": [f"{MKG}Museum", f"{MKG}Institution", "http://other.example/Kind"],
        f"{SKOS}prefLabel": [_value("A", lang="en"), _value("А", lang="ru"), _value("bare")],
        f"{RDFS}label": [_value("x", lang="en"), _value("y", lang="en")],
    },
    # coerced types: matching datatype → bare, other datatype → value object
    {
        "@id": "_:b0",
        f"{MKG}startDate": [
            _value("2005-08-18", datatype=f"{XSD}date"),
            _value("2005", datatype=f"{XSD}gYear"),
        ],
        f"{MKG}position": [_value("3", datatype=f"{XSD}integer")],
        f"{MKG}strength": [_value("2.5", datatype=f"{XSD}decimal")],
        f"{MKG}isoCode": [_value("KZ"), _value("kz", lang="en")],
    },
    # object properties: IRIs that are terms, prefixed IRIs, blank nodes, not coerced ones
    {
        "@id": f"{MKG}SomethingInTheOntology",
        f"{MKG}roleType": [{"@id": f"{MKG}LeadTrainer"}, {"@id": f"{MKG}Museum"}],
        f"{MKG}organizer": [{"@id": "_:b1"}, {"@id": "http://example.org/x"}],
        f"{MKG}claimValue": [{"@id": "https://schema.org/Museum"}, _value("text")],
        f"{RDF}type": [],
        "http://example.org/unmapped": [
            {"@id": f"{SKOS}Concept"},
            _value("1", datatype=f"{XSD}integer"),
        ],
        f"{SKOS}broader": [{"@id": "https://schema.org/"}],
    },
]


def test_edge_cases_of_term_selection_compact_as_with_pyld() -> None:
    _same_as_pyld([{k: v for k, v in node.items() if v != []} for node in EDGE_CASES])


def test_a_small_context_with_sets_and_aliases_compacts_as_with_pyld() -> None:
    context = {
        "@context": {
            "@version": 1.1,
            "ex": "http://e.org/",
            "ex2": "http://e.org/sub/",
            "ident": "@id",
            "kind": "@type",
            "v": "@value",
            "tags": {"@id": "ex:tag", "@container": "@set"},
            "names": {"@id": "ex:name", "@container": ["@language", "@set"]},
            "name": {"@id": "ex:name"},
            "link": {"@id": "ex:link", "@type": "@vocab"},
            "Thing": "ex:Thing",
        }
    }
    nodes = [
        {
            "@id": "http://e.org/sub/a",
            "@type": ["http://e.org/Thing"],
            "http://e.org/tag": [_value("one")],
            "http://e.org/name": [
                _value("n", lang="en"),
                _value("m"),
                _value("2", datatype=f"{XSD}integer"),
            ],
            "http://e.org/link": [{"@id": "http://e.org/Thing"}, {"@id": "http://e.org/sub/b"}],
        }
    ]
    _same_as_pyld(nodes, context)


@pytest.mark.parametrize(
    "context",
    [
        {"@vocab": "http://e.org/"},
        {"@base": "http://e.org/"},
        {"@language": "en"},
        {"ex": "http://e.org/", "p": {"@id": "ex:p", "@container": "@index"}},
        {"ex": "http://e.org/", "p": {"@reverse": "ex:p"}},
        {"ex": "http://e.org/", "p": {"@id": "ex:p", "@context": {}}},
        {"ex": "http://e.org/", "ex:p": "http://e.org/p"},
    ],
)
def test_unsupported_contexts_are_refused_and_pyld_compacts_instead(context: dict) -> None:
    with pytest.raises(UnsupportedContext):
        Compactor(context)
    wrapped = {"@context": context}
    assert compactor_for(wrapped) is None
    node = {"@id": "http://e.org/a", "http://e.org/p": [_value("x")]}
    assert compact_nodes([node], wrapped) == compact_nodes_pyld([node], wrapped)


def test_the_catalogs_context_is_supported() -> None:
    assert compactor_for(CONTEXT) is not None
