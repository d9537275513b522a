"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples.

What ``GET /sparql`` answers to a client that asks for RDF without a query: the endpoint, the
language (SPARQL 1.1 Query only: the endpoint is read-only), every result format of
:data:`museumkg.sparql.results.RESULT_FORMATS`, the features (the default graph is the union of the
named graphs), and the default dataset: its default graph and each named graph with its size,
linked to the dataset's VoID description.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from museumkg.namespaces import DCTERMS, RDF, RDFS, VOID, XSD
from museumkg.sparql.results import RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
#: Prefixes that make the description readable in Turtle.
SD_PREFIXES = {
    "sd": SD,
    "void": VOID,
    "formats": "http://www.w3.org/ns/formats/",
    "rdfs": RDFS,
    "dcterms": DCTERMS,
}
_SIMPLE_ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(f"{XSD}integer"))


def service_description(
    endpoint: str,
    *,
    graphs: Mapping[str, int | None],
    total_triples: int | None = None,
    void_url: str | None = None,
    title: str | None = None,
    limits: str | None = None,
) -> list[ox.Triple]:
    """Describe the endpoint at ``endpoint`` (an absolute URL).

    Args:
        endpoint: the endpoint's URL, which is also the service's IRI.
        graphs: named graph IRI → its number of triples (``None`` when unknown).
        total_triples: the size of the default graph (the union), when known.
        void_url: where the VoID description of the dataset is.
        title: the dataset's title.
        limits: a sentence on the endpoint's limits (time, rows), for people.

    >>> triples = service_description("http://localhost/sparql", graphs={"http://ex.org/g": 3})
    >>> ox.Triple(ox.NamedNode("http://localhost/sparql"), ox.NamedNode(RDF + "type"),
    ...           ox.NamedNode(SD + "Service")) in triples
    True
    """
    service = _n(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    a = _n(f"{RDF}type")
    out = [
        ox.Triple(service, a, _n(f"{SD}Service")),
        ox.Triple(service, _n(f"{SD}endpoint"), service),
        ox.Triple(service, _n(f"{SD}supportedLanguage"), _n(f"{SD}SPARQL11Query")),
        ox.Triple(service, _n(f"{SD}feature"), _n(f"{SD}UnionDefaultGraph")),
        ox.Triple(service, _n(f"{SD}defaultEntailmentRegime"), _n(_SIMPLE_ENTAILMENT)),
        ox.Triple(service, _n(f"{SD}defaultDataset"), dataset),
        ox.Triple(dataset, a, _n(f"{SD}Dataset")),
        ox.Triple(dataset, _n(f"{SD}defaultGraph"), default_graph),
        ox.Triple(default_graph, a, _n(f"{SD}Graph")),
        ox.Triple(
            default_graph,
            _n(f"{RDFS}comment"),
            ox.Literal("the union of all the named graphs of the dataset", language="en"),
        ),
    ]
    out += [
        ox.Triple(service, _n(f"{SD}resultFormat"), _n(fmt.format_iri)) for fmt in RESULT_FORMATS
    ]
    if limits:
        out.append(ox.Triple(service, _n(f"{RDFS}comment"), ox.Literal(limits, language="en")))
    if title:
        out.append(ox.Triple(dataset, _n(f"{DCTERMS}title"), ox.Literal(title)))
    if void_url:
        out.append(ox.Triple(dataset, _n(f"{RDFS}seeAlso"), _n(void_url)))
    if total_triples is not None:
        out.append(ox.Triple(default_graph, _n(f"{VOID}triples"), _integer(total_triples)))
    for number, (name, triples) in enumerate(sorted(graphs.items())):
        named, graph = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
        out += [
            ox.Triple(dataset, _n(f"{SD}namedGraph"), named),
            ox.Triple(named, a, _n(f"{SD}NamedGraph")),
            ox.Triple(named, _n(f"{SD}name"), _n(name)),
            ox.Triple(named, _n(f"{SD}graph"), graph),
            ox.Triple(graph, a, _n(f"{SD}Graph")),
        ]
        if triples is not None:
            out.append(ox.Triple(graph, _n(f"{VOID}triples"), _integer(triples)))
    return out
