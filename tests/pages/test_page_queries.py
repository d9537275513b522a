"""Every named query the pages and the index use has its header, parses, and runs bounded."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from museumkg.queries import load_query
from museumkg.store import EmbeddedStore

#: The queries of the entity pages, browsing, search index and ontology documentation.
PAGE_QUERIES = (
    "describe_own",
    "describe_labels",
    "describe_incoming",
    "entity_statements",
    "entity_statements_omit",
    "entity_property_count",
    "entity_sources",
    "entity_roles",
    "entity_partners",
    "entity_quality",
    "labels",
    "role_parts",
    "source_facts",
    "topic_tree",
    "vocab_terms",
)
BUILD_QUERIES = (
    "index_entities",
    "index_labels",
    "index_where",
    "index_places",
    "index_facet_values",
    "index_roles",
    "index_links",
    "index_graph_subjects",
    "index_partnerships",
)
#: A value for each parameter name a header may declare.
VALUES = {
    "entity": ox.NamedNode("http://example.org/id/org/x"),
    "term": ox.NamedNode("http://example.org/id/org/x"),
    "role": ox.NamedNode("http://example.org/id/role/x"),
    "graph": ox.NamedNode("http://example.org/id/source/x"),
    "s": ox.NamedNode("http://example.org/id/org/x"),
    "omit": ox.NamedNode("https://w3id.org/museumkg/ontology#partnerOf"),
    "p": ox.NamedNode("https://w3id.org/museumkg/ontology#partnerOf"),
}


@pytest.mark.parametrize("name", PAGE_QUERIES + BUILD_QUERIES)
def test_query_has_header_parses_and_runs(name: str) -> None:
    query = load_query(name)
    assert query.summary and query.params, name
    declared = re.findall(r"\?(\w+)", query.params) if query.params != "none" else []
    assert set(declared) <= set(VALUES), f"{name}: add a test value for {declared}"
    bindings = {var: VALUES[var] for var in declared}
    result = EmbeddedStore().query(query.text, bindings=bindings)
    assert list(result) == [], name


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_page_queries_are_bounded(name: str) -> None:
    assert re.search(r"\bLIMIT\s+\d+", load_query(name).text), f"{name} has no LIMIT"
