"""One store contract, the same tests over every implementation.

The remote store talks to real servers on 127.0.0.1, each started by tests/servers.py with its
own data folder and stopped after: ``oxigraph serve`` (PyPI package ``oxigraph``) and Virtuoso
(Debian package ``virtuoso-opensource``, installed by scripts/system-deps.sh).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import free_port

from museumkg.store import (
    EmbeddedStore,
    NotSupported,
    QuerySyntaxError,
    Store,
    StoreUnavailable,
    is_graph_result,
    open_store,
    select_rows,
)

G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
DATA = """
<http://example.org/a> <http://example.org/name> "Almaty"@en .
<http://example.org/a> <http://example.org/name> "Алматы"@ru .
<http://example.org/a> <http://example.org/partner> <http://example.org/b> .
<http://example.org/b> <http://example.org/name> "B \\"quoted\\" <tag>" .
"""


@pytest.fixture(params=["embedded", "oxigraph-server", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        store: Store = EmbeddedStore(tmp_path / "store")
    elif request.param == "oxigraph-server":
        url = request.getfixturevalue("oxigraph_server")
        store = open_store(f"{url}/query", read_only=False)
    else:
        url = request.getfixturevalue("virtuoso_server")
        store = open_store(f"{url}/sparql", read_only=False, user="dba", password="dba")
    for graph in store.graphs():
        store.drop_graph(graph)
    store.load(DATA.encode(), format="nt", graph=G1)
    yield store
    store.close()


def names(store: Store, **bindings: ox.NamedNode) -> list[str]:
    text = "SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?name"
    return [r["name"].value for r in select_rows(store.query(text, bindings=bindings))]


def test_load_count_and_graphs(store: Store) -> None:
    assert store.count() == 4
    assert store.count(G1) == 4
    assert store.graphs() == [G1]


def test_default_graph_is_the_union(store: Store) -> None:
    store.load(b'<http://example.org/c> <http://example.org/name> "C" .', format="nt", graph=G2)
    assert sorted(names(store)) == sorted(['B "quoted" <tag>', "C", "Almaty", "Алматы"])
    text = "SELECT ?name WHERE { ?s <http://example.org/name> ?name }"
    assert list(select_rows(store.query(text, union_default_graph=False))) == []


def test_bindings_are_terms_not_text(store: Store) -> None:
    assert sorted(names(store, s=ox.NamedNode("http://example.org/a"))) == ["Almaty", "Алматы"]
    # a value that looks like SPARQL stays a value
    hostile = ox.Literal('x" } } ; DROP ALL ; #')
    text = "SELECT ?name ?s WHERE { ?s <http://example.org/name> ?name }"
    assert list(select_rows(store.query(text, bindings={"name": hostile}))) == []
    quoted = ox.Literal('B "quoted" <tag>')
    found = [r["s"].value for r in select_rows(store.query(text, bindings={"name": quoted}))]
    assert found == ["http://example.org/b"]
    assert store.count() == 4


def test_ask_and_construct(store: Store) -> None:
    assert bool(store.query("ASK { ?s <http://example.org/partner> ?o }"))
    text = "CONSTRUCT { ?o <http://example.org/of> ?s } WHERE { ?s <http://example.org/partner> ?o}"
    result = store.query(text)
    assert is_graph_result(result)
    triples = list(result)
    assert [(t.subject.value, t.object.value) for t in triples] == [
        ("http://example.org/b", "http://example.org/a")
    ]


def test_replace_and_drop_graph(store: Store) -> None:
    store.replace_graph(G1, b'<http://example.org/x> <http://example.org/name> "X" .', format="nt")
    assert store.count(G1) == 1 and names(store) == ["X"]
    store.drop_graph(G1)
    assert store.count() == 0 and store.graphs() == []


def test_replace_several_graphs_at_once_and_count_them(store: Store) -> None:
    """What ``museumkg push`` sends small graphs by: each replaced whole (the old version
    gone), a graph with blank nodes (which Virtuoso refuses in INSERT DATA) and an empty one
    among them, then the sizes of all read back at once (0 for a graph that is not there)."""
    p = ox.NamedNode("http://example.org/p")
    node, blank = ox.NamedNode("http://example.org/n"), ox.BlankNode()
    g3, g4, absent = G2 + "/3", G2 + "/4", G2 + "/absent"
    new = {
        G1: [ox.Triple(node, p, ox.Literal('new, "quoted"\n', language="en"))],
        G2: [ox.Triple(node, p, ox.Literal(str(i))) for i in range(3)],
        g3: [ox.Triple(blank, p, ox.Literal("b")), ox.Triple(node, p, blank)],
        g4: [],
    }
    store.replace_graphs(new)
    assert store.counts([G1, G2, g3, g4, absent]) == {G1: 1, G2: 3, g3: 2, g4: 0, absent: 0}
    assert names(store) == []  # G1's old statements are gone
    rows = select_rows(store.query(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"))
    assert [r["o"] for r in rows] == [ox.Literal('new, "quoted"\n', language="en")]
    shared = f"ASK {{ GRAPH <{g3}> {{ ?b ?p 'b' . {node} ?p ?b FILTER(isBlank(?b)) }} }}"
    assert store.query(shared)  # the blank node is one node in both of its triples


def test_dump_round_trips(store: Store) -> None:
    out = io.BytesIO()
    store.dump(out, format="nq")
    quads = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 4 and {q.graph_name.value for q in quads} == {G1}
    expected = {(q.subject, q.predicate, q.object) for q in quads}
    parsed = {
        (t.subject, t.predicate, t.object) for t in ox.parse(DATA, format=ox.RdfFormat.N_TRIPLES)
    }
    assert expected == parsed


def test_syntax_errors_are_named(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT * WHERE { ?s ?p }")


def test_unreachable_server_is_a_clear_error_within_the_time_limit() -> None:
    started = time.monotonic()
    store = open_store(f"http://127.0.0.1:{free_port()}/query", timeout_s=2)
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        store.query("ASK {}")
    assert time.monotonic() - started < 5


def test_quads_contains_and_the_store_says_where_it_is(store: Store) -> None:
    """The protocol's bulk reads and its location, the same on every backend."""
    a, name = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/name")
    found = sorted(q.object.value for q in store.quads(a, name, None, None))
    assert found == ["Almaty", "Алматы"]
    assert {q.graph_name for q in store.quads(a, None, None, None)} == {ox.NamedNode(G1)}
    quad = ox.Quad(a, name, ox.Literal("Almaty", language="en"), ox.NamedNode(G1))
    assert store.contains(quad)
    assert not store.contains(
        ox.Quad(a, name, ox.Literal("Almaty", language="en"), ox.NamedNode(G2))
    )
    # an embedded store answers in-process; a remote one names its server
    assert (store.endpoint is None) == isinstance(store, EmbeddedStore)
    assert store.capabilities.local_files == isinstance(store, EmbeddedStore)


def test_load_without_a_graph_keeps_the_quads_graphs(store: Store) -> None:
    data = f'<http://example.org/c> <http://example.org/name> "C" <{G2}> .\n'
    store.load(data.encode(), format="nq", graph=None)
    assert store.graphs() == [G1, G2]
    assert store.count(G2) == 1


def test_remove_quads_or_a_clear_refusal(store: Store) -> None:
    """An embedded store removes single statements; a server's catalog changes graph by graph."""
    a, name = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/name")
    quad = ox.Quad(a, name, ox.Literal("Almaty", language="en"), ox.NamedNode(G1))
    if store.capabilities.local_files:
        store.remove_quads([quad])
        assert not store.contains(quad) and store.count(G1) == 3
    else:
        with pytest.raises(NotSupported, match="push graphs instead"):
            store.remove_quads([quad])
        assert store.contains(quad)
