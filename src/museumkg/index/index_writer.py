"""Writing the catalog index (:mod:`museumkg.index.catalog_index` says what it holds): the
entities, names, types, facets and links read from a store, then written to SQLite with the
matcher's tables (:mod:`museumkg.index.match_tables`) and the home page's overview.

Memory does not grow with the catalog: the index queries' answers are streamed (tuples, no
dict per row) into temporary SQLite tables keyed by IRI (:mod:`museumkg.index.index_staging`);
entities are numbered there, names made and written in bounded batches
(:mod:`museumkg.index.index_names`), and every final table is filled with ``INSERT ... SELECT``,
deduplicated and in primary-key order by SQLite (which sorts in bounded memory, spilling to
temporary files). What stays in Python: the vocabulary, the cities and countries, and the
distinct words of the names (for the matcher's ``terms``).

What the file keeps is what the pages and the matcher read (:mod:`museumkg.index.page_reads`,
:mod:`museumkg.index.match_tables`): the sort keys of the ``names`` table are copied into the
tables sorted by them and the table itself is a temporary one; the full-text tables keep no
copy of their text (``content=''``); ``labels`` keeps the ``latin`` form the matcher reads.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import INDEX_LAYOUT
from museumkg.index.index_names import Namer
from museumkg.index.index_scans import BackgroundScans
from museumkg.index.index_staging import (
    number_entities,
    open_new_index,
    stage_ids,
    typed_counts,
    write_facets,
    write_links,
    write_types,
)
from museumkg.index.match_tables import SCHEMA as MATCH_SCHEMA
from museumkg.index.overview import build_overview
from museumkg.index.vocab import Vocabulary, read_vocabulary
from museumkg.iris import entity_prefix
from museumkg.namespaces import MKG
from museumkg.queries import named_solutions
from museumkg.store import Store

SCHEMA = (
    """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE overview(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
                      slug TEXT NOT NULL);
CREATE TABLE labels(id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL,
                    lang TEXT NOT NULL, pref INTEGER NOT NULL, latin TEXT NOT NULL);
CREATE INDEX labels_entity ON labels(entity);
CREATE TABLE types(class TEXT NOT NULL, entity INTEGER NOT NULL, asserted INTEGER NOT NULL,
                   PRIMARY KEY(class, entity)) WITHOUT ROWID;
CREATE INDEX types_entity ON types(entity);
CREATE TABLE class_counts(class TEXT PRIMARY KEY, n INTEGER NOT NULL, asserted INTEGER NOT NULL);
CREATE TABLE listing(class TEXT NOT NULL, lang TEXT NOT NULL, sort_key TEXT NOT NULL,
                     entity INTEGER NOT NULL,
                     PRIMARY KEY(class, lang, sort_key, entity)) WITHOUT ROWID;
CREATE TABLE facets(facet TEXT NOT NULL, value TEXT NOT NULL, entity INTEGER NOT NULL,
                    PRIMARY KEY(facet, value, entity)) WITHOUT ROWID;
CREATE INDEX facets_entity ON facets(entity, facet);
CREATE TABLE facet_counts(class TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
                          n INTEGER NOT NULL, PRIMARY KEY(class, facet, value)) WITHOUT ROWID;
CREATE TABLE links(target INTEGER NOT NULL, sort_key TEXT NOT NULL, source INTEGER NOT NULL,
                   prop TEXT NOT NULL, PRIMARY KEY(target, sort_key, source, prop)) WITHOUT ROWID;
CREATE TABLE graph_subjects(graph TEXT NOT NULL, sort_key TEXT NOT NULL, entity INTEGER NOT NULL,
                            PRIMARY KEY(graph, sort_key, entity)) WITHOUT ROWID;
CREATE TABLE located(place INTEGER NOT NULL, entity INTEGER NOT NULL,
                     PRIMARY KEY(place, entity)) WITHOUT ROWID;
CREATE VIRTUAL TABLE labels_fts USING fts5(latin, loose, tokenize = 'unicode61',
                                           prefix = '2 3', content = '', columnsize = 0);
CREATE VIRTUAL TABLE slugs_fts USING fts5(words, tokenize = 'unicode61', prefix = '2 3',
                                          content = '', columnsize = 0);
