"""The catalog index's two whole-store scans, run on a second thread while the rest is built.

``index_links`` and ``index_graph_subjects`` read every statement of the store (most of the
engine's time in the index step) and are needed only at the end, when ``links`` and
``graph_subjects`` are written. pyoxigraph evaluates and serializes a query without holding
Python's lock, so :class:`BackgroundScans` starts both on a thread at the beginning, writing
their answers as SPARQL TSV files into a scratch folder (bounded memory: streamed to disk),
while the main thread reads and names everything else. :meth:`BackgroundScans.stage` then
waits for them and copies the files into the staging tables with ``executemany`` fed by the
``csv`` reader (no Python per row); the IRIs' angle brackets are taken off by SQLite.

TSV, not CSV: in pyoxigraph's CSV an IRI holding a comma is not quoted; in TSV every IRI is
``<...>`` and none holds a tab or a line break.
"""

from __future__ import annotations

import csv
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from museumkg.queries import named_solutions
from museumkg.store import Store

#: Query, then the staging table its rows go to (every column an IRI).
SCANS = (("index_links", "raw_links"), ("index_graph_subjects", "raw_graph_subjects"))


def _stripped(columns: int) -> str:
    """``VALUES`` of ``columns`` parameters, each ``<iri>`` without its angle brackets."""
    return ", ".join(f"substr(?{n}, 2, length(?{n}) - 2)" for n in range(1, columns + 1))


class BackgroundScans:
    """Runs :data:`SCANS` on one thread into ``folder``; a context manager that waits for it.

    >>> import tempfile
    >>> from museumkg.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> store.load('<http://e/a,1> <http://e/p> <http://e/b> .', format="nt", graph="http://e/g")
    >>> db = sqlite3.connect(":memory:")
    >>> _ = db.execute("CREATE TABLE raw_links(source, prop, target)")
    >>> _ = db.execute("CREATE TABLE raw_graph_subjects(graph, iri)")
    >>> with tempfile.TemporaryDirectory() as folder, BackgroundScans(store, Path(folder)) as scans:
    ...     scans.stage(db)
    >>> db.execute("SELECT * FROM raw_links").fetchall()
    [('http://e/a,1', 'http://e/p', 'http://e/b')]
    >>> db.execute("SELECT * FROM raw_graph_subjects").fetchall()
    [('http://e/g', 'http://e/a,1')]
    """

    def __init__(self, store: Store, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-scan")
        self._done: list[tuple[Future[None], Path, str]] = []

    def __enter__(self) -> BackgroundScans:
        for query, table in SCANS:
            path = self.folder / f"{query}.tsv"
            self._done.append((self._pool.submit(self._scan, query, path), path, table))
        return self

    def _scan(self, query: str, path: Path) -> None:
        named_solutions(self.store, query).serialize(str(path), ox.QueryResultsFormat.TSV)

    def stage(self, db: sqlite3.Connection) -> None:
        """Wait for the scans and copy their rows into their staging tables (then delete the
        files). A scan's error is raised here."""
        for future, path, table in self._done:
            future.result()
            with path.open(newline="", encoding="utf-8") as rows:
                reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
                columns = len(next(reader, ()))
                if columns:
                    sql = f"INSERT INTO {table} VALUES ({_stripped(columns)})"
                    db.executemany(sql, reader)
            path.unlink()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True)  # a scan under way ends before its folder goes
