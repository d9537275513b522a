"""The catalog index's bulk reads, run on a second thread while the rest is built.

``index_links`` and ``index_graph_subjects`` read every statement of the store (most of the
engine's time in the index step) and are needed only at the end, when ``links`` and
``graph_subjects`` are written; ``index_roles`` and ``index_partnerships`` are read whole and
only copied into staging tables. pyoxigraph evaluates and serializes a query without holding
Python's lock, so :class:`BackgroundScans` starts them all on one thread at the beginning (the
small ones first), writing their answers as SPARQL results files into a scratch folder
(bounded memory: streamed to disk), while the main thread reads and names everything else.
:meth:`BackgroundScans.stage` then waits for one and copies its file into its staging table
with ``executemany`` fed by the ``csv`` reader (no Python per row).

Two formats: pyoxigraph's CSV does not quote an IRI holding a comma, so IRIs are read as TSV
(every one ``<...>``, none holding a tab or a line break; SQLite takes the brackets off), and
queries with literals project every value as a string (``STR``), which CSV quotes as needed.
"""

from __future__ import annotations

import csv
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from museumkg.queries import named_solutions
from museumkg.store import Store


def _iri(n: int) -> str:
    """The ``n``-th parameter, ``<iri>``, without its angle brackets."""
    return f"substr(?{n}, 2, length(?{n}) - 2)"


@dataclass(frozen=True)
class Scan:
    """A query read in bulk: its results format and the staging table its rows go to."""

    query: str
    format: ox.QueryResultsFormat
    table: str
    #: The SQL of the staged row from the file's fields (``?1``, ``?2``, ...).
    values: str


_CSV, _TSV = ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV
#: The scans, in the order they run (the ones needed first, first).
SCANS = (
    Scan("index_roles", _CSV, "raw_roles", "?1, ?2, ?3, ?4 = 'true'"),
    Scan("index_partnerships", _CSV, "raw_partnerships", "?1, ?2, NULLIF(?3, '')"),
    Scan("index_links", _TSV, "raw_links", f"{_iri(1)}, {_iri(2)}, {_iri(3)}"),
    Scan("index_graph_subjects", _TSV, "raw_graph_subjects", f"{_iri(1)}, {_iri(2)}"),
)


class BackgroundScans:
    """Runs :data:`SCANS` on one thread into ``folder``; a context manager that waits for it.

    ``stage`` is to be called for every scan (``stage_all`` stages those left).

    >>> import tempfile
    >>> from museumkg.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> store.load('<http://e/a,1> <http://e/p> <http://e/b> .', format="nt", graph="http://e/g")
    >>> db = sqlite3.connect(":memory:")
    >>> _ = db.execute("CREATE TABLE raw_links(source, prop, target)")
    >>> _ = db.execute("CREATE TABLE raw_graph_subjects(graph, iri)")
    >>> _ = db.execute("CREATE TABLE raw_roles(role, link, value, is_iri)")
    >>> _ = db.execute("CREATE TABLE raw_partnerships(partnership, member, kind)")
    >>> with tempfile.TemporaryDirectory() as folder, BackgroundScans(store, Path(folder)) as scans:
    ...     scans.stage_all(db)
    >>> db.execute("SELECT * FROM raw_links").fetchall()
    [('http://e/a,1', 'http://e/p', 'http://e/b')]
    >>> db.execute("SELECT * FROM raw_graph_subjects").fetchall()
    [('http://e/g', 'http://e/a,1')]
    """

    def __init__(self, store: Store, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-scan")
        self._running: dict[str, tuple[Scan, Future[Path]]] = {}

    def __enter__(self) -> BackgroundScans:
        for scan in SCANS:
            self._running[scan.query] = (scan, self._pool.submit(self._scan, scan))
        return self

    def _scan(self, scan: Scan) -> Path:
        path = self.folder / f"{scan.query}.{scan.format.file_extension}"
        named_solutions(self.store, scan.query).serialize(str(path), scan.format)
        return path

    def stage(self, db: sqlite3.Connection, query: str) -> None:
        """Wait for the scan of ``query`` and copy its rows into its staging table (then delete
        its file). A scan's error is raised here."""
        scan, future = self._running.pop(query)
        path = future.result()
        with path.open(newline="", encoding="utf-8") as rows:
            if scan.format == ox.QueryResultsFormat.TSV:
                reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
            else:
                reader = csv.reader(rows)
            if next(reader, None) is not None:  # the header: the variables' names
                db.executemany(f"INSERT INTO {scan.table} VALUES ({scan.values})", reader)
        path.unlink()

    def stage_all(self, db: sqlite3.Connection) -> None:
        """:meth:`stage` every scan not staged yet."""
        for query in list(self._running):
            self.stage(db, query)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True)  # a scan under way ends before its folder goes
