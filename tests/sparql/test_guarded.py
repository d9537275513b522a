"""The worker pool: answers, real stops at deadlines, crashes contained, load shed, clean exit."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from museumkg.config import Settings
from museumkg.sparql.workers import (
    InlineExecutor,
    Overloaded,
    QueryJob,
    QueryTimeout,
    WorkerCrashed,
    WorkerPool,
    run_job,
)
from museumkg.store import EmbeddedStore, QuerySyntaxError, StoreError
from museumkg.store.catalog import current_store_dir

#: Counts a cartesian product of the whole store three times over: never ends on its own.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }"
#: A long chain of additions (16 KB, one level deep): pyoxigraph overflows its native stack on it
#: and the process dies of SIGSEGV. The screen lets it through; the pool must contain it.
CRASHING = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 8000) + ") }"


def job(text: str, fmt: str = "csv", timeout_s: float = 10.0, **extra: object) -> QueryJob:
    kind = "graph" if fmt in ("ttl", "jsonld", "nt") else "solutions"
    return QueryJob(text, kind, fmt, timeout_s, 1000, **extra)  # type: ignore[arg-type]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # a zombie is not alive
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.fixture(scope="module")
def store_dir(catalog_settings: Settings) -> Path:
    found = current_store_dir(catalog_settings)
    assert found is not None
    return found


@pytest.fixture()
def pool(store_dir: Path, catalog_settings: Settings) -> Iterator[WorkerPool]:
    started = WorkerPool(store_dir, workers=2, ontology_dir=catalog_settings.ontology_dir)
    started.start()
    yield started
    started.close()


def test_answers_in_the_asked_format(pool: WorkerPool, store: EmbeddedStore) -> None:
    answer = pool.execute(job("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert answer.content_type == "text/csv; charset=utf-8"
    assert answer.body.decode().split("\r\n")[1] == str(store.count())
    assert answer.rows == 1 and not answer.truncated

    ld = pool.execute(job("CONSTRUCT WHERE { ?s a ?c } LIMIT 5", "jsonld"))
    assert ld.content_type == "application/ld+json"
    assert b'"@context"' in ld.body and ld.rows == 5


def test_row_cap_marks_truncation(pool: WorkerPool) -> None:
    capped = QueryJob("SELECT * WHERE { ?s ?p ?o }", "solutions", "json", 10.0, 7)
    answer = pool.execute(capped)
    assert answer.rows == 7 and answer.truncated
    assert b'"truncated":true' in answer.body


def test_syntax_errors_come_back_with_their_position(pool: WorkerPool) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        pool.execute(job("SELECT * WHERE {\n  ?s ?p\n}"))
    assert caught.value.line == 3 and caught.value.column is not None


def test_the_deadline_kills_the_worker_and_the_next_query_runs(pool: WorkerPool) -> None:
    before = set(pool.pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="1 s"):
        pool.execute(job(CARTESIAN, timeout_s=1.0))
    assert time.monotonic() - started < 3.0
    killed = before - set(pool.pids())
    assert len(killed) == 1, "the worker running the query was replaced"
    assert not _alive(killed.pop()), "really stopped: the process is gone"
    assert pool.execute(job(SIMPLE)).rows == 1
    assert len(pool.pids()) == 2


def test_a_worker_killed_mid_query_gives_a_clean_error(pool: WorkerPool) -> None:
    pool.execute(job(SIMPLE))  # both workers are up
    outcome: list[BaseException | None] = []

    def slow() -> None:
        try:
            pool.execute(job(CARTESIAN, timeout_s=20.0))
            outcome.append(None)
        except BaseException as err:
            outcome.append(err)

    idle_before = set(pool.pids())
    runner = threading.Thread(target=slow)
    runner.start()
    assert pool.wait_running(1, timeout_s=30)  # which worker took it does not matter
    for pid in idle_before:
        os.kill(pid, signal.SIGKILL)
    runner.join(timeout=10)
    assert isinstance(outcome[0], WorkerCrashed)
    # the pool replaced the dead workers, including the idle one killed from outside
    assert pool.execute(job(SIMPLE)).rows == 1
    assert pool.execute(job(SIMPLE)).rows == 1
    assert not set(pool.pids()) & idle_before


def test_a_query_that_crashes_the_engine_costs_one_worker(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed):
        pool.execute(job(CRASHING))
    assert pool.execute(job(SIMPLE)).rows == 1


def test_no_free_worker_sheds_load(store_dir: Path) -> None:
    single = WorkerPool(store_dir, workers=1, queue_timeout_s=0.3)
    single.start()
    try:
        single.execute(job(SIMPLE))
        runner = threading.Thread(
            target=lambda: pytest.raises(QueryTimeout, single.execute, job(CARTESIAN, timeout_s=3))
        )
        runner.start()
        assert single.wait_running(1, timeout_s=30)  # the one worker is busy
        started = time.monotonic()
        with pytest.raises(Overloaded) as caught:
            single.execute(job(SIMPLE))
        assert time.monotonic() - started < 1.5, "shed after the queue timeout, not queued"
        assert caught.value.retry_after_s >= 1
        runner.join(timeout=10)
        assert single.execute(job(SIMPLE)).rows == 1
    finally:
        single.close()


def test_close_ends_every_worker(store_dir: Path) -> None:
    pool = WorkerPool(store_dir, workers=2)
    pool.start()
    pool.execute(job(SIMPLE))
    pids = pool.pids()
    assert len(pids) == 2
    pool.close()
    assert not any(_alive(pid) for pid in pids)
    pool.close()  # idempotent


def test_the_inline_executor_serves_in_memory_stores() -> None:
    store = EmbeddedStore()
    store.load('<http://ex.org/a> <http://ex.org/p> "x" .', format="nt", graph="http://ex.org/g")
    inline = InlineExecutor(store)
    assert inline.execute(job("SELECT ?o { ?s ?p ?o }")).body == b"o\r\nx\r\n"
    only = job("SELECT ?o { ?s ?p ?o }", default_graphs=("http://ex.org/other",))
    assert inline.execute(only).body == b"o\r\n"


def test_a_broken_answer_read_lazily_is_a_store_error_not_the_users_syntax_error() -> None:
    """A remote server's answer cut off mid-way fails while rows are read, after the text parsed:
    that is the server's fault, and must not come back as a syntax error in the user's query."""
    cut = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e'

    def remote_like(text: str, **dataset: object) -> ox.QuerySolutions:
        return ox.parse_query_results(cut, format=ox.QueryResultsFormat.JSON)

    with pytest.raises(StoreError, match="while its results were read") as caught:
        run_job(remote_like, job("SELECT ?s WHERE { ?s ?p ?o }", fmt="json"), None)
    assert not isinstance(caught.value, QuerySyntaxError)
