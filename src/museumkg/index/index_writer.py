"""Writing the catalog index (:mod:`museumkg.index.catalog_index` says what it holds): the
entities, names, types, facets and links collected from a store, then written to SQLite with
the matcher's tables (:mod:`museumkg.index.match_tables`) and the home page's overview.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import INDEX_LAYOUT
from museumkg.index.match_tables import SCHEMA as MATCH_SCHEMA
from museumkg.index.match_tables import write_match_tables
from museumkg.index.overview import build_overview
from museumkg.index.roles import lower_first, role_facts, role_name
from museumkg.index.vocab import Vocabulary, read_vocabulary
from museumkg.iris import entity_prefix, parse_entity_iri
from museumkg.lang import Text, language_chain, pick
from museumkg.namespaces import MKG
from museumkg.queries import load_query
from museumkg.store import Store, Term, select_rows
from museumkg.store.terms import lexical
from museumkg.textfold import fold, forms, latin

SCHEMA = (
    """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE overview(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
                      slug TEXT NOT NULL);
CREATE TABLE labels(id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL,
                    lang TEXT NOT NULL, pref INTEGER NOT NULL, folded TEXT NOT NULL,
                    latin TEXT NOT NULL);
CREATE INDEX labels_latin ON labels(latin);
CREATE INDEX labels_entity ON labels(entity);
CREATE TABLE names(entity INTEGER NOT NULL, lang TEXT NOT NULL, label TEXT NOT NULL,
                   label_lang TEXT NOT NULL, sort_key TEXT NOT NULL,
                   PRIMARY KEY(entity, lang)) WITHOUT ROWID;
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
                                           prefix = '2 3');
