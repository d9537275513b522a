"""Running untrusted SPARQL with bounded harm: a supervised pool of worker processes.

pyoxigraph's Python API has no query timeout, its cancellation is cooperative, and some query
texts crash the process outright (deep nesting or long operator chains overflow the native
stack; a large basic graph pattern plans for minutes without yielding). So the endpoint runs
each user query in a worker process that holds its own read-only handle on the store folder:

- a query past its deadline is stopped by killing its worker (SIGKILL), which really stops the
  work, and the caller gets :class:`QueryTimeout`; the worker is replaced;
- a worker that dies while answering (a crash, the memory limit) gives :class:`WorkerCrashed`
  and is replaced; the next query runs on a healthy worker;
- the number of workers caps how many queries run at once; a query that finds no free worker
  within ``queue_timeout_s`` gets :class:`Overloaded` (to answer 503 with Retry-After) instead
  of queueing for ever.

Workers are fresh interpreters (``python -c``) that import only this module, so they never
inherit the web app, its threads or its open files; each ends by itself when the server goes
away, even in the middle of a query. The worker serializes the answer itself (see
:mod:`museumkg.sparql.results`), so the deadline covers the whole work and only bytes travel back.

:class:`QueryExecutor` is the interface the web app uses. :class:`WorkerPool` is the one for a
store folder on disk; :class:`InlineExecutor` runs in the calling thread, for in-memory stores
(tests) and for remote stores, whose server enforces its own limits. :func:`make_executor`
picks one. Nothing here imports Flask.
"""

from __future__ import annotations

import logging
import math
import multiprocessing.connection
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from museumkg.sparql import wire
from museumkg.sparql.idle import IdleWorkers
from museumkg.sparql.results import Written, find_format, jsonld_context, write_result
from museumkg.store import (
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
    StoreUnavailable,
    open_store,
    syntax_error,
)

log = logging.getLogger("museumkg.sparql.workers")

#: How long a new worker may take to open the store before it counts as broken.
START_TIMEOUT_S = 60.0


class Overloaded(StoreError):
    """Every worker is busy; the query was not started. Retry after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class WorkerCrashed(StoreError):
    """The worker process died while answering (a crash in the engine, or out of memory)."""


@dataclass(frozen=True)
class QueryJob:
    """One query to run: its text, the dataset, the answer format and its limits.

    ``default_graphs`` / ``named_graphs`` are the SPARQL Protocol's ``default-graph-uri`` and
    ``named-graph-uri``: when either is given, the dataset is exactly those local graphs (an
    absent list means none). Otherwise the query's own FROM clauses decide, and without those
    the default graph is the union of all graphs (``union_default_graph``).
    """

    query: str
    kind: str  # results.SOLUTIONS or results.GRAPH
    format: str  # a results.ResultFormat name of that kind
    timeout_s: float
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True
    #: relative IRIs in the query resolve against this (the endpoint's URL), as in SPARQL
    #: servers; a ``BASE`` in the query itself still applies (resolved against this one)
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialized answer and what the caller needs to send it."""

    body: bytes
    content_type: str
    rows: int
    truncated: bool
    seconds: float


class QueryExecutor(Protocol):
    """What the web app needs to run user queries; implementations bound the harm."""

    def execute(self, job: QueryJob) -> QueryAnswer:
        """Run ``job`` and return its serialized answer.

        Raises:
            QuerySyntaxError: the text does not parse.
            QueryTimeout: the time limit was reached; the work was stopped.
            Overloaded: no capacity now; nothing was started.
            WorkerCrashed: the process running the query died.
            StoreError: any other failure of the store.
        """
        ...

    def close(self) -> None:
        """Stop: release workers and handles. Idempotent."""
        ...


def run_job(
    query: Callable[..., QueryResult], job: QueryJob, context: dict[str, Any] | None
) -> QueryAnswer:
    """Run a job with ``query`` (a :class:`~museumkg.store.Store`'s ``query``) and serialize it.

    Raises:
        QuerySyntaxError: the text does not parse.
        StoreError: the store failed, or the answer cannot be written in the format.
    """
    fmt = find_format(job.kind, job.format)
    if fmt is None:
        raise StoreError(f"no {job.kind} result format named {job.format!r}")
    started = time.perf_counter()
    prefix = f"BASE <{job.base_iri}> " if job.base_iri else ""
    try:
        result = query(
            prefix + job.query,
            union_default_graph=job.union_default_graph,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            timeout_s=job.timeout_s,
        )
    except SyntaxError as err:
        raise _unprefixed(syntax_error(err), len(prefix)) from err
    except QuerySyntaxError as err:
        raise _unprefixed(err, len(prefix)) from err
    except (OSError, RuntimeError, ValueError) as err:
        raise StoreError(f"the query failed: {err}") from err
    try:
        written: Written = write_result(result, fmt, max_rows=job.max_rows, context=context)
    except (SyntaxError, OSError, RuntimeError, ValueError) as err:
        # Results are read lazily: a SyntaxError here is a broken answer (a remote server's
        # body cut off mid-way), never the user's query text, which parsed above.
        raise StoreError(f"the query failed while its results were read: {err}") from err
    elapsed = time.perf_counter() - started
    return QueryAnswer(written.body, fmt.content_type, written.rows, written.truncated, elapsed)


