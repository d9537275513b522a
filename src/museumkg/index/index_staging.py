"""The catalog index's staging tables: raw rows kept in SQLite, not Python, while it is built.

:mod:`museumkg.index.index_writer` streams the store's answers into temporary tables of the
index's connection as they are read, keyed by IRI (repeats included): the entity IRIs in the
order they are met (``raw_seen``), types, names, facets, places, links, graph subjects, role
parts and partnership members. Entities are then numbered in the order they were first met,
and every final table is filled with ``INSERT ... SELECT`` joining ``entities`` by IRI and the
(temporary) ``names`` table for sort keys, deduplicated and in primary-key order by SQLite,
which sorts in bounded memory (spilling to temporary files). So the builder's memory does not
grow with the catalog.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from museumkg.iris import parse_entity_iri
from museumkg.textfold import latin

#: Raw rows, as read from the store, in the connection's temporary database.
STAGING = """
CREATE TEMP TABLE raw_seen(iri TEXT NOT NULL);
CREATE TEMP TABLE raw_type_rows(term TEXT NOT NULL, class TEXT);
CREATE TEMP TABLE raw_labels(iri TEXT NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
                             pref INTEGER NOT NULL);
CREATE TEMP TABLE raw_facets(facet TEXT NOT NULL, value TEXT NOT NULL, iri TEXT NOT NULL);
CREATE TEMP TABLE raw_located(place TEXT NOT NULL, iri TEXT NOT NULL);
CREATE TEMP TABLE raw_links(source TEXT NOT NULL, prop TEXT NOT NULL, target TEXT NOT NULL);
CREATE TEMP TABLE raw_graph_subjects(graph TEXT NOT NULL, iri TEXT NOT NULL);
CREATE TEMP TABLE raw_roles(role TEXT NOT NULL, link TEXT NOT NULL, value TEXT NOT NULL,
                            is_iri INTEGER NOT NULL);
