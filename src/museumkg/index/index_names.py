"""The catalog index's names, made from its staging tables in bounded batches.

:mod:`museumkg.index.index_writer` stages every name read from the store in ``label_rows``
(:mod:`museumkg.index.index_staging`). This module, reading and writing SQLite a batch at a
time (never the whole catalog in Python):

- names roles and derived partnerships that have no preferred name of their own after their
  parts (:func:`museumkg.index.roles.role_name`; a partnership after its two institutions and
  kind), in every configured language, added to ``label_rows`` as preferred names;
- writes ``labels``, ``labels_fts`` and the matcher's tables (:mod:`museumkg.index.match_tables`)
  numbered as the names were first read (each entity's names together);
- writes each entity's sort key per language (the folded display name: the language chain
  applied to its preferred names, else its slug) into the temporary ``names`` table, which
  listings, links and graph subjects are sorted by.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

import pyoxigraph as ox

from museumkg.index.index_staging import FETCH, SYNTH_SEQ, fetched
from museumkg.index.match_tables import write_match_tables
from museumkg.index.name_folding import Folded, Name, NameFolder
from museumkg.index.roles import lower_first, role_facts, role_name
from museumkg.index.vocab import Vocabulary
from museumkg.lang import Text, language_chain, pick
from museumkg.namespaces import MKG
from museumkg.store import Term
from museumkg.textfold import WordForms

#: Roles or partnerships named per batch.
BATCH = 2_000
#: Values bound in one ``IN (...)`` list.
_CHUNK = 500
#: A role's parts by the property linking them (rows of ``index_roles``).
_ROLE_LINKS = {
    f"{MKG}agent": "agent",
    f"{MKG}roleType": "roleType",
    f"{MKG}inProgram": "program",
    f"{MKG}onBehalfOf": "behalf",
}


def _chunks(values: Sequence[object]) -> Iterator[Sequence[object]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _first_parts(rows: list[tuple]) -> dict[str, tuple[str, int]]:
    """A role's parts (agent, roleType, program, behalf): the first value read of each, and
    whether it is an IRI."""
    found: dict[str, tuple[str, int]] = {}
    for _role, link, value, is_iri in rows:
        name = _ROLE_LINKS.get(link)
        if name is not None:
            found.setdefault(name, (value, is_iri))
    return found


class Namer:
    """Names entities from the staged rows of ``db`` in the configured ``languages``."""

    def __init__(self, db: sqlite3.Connection, vocab: Vocabulary, languages: Sequence[str]):
        self.db = db
        self.vocab = vocab
        self.languages = tuple(languages)
        self.chains = {lang: language_chain([lang], self.languages) for lang in self.languages}
        self._synth = SYNTH_SEQ
        self.folding = WordForms()

    # -- lookups, one batch at a time ---------------------------------------------------------

    def ids(self, iris: Iterable[str]) -> dict[str, int]:
        """Entity numbers of ``iris`` (those that are entities)."""
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(iris))):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT iri, id FROM entities WHERE iri IN ({marks})"
            found.update(self.db.execute(sql, tuple(chunk)))
        return found

    def with_preferred(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` that have a preferred name."""
        found: set[int] = set()
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT DISTINCT entity FROM label_rows WHERE pref = 1 AND entity IN ({marks})"
            found.update(n for (n,) in self.db.execute(sql, tuple(chunk)))
        return found

    def displays(self, ids: Iterable[int]) -> dict[int, dict[str, Text]]:
        """The display name of entities per language: the chain applied to their preferred
        names (the names made so far included), else the slug's words."""
        found: dict[int, dict[str, Text]] = {}
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT e.id, e.slug, l.text, l.lang FROM entities e LEFT JOIN label_rows l "
                f"ON l.entity = e.id AND l.pref = 1 WHERE e.id IN ({marks}) ORDER BY e.id, l.seq"
            )
            for number, rows in groupby(self.db.execute(sql, tuple(chunk)), key=lambda r: r[0]):
                found[number] = self._display(list(rows))
        return found

    def _display(self, rows: list[tuple[int, str, str | None, str | None]]) -> dict[str, Text]:
        texts = [Text(text, lang or "") for _n, _slug, text, lang in rows if text is not None]
        fallback = Text(rows[0][1].replace("-", " "))
        return {lang: pick(texts, chain) or fallback for lang, chain in self.chains.items()}

    def _add(self, rows: list[tuple[int, str, str]]) -> None:
        """Add made names (entity, language, text) as preferred names, after every name read."""
        numbered = []
        for number, lang, text in rows:
            self._synth += 1
            numbered.append((number, text, lang, 1, self._synth))
        self.db.executemany("INSERT INTO label_rows VALUES (?, ?, ?, ?, ?)", numbered)

    def _year(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT entity, MIN(value) FROM facets WHERE facet = 'year' "
                f"AND entity IN ({marks}) GROUP BY entity"
            )
            found.update(self.db.execute(sql, tuple(chunk)))
        return found

    # -- made names ---------------------------------------------------------------------------

    def _grouped(self, table: str, key: str) -> Iterator[list[tuple[str, list[tuple]]]]:
        """Rows of ``table`` grouped by ``key`` (in the order keys were first read), batched."""
        sql = (
            f"SELECT * FROM (SELECT *, MIN(rowid) OVER (PARTITION BY {key}) AS first, "
            f"rowid AS seq FROM {table}) ORDER BY first, seq"
        )
        batch: list[tuple[str, list[tuple]]] = []
        for value, rows in groupby(fetched(self.db, sql), key=lambda r: r[0]):
            batch.append((value, [row[:-2] for row in rows]))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def role_names(self) -> None:
        """Give roles without a preferred name their sentence as a name, per language."""
        for batch in self._grouped("raw_roles", "role"):
            self._name_roles(batch)
        self.db.execute("DROP TABLE raw_roles")

    def _name_roles(self, batch: list[tuple[str, list[tuple]]]) -> None:
        parts = [(role, _first_parts(rows)) for role, rows in batch]
        values = [value for _r, found in parts for value, _iri in found.values()]
        ids = self.ids([role for role, _f in parts] + values)
        named = self.with_preferred(ids[role] for role, _f in parts if role in ids)
        programs = [f["program"][0] for _r, f in parts if "program" in f]
        years = self._year(ids[p] for p in programs if p in ids)
        role_rows: list[dict[str, Term]] = []
        for role, found in parts:
            number = ids.get(role)
            if number is None or number in named:
                continue
            row: dict[str, Term] = {"role": ox.NamedNode(role)}
            for link, (value, is_iri) in found.items():
                row[link] = ox.NamedNode(value) if is_iri else ox.Literal(value)
            year = years.get(ids.get(found["program"][0], 0)) if "program" in found else None
            if year:
                row["start"] = ox.Literal(year)
            role_rows.append(row)
        facts = role_facts(role_rows)
        shown = self.displays(ids[v] for v in values if v in ids)
        made: list[tuple[int, str, str]] = []
        for fact in facts:
            for lang, chain in self.chains.items():

                def label(iri: str, chain: tuple[str, ...] = chain, lang: str = lang) -> str:
                    number = ids.get(iri)
                    if number is not None:
                        return shown[number][lang].value
                    return self.vocab.label(iri, chain).value

                made.append((ids[fact.role], lang, role_name(fact, label, lang)))
        self._add(made)

    def partnership_names(self) -> None:
        """Name derived partnerships (unlabelled) after their two institutions and kind."""
        for batch in self._grouped("raw_partnerships", "partnership"):
            self._name_partnerships(batch)
        self.db.execute("DROP TABLE raw_partnerships")

    def _name_partnerships(self, batch: list[tuple[str, list[tuple]]]) -> None:
        ids = self.ids([p for p, _rows in batch] + [r[1] for _p, rows in batch for r in rows])
        named = self.with_preferred(ids[p] for p, _rows in batch if p in ids)
        shown = self.displays(ids[r[1]] for _p, rows in batch for r in rows if r[1] in ids)
        made: list[tuple[int, str, str]] = []
        for partnership, rows in batch:
            number = ids.get(partnership)
            if number is None or number in named:
                continue
            members = sorted({ids[r[1]] for r in rows if r[1] in ids})
            kinds = [r[2] for r in rows if r[2] is not None]
            for lang, chain in self.chains.items():
                text = " — ".join(sorted(shown[m][lang].value for m in members))
                if kinds:
                    kind = self.vocab.label(kinds[-1], chain).value
                    text += f" ({lower_first(kind)})"
                made.append((number, lang, text))
        self._add(made)

    # -- the final tables ---------------------------------------------------------------------

    def write_labels(self) -> int:
        """``labels``, ``labels_fts`` and the matcher's tables from ``label_rows``, numbered
        entity by entity (in the order each entity's first name was read), each entity's names
        in the order they were read. How many names there are."""
        sql = (
            "SELECT l.entity, l.text, l.lang, l.pref, e.kind FROM (SELECT *, "
            "MIN(seq) OVER (PARTITION BY entity) AS first FROM label_rows) l "
            "JOIN entities e ON e.id = l.entity ORDER BY l.first, l.seq"
        )
        (total,) = self.db.execute("SELECT COUNT(*) FROM label_rows").fetchone()
        words: set[str] = set()
        count = 0
        rows: list[tuple[int, int, str, str, int]] = []
        names: list[Name] = []
        with NameFolder(int(total), self.folding) as folder:
            for number, text, lang, pref, kind in fetched(self.db, sql):
                count += 1
                rows.append((count, number, text, lang, pref))
                names.append((count, number, text, kind))
                if len(rows) >= FETCH:
                    for done in folder.fold(names, rows):
                        self._write_label_batch(*done, words)
                    rows, names = [], []
            if rows:
                for done in folder.fold(names, rows):
                    self._write_label_batch(*done, words)
            for done in folder.rest():
                self._write_label_batch(*done, words)
        write_match_tables(self.db, "raw_name_keys", words)
        return count

    def _write_label_batch(self, rows: Any, folded: Folded, words: set[str]) -> None:
        """Write one batch of names (``rows``: number, entity, text, language, preferred) with
        their folded forms and keys; add their words to ``words``."""
        fts, keys, found = folded
        self.db.executemany(
            "INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)",
            [(*row, latin_form) for row, (_n, latin_form, _loose) in zip(rows, fts, strict=True)],
        )
        self.db.executemany("INSERT INTO labels_fts(rowid, latin, loose) VALUES (?, ?, ?)", fts)
        self.db.executemany("INSERT INTO raw_name_keys VALUES (?, ?, ?, ?, ?, ?)", keys)
        words |= found

    def write_names(self) -> None:
        """Each entity's sort key per language (``names``), from its display name."""
        sql = (
            "SELECT e.id, e.slug, l.text, l.lang FROM entities e LEFT JOIN label_rows l "
            "ON l.entity = e.id AND l.pref = 1 ORDER BY e.id, l.seq"
        )
        batch: list[tuple[int, str, str]] = []
        fold = self.folding.fold
        for number, rows in groupby(fetched(self.db, sql), key=lambda r: r[0]):
            previous: tuple[str, str] | None = None
            for lang, text in self._display(list(rows)).items():
                if previous is None or previous[0] != text.value:
                    previous = (text.value, fold(text.value))
                batch.append((number, lang, previous[1]))
            if len(batch) >= FETCH:
                self.db.executemany("INSERT INTO names VALUES (?, ?, ?)", batch)
                batch.clear()
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?)", batch)
