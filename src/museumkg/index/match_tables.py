"""The matcher's tables in the catalog index: written at build time, read by bounded SQL.

- ``name_keys``: every whole-name key of every name (:mod:`museumkg.index.name_keys`): its
  ``latin`` form and a 64-bit hash of its ``loose`` form (``loose_hash``; the form itself is the
  ``latin`` one loosened, so the reader checks it), the entity and label it belongs to, how it
  was made, and whether the entity is a named one (institution, person, program, place, topic,
  source) rather than a derived node (partnership, role, claim); indexed by (named, key) and
  (named, loose), so exact and prefix matches of named entities are read before any derived
  node's;
- ``terms``: the distinct words of the ``loose`` forms by first letter and length, for
  correcting a misspelt query word (:mod:`museumkg.index.matcher`'s fuzzy tier).

:class:`MatchReads` holds the statements that read them; :class:`museumkg.index.catalog_index.
CatalogIndex` inherits it, so every SQL statement stays behind a CatalogIndex method.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from museumkg.index.name_keys import loose_hash, name_keys
from museumkg.textfold import forms
from museumkg.textfold import loose as loose_form

#: Entity kinds people name; the others (partnership, role, claim) are derived nodes.
NAMED_KINDS = frozenset({"org", "person", "program", "place", "topic", "source"})

SCHEMA = """
CREATE TABLE name_keys(key TEXT NOT NULL, loose INTEGER NOT NULL, entity INTEGER NOT NULL,
                       label INTEGER NOT NULL, how INTEGER NOT NULL, named INTEGER NOT NULL);
CREATE INDEX name_keys_key ON name_keys(named, key);
CREATE INDEX name_keys_loose ON name_keys(named, loose);
CREATE TABLE terms(head TEXT NOT NULL, size INTEGER NOT NULL, word TEXT NOT NULL,
                   PRIMARY KEY(head, size, word)) WITHOUT ROWID;
"""

_TOP = "\U0010ffff"
_LABEL = "SELECT l.entity, l.pref, l.text, l.lang, k.how, k.key FROM name_keys k "
_LABEL += "JOIN labels l ON l.id = k.label WHERE k.named = ? AND "


def key_rows(
    label: int,
    entity: int,
    text: str,
    kind: str,
    whole: tuple[str, str],
    forms_of: Callable[[str], tuple[str, str, str]] = forms,
) -> list[tuple[str, int, int, int, int, int]]:
    """The ``name_keys`` rows of one name (``whole``: its ``latin`` and ``loose`` forms;
    ``forms_of`` as for :func:`museumkg.index.name_keys.name_keys`)."""
    named = int(kind in NAMED_KINDS)
    return [
        (key, loose_hash(loose_key), entity, label, how, named)
        for key, loose_key, how in name_keys(text, whole, forms_of)
    ]


def write_match_tables(db: sqlite3.Connection, staged: str, words: Iterable[str]) -> None:
    """Write ``name_keys`` from the table ``staged`` (rows of :func:`key_rows`), in key order,
    and ``terms`` from the ``words`` of the names' ``loose`` forms."""
    db.execute(f"INSERT INTO name_keys SELECT * FROM {staged} ORDER BY 1, 2, 3, 4, 5, 6")
    db.execute(f"DROP TABLE {staged}")
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, ?)", sorted((w[0], len(w), w) for w in words if w)
    )