"""
    + MATCH_SCHEMA
)


#: Rows per ``executemany`` batch.
BATCH = 10_000

_YEAR = re.compile(r"^-?\d{4}")


@dataclass(frozen=True)
class IndexStats:
    """What a build of the index wrote."""

    entities: int
    labels: int
    facets: int


def _batched(db: sqlite3.Connection, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """``executemany`` of ``rows`` a batch at a time (a generator feeding it stays lazy)."""
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)


def _key(term: Any) -> str:
    """A resource as text: an IRI's value, a blank node's ``_:id`` (never an entity)."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


class IndexBuilder:
    """Reads the store with the ``index_*`` queries and writes the index into ``db``."""

    def __init__(
        self,
        store: Store,
        db: sqlite3.Connection,
        base_iri: str,
        languages: Sequence[str],
        vocab: Vocabulary,
        scans: BackgroundScans,
    ):
        self.store = store
        self.scans = scans
        self.db = db
        self.base_iri = base_iri
        self.prefix = entity_prefix(base_iri)
        self.languages = tuple(languages) or ("en",)
        self.vocab = vocab
        self.namer = Namer(db, vocab, self.languages)
        self.overview: Mapping[str, object] = {}  # OverviewData, once summarised
        self.entities = 0

    def _seen(self, iris: Iterable[str]) -> None:
        """Note entity IRIs in the order they are met (which numbers them)."""
        _batched(self.db, "INSERT INTO raw_seen VALUES (?)", ((iri,) for iri in iris))

    def collect(self) -> None:
        """Read entities, names, facets, role parts and partnership members (in this order,
        which numbers the entities) into the staging tables; role parts, partnership members,
        links and graph subjects are read by the background scans
        (:mod:`museumkg.index.index_scans`)."""
        seen: list[str] = []
        _batched(
            self.db,
            "INSERT INTO raw_type_rows VALUES (?, ?)",
            self._types(named_solutions(self.store, "index_entities"), seen),
        )
        _batched(
            self.db,
            "INSERT INTO raw_labels VALUES (?, ?, ?, ?)",
            self._labels(named_solutions(self.store, "index_labels"), seen),
        )
        self._collect_facets(seen)
        self._seen(seen)
        for query, table, column in (
            ("index_roles", "raw_roles", "role"),
            ("index_partnerships", "raw_partnerships", "partnership"),
        ):
            self.scans.stage(self.db, query)
            self.db.execute(
                f"INSERT INTO raw_seen SELECT {column} FROM {table} "
                f"WHERE substr({column}, 1, ?) = ? ORDER BY rowid",
                (len(self.prefix), self.prefix),
            )

    def _flush_seen(self, seen: list[str]) -> None:
        if len(seen) >= BATCH:
            self._seen(seen)
            seen.clear()

    def _types(self, rows: Iterable[Any], seen: list[str]) -> Iterator[tuple[str, str | None]]:
        last = None
        for entity, kind in rows:
            key = _key(entity)
            if key != last and key.startswith(self.prefix):
                seen.append(key)
                self._flush_seen(seen)
            last = key
            yield key, kind.value if isinstance(kind, ox.NamedNode) else None

    def _labels(self, rows: Iterable[Any], seen: list[str]) -> Iterator[tuple[str, str, str, int]]:
        last = None
        for entity, label, pref in rows:
            key = _key(entity)
            if not key.startswith(self.prefix):
                continue
            if key != last:
                seen.append(key)
                self._flush_seen(seen)
                last = key
            if isinstance(label, ox.Literal) and label.value.strip():
                yield key, label.value, label.language or "", int(pref.value == "true")

    # Complexity: one pass per facet query, each a few guarded inserts; splitting them would only
    # pass the half-built tables around
    def _collect_facets(self, seen: list[str]) -> None:  # noqa: C901
        places: dict[str, tuple[str, str | None]] = {}
        for place, kind, country in named_solutions(self.store, "index_places"):
            places[place.value] = (
                kind.value,
                country.value if isinstance(country, ox.NamedNode) else None,
            )
        prefix = self.prefix
        facets: list[tuple[str, str, str]] = []
        located: list[tuple[str, str]] = []
        for entity, where_term, via in named_solutions(self.store, "index_where"):
            key = _key(entity)
            if not key.startswith(prefix):
                continue
            seen.append(key)
            self._flush_seen(seen)
            where = where_term.value
            if via.value in ("location", "place") and where.startswith(prefix):
                located.append((where, key))
            if where in places:
                kind, country = places[where]
                facets.append((kind, where, key))
                if kind == "city" and country:
                    facets.append(("country", country, key))
            if len(facets) >= BATCH or len(located) >= BATCH:
                self._write_facets(facets, located)
        for entity, facet_term, value_term in named_solutions(self.store, "index_facet_values"):
            key = _key(entity)
            if not key.startswith(prefix):
                continue
            seen.append(key)
            self._flush_seen(seen)
            facet, value = facet_term.value, value_term.value
            if facet == "year":
                match = _YEAR.match(value)
                if match is None:
                    continue
                value = match.group(0)
            facets.append((facet, value, key))
            if len(facets) >= BATCH:
                self._write_facets(facets, located)
        self._write_facets(facets, located)

    def _write_facets(
        self, facets: list[tuple[str, str, str]], located: list[tuple[str, str]]
    ) -> None:
        self.db.executemany("INSERT INTO raw_facets VALUES (?, ?, ?)", facets)
        self.db.executemany("INSERT INTO raw_located VALUES (?, ?)", located)
        facets.clear()
        located.clear()

    def summarise(self) -> None:
        """The home page's overview (:func:`museumkg.index.overview.build_overview`)."""
        counts = typed_counts(self.db, MKG)
        labels = {cls: self.vocab.label(cls, ("en",)).value for cls in counts}
        self.overview = build_overview(self.store, counts, labels)

    def write(self) -> IndexStats:
        """Number the entities, make their names and write every table; the caller commits."""
        db = self.db
        meta = {"layout": INDEX_LAYOUT, "base_iri": self.base_iri}
        meta["languages"] = ",".join(self.languages)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        self.entities = number_entities(db, self.base_iri)
        stage_ids(db)
        self.summarise()
        db.executemany(
            "INSERT INTO overview VALUES (?, ?)",
            ((k, json.dumps(v, ensure_ascii=False)) for k, v in self.overview.items()),
        )
        facets = write_facets(db)
        self.namer.role_names()
        self.namer.partnership_names()
        labels = self.namer.write_labels()
        self.namer.write_names()
        db.execute("DROP TABLE label_rows")
        write_types(db, self._catalog_superclasses)
        db.execute(
            "INSERT INTO facet_counts SELECT t.class, f.facet, f.value, COUNT(*) "
            "FROM types t JOIN facets f ON f.entity = t.entity GROUP BY t.class, f.facet, f.value"
        )
        self.scans.stage_all(db)
        write_links(db, self.languages[0])
        return IndexStats(self.entities, labels, facets)

    def _catalog_superclasses(self, cls: str) -> list[str]:
        """Superclasses that listings and filters use: the catalog's (``mkg:``) ones."""
        return [parent for parent in self.vocab.superclasses(cls) if parent.startswith(MKG)]