def _unprefixed(err: QuerySyntaxError, width: int) -> QuerySyntaxError:
    """``err`` located in the user's text: the ``BASE`` prefix (``width`` characters on the
    first line) taken out of its column and message."""
    if not width or err.line != 1 or err.column is None:
        return err
    column = max(1, err.column - width)

    def shifted(found: re.Match[str]) -> str:
        return f"1:{max(1, int(found.group(1)) - width)}"

    message = re.sub(r"\b1:(\d+)", shifted, str(err), count=1)
    return QuerySyntaxError(message, err.line, column)


class InlineExecutor:
    """Runs queries in the calling thread: no process isolation and no hard time limit.

    For in-memory stores (tests) and stores without local files.
    """

    def __init__(self, store: Store, ontology_dir: Path | None = None) -> None:
        self.store = store
        self._ontology_dir = ontology_dir
        self._context: dict[str, Any] | None = None

    def execute(self, job: QueryJob) -> QueryAnswer:
        """Run ``job`` here and now; see :class:`QueryExecutor`."""
        if job.format == "jsonld" and self._context is None:
            self._context = jsonld_context(self._ontology_dir)
        return run_job(self.store.query, job, self._context)

    def close(self) -> None:
        """Nothing to release: the store belongs to the caller."""


# --- the worker process -----------------------------------------------------------------------

#: How often a worker checks that the server that started it is still there.
_WATCHDOG_S = 0.5
_WORKER_CODE = (
    "import sys; from museumkg.sparql.workers import worker_main; worker_main(sys.argv[1:])"
)


def _watch_parent(parent: int) -> None:
    """End this worker when the server that started it is gone (even mid-query)."""
    while True:
        time.sleep(_WATCHDOG_S)
        if os.getppid() != parent:
            os._exit(3)


def worker_main(argv: list[str]) -> None:
    """A worker process: ``argv`` is [socket fd, store folder, ontology folder or ""].

    Opens the store read-only, says ready, then answers jobs until the socket closes. Run as
    ``python -c`` by :class:`WorkerPool`, never imported into the web process's state.
    """
    fd, path, ontology = int(argv[0]), argv[1], argv[2] or None
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    conn = multiprocessing.connection.Connection(fd)
    try:
        store = open_store(Path(path), read_only=True)
    except StoreError as err:
        conn.send(("failed", str(err)))
        return
    context: dict[str, Any] | None = None
    conn.send(("ready", None))
    while True:
        try:
            job = wire.receive(conn)
        except (EOFError, OSError):
            return  # the server closed the socket or went away: stop
        if job is None:
            return
        try:
            if job.format == "jsonld" and context is None:
                context = jsonld_context(Path(ontology) if ontology else None)
            reply: tuple[Any, ...] = ("ok", run_job(store.query, job, context))
        except QuerySyntaxError as err:
            reply = ("syntax", str(err), err.line, err.column)
        except StoreError as err:
            reply = ("error", str(err))
        except Exception as err:  # reported to the server, which logs it; the worker lives on
            reply = ("error", f"{type(err).__name__}: {err}")
        wire.send(conn, reply)