class MatchReads:
    """The statements the matcher runs (mixed into ``CatalogIndex``, which supplies ``rows``)."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def names_equal(self, key: str, *, named: bool, loose: bool, limit: int) -> list[sqlite3.Row]:
        """Names one of whose keys equals ``key`` (the ``latin`` form, or ``loose``)."""
        if not loose:
            return self.rows(f"{_LABEL}k.key = ? LIMIT ?", [int(named), key, limit])
        found = self.rows(f"{_LABEL}k.loose = ? LIMIT ?", [int(named), loose_hash(key), limit])
        return [row for row in found if loose_form(row["key"]) == key]  # the hash's rare collisions

    def names_starting(self, key: str, *, named: bool, limit: int) -> list[sqlite3.Row]:
        """Names one of whose keys starts with ``key`` (and is longer), in key order."""
        sql = f"{_LABEL}k.key > ? AND k.key < ? ORDER BY k.key LIMIT ?"
        return self.rows(sql, [int(named), key, key + _TOP, limit])

    def names_with_words(self, fts: str, *, named: bool, limit: int) -> list[sqlite3.Row]:
        """Names matching an FTS5 query on ``labels_fts`` (``latin : (...)``/``loose : ...``)."""
        kinds = sorted(NAMED_KINDS)
        marks = ",".join("?" * len(kinds))
        test = "IN" if named else "NOT IN"
        sql = (
            "SELECT l.entity, l.pref, l.text, l.lang, 0 AS how, l.latin AS key "
            "FROM labels_fts f JOIN labels l ON l.id = f.rowid JOIN entities e ON e.id = l.entity "
            f"WHERE labels_fts MATCH ? AND e.kind {test} ({marks}) LIMIT ?"
        )
        return self.rows(sql, [fts, *kinds, limit])

    def terms_near(self, head: str, shortest: int, longest: int) -> list[str]:
        """Words of the names starting with ``head``, of length ``shortest``..``longest``."""
        sql = "SELECT word FROM terms WHERE head = ? AND size BETWEEN ? AND ? LIMIT 20000"
        return [r["word"] for r in self.rows(sql, [head, shortest, longest])]

    def has_term(self, word: str) -> bool:
        """Whether ``word`` is a word of some name's ``loose`` form."""
        sql = "SELECT 1 FROM terms WHERE head = ? AND size = ? AND word = ?"
        return bool(self.rows(sql, [word[:1], len(word), word]))

    def located_at(self, places: Sequence[int], limit: int) -> list[sqlite3.Row]:
        """What is at the given places (an institution's location, a program's place)."""
        if not places:
            return []
        marks = ",".join("?" * len(places))
        sql = f"SELECT place, entity FROM located WHERE place IN ({marks}) LIMIT ?"
        return self.rows(sql, [*places, limit])

    def entities_of_type(self, ids: Sequence[int], class_iri: str) -> set[int]:
        """Those of ``ids`` that are of class ``class_iri`` (asserted, or by a subclass)."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        sql = f"SELECT entity FROM types WHERE class = ? AND entity IN ({marks})"
        return {r["entity"] for r in self.rows(sql, [class_iri, *ids])}

    def entity_rows(self, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        """``id, iri, kind, slug`` of entities by number."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = f"SELECT id, iri, kind, slug FROM entities WHERE id IN ({marks})"
        return {r["id"]: r for r in self.rows(sql, list(ids))}

    def all_labels(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        """Every name (preferred or not) of entities: ``entity, text, lang, pref, latin``."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = f"SELECT entity, text, lang, pref, latin FROM labels WHERE entity IN ({marks})"
        return self.rows(sql, list(ids))

    def asserted_types(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        """``entity, class`` of the asserted classes of entities, by class."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            f"SELECT entity, class FROM types WHERE asserted = 1 AND entity IN ({marks}) "
            "ORDER BY class"
        )
        return self.rows(sql, list(ids))

    def all_types(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        """``entity, class, asserted`` of entities: asserted classes first, then their catalog
        superclasses (``mkg:Institution`` of a museum)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            f"SELECT entity, class, asserted FROM types WHERE entity IN ({marks}) "
            "ORDER BY asserted DESC, class"
        )
        return self.rows(sql, list(ids))

    def facet_values(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        """``entity, facet, value`` of entities (type, country, city, year, topic, ...)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = f"SELECT entity, facet, value FROM facets WHERE entity IN ({marks})"
        return self.rows(sql, list(ids))

    def iter_names(self, kinds: Sequence[str]) -> list[sqlite3.Row]:
        """Every name of every entity of the given kinds: ``iri, kind, text, lang, pref``."""
        marks = ",".join("?" * len(kinds))
        sql = (
            "SELECT e.iri, e.kind, l.text, l.lang, l.pref FROM labels l "
            f"JOIN entities e ON e.id = l.entity WHERE e.kind IN ({marks}) ORDER BY e.id, l.id"
        )
        return self.rows(sql, list(kinds))

    def ids_of(self, iris: Sequence[str]) -> dict[str, int]:
        """The index's numbers of entity IRIs (IRIs it does not hold are left out)."""
        if not iris:
            return {}
        marks = ",".join("?" * len(iris))
        sql = f"SELECT id, iri FROM entities WHERE iri IN ({marks})"
        return {r["iri"]: r["id"] for r in self.rows(sql, list(iris))}

    def linked_from(self, entity: int, kind: str, limit: int) -> list[int]:
        """Entities of ``kind`` that link to ``entity`` (a program naming an institution)."""
        sql = (
            "SELECT DISTINCT l.source FROM links l JOIN entities e ON e.id = l.source "
            "WHERE l.target = ? AND e.kind = ? ORDER BY l.sort_key LIMIT ?"
        )
        return [r["source"] for r in self.rows(sql, [entity, kind, limit])]
