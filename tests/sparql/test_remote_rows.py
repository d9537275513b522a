"""``/sparql`` over a server asks it for no more rows than the endpoint sends.

The embedded store reads an answer lazily and stops at the row cap; a server computes and sends
every solution first (the whole partnership edge list of a 10^6 catalog: ~5.5 s, against ~0.5 s
for the 10,000 rows the endpoint sends). So a SELECT goes to the server with a ``LIMIT`` of the
cap + 1, and the answer is cut and flagged exactly as on the embedded store.
"""

from __future__ import annotations

from typing import Any

import pytest

from museumkg.sparql.remote_executor import RemoteExecutor
from museumkg.sparql.workers import QueryJob
from museumkg.store import Store, open_store

GRAPH = "http://x.example/rows"
UNORDERED = f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
ORDERED = UNORDERED + " ORDER BY DESC(?o)"


class Recorder:
    """The remote store, recording the query texts it is asked."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def query(self, sparql: str, **options: Any) -> Any:
        self.texts.append(sparql)
        return self.store.query(sparql, **options)


@pytest.fixture()
def recorder(oxigraph_server: str) -> Recorder:
    store = open_store(f"{oxigraph_server}/query", read_only=False)
    lines = "".join(f'<http://x.example/s{i}> <http://x.example/p> "{i:02}" .\n' for i in range(30))
    store.replace_graph(GRAPH, lines.encode(), format="nt")
    return Recorder(store)


def run(recorder: Recorder, text: str, max_rows: int, kind: str = "solutions") -> Any:
    executor = RemoteExecutor(recorder, workers=1, queue_timeout_s=5, ontology_dir=None)  # type: ignore[arg-type]
    fmt = "csv" if kind == "solutions" else "nt"
    return executor.execute(QueryJob(text, kind, fmt, 10.0, max_rows))


def test_a_select_is_limited_on_the_server_and_still_flagged(recorder: Recorder) -> None:
    answer = run(recorder, UNORDERED, 7)
    assert recorder.texts[-1].rstrip().endswith("LIMIT 8")  # the cap + 1
    assert answer.rows == 7 and answer.truncated


def test_a_smaller_limit_of_the_query_is_kept_a_larger_one_lowered(recorder: Recorder) -> None:
    answer = run(recorder, UNORDERED + " LIMIT 3", 7)
    assert recorder.texts[-1].rstrip().endswith("LIMIT 3")
    assert answer.rows == 3 and not answer.truncated
    answer = run(recorder, UNORDERED + " LIMIT 500 OFFSET 25", 7)  # lowered, its offset kept
    assert "LIMIT 8 OFFSET 25" in recorder.texts[-1]
    assert answer.rows == 5 and not answer.truncated


def test_a_sorted_select_is_sent_as_written(recorder: Recorder) -> None:
    """The server sorts every solution anyway, and Virtuoso refuses a sorted LIMIT above its
    MaxSortedTopRows (10,000 by default, the endpoint's default cap): cut here only."""
    answer = run(recorder, ORDERED, 7)
    assert "LIMIT" not in recorder.texts[-1]
    assert answer.rows == 7 and answer.truncated
    values = answer.body.decode().split("\r\n")[1:-1]
    assert values == [f"{i:02}" for i in range(29, 22, -1)]  # the first 7 of the whole order


def test_a_construct_is_sent_as_written(recorder: Recorder) -> None:
    """A CONSTRUCT's cap counts triples, not solutions: a LIMIT on solutions could cut
    triples the cap would have sent, so it is not added."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    answer = run(recorder, text, 7, kind="graph")
    assert "LIMIT" not in recorder.texts[-1]
    assert answer.rows == 7 and answer.truncated