CREATE TEMP TABLE raw_partnerships(partnership TEXT NOT NULL, member TEXT NOT NULL, kind TEXT);
CREATE TEMP TABLE raw_types(entity INTEGER NOT NULL, class TEXT NOT NULL);
CREATE TEMP TABLE label_rows(entity INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
                             pref INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TEMP TABLE raw_name_keys(key TEXT NOT NULL, loose INTEGER NOT NULL, entity INTEGER NOT NULL,
                                label INTEGER NOT NULL, how INTEGER NOT NULL,
                                named INTEGER NOT NULL);
CREATE TEMP TABLE names(entity INTEGER NOT NULL, lang TEXT NOT NULL, sort_key TEXT NOT NULL,
                        PRIMARY KEY(entity, lang)) WITHOUT ROWID;
CREATE TEMP TABLE class_expansion(class TEXT NOT NULL, target TEXT NOT NULL,
                                  asserted INTEGER NOT NULL);
"""

#: Rows fetched at a time from a staging query.
FETCH = 10_000
#: Where the sequence numbers of synthesized names start (after every name read).
SYNTH_SEQ = 1 << 60


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
    db.execute("PRAGMA temp.cache_size = -65536")
    db.executescript(schema)
    db.executescript(STAGING)
    return db


def fetched(db: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> Iterator[tuple]:
    """The rows of ``sql``, fetched in batches (other statements may run in between)."""
    cursor = db.execute(sql, tuple(params))
    while batch := cursor.fetchmany(FETCH):
        yield from batch


def number_entities(db: sqlite3.Connection, base_iri: str) -> int:
    """Fill ``entities`` (and ``slugs_fts``) from ``raw_seen``: every entity IRI, numbered from 1
    in the order it was first met; IRIs that are not entities are left out. How many there are."""
    db.execute(
        "CREATE TEMP TABLE first_seen AS SELECT iri, MIN(rowid) AS seq FROM raw_seen GROUP BY iri"
    )
    db.execute("DROP TABLE raw_seen")
    rows = fetched(db, "SELECT iri FROM first_seen ORDER BY seq")
    count = 0
    batch: list[tuple[int, str, str, str]] = []
    for (iri,) in rows:
        ref = parse_entity_iri(base_iri, iri)
        if ref is None:
            continue
        count += 1
        batch.append((count, iri, ref.kind, ref.slug))
        if len(batch) >= FETCH:
            _write_entities(db, batch)
    _write_entities(db, batch)
    db.execute("DROP TABLE first_seen")
    return count


def _write_entities(db: sqlite3.Connection, batch: list[tuple[int, str, str, str]]) -> None:
    db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)", batch)
    db.executemany(
        "INSERT INTO slugs_fts(rowid, words) VALUES (?, ?)",
        ((n, f"{kind} {latin(slug)}") for n, _iri, kind, slug in batch),
    )
    batch.clear()


def stage_ids(db: sqlite3.Connection) -> None:
    """The staged types and names with entity numbers (``raw_types``, ``label_rows``).

    A name is kept once per entity, text, language and preference, with the sequence number of
    its first reading (which orders the labels).
    """
    db.execute(
        "INSERT INTO raw_types SELECT e.id, r.class FROM raw_type_rows r "
        "JOIN entities e ON e.iri = r.term WHERE r.class IS NOT NULL"
    )
    db.execute(
        "INSERT INTO label_rows SELECT e.id, r.text, r.lang, r.pref, MIN(r.rowid) "
        "FROM raw_labels r JOIN entities e ON e.iri = r.iri GROUP BY e.id, r.text, r.lang, r.pref"
    )
    db.execute("DROP TABLE raw_labels")
    db.execute("CREATE INDEX temp.label_rows_entity ON label_rows(entity, pref)")


def typed_counts(db: sqlite3.Connection, namespace: str) -> dict[str, int]:
    """Typed things per class of ``namespace``, every typed resource counted (for the home page)."""
    sql = (
        "SELECT class, COUNT(DISTINCT term) FROM raw_type_rows WHERE substr(class, 1, ?) = ? "
        "GROUP BY class ORDER BY MIN(rowid)"
    )
    found = {cls: int(n) for cls, n in db.execute(sql, (len(namespace), namespace))}
    db.execute("DROP TABLE raw_type_rows")
    return found


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
    db.execute(
        "INSERT INTO class_counts SELECT class, COUNT(*), SUM(asserted) FROM types GROUP BY class"
    )
    db.execute(
        "INSERT INTO listing SELECT t.class, n.lang, n.sort_key, t.entity "
        "FROM types t JOIN names n ON n.entity = t.entity ORDER BY 1, 2, 3, 4"
    )


def write_facets(db: sqlite3.Connection) -> int:
    """``facets`` from the staged ones and the asserted types, deduplicated, then ``located``;
    how many facets there are."""
    db.execute(
        "INSERT OR IGNORE INTO facets SELECT facet, value, entity FROM ("
        "SELECT 'type' AS facet, class AS value, entity FROM raw_types UNION ALL "
        "SELECT r.facet, r.value, e.id FROM raw_facets r JOIN entities e ON e.iri = r.iri"
        ") ORDER BY 1, 2, 3"
    )
    db.execute("DROP TABLE raw_facets")
    db.execute(
        "INSERT OR IGNORE INTO located SELECT p.id, e.id FROM raw_located r "
        "JOIN entities p ON p.iri = r.place JOIN entities e ON e.iri = r.iri ORDER BY 1, 2"
    )
    db.execute("DROP TABLE raw_located")
    (count,) = db.execute("SELECT COUNT(*) FROM facets").fetchone()
    return int(count)


def write_links(db: sqlite3.Connection, lang: str) -> None:
    """``links`` and ``graph_subjects`` from the staged rows, sort keys from ``names`` (``lang``).

    The two largest tables, inserted in primary-key order: appends, not random B-tree inserts.
    """
    db.execute(
        "INSERT OR IGNORE INTO links SELECT t.id, n.sort_key, s.id, r.prop FROM raw_links r "
        "JOIN entities s ON s.iri = r.source JOIN entities t ON t.iri = r.target "
        "JOIN names n ON n.entity = s.id AND n.lang = ? ORDER BY 1, 2, 3, 4",
        (lang,),
    )
    db.execute("DROP TABLE raw_links")
    db.execute(
        "INSERT OR IGNORE INTO graph_subjects SELECT r.graph, n.sort_key, e.id "
        "FROM raw_graph_subjects r JOIN entities e ON e.iri = r.iri "
        "JOIN names n ON n.entity = e.id AND n.lang = ? ORDER BY 1, 2, 3",
        (lang,),
    )
    db.execute("DROP TABLE raw_graph_subjects")