def build_index(
    store: Store, path: Path, *, base_iri: str, languages: Sequence[str], ontology_graph: str
) -> IndexStats:
    """Write the catalog index of ``store`` to ``path`` (replacing any file there).

    A failed build leaves no file.

    Args:
        store: the catalog to index (read with the ``index_*`` queries).
        path: the SQLite file to write.
        base_iri: the dataset base (entities are ``{base}id/...``).
        languages: the configured label languages, in fallback order.
        ontology_graph: the graph holding the ontology (class hierarchy, concept labels).

    >>> import tempfile
    >>> from museumkg.store import EmbeddedStore
    >>> folder = Path(tempfile.mkdtemp())
    >>> build_index(EmbeddedStore(), folder / "i.sqlite", base_iri="http://e/",
    ...             languages=["en"], ontology_graph="http://e/graph/ontology").entities
    0
    """
    vocab = read_vocabulary(store, ontology_graph)
    if path.exists():
        path.unlink()
    db = open_new_index(path, SCHEMA)
    try:
        # the scans' files go beside the index (a large catalog's links are GBs: not /tmp)
        with (
            tempfile.TemporaryDirectory(prefix=".index-scans-", dir=path.parent) as scratch,
            BackgroundScans(store, Path(scratch)) as scans,
        ):
            builder = IndexBuilder(store, db, base_iri, languages, vocab, scans)
            builder.collect()
            stats = builder.write()
        db.commit()  # written once, in key order where it matters: no VACUUM needed
    except BaseException:
        db.close()
        path.unlink(missing_ok=True)
        raise
    db.close()
    return stats
