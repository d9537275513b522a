"""The catalog index's staging tables: raw rows kept in SQLite, not Python, while it is built.

:mod:`museumkg.index.index_writer` reads links, graph subjects, facets and asserted types from the
store into temporary tables of the index's connection (repeats included), then fills the final
tables from them with ``INSERT ... SELECT``: deduplicated and in primary-key order by SQLite,
which sorts in bounded memory (spilling to temporary files), each sort key joined from the
``names`` table. So the builder's memory does not grow with the largest tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

#: Raw rows, as read from the store, in the connection's temporary database.
STAGING = """
CREATE TEMP TABLE raw_types(entity INTEGER NOT NULL, class TEXT NOT NULL);
CREATE TEMP TABLE raw_facets(facet TEXT NOT NULL, value TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE TEMP TABLE raw_links(target INTEGER NOT NULL, source INTEGER NOT NULL, prop TEXT NOT NULL);
CREATE TEMP TABLE raw_graph_subjects(graph TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE TEMP TABLE class_expansion(class TEXT NOT NULL, target TEXT NOT NULL,
                                  asserted INTEGER NOT NULL);
"""


def open_new_index(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to a new index file at ``path`` with ``schema`` and the staging tables.

    The file is new, in a folder that lands atomically: no journal, no syncing while writing.
    Temporary tables and sorts spill to temporary files rather than growing in memory.
    """
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA temp_store = FILE")
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache per database
    db.executescript(schema)
    db.executescript(STAGING)
    return db


def write_types(db: sqlite3.Connection, superclasses: Callable[[str], Iterable[str]]) -> None:
    """``types`` from the staged asserted types, each with its ``superclasses`` (asserted 0),
    then ``class_counts`` and the class ``listing`` (``names`` must be written).

    A class both asserted and inherited by an entity is asserted (1).
    """
    classes = [row[0] for row in db.execute("SELECT DISTINCT class FROM raw_types")]
    expansion: list[tuple[str, str, int]] = []
    for cls in classes:
        expansion.append((cls, cls, 1))
        expansion += [(cls, parent, 0) for parent in superclasses(cls)]
    db.executemany("INSERT INTO class_expansion VALUES (?, ?, ?)", expansion)
    db.execute(
        "INSERT INTO types SELECT e.target, r.entity, MAX(e.asserted) "
        "FROM raw_types r JOIN class_expansion e ON e.class = r.class "
        "GROUP BY e.target, r.entity ORDER BY e.target, r.entity"
    )
    db.execute("DROP TABLE raw_types")
    db.execute(
        "INSERT INTO class_counts SELECT class, COUNT(*), SUM(asserted) FROM types GROUP BY class"
    )
    db.execute(
        "INSERT INTO listing SELECT t.class, n.lang, n.sort_key, t.entity "
        "FROM types t JOIN names n ON n.entity = t.entity"
    )


def write_facets(db: sqlite3.Connection) -> int:
    """``facets`` from the staged ones, deduplicated; how many there are."""
    db.execute(
        "INSERT OR IGNORE INTO facets SELECT facet, value, entity FROM raw_facets "
        "ORDER BY facet, value, entity"
    )
    db.execute("DROP TABLE raw_facets")
    (count,) = db.execute("SELECT COUNT(*) FROM facets").fetchone()
    return int(count)


def write_links(db: sqlite3.Connection, lang: str) -> None:
    """``links`` and ``graph_subjects`` from the staged rows, sort keys from ``names`` (``lang``).

    The two largest tables, inserted in primary-key order: appends, not random B-tree inserts.
    """
    db.execute(
        "INSERT OR IGNORE INTO links SELECT r.target, n.sort_key, r.source, r.prop "
        "FROM raw_links r JOIN names n ON n.entity = r.source AND n.lang = ? "
        "ORDER BY 1, 2, 3, 4",
        (lang,),
    )
    db.execute("DROP TABLE raw_links")
    db.execute(
        "INSERT OR IGNORE INTO graph_subjects SELECT r.graph, n.sort_key, r.entity "
        "FROM raw_graph_subjects r JOIN names n ON n.entity = r.entity AND n.lang = ? "
        "ORDER BY 1, 2, 3",
        (lang,),
    )
    db.execute("DROP TABLE raw_graph_subjects")
