"""Running ``/sparql`` queries on a remote SPARQL server with the endpoint's guarantees.

The public endpoint promises the same bounds whatever the backend: a time limit, a cap on how
many queries run at once, and a cap on result rows. For an embedded store the worker pool of
:mod:`museumkg.sparql.workers` gives them; for a remote store :class:`RemoteExecutor` does:

- **time limit**: the query is sent with its limit (the server's own timeout parameter where
  the dialect has one, see :data:`museumkg.store.remote.DIALECTS`, and always as the HTTP
  request's timeout), and the caller waits no longer than the limit plus a small margin: a
  server that accepts the connection and then stalls cannot hold a request thread past it.
  The answer is :class:`~museumkg.store.QueryTimeout` (504);
- **concurrency**: at most ``workers`` queries are in flight on the server; a query that finds
  no free slot within ``queue_timeout_s`` gets :class:`~museumkg.sparql.workers.Overloaded` (503). A
  query abandoned at its deadline keeps its slot until its HTTP request really ends, so a
  stalled server is not sent ever more work;
- **rows**: the answer is written by :func:`museumkg.sparql.workers.run_job`, which cuts it at
  ``max_rows`` and flags it as truncated, exactly as for the embedded store. A SELECT without
  ``ORDER BY`` is sent with a ``LIMIT`` of ``max_rows + 1`` (the one row more tells that the
  cut is there; :func:`museumkg.store.sparql_text.limit_solutions`, which says why a sorted
  one is not): the embedded store reads its answer lazily and stops at the cut, while a
  server computes and sends every solution first (the whole partnership edge list of a 10^6
  catalog: ~5.5 s on Oxigraph server, the first 10,000 rows ~0.5 s embedded);
- **faults**: an unreachable server is :class:`~museumkg.store.StoreUnavailable` (503, naming
  the server); nothing is kept between requests, so the next query after the server comes back
  simply works.

The screen (no updates, ``SERVICE`` or ``LOAD``) runs in the web app before any executor.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from museumkg.formats import SOLUTIONS
from museumkg.sparql.results import jsonld_context
from museumkg.sparql.workers import Overloaded, QueryAnswer, QueryJob, run_job
from museumkg.store import QueryTimeout, Store
from museumkg.store.sparql_text import limit_solutions

#: Extra time granted past a query's limit for the answer to travel and be written.
MARGIN_S = 1.0


class RemoteExecutor:
    """A :class:`~museumkg.sparql.workers.QueryExecutor` for a remote store (see the module
    docstring).

    Args:
        store: a store answered by a server (its ``endpoint``), which takes ``timeout_s``.
        workers: most queries in flight at once.
        queue_timeout_s: how long a query waits for a slot before :class:`Overloaded`.
        ontology_dir: where the JSON-LD context is read from (for JSON-LD answers).
    """

    def __init__(
        self, store: Store, *, workers: int, queue_timeout_s: float, ontology_dir: Path | None
    ) -> None:
        self.store = store
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._queue_timeout_s = queue_timeout_s
        self._ontology_dir = ontology_dir
        self._context: dict[str, Any] | None = None

    def execute(self, job: QueryJob) -> QueryAnswer:
        """Run ``job`` on the server; see :class:`~museumkg.sparql.workers.QueryExecutor`."""
        if job.format == "jsonld" and self._context is None:
            self._context = jsonld_context(self._ontology_dir)
        if not self._slots.acquire(timeout=self._queue_timeout_s):
            raise Overloaded(
                "every query slot is busy: the SPARQL server is answering other queries; "
                "retry shortly",
                retry_after_s=max(1, round(self._queue_timeout_s)),
            )
        if job.kind == SOLUTIONS:
            job = replace(job, query=limit_solutions(job.query, job.max_rows + 1))
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["answer"] = run_job(self.store.query, job, self._context)
            except BaseException as err:  # handed to the waiting request thread
                outcome["error"] = err
            finally:
                self._slots.release()

        worker = threading.Thread(target=run, name="museumkg-remote-query", daemon=True)
        worker.start()
        worker.join(job.timeout_s + MARGIN_S)
        if worker.is_alive():
            raise QueryTimeout(job.timeout_s)
        error = outcome.get("error")
        if isinstance(error, QueryTimeout):  # reported with the limit the user asked for
            raise QueryTimeout(job.timeout_s) from error
        if error is not None:
            raise error
        answer: QueryAnswer = outcome["answer"]
        return answer

    def close(self) -> None:
        """Nothing to release: every query opens its own connection."""
