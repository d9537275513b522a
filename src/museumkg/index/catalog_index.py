"""The catalog index: a SQLite file built beside the store at build time, read by pages.

SPARQL answers "what is said about X" fast, but not "the 26th page of museums sorted by name"
or "names that sound like Alma-Ata": on pyoxigraph's disk store those are scans (a ``CONTAINS``
label scan ~400 ms, a label-ordered class page at offset 1000 ~600 ms at 10^6 triples). The
build therefore writes ``museumkg-index.sqlite`` into the new store folder, before it lands, so
the index swaps atomically with the store it describes. It holds:

- ``entities``: every dataset entity (IRI, kind, slug), ``slugs_fts`` over its slug words;
- ``labels``: every name (preferred and other), with its ``latin`` form
  (:mod:`museumkg.textfold`), and ``labels_fts`` over the ``latin`` and ``loose`` forms (only
  matched: it keeps no copy of the text, ``content=''``; so does ``slugs_fts``);
- ``types``: asserted classes plus their catalog (``mkg:``) superclasses; ``class_counts``;
- ``listing``: (class, language, sort key, entity) so a class page is one index range scan;
- ``facets`` (type, country, city, year, topic) and ``facet_counts`` per class;
- ``links``: who links to whom (target, source's sort key, source, property), so "referred to
  by" is a counted, keyset-paged range scan (a SPARQL ``ORDER BY`` over a hub's links costs a
  dictionary lookup per comparison);
- ``graph_subjects``: which entities each source's graph describes, for its page;
- ``name_keys`` and ``terms``: the matcher's whole-name keys and words
  (:mod:`museumkg.index.match_tables`);
- ``located``: what is at a place (an institution's ``mkg:location``, a program's
  ``mkg:place``), so a search for a place's name also finds them (:mod:`museumkg.index.search`);
- ``overview``: what the home page shows (entities per class, the newest sources and
  programs, counts), computed once here (:mod:`museumkg.index.overview`) rather than per request.

Sort keys are the folded display name (the language chain applied to an entity's preferred
names) in the first configured language for ``links`` and ``graph_subjects``, in each
configured language for ``listing``; the build computes them in a temporary table.

The index is derived data: it is rebuilt by every build and can be rebuilt from any store
(:func:`museumkg.index.index_writer.build_index`), so it also serves stores given to the web
app directly (tests). This module reads it: :class:`CatalogIndex`, whose statements are those of
:class:`~museumkg.index.page_reads.PageReads` (pages) and
:class:`~museumkg.index.match_tables.MatchReads` (the matcher).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from museumkg.index.match_tables import MatchReads
from museumkg.index.page_reads import FACETS, PageReads
from museumkg.lang import Text, pick

__all__ = ["FACETS", "INDEX_FILE", "INDEX_LAYOUT", "CatalogIndex", "IndexUnavailable", "index_path"]

#: File name of the index inside a store folder.
INDEX_FILE = "museumkg-index.sqlite"
#: Version of the layout (:mod:`museumkg.index.index_writer`); a reader refuses another one.
INDEX_LAYOUT = "7"
#: Most values bound in one statement (SQLite's limit on parameters is 999 in old builds).
_CHUNK = 500


def index_path(store_dir: Path) -> Path:
    """Where the index of the store in ``store_dir`` lives."""
    return store_dir / INDEX_FILE


class IndexUnavailable(Exception):
    """The catalog index file is missing or was written by another layout version."""


class CatalogIndex(MatchReads, PageReads):
    """Read access to an index file: one read-only connection per thread.

    The file never changes after it lands (a rebuild writes a new store folder), so it is
    opened ``immutable`` (no locking).
    """

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise IndexUnavailable(f"no catalog index at {path}: rebuild with `museumkg build`")
        self.path = path
        self._local = threading.local()
        layout = self.meta().get("layout")
        if layout != INDEX_LAYOUT:
            raise IndexUnavailable(
                f"{path} has index layout {layout!r}, this version reads {INDEX_LAYOUT!r}: "
                "rebuild with `museumkg build`"
            )

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one read statement with bound parameters and return its rows."""
        return self._connection().execute(sql, tuple(params)).fetchall()

    def meta(self) -> dict[str, str]:
        """The ``meta`` table (layout version, base IRI, languages)."""
        return {row["key"]: row["value"] for row in self.rows("SELECT key, value FROM meta")}

    def overview(self) -> dict[str, Any]:
        """What the home page shows, as the build computed it (:mod:`museumkg.index.overview`)."""
        found: dict[str, Any] | None = getattr(self, "_overview", None)
        if found is None:
            rows = self.rows("SELECT key, value FROM overview")
            found = {row["key"]: json.loads(row["value"]) for row in rows}
            self._overview = found
        return found

    def languages(self) -> tuple[str, ...]:
        """The languages the ``names`` table has a display name in."""
        return tuple(self.meta().get("languages", "en").split(","))

    def entity_id(self, iri: str) -> int | None:
        """The index's number for an entity IRI (``None`` when it is not indexed)."""
        rows = self.rows("SELECT id FROM entities WHERE iri = ?", [iri])
        return int(rows[0]["id"]) if rows else None

    def name_texts(self, iris: Sequence[str]) -> dict[str, list[Text]]:
        """Every preferred name, title and label (each language) of entities, by IRI.

        IRIs the index does not hold are left out.
        """
        found: dict[str, list[Text]] = {}
        for start in range(0, len(iris), _CHUNK):
            chunk = list(iris[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT e.iri, l.text, l.lang FROM entities e "
                f"LEFT JOIN labels l ON l.entity = e.id AND l.pref = 1 WHERE e.iri IN ({marks})"
            )
            for row in self.rows(sql, chunk):
                texts = found.setdefault(row["iri"], [])
                if row["text"] is not None:
                    texts.append(Text(row["text"], row["lang"]))
        return found

    def describe(self, ids: Sequence[int], chain: Sequence[str]) -> dict[int, dict[str, str]]:
        """IRI, kind and display name (in the reader's language chain) of entities by number."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        found: dict[int, dict[str, str]] = {}
        for row in self.rows(
            f"SELECT id, iri, kind, slug FROM entities WHERE id IN ({marks})", ids
        ):
            found[row["id"]] = {"iri": row["iri"], "kind": row["kind"], "slug": row["slug"]}
        texts: dict[int, list[Text]] = defaultdict(list)
        sql = f"SELECT entity, text, lang FROM labels WHERE pref = 1 AND entity IN ({marks})"
        for row in self.rows(sql, ids):
            texts[row["entity"]].append(Text(row["text"], row["lang"]))
        for number, entry in found.items():
            chosen = pick(texts.get(number, []), chain)
            if chosen is None:
                chosen = Text(entry["slug"].replace("-", " "))
            entry.update(label=chosen.value, label_lang=chosen.lang)
        return found