CREATE VIRTUAL TABLE slugs_fts USING fts5(words, tokenize = 'unicode61', prefix = '2 3');
"""
    + MATCH_SCHEMA
)


@dataclass(frozen=True)
class IndexStats:
    """What a build of the index wrote."""

    entities: int
    labels: int
    facets: int


def _rows(store: Store, name: str) -> Iterable[dict[str, Any]]:
    return select_rows(store.query(load_query(name).text))


_YEAR = re.compile(r"^-?\d{4}")
_MKG_ROLE_LINKS = {
    f"{MKG}agent": "agent",
    f"{MKG}roleType": "roleType",
    f"{MKG}inProgram": "program",
    f"{MKG}onBehalfOf": "behalf",
}


class _Builder:
    """Collects entities, labels, types and facets from the store, then writes the file."""

    def __init__(self, store: Store, base_iri: str, languages: Sequence[str], vocab: Vocabulary):
        self.store = store
        self.base_iri = base_iri
        self.prefix = entity_prefix(base_iri)
        self.languages = tuple(languages) or ("en",)
        self.chains = {lang: language_chain([lang], self.languages) for lang in self.languages}
        self.vocab = vocab
        self.ids: dict[str, int] = {}
        self.kinds: dict[int, tuple[str, str]] = {}
        self.asserted: dict[int, set[str]] = defaultdict(set)
        self.labels: dict[int, dict[tuple[Text, bool], None]] = defaultdict(dict)
        self.facets: set[tuple[str, str, int]] = set()
        self.synthesized: dict[int, dict[str, Text]] = defaultdict(dict)
        self.years: dict[int, str] = {}
        self._display: dict[tuple[int, str], Text] = {}
        self._sort_keys: dict[tuple[int, str], str] = {}
        self.links: set[tuple[int, int, str]] = set()
        self.graph_subjects: set[tuple[str, int]] = set()
        self.located: set[tuple[int, int]] = set()
        self.members: dict[str, set[str]] = defaultdict(set)
        self.overview: dict[str, Any] = {}

    def entity(self, iri: str) -> int | None:
        if iri in self.ids:
            return self.ids[iri]
        if not iri.startswith(self.prefix):
            return None
        ref = parse_entity_iri(self.base_iri, iri)
        if ref is None:
            return None
        number = len(self.ids) + 1
        self.ids[iri] = number
        self.kinds[number] = (ref.kind, ref.slug)
        return number

    def collect(self) -> None:
        for row in _rows(self.store, "index_entities"):
            if isinstance(row["type"], ox.NamedNode) and row["type"].value.startswith(MKG):
                # every typed thing counts on the home page, under the base or not
                self.members[row["type"].value].add(str(row["entity"]))
            number = self.entity(row["entity"].value)
            if number is not None and isinstance(row["type"], ox.NamedNode):
                self.asserted[number].add(row["type"].value)
                self.facets.add(("type", row["type"].value, number))
        for row in _rows(self.store, "index_labels"):
            number = self.entity(row["entity"].value)
            label = row["label"]
            if number is None or not isinstance(label, ox.Literal) or not label.value.strip():
                continue
            text = Text(label.value, label.language or "")
            self.labels[number][(text, row["pref"].value == "true")] = None
        self._collect_facets()
        for row in _rows(self.store, "index_links"):
            target = self.ids.get(row["o"].value)
            source = self.ids.get(row["s"].value) if target is not None else None
            if source is not None and target is not None:
                self.links.add((target, source, row["p"].value))
        for row in _rows(self.store, "index_graph_subjects"):
            subject = self.ids.get(row["s"].value)
            if subject is not None:
                self.graph_subjects.add((row["graph"].value, subject))

    def _collect_facets(self) -> None:
        places: dict[str, tuple[str, str | None]] = {}
        for row in _rows(self.store, "index_places"):
            country = row.get("country")
            places[row["place"].value] = (
                row["kind"].value,
                country.value if isinstance(country, ox.NamedNode) else None,
            )
        for row in _rows(self.store, "index_where"):
            number = self.entity(row["entity"].value)
            where = row["where"].value
            place = self.ids.get(where) if number is not None else None
            if place is not None and row["via"].value in ("location", "place"):
                self.located.add((place, number))
            if number is None or where not in places:
                continue
            kind, country = places[where]
            self.facets.add((kind, where, number))
            if kind == "city" and country:
                self.facets.add(("country", country, number))
        for row in _rows(self.store, "index_facet_values"):
            number = self.entity(row["entity"].value)
            if number is None:
                continue
            facet, value = row["facet"].value, row["value"].value
            if facet == "year":
                match = _YEAR.match(value)
                if match is None:
                    continue
                value = match.group(0)
                self.years[number] = min(value, self.years.get(number, value))
            self.facets.add((facet, value, number))

    def preferred(self, number: int) -> list[Text]:
        return [text for text, pref in self.labels.get(number, {}) if pref]

    def display(self, number: int, lang: str) -> Text:
        key = (number, lang)
        cached = self._display.get(key)
        if cached is None:
            chain = self.chains.get(lang) or language_chain([lang], self.languages)
            chosen = pick(self.preferred(number), chain) or self.synthesized.get(number, {}).get(
                lang
            )
            cached = chosen if chosen else Text(self.kinds[number][1].replace("-", " "))
            if chosen is not None:
                self._display[key] = cached
        return cached

    def role_names(self) -> None:
        """Give roles without a label of their own their sentence as a name, per language."""
        parts: dict[str, dict[str, Term]] = defaultdict(dict)
        for row in _rows(self.store, "index_roles"):
            name = _MKG_ROLE_LINKS.get(lexical(row["link"]))
            if name is not None:
                parts[lexical(row["role"])].setdefault(name, row["value"])
        role_rows: list[dict[str, Term]] = []
        for role, found in parts.items():
            number = self.entity(role)
            if number is None or self.preferred(number):
                continue
            program = found.get("program")
            year = self.years.get(self.ids.get(lexical(program), 0)) if program else None
            parts_row: dict[str, Term] = {"role": ox.NamedNode(role), **found}
            if year:
                parts_row["start"] = ox.Literal(year)
            role_rows.append(parts_row)
        facts = role_facts(role_rows)
        for lang, chain in self.chains.items():

            def label(iri: str, chain: tuple[str, ...] = chain, lang: str = lang) -> str:
                number = self.ids.get(iri)
                if number is not None:
                    return self.display(number, lang).value
                return self.vocab.label(iri, chain).value

            for fact in facts:
                number = self.ids[fact.role]
                self.synthesized[number][lang] = Text(role_name(fact, label, lang), lang)

    def partnership_names(self) -> None:
        """Name derived partnerships (unlabelled) after their two institutions and kind."""
        members: dict[str, list[str]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for row in _rows(self.store, "index_partnerships"):
            partnership = lexical(row["partnership"])
            members[partnership].append(lexical(row["member"]))
            if "kind" in row:
                kinds[partnership] = lexical(row["kind"])
        for partnership, found in members.items():
            number = self.entity(partnership)
            if number is None or self.preferred(number):
                continue
            ids = sorted({self.ids[m] for m in found if m in self.ids})
            for lang, chain in self.chains.items():
                names = sorted(self.display(m, lang).value for m in ids)
                text = " — ".join(names)
                if partnership in kinds:
                    kind = self.vocab.label(kinds[partnership], chain).value
                    text += f" ({lower_first(kind)})"
                self.synthesized[number][lang] = Text(text, lang)

    def name_synthesized(self) -> None:
        """Index the synthesized names (roles, partnerships) as preferred names for search."""
        for number, by_lang in self.synthesized.items():
            for text in by_lang.values():
                self.labels[number][(text, True)] = None

    def summarise(self) -> None:
        """The home page's overview (:func:`museumkg.index.overview.build_overview`)."""
        counts = {cls: len(found) for cls, found in self.members.items()}
        labels = {cls: self.vocab.label(cls, ("en",)).value for cls in counts}
        self.overview = build_overview(self.store, counts, labels)

    def write(self, path: Path) -> IndexStats:
        if path.exists():
            path.unlink()
        db = sqlite3.connect(path)
        try:
            # a new file in a folder that lands atomically: no journal needed while writing
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(SCHEMA)
            self._write(db)
            db.commit()  # written once, in key order where it matters: no VACUUM needed
        finally:
            db.close()
        return IndexStats(
            len(self.ids), sum(len(v) for v in self.labels.values()), len(self.facets)
        )

    def _write(self, db: sqlite3.Connection) -> None:
        meta = {"layout": INDEX_LAYOUT, "base_iri": self.base_iri}
        meta["languages"] = ",".join(self.languages)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany(
            "INSERT INTO overview VALUES (?, ?)",
            ((k, json.dumps(v, ensure_ascii=False)) for k, v in self.overview.items()),
        )
        db.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?)",
            ((n, iri, *self.kinds[n]) for iri, n in self.ids.items()),
        )
        db.executemany(
            "INSERT INTO slugs_fts(rowid, words) VALUES (?, ?)",
            ((n, f"{kind} {latin(slug)}") for n, (kind, slug) in self.kinds.items()),
        )
        label_rows = []
        for number, entries in self.labels.items():
            for text, pref in entries:
                folded, latin_form, loose_form = forms(text.value)
                label_rows.append(
                    (number, text.value, text.lang, int(pref), folded, latin_form, loose_form)
                )
        db.executemany(
            "INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((i, *row[:6]) for i, row in enumerate(label_rows, start=1)),
        )
        db.executemany(
            "INSERT INTO labels_fts(rowid, latin, loose) VALUES (?, ?, ?)",
            ((i, row[5], row[6]) for i, row in enumerate(label_rows, start=1)),
        )
        write_match_tables(
            db,
            ((i, row[0], row[1], row[6]) for i, row in enumerate(label_rows, start=1)),
            {n: kind for n, (kind, _slug) in self.kinds.items()},
        )
        for lang in self.languages:
            db.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
                (self._name_row(n, lang) for n in self.kinds),
            )
        self._write_types(db)
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)", sorted(self.facets))
        db.executemany("INSERT INTO located VALUES (?, ?)", sorted(self.located))
        db.execute(
            "INSERT INTO facet_counts SELECT t.class, f.facet, f.value, COUNT(*) "
            "FROM types t JOIN facets f ON f.entity = t.entity GROUP BY t.class, f.facet, f.value"
        )
        first = self.languages[0]
        # the two largest tables, inserted in primary-key order: appends, not random B-tree
        # inserts (at 10^6 triples, 1.4 M links)
        db.executemany(
            "INSERT INTO links VALUES (?, ?, ?, ?)",
            sorted((t, self._sort_key(s, first), s, p) for t, s, p in self.links),
        )
        db.executemany(
            "INSERT INTO graph_subjects VALUES (?, ?, ?)",
            sorted((g, self._sort_key(n, first), n) for g, n in self.graph_subjects),
        )

    def _sort_key(self, number: int, lang: str) -> str:
        key = (number, lang)
        found = self._sort_keys.get(key)
        if found is None:  # one fold per entity and language (links repeat their sources)
            found = self._sort_keys[key] = fold(self.display(number, lang).value)
        return found

    def _name_row(self, number: int, lang: str) -> tuple[int, str, str, str, str]:
        text = self.display(number, lang)
        return (number, lang, text.value, text.lang, self._sort_key(number, lang))

    def _write_types(self, db: sqlite3.Connection) -> None:
        rows: dict[tuple[str, int], int] = {}
        for number, classes in self.asserted.items():
            for cls in classes:
                rows[(cls, number)] = 1
                for parent in self.vocab.superclasses(cls):
                    if parent.startswith(MKG):  # listings and filters are by catalog class
                        rows.setdefault((parent, number), 0)
        db.executemany(
            "INSERT INTO types VALUES (?, ?, ?)", ((c, n, a) for (c, n), a in rows.items())
        )
        db.execute(
            "INSERT INTO class_counts SELECT class, COUNT(*), SUM(asserted) FROM types "
            "GROUP BY class"
        )
        db.execute(
            "INSERT INTO listing SELECT t.class, n.lang, n.sort_key, t.entity "
            "FROM types t JOIN names n ON n.entity = t.entity"
        )


def build_index(
    store: Store, path: Path, *, base_iri: str, languages: Sequence[str], ontology_graph: str
) -> IndexStats:
    """Write the catalog index of ``store`` to ``path`` (replacing any file there).

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
    builder = _Builder(store, base_iri, languages, vocab)
    builder.collect()
    builder.role_names()
    builder.partnership_names()
    builder.name_synthesized()
    builder.summarise()
    return builder.write(path)
