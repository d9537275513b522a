"""`museumkg push`: the built catalog lands in a real SPARQL server, graph by graph."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from museumkg.config import Settings
from museumkg.release.push import push_catalog
from museumkg.store import EmbeddedStore, Store, open_store, select_rows

COUNT_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def counts(store: Store) -> dict[str, int]:
    rows = select_rows(store.query(COUNT_PER_GRAPH))
    return {row["g"].value: int(row["n"].value) for row in rows}


SERVERS = {
    # fixture name → (query path, credentials)
    "oxigraph_server": ("/query", None),
    "virtuoso_server": ("/sparql", ("dba", "dba")),
}


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_push_copies_every_graph_and_replaces_old_versions(
    catalog_settings: Settings, store: Store, server: str, request: pytest.FixtureRequest
) -> None:
    path, credentials = SERVERS[server]
    endpoint = request.getfixturevalue(server) + path
    user, password = credentials or (None, None)
    remote = open_store(endpoint, read_only=False, user=user, password=password)
    for graph in remote.graphs():  # other tests share this server
        remote.drop_graph(graph)
    stale = catalog_settings.ontology_graph
    remote.load(b'<http://x.example/old> <http://x.example/p> "1" .', format="nt", graph=stale)
    env = dict(os.environ, MUSEUMKG_VAR_DIR=str(catalog_settings.var_dir))
    if credentials:
        env.update(MUSEUMKG_ENDPOINT_USER=user, MUSEUMKG_ENDPOINT_PASSWORD=password)
    command = [sys.executable, "-m", "museumkg.cli.main", "push", "--endpoint", endpoint]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert remote.graphs() == store.graphs()  # (a server's own system graphs are hidden)
    expected = counts(store)
    assert {g: n for g, n in counts(remote).items() if g in expected} == expected
    assert f"pushed {len(store.graphs())} graphs" in done.stdout
    # the same question gets the same answer from both stores
    query = """PREFIX mkg: <https://w3id.org/museumkg/ontology#>
               SELECT ?a ?b WHERE { ?a mkg:partnerOf ?b } ORDER BY ?a ?b"""
    answer = [(r["a"].value, r["b"].value) for r in select_rows(remote.query(query))]
    assert answer == [(r["a"].value, r["b"].value) for r in select_rows(store.query(query))]
    assert len(answer) == 6


def test_push_to_an_unreachable_server_fails_clearly(catalog_settings: Settings) -> None:
    from servers import free_port

    env = dict(os.environ, MUSEUMKG_VAR_DIR=str(catalog_settings.var_dir))
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    command = [sys.executable, "-m", "museumkg.cli.main", "push", "--endpoint", endpoint]
    command += ["--timeout", "2"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert "cannot reach" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_large_graph_is_replaced_whole(server: str, request: pytest.FixtureRequest) -> None:
    """A body far larger than a socket buffer: Virtuoso answers 401 to an unauthenticated
    request before reading the body and closes the connection, so the store authenticates
    such a request up front (Digest, with the challenge learned first)."""
    path, credentials = SERVERS[server]
    user, password = credentials or (None, None)
    remote = open_store(
        request.getfixturevalue(server) + path,
        read_only=False,
        user=user,
        password=password,
        timeout_s=120,
    )
    lines = "".join(
        f'<http://x.example/s{i}> <http://x.example/p> "a value long enough, number {i}" .\n'
        for i in range(20_000)
    )
    graph = "http://x.example/large"
    for _ in range(2):  # twice: the second one replaces
        remote.replace_graph(graph, lines.encode(), format="nt")
        assert remote.count(graph) == 20_000
    remote.drop_graph(graph)


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_graph_larger_than_a_chunk_is_pushed_in_several_requests(
    server: str, request: pytest.FixtureRequest
) -> None:
    """The derived graph of a 10^6 catalog is 1.28 million triples: one PUT of it did not end
    within the per-request limit. Past ``chunk_triples`` a graph goes as a PUT of its first
    chunk and POSTs of the rest: the whole new version lands, nothing of the old one stays."""
    path, credentials = SERVERS[server]
    user, password = credentials or (None, None)
    remote = open_store(
        request.getfixturevalue(server) + path,
        read_only=False,
        user=user,
        password=password,
        timeout_s=120,
    )
    graph, small = "http://x.example/chunked", "http://x.example/small"
    source = EmbeddedStore()
    lines = "".join(f'<http://x.example/s{i}> <http://x.example/p> "v{i}" .\n' for i in range(25))
    source.load(lines.encode(), format="nt", graph=graph)
    source.load(b'<http://x.example/a> <http://x.example/p> "1" .', format="nt", graph=small)
    old = b'<http://x.example/old> <http://x.example/p> "stale" .'
    remote.replace_graph(graph, old, format="nt")
    pushed = dict(push_catalog(source, remote, chunk_triples=7))  # 4 requests: 7+7+7+4
    assert pushed == {graph: 25, small: 1}
    assert counts(remote)[graph] == 25
    rows = select_rows(remote.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert sorted(r["o"].value for r in rows) == sorted(f"v{i}" for i in range(25))
    for name in (graph, small):
        remote.drop_graph(name)


class Spy:
    """A store that forwards to the real one and records what ``push`` asked of it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def replace_graphs(self, graphs: dict[str, list[object]]) -> None:
        self.calls.append(("replace_graphs", len(graphs)))
        self.store.replace_graphs(graphs)  # type: ignore[arg-type]

    def counts(self, graphs: list[str]) -> dict[str, int]:
        self.calls.append(("counts", len(graphs)))
        return self.store.counts(graphs)

    def count(self, graph: str | None = None) -> int:
        self.calls.append(("count", 1))
        return self.store.count(graph)


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_small_graphs_are_pushed_in_batches(server: str, request: pytest.FixtureRequest) -> None:
    """~20,000 small graphs at 10^6: one request and one COUNT per graph made the push slow.
    They go in batches of at most ``batch_triples`` (a larger graph alone), one count query
    per batch; each graph still lands whole and replaces its old version."""
    path, credentials = SERVERS[server]
    user, password = credentials or (None, None)
    remote = open_store(
        request.getfixturevalue(server) + path, read_only=False, user=user, password=password
    )
    source = EmbeddedStore()
    sizes = {f"http://x.example/batch/{i:02}": 3 for i in range(10)}
    sizes["http://x.example/batch/big"] = 12  # over a batch, under a chunk: alone
    for graph, size in sizes.items():
        lines = "".join(f'<{graph}/s> <http://x.example/p> "{graph} {j}" .\n' for j in range(size))
        source.load(lines.encode(), format="nt", graph=graph)
    stale = "http://x.example/batch/03"
    remote.replace_graph(stale, b'<http://x.example/old> <http://x.example/p> "x" .', format="nt")
    spy = Spy(remote)
    pushed = list(push_catalog(source, spy, chunk_triples=20, batch_triples=10))  # type: ignore[arg-type]
    assert pushed == sorted(sizes.items())  # every graph, in order, its size on the server
    assert spy.calls == [
        ("replace_graphs", 3),  # 9 triples; a 4th graph would make 12 > 10
        ("counts", 3),
        ("replace_graphs", 3),
        ("counts", 3),
        ("replace_graphs", 3),
        ("counts", 3),
        ("replace_graphs", 1),  # the 10th graph, then the big one does not fit
        ("counts", 1),
        ("replace_graphs", 1),
        ("counts", 1),
    ]
    assert {g: n for g, n in counts(remote).items() if g in sizes} == sizes
    rows = select_rows(remote.query(f"SELECT ?o WHERE {{ GRAPH <{stale}> {{ ?s ?p ?o }} }}"))
    assert sorted(r["o"].value for r in rows) == [f"{stale} {j}" for j in range(3)]
    for graph in sizes:
        remote.drop_graph(graph)
