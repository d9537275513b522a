"""Matching a name to entities: the one matcher behind ``/search``, its suggestions and
``/reconcile``.

The query is folded like the indexed names (:mod:`museumkg.textfold`: case, accents, and
Cyrillic to Latin) and looked up in tiers, each bounded SQL on the catalog index (never a scan
of the store; the statements are :class:`museumkg.index.match_tables.MatchReads` methods):

0. ``exact``: a whole-name key equals the query: a preferred or other name (``skos:altLabel``,
   so GeoNames' alternate names of places too), a name without its parentheses, or an acronym
   given in parentheses (:mod:`museumkg.index.name_keys`);
1. ``spelling``: the same on the ``loose`` form (``Kazakstan`` for ``Қазақстан``, another
   transliteration of a Russian name);
2. ``prefix``: a key starts with the query;
3. ``words``: every query word starts a word of the name (FTS5 on the ``latin`` form); when
   nothing matched so far, also a name followed by where it is (the last one or two words name
   a place, the others start words of the name of something in that city or country: type
   and place as evidence);
4. ``loose words``: the same on the ``loose`` form;
5. ``fuzzy``, only when nothing above matched: misspelt words replaced by the closest words of
   the catalog's names (same first letter, at most two letters longer or shorter), then names
   holding most of the query's words;
6. ``place``: what is at a place found above (an institution's location, a program's place).

Ranking: named entities (institutions, people, programs, places, topics, sources) always come
before derived nodes (partnerships, roles, claims), which stay findable after them; then the
tier; then how much of the matched name the query covers (the ratio of the ``latin`` forms'
lengths); then preferred names before others, whole names before short forms and acronyms,
and the display name. Each match says why it matched (:meth:`Match.why`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from museumkg.index.catalog_index import CatalogIndex
from museumkg.index.match_tables import NAMED_KINDS
from museumkg.index.name_keys import HOW_ACRONYM, HOW_NAME, HOW_SHORT
from museumkg.lang import Text
from museumkg.textfold import fold, latin, loose

#: Most entities ranked per query.
CANDIDATES = 200
#: Longest query accepted, in characters (longer input is cut).
MAX_QUERY = 300
#: Tier names, best first.
TIERS = ("exact", "spelling", "prefix", "words", "loose words", "fuzzy", "place")
EXACT, SPELLING, PREFIX, WORDS, LOOSE_WORDS, FUZZY, PLACE = range(len(TIERS))
#: Shortest word the fuzzy tier corrects, and how close a correction must be (difflib ratio).
FUZZY_MIN_WORD = 4
FUZZY_CUTOFF = 0.75
#: Share of the query's words a name must hold in the fuzzy tier's last step.
MOST_WORDS = 0.6


@dataclass
class Match:
    """One entity matched: by which of its names, in which tier, how closely."""

    entity: int
    tier: int
    named: bool
    pref: bool
    how: int
    matched: Text
    key: str
    similarity: float = 0.0
    via: Text | None = None
    iri: str = ""
    kind: str = ""
    label: Text = field(default_factory=lambda: Text(""))
    types: list[str] = field(default_factory=list)

    def quality(self) -> tuple[Any, ...]:
        """How well the name matched (the start of :meth:`rank`)."""
        return (not self.named, self.tier, -round(self.similarity, 4), not self.pref, self.how)

    def rank(self) -> tuple[Any, ...]:
        """The sort key: named first, then tier, closeness, preferred, whole name, label."""
        return (
            not self.named,
            self.tier,
            -round(self.similarity, 4),
            not self.pref,
            self.how,
            self.label.value.casefold(),  # a tie-break: no need for the full (slower) fold
            self.iri,
        )

    def why(self) -> str:
        """A sentence saying why this entity matched the query."""
        name = f"“{self.matched.value}”" + (f" ({self.matched.lang})" if self.matched.lang else "")
        which = "preferred name" if self.pref else "other name"
        if self.tier == PLACE and self.via is not None:
            return f"it is at {self.via.value}, which matches the query"
        if self.tier in (EXACT, SPELLING):
            what = {HOW_NAME: which, HOW_SHORT: f"{which} without its parentheses"}.get(
                self.how, "acronym"
            )
            if self.how == HOW_ACRONYM:
                what = f"acronym in its {which}"
            spelt = "" if self.tier == EXACT else ", spelt another way"
            return f"the query is its {what} {name}{spelt}"
        if self.tier == WORDS and self.via is not None:
            return f"the other words start words of its {which} {name}; it is in {self.via.value}"
        return {
            PREFIX: f"its {which} {name} starts with the query",
            WORDS: f"every word of the query starts a word of its {which} {name}",
            LOOSE_WORDS: f"every word of the query, spelt loosely, is in its {which} {name}",
        }.get(self.tier, f"its {which} {name} is close to the query (misspelt words)")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for pages and JSON."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label.value,
            "label_lang": self.label.lang,
            "matched": self.matched.value,
            "matched_lang": self.matched.lang,
            "match": TIERS[self.tier],
            "named": self.named,
            "why": self.why(),
            "types": self.types,
        }


def _fts(column: str, groups: Sequence[Sequence[str]]) -> str:
    """An FTS5 query: every group (alternatives of one word, as prefixes) must match."""
    terms = []
    for group in groups:
        alternatives = " OR ".join(f'"{w}"*' for w in group)
        terms.append(f"({alternatives})" if len(group) > 1 else alternatives)
    return f"{column} : ({' AND '.join(terms)})"


class _Gatherer:
    """Collects the best match of each entity over the tiers, for one query."""

    def __init__(
        self, index: CatalogIndex, text: str, cap: int = CANDIDATES, whole: bool = False
    ) -> None:
        self.index = index
        self.cap = cap
        self.whole = whole
        self.key, self.loose_key = latin(text), loose(text)
        self.words, self.loose_words = self.key.split(), self.loose_key.split()
        self.found: dict[int, Match] = {}

    def similarity(self, key: str) -> float:
        """How much of a matched name's ``latin`` form the query covers (lengths' ratio, 0..1).

        Every tier already says the query's words are in the name; among names matched in one
        tier the one with least else in it is the closest (cheap: candidates are many).
        """
        shorter, longer = sorted((len(self.key), len(key)))
        return shorter / longer if longer else 0.0

    def add(self, rows: Sequence[Any], tier: int, named: bool) -> None:
        for row in rows:
            known = self.found.get(row["entity"])
            if known is not None and known.tier < tier:
                continue
            hit = Match(
                row["entity"],
                tier,
                named,
                bool(row["pref"]),
                int(row["how"]),
                Text(row["text"], row["lang"]),
                row["key"],
            )
            hit.similarity = self.similarity(hit.key)
            if known is None or hit.quality() < known.quality():
                self.found[hit.entity] = hit

    def count(self, named: bool) -> int:
        return sum(1 for m in self.found.values() if m.named == named)

    def gather(self, named: bool) -> None:
        index, room = self.index, self.cap
        steps = [
            (EXACT, lambda n: index.names_equal(self.key, named=named, loose=False, limit=n)),
            (
                SPELLING,
                lambda n: index.names_equal(self.loose_key, named=named, loose=True, limit=n),
            ),
            (PREFIX, lambda n: index.names_starting(self.key, named=named, limit=n)),
        ]
        if self.words:
            fts = _fts("latin", [[w] for w in self.words])
            steps.append((WORDS, lambda n: index.names_with_words(fts, named=named, limit=n)))
        if self.loose_words:
            loose_fts = _fts("loose", [[w] for w in self.loose_words])
            steps.append(
                (LOOSE_WORDS, lambda n: index.names_with_words(loose_fts, named=named, limit=n))
            )
        for tier, read in steps:
            self.add(read(room), tier, named)
            if self.count(named) >= self.cap:
                return
            if (
                self.whole
                and tier == PREFIX
                and any(m.tier <= SPELLING for m in self.found.values())
            ):
                return  # a whole name matched: word matches (full-text reads) are not needed
        if named and not self.found and len(self.words) > 1:
            self.name_at_place()
        if not self.found and self.loose_words:
            self.fuzzy(named)

    def name_at_place(self) -> None:
        """A name followed by where it is (``Kasteyev museum Almaty``): the last one or two
        words name a place exactly, the others start words of the name of something in that
        city or country: tier :data:`WORDS`, with the place as evidence (``Match.via``)."""
        for size in (1, 2):
            head, tail = self.words[:-size], " ".join(self.words[-size:])
            if not head:
                return
            named_rows = self.index.names_equal(tail, named=True, loose=False, limit=10)
            kinds = self.index.entity_rows(sorted({r["entity"] for r in named_rows}))
            where = {
                kinds[r["entity"]]["iri"]: Text(r["text"], r["lang"])
                for r in named_rows
                if kinds[r["entity"]]["kind"] == "place"
            }
            if not where:
                continue
            fts = _fts("latin", [[w] for w in head])
            found = self.index.names_with_words(fts, named=True, limit=self.cap)
            facets = self.index.facet_values(sorted({r["entity"] for r in found}))
            inside = {r["entity"]: where[r["value"]] for r in facets if r["value"] in where}
            kept = [r for r in found if r["entity"] in inside]
            self.add(kept, WORDS, True)
            for number, place in inside.items():
                if number in self.found:
                    self.found[number].via = place
            if kept:
                return

    def fuzzy(self, named: bool) -> None:
        """Misspelt words corrected to the catalog's closest words; then most of the words."""
        groups: list[list[str]] = []
        for word in self.loose_words:
            if len(word) < FUZZY_MIN_WORD or self.index.has_term(word):
                groups.append([word])
                continue
            near = self.index.terms_near(word[0], len(word) - 2, len(word) + 2)
            close = difflib.get_close_matches(word, near, n=3, cutoff=FUZZY_CUTOFF)
            groups.append([word, *close])
        rows = self.index.names_with_words(_fts("loose", groups), named=named, limit=self.cap)
        if not rows and len(groups) > 1:
            every = [[w for g in groups for w in g]]
            found = self.index.names_with_words(_fts("loose", every), named=named, limit=1000)
            rows = [r for r in found if _share(groups, loose(r["text"]).split()) >= MOST_WORDS]
        self.add(rows, FUZZY, named)

    def at_places(self) -> None:
        """Add what is at the places matched so far (tier :data:`PLACE`)."""
        described = self.index.entity_rows(sorted(self.found))
        places = sorted(
            (n for n, row in described.items() if row["kind"] == "place"),
            key=lambda n: (self.found[n].quality(), n),
        )
        room = self.cap - len(self.found)
        if not places or room <= 0:
            return
        for row in sorted(
            self.index.located_at(places, room),
            key=lambda r: (self.found[r["place"]].quality(), r["place"], r["entity"]),
        ):
            if row["entity"] not in self.found:
                place = self.found[row["place"]]
                hit = Match(row["entity"], PLACE, True, True, HOW_NAME, place.matched, place.key)
                hit.via = place.matched
                hit.similarity = 0.0
                self.found[row["entity"]] = hit


