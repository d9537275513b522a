"""Writing the catalog index (:mod:`museumkg.index.catalog_index` says what it holds): the
entities, names, types, facets and links collected from a store, then written to SQLite with
the matcher's tables (:mod:`museumkg.index.match_tables`) and the home page's overview.

Memory does not grow with the largest tables:

- the index queries' rows are unpacked as tuples (no dict per row) and the strings that repeat
  (classes, properties, graphs, facet values, language tags) are kept once;
- links, graph subjects, facets and types are not collected in Python sets: their raw rows go
  into temporary SQLite tables as they are read, and the final rows are made by
  ``INSERT ... SELECT`` joining the ``names`` table for sort keys, deduplicated and ordered by
  SQLite (which sorts in bounded memory, spilling to temporary files);
- names and labels are written in batches as they are computed, not as one list.

What stays in memory: the entity numbers (IRI, kind, slug), every name of every entity (display
names are chosen among them), and the display names computed before the ``names`` table is
written (roles and partnerships are named after their parts).
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import INDEX_LAYOUT
from museumkg.index.index_staging import open_new_index, write_facets, write_links, write_types
from museumkg.index.match_tables import SCHEMA as MATCH_SCHEMA
from museumkg.index.match_tables import write_match_tables
from museumkg.index.overview import build_overview
from museumkg.index.roles import lower_first, role_facts, role_name
from museumkg.index.vocab import Vocabulary, read_vocabulary
from museumkg.iris import entity_prefix, parse_entity_iri
from museumkg.lang import Text, language_chain, pick
from museumkg.namespaces import MKG
from museumkg.queries import named_rows, named_solutions
from museumkg.store import Store, Term
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


#: Rows per ``executemany`` batch where rows are computed in Python (labels).
BATCH = 10_000

_YEAR = re.compile(r"^-?\d{4}")
_MKG_ROLE_LINKS = {
    f"{MKG}agent": "agent",
    f"{MKG}roleType": "roleType",
    f"{MKG}inProgram": "program",
    f"{MKG}onBehalfOf": "behalf",
}

#: One name of an entity: its text, language tag and whether it is a preferred name.
Label = tuple[str, str, bool]


@dataclass(frozen=True)
class IndexStats:
    """What a build of the index wrote."""

    entities: int
    labels: int
    facets: int


class IndexBuilder:
    """Reads the store with the ``index_*`` queries and writes the index into ``db``."""

    def __init__(
        self,
        store: Store,
        db: sqlite3.Connection,
        base_iri: str,
        languages: Sequence[str],
        vocab: Vocabulary,
    ):
        self.store = store
        self.db = db
        self.base_iri = base_iri
        self.prefix = entity_prefix(base_iri)
        self.languages = tuple(languages) or ("en",)
        self.chains = {lang: language_chain([lang], self.languages) for lang in self.languages}
        self.vocab = vocab
        self.ids: dict[str, int] = {}
        self.kinds: dict[int, tuple[str, str]] = {}
        self.labels: dict[int, list[Label]] = {}
        self.label_count = 0
        self.synthesized: dict[int, dict[str, Text]] = defaultdict(dict)
        self.years: dict[int, str] = {}
        self._display: dict[tuple[int, str], Text] = {}
        self.located: set[tuple[int, int]] = set()
        self.members: dict[str, set[int | str]] = defaultdict(set)
        self.overview: Mapping[str, object] = {}  # OverviewData, once summarised
        self._strings: dict[str, str] = {}

    def _once(self, text: str) -> str:
        """``text``, the same string object every time (classes, properties, graphs repeat)."""
        return self._strings.setdefault(text, text)

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
        self.kinds[number] = (self._once(ref.kind), ref.slug)
        return number

    def _add_label(self, number: int, label: Label) -> None:
        found = self.labels.get(number)
        if found is None:
            self.labels[number] = [label]
        elif label not in found:
            found.append(label)
        else:
            return
        self.label_count += 1

    def collect(self) -> None:
        """Read entities, names, facets, links and graph subjects (in this order)."""
        entities = named_solutions(self.store, "index_entities")
        self.db.executemany("INSERT INTO raw_types VALUES (?, ?)", self._types(entities))
        self.db.execute("INSERT INTO raw_facets SELECT 'type', class, entity FROM raw_types")
        for entity, label, pref in named_solutions(self.store, "index_labels"):
            number = self.entity(entity.value)
            if number is None or not isinstance(label, ox.Literal) or not label.value.strip():
                continue
            lang = self._once(label.language or "")
            self._add_label(number, (label.value, lang, pref.value == "true"))
        self._collect_facets()
        links = named_solutions(self.store, "index_links")
        self.db.executemany("INSERT INTO raw_links VALUES (?, ?, ?)", self._links(links))
        self.db.executemany(
            "INSERT INTO raw_graph_subjects VALUES (?, ?)",
            self._graph_subjects(named_solutions(self.store, "index_graph_subjects")),
        )

    def _types(self, rows: Iterable[Any]) -> Iterator[tuple[int, str]]:
        for entity, kind in rows:
            number = self.entity(entity.value)
            if isinstance(kind, ox.NamedNode):
                cls = self._once(kind.value)
                if cls.startswith(MKG):
                    # every typed thing counts on the home page, under the base or not
                    self.members[cls].add(str(entity) if number is None else number)
                if number is not None:
                    yield number, cls

    def _links(self, rows: Iterable[Any]) -> Iterator[tuple[int, int, str]]:
        ids = self.ids
        for subject, prop, obj in rows:
            target = ids.get(obj.value)
            if target is not None:
                source = ids.get(subject.value)
                if source is not None:
                    yield target, source, self._once(prop.value)

    def _graph_subjects(self, rows: Iterable[Any]) -> Iterator[tuple[str, int]]:
        ids = self.ids
        for graph, subject in rows:
            number = ids.get(subject.value)
            if number is not None:
                yield self._once(graph.value), number

    # Complexity: one pass per facet query, each a few guarded inserts; splitting them would only
    # pass the half-built tables around
    def _collect_facets(self) -> None:  # noqa: C901
        places: dict[str, tuple[str, str | None]] = {}
        for place, kind, country in named_solutions(self.store, "index_places"):
            places[place.value] = (
                self._once(kind.value),
                self._once(country.value) if isinstance(country, ox.NamedNode) else None,
            )
        facets: list[tuple[str, str, int]] = []
        for entity, where_term, via in named_solutions(self.store, "index_where"):
            number = self.entity(entity.value)
            where = where_term.value
            place = self.ids.get(where) if number is not None else None
            if place is not None and number is not None and via.value in ("location", "place"):
                self.located.add((place, number))
            if number is None or where not in places:
                continue
            kind, country = places[where]
            facets.append((kind, self._once(where), number))
            if kind == "city" and country:
                facets.append(("country", country, number))
            if len(facets) >= BATCH:
                self.db.executemany("INSERT INTO raw_facets VALUES (?, ?, ?)", facets)
                facets.clear()
        for entity, facet_term, value_term in named_solutions(self.store, "index_facet_values"):
            number = self.entity(entity.value)
            if number is None:
                continue
            facet, value = self._once(facet_term.value), value_term.value
            if facet == "year":
                match = _YEAR.match(value)
                if match is None:
                    continue
                value = match.group(0)
                self.years[number] = min(value, self.years.get(number, value))
            facets.append((facet, self._once(value), number))
            if len(facets) >= BATCH:
                self.db.executemany("INSERT INTO raw_facets VALUES (?, ?, ?)", facets)
                facets.clear()
        self.db.executemany("INSERT INTO raw_facets VALUES (?, ?, ?)", facets)

    def preferred(self, number: int) -> list[Text]:
        return [Text(value, lang) for value, lang, pref in self.labels.get(number, ()) if pref]

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
        for role_term, link, value in named_solutions(self.store, "index_roles"):
            name = _MKG_ROLE_LINKS.get(lexical(link))
            if name is not None:
                parts[lexical(role_term)].setdefault(name, value)
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
        del parts
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
        for row in named_rows(self.store, "index_partnerships"):
            partnership = lexical(row["partnership"])
            members[partnership].append(lexical(row["member"]))
            if "kind" in row:
                kinds[partnership] = self._once(lexical(row["kind"]))
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
                self._add_label(number, (text.value, self._once(text.lang), True))

    def summarise(self) -> None:
        """The home page's overview (:func:`museumkg.index.overview.build_overview`)."""
        counts = {cls: len(found) for cls, found in self.members.items()}
        labels = {cls: self.vocab.label(cls, ("en",)).value for cls in counts}
        self.members.clear()
        self.overview = build_overview(self.store, counts, labels)

    def write(self) -> IndexStats:
        """Write every table from what was collected; the caller commits."""
        db = self.db
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
        self._write_labels()
        labels = db.execute(
            "SELECT l.id, l.entity, l.text, f.loose FROM labels l "
            "JOIN labels_fts f ON f.rowid = l.id ORDER BY l.id"
        )
        write_match_tables(db, labels, {n: kind for n, (kind, _slug) in self.kinds.items()})
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", self._name_rows())
        write_types(db, self._catalog_superclasses)
        facets = write_facets(db)
        db.executemany("INSERT INTO located VALUES (?, ?)", sorted(self.located))
        db.execute(
            "INSERT INTO facet_counts SELECT t.class, f.facet, f.value, COUNT(*) "
            "FROM types t JOIN facets f ON f.entity = t.entity GROUP BY t.class, f.facet, f.value"
        )
        write_links(db, self.languages[0])
        return IndexStats(len(self.ids), self.label_count, int(facets))

    def _write_labels(self) -> None:
        """The labels and their full-text rows, numbered in the order they were collected."""
        numbered = enumerate(
            ((number, label) for number, entries in self.labels.items() for label in entries),
            start=1,
        )
        while batch := list(itertools.islice(numbered, BATCH)):
            rows = []
            fts = []
            for i, (number, (value, lang, pref)) in batch:
                folded, latin_form, loose_form = forms(value)
                rows.append((i, number, value, lang, int(pref), folded, latin_form))
                fts.append((i, latin_form, loose_form))
            self.db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.executemany("INSERT INTO labels_fts(rowid, latin, loose) VALUES (?, ?, ?)", fts)

    def _name_rows(self) -> Iterator[tuple[int, str, str, str, str]]:
        """Each entity's display name and sort key per language, in key order.

        The last use of the display names: each is dropped from the cache once written.
        """
        for number in sorted(self.kinds):
            previous: tuple[str, str] | None = None
            for lang in self.languages:
                text = self.display(number, lang)
                self._display.pop((number, lang), None)
                if previous is None or previous[0] != text.value:
                    previous = (text.value, fold(text.value))
                yield (number, lang, text.value, text.lang, previous[1])

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
        builder = IndexBuilder(store, db, base_iri, languages, vocab)
        builder.collect()
        builder.role_names()
        builder.partnership_names()
        builder.name_synthesized()
        builder.summarise()
        stats = builder.write()
        db.commit()  # written once, in key order where it matters: no VACUUM needed
    except BaseException:
        db.close()
        path.unlink(missing_ok=True)
        raise
    db.close()
    return stats