def _worker_env() -> dict[str, str]:
    """The worker's environment: the server's, with this package importable first."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


class _Worker:
    """One worker process (a fresh interpreter) and the server's end of its socket.

    A fresh interpreter, not ``multiprocessing``'s: a fork copies the web app's threads and
    files, spawn/forkserver re-import the server's ``__main__`` (the CLI) in every worker.
    """

    def __init__(self, path: str, ontology: str | None) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), path, ontology or ""],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=_worker_env(),
            )
        finally:
            theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        self.ready = False

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    def alive(self) -> bool:
        """Tell whether the process is still running."""
        return self.process.poll() is None

    def wait_ready(self, timeout_s: float) -> None:
        """Wait for the worker to have opened the store.

        Raises:
            StoreUnavailable: when it failed to, died, or took longer than ``timeout_s``.
        """
        if not multiprocessing.connection.wait([self.conn], timeout_s):
            raise StoreUnavailable("a query worker did not start in time (see the server log)")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError) as err:
            raise StoreUnavailable("a query worker died while opening the store") from err
        if status != "ready":
            raise StoreUnavailable(f"a query worker cannot open the store: {detail}")
        self.ready = True

    def stop(self) -> None:
        """Kill the process (a no-op if it has ended) and reap it."""
        if self.alive():
            self.process.kill()
        self.conn.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not end after SIGKILL", self.pid)


class WorkerPool:
    """A supervised pool of query worker processes over one store folder (read-only).

    Args:
        store_path: the store folder; each worker opens it with ``read_only=True``.
        workers: how many processes, so how many queries may run at once.
        queue_timeout_s: how long a query waits for a free worker before :class:`Overloaded`.
        ontology_dir: where ``context.jsonld`` is, for JSON-LD answers.

    >>> import tempfile
    >>> from museumkg.store import EmbeddedStore
    >>> folder = tempfile.mkdtemp()
    >>> EmbeddedStore(folder).load('<http://ex.org/a> <http://ex.org/p> "x" .',
    ...                            format="nt", graph="http://ex.org/g")
    >>> pool = WorkerPool(folder, workers=1)
    >>> pool.start()
    >>> pool.execute(QueryJob("SELECT ?o { ?s ?p ?o }", "solutions", "csv", 5, 10)).body
    b'o\\r\\nx\\r\\n'
    >>> pool.close()
    """

    def __init__(
        self,
        store_path: str | Path,
        *,
        workers: int = 2,
        queue_timeout_s: float = 2.0,
        ontology_dir: str | Path | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {workers}")
        self.store_path = str(store_path)
        self.workers = workers
        self.queue_timeout_s = queue_timeout_s
        self._ontology = str(ontology_dir) if ontology_dir is not None else None
        self._idle: IdleWorkers[_Worker] = IdleWorkers()  # the warmest first, new ones last
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False
        self._running, self._running_changed = 0, threading.Condition()  # jobs sent, unanswered

    def start(self) -> None:
        """Start the workers (they open the store in the background). Idempotent."""
        with self._lock:
            if self._started or self._closed:
                return
            for _ in range(self.workers):
                self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        """Start one worker (the caller holds the lock)."""
        self._started += 1
        worker = _Worker(self.store_path, self._ontology)
        self._all.add(worker)
        return worker

    def pids(self) -> list[int]:
        """Process ids of the live workers (for operators and tests)."""
        with self._lock:
            return [w.pid for w in self._all if w.alive()]

    def wait_running(self, count: int, timeout_s: float) -> bool:
        """Wait until ``count`` queries run in workers (False after ``timeout_s``); no sleep."""
        with self._running_changed:
            return self._running_changed.wait_for(lambda: self._running >= count, timeout_s)

    def _count_running(self, change: int) -> None:
        with self._running_changed:
            self._running += change
            self._running_changed.notify_all()

    def execute(self, job: QueryJob) -> QueryAnswer:
        """Run ``job`` on a free worker; see :class:`QueryExecutor`."""
        self.start()
        worker = self._acquire()
        healthy = False
        try:
            if not worker.ready:
                worker.wait_ready(START_TIMEOUT_S)
            reply = self._ask(worker, job)
            healthy = True
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)
        return _answer(reply)

    def _acquire(self) -> _Worker:
        """A free, live worker, waiting at most ``queue_timeout_s`` for one.

        A worker found dead while idle (killed from outside) is replaced, not used.
        """
        deadline = time.monotonic() + self.queue_timeout_s
        while True:
            worker = self._idle.get(max(0.0, deadline - time.monotonic()))
            if worker is None:
                raise Overloaded(
                    f"all {self.workers} query workers are busy; try again shortly",
                    retry_after_s=max(1, math.ceil(self.queue_timeout_s)),
                )
            if worker.alive():
                return worker
            log.warning("query worker %s had ended while idle: replacing it", worker.pid)
            self._replace(worker)

    def _ask(self, worker: _Worker, job: QueryJob) -> tuple[Any, ...]:
        """Send ``job`` and wait for the reply until the deadline; kill on timeout."""
        try:
            wire.send(worker.conn, job)
        except OSError as err:
            raise WorkerCrashed("the query worker was gone before the query started") from err
        self._count_running(+1)
        try:
            return self._reply(worker, job)
        finally:
            self._count_running(-1)

    def _reply(self, worker: _Worker, job: QueryJob) -> tuple[Any, ...]:
        if not wire.readable(worker.conn, job.timeout_s):
            log.warning(
                "query stopped at its %g s limit (worker %s killed)", job.timeout_s, worker.pid
            )
            raise QueryTimeout(job.timeout_s)
        try:
            reply: tuple[Any, ...] = wire.receive(worker.conn)
        except (EOFError, OSError) as err:
            code = worker.process.poll()
            log.error("query worker %s died while answering (exit code %s)", worker.pid, code)
            raise WorkerCrashed("the process running the query died") from err
        return reply

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that timed out, died or failed, and start another in its place."""
        worker.stop()
        with self._lock:
            self._all.discard(worker)
            if not self._closed:
                self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop every worker (killed: a read-only worker has nothing to save)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def _answer(reply: tuple[Any, ...]) -> QueryAnswer:
    """Turn a worker's reply into the answer, or raise what the worker reported."""
    status = reply[0]
    if status == "ok":
        answer: QueryAnswer = reply[1]
        return answer
    if status == "syntax":
        raise QuerySyntaxError(reply[1], reply[2], reply[3])
    raise StoreError(reply[1])


def make_executor(
    store: Store, *, workers: int, queue_timeout_s: float, ontology_dir: Path | None
) -> QueryExecutor:
    """The executor for ``store``: a worker pool over its local files, inline otherwise."""
    if store.capabilities.local_files and store.location is not None:
        return WorkerPool(
            store.location,
            workers=workers,
            queue_timeout_s=queue_timeout_s,
            ontology_dir=ontology_dir,
        )
    return InlineExecutor(store, ontology_dir)