def _share(groups: Sequence[Sequence[str]], words: Sequence[str]) -> float:
    """The share of word groups one of whose words starts a word of ``words``."""
    held = sum(1 for g in groups if any(w.startswith(a) for a in g for w in words))
    return held / len(groups)


def find(
    index: CatalogIndex,
    query: str,
    chain: Sequence[str],
    *,
    type_iri: str | None = None,
    places: bool = True,
    cap: int = CANDIDATES,
    derived: bool = True,
    whole: bool = False,
) -> list[Match]:
    """Every entity (at most ``cap``) matching ``query``, best first.

    Args:
        index: the catalog index.
        query: a name as someone typed it (any script; cut to :data:`MAX_QUERY` characters).
        chain: the reader's language chain, for the display names (``Match.label``).
        type_iri: only entities of this class (or of a subclass).
        places: also what is at a matched place (tier :data:`PLACE`).
        cap: most entities gathered (each tier reads at most this many names).
        derived: also derived nodes (after every named entity).
        whole: when a name matches whole (exact or spelling tier), skip the word tiers
            (reconciliation: the cell names that entity; the search page lists more).

    The matches carry IRI, kind and display name, not types (:func:`add_types` adds them to
    the ones shown: it is one more read).
    """
    text = query.strip()[:MAX_QUERY]
    if not fold(text):
        return []
    gatherer = _Gatherer(index, text, cap, whole)
    gatherer.gather(named=True)
    if places:
        gatherer.at_places()
    if derived and len(gatherer.found) < cap:
        gatherer.gather(named=False)
    found = gatherer.found
    if type_iri:
        keep = index.entities_of_type(sorted(found), type_iri)
        found = {n: m for n, m in found.items() if n in keep}
    matches = list(found.values())
    described = index.describe([m.entity for m in matches], chain)
    for match in matches:
        entry = described[match.entity]
        match.iri, match.kind = entry["iri"], entry["kind"]
        match.label = Text(entry["label"], entry["label_lang"])
        match.named = match.kind in NAMED_KINDS
    matches.sort(key=Match.rank)
    return matches


def add_types(index: CatalogIndex, matches: Sequence[Match]) -> None:
    """Fill in the asserted types of ``matches``."""
    types = index.types_of([m.entity for m in matches])
    for match in matches:
        match.types = types.get(match.entity, [])
