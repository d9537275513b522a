"""Finding entities by name: ranked, script- and accent-insensitive, over the catalog index.

The query is folded like the indexed names (:mod:`museumkg.textfold`) and matched in tiers,
each one bounded SQL on the index (never a scan of the store):

0. exact: the whole name equals the query (``latin`` form, B-tree lookup);
1. prefix: the name starts with the query (B-tree range);
2. words: every query word starts a word of the name (FTS5 on ``latin``);
3. loose: the same on the ``loose`` form (spelling variants merged);
4. place: what is at a place found by tiers 0-3 (programs held there, institutions located
   there: the index's ``located`` table, written at build time), after every name match.

Within a tier preferred names beat other names, then names sort alphabetically. At most
:data:`CANDIDATES` entities are ranked; a result says when there may be more.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from museumkg.index.catalog_index import CatalogIndex
from museumkg.lang import Text, pick
from museumkg.textfold import fold, latin, loose

#: Most entities ranked per query (each tier reads at most this many names).
CANDIDATES = 200
#: Longest query accepted, in characters (longer input is cut).
MAX_QUERY = 200
#: Tier names, best first.
TIERS = ("exact", "prefix", "words", "loose", "place")
#: The tier of entities found through their place rather than their name.
PLACE_TIER = 4
_TOP = "\U0010ffff"


@dataclass
class Hit:
    """One entity found, with the name that matched and how well."""

    entity: int
    tier: int
    pref: bool
    matched: Text
    iri: str = ""
    kind: str = ""
    label: Text = field(default_factory=lambda: Text(""))
    types: list[str] = field(default_factory=list)

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
            "types": self.types,
        }


def _fts_query(words: Sequence[str]) -> str:
    """An FTS5 query: every word as a quoted prefix term (words hold letters and digits only)."""
    return " AND ".join(f'"{w}"*' for w in words)


def _type_filter(type_iri: str | None) -> tuple[str, list[str]]:
    if not type_iri:
        return "", []
    return " AND l.entity IN (SELECT entity FROM types WHERE class = ?)", [type_iri]


def _candidates(
    index: CatalogIndex, query: str, type_iri: str | None, *, places: bool = True
) -> dict[int, Hit]:
    key, words, loose_words = latin(query), latin(query).split(), loose(query).split()
    where, extra = _type_filter(type_iri)
    select = f"SELECT l.entity, l.pref, l.text, l.lang FROM labels l WHERE {{}}{where} LIMIT ?"
    tiers: list[tuple[str, list[Any]]] = [
        (select.format("l.latin = ?"), [key, *extra, CANDIDATES]),
        (select.format("l.latin > ? AND l.latin < ?"), [key, key + _TOP, *extra, CANDIDATES]),
    ]
    fts = (
        "SELECT l.entity, l.pref, l.text, l.lang FROM labels_fts f JOIN labels l ON l.id = f.rowid "
        f"WHERE labels_fts MATCH ?{where} LIMIT ?"
    )
    if words:
        tiers.append((fts, [f"latin : ({_fts_query(words)})", *extra, CANDIDATES]))
    if loose_words:
        tiers.append((fts, [f"loose : ({_fts_query(loose_words)})", *extra, CANDIDATES]))
    hits: dict[int, Hit] = {}
    for tier, (sql, params) in enumerate(tiers):
        for row in index.rows(sql, params):
            hit = Hit(row["entity"], tier, bool(row["pref"]), Text(row["text"], row["lang"]))
            best = hits.get(hit.entity)
            if best is None or (hit.tier, not hit.pref) < (best.tier, not best.pref):
                hits[hit.entity] = hit
        if len(hits) >= CANDIDATES:
            break
    if places and len(hits) < CANDIDATES:
        # a type filter would hide the places themselves: find them by name without it
        named = _candidates(index, query, None, places=False) if type_iri else hits
        _at_places(index, hits, named, type_iri)
    return hits


def _at_places(
    index: CatalogIndex, hits: dict[int, Hit], named: dict[int, Hit], type_iri: str | None
) -> None:
    """Add to ``hits`` what is at the places among ``named`` (tier :data:`PLACE_TIER`)."""
    places = sorted(named, key=lambda n: (named[n].tier, n))
    if not places:
        return
    marks = ",".join("?" * len(places))
    where, extra = _type_filter(type_iri)
    rows = index.rows(
        f"SELECT l.place, l.entity FROM located l WHERE l.place IN ({marks}){where} LIMIT ?",
        [*places, *extra, CANDIDATES - len(hits)],
    )
    for row in sorted(rows, key=lambda r: (named[r["place"]].tier, r["entity"])):
        if row["entity"] not in hits:
            place = named[row["place"]]
            hits[row["entity"]] = Hit(row["entity"], PLACE_TIER, True, place.matched)


def _describe(
    index: CatalogIndex, hits: list[Hit], chain: Sequence[str], *, with_types: bool = True
) -> None:
    """Fill in IRI, kind, display label (reader's language) and asserted types of ``hits``."""
    if not hits:
        return
    marks = ",".join("?" * len(hits))
    ids = [h.entity for h in hits]
    entities = {
        r["id"]: r
        for r in index.rows(f"SELECT id, iri, kind FROM entities WHERE id IN ({marks})", ids)
    }
    labels: dict[int, list[Text]] = {}
    for r in index.rows(
        f"SELECT entity, text, lang FROM labels WHERE pref = 1 AND entity IN ({marks})", ids
    ):
        labels.setdefault(r["entity"], []).append(Text(r["text"], r["lang"]))
    for hit in hits:
        row = entities[hit.entity]
        hit.iri, hit.kind = row["iri"], row["kind"]
        hit.label = pick(labels.get(hit.entity, []), chain) or hit.matched
    if with_types:
        _add_types(index, hits)


def _add_types(index: CatalogIndex, hits: list[Hit]) -> None:
    """Fill in the asserted types of ``hits`` (only those a page shows: it is one more read)."""
    if not hits:
        return
    marks = ",".join("?" * len(hits))
    types: dict[int, list[str]] = {}
    for r in index.rows(
        f"SELECT entity, class FROM types WHERE asserted = 1 AND entity IN ({marks}) "
        "ORDER BY class",
        [h.entity for h in hits],
    ):
        types.setdefault(r["entity"], []).append(r["class"])
    for hit in hits:
        hit.types = types.get(hit.entity, [])


def search(
    index: CatalogIndex,
    query: str,
    chain: Sequence[str],
    *,
    type_iri: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Entities whose names match ``query``, best first.

    Args:
        index: the catalog index.
        query: what the reader typed (any script; cut to :data:`MAX_QUERY` characters).
        chain: the reader's language chain, for the names shown.
        type_iri: only entities of this class (or a subclass).
        limit, offset: the page of results.

    Returns:
        ``query``, ``total`` (entities ranked), ``capped`` (there may be more than
        :data:`CANDIDATES`), ``offset``, ``limit`` and ``hits`` (:meth:`Hit.as_dict`).
    """
    text = query.strip()[:MAX_QUERY]
    empty = {"query": text, "total": 0, "capped": False, "offset": offset, "limit": limit}
    if not fold(text):
        return {**empty, "hits": []}
    hits = list(_candidates(index, text, type_iri).values())
    _describe(index, hits, chain, with_types=False)  # names rank; types only for the page
    hits.sort(key=lambda h: (h.tier, not h.pref, fold(h.label.value), h.iri))
    page = hits[offset : offset + limit]
    _add_types(index, page)
    return {
        **empty,
        "total": len(hits),
        "capped": len(hits) >= CANDIDATES,
        "hits": [h.as_dict() for h in page],
    }


def suggest(
    index: CatalogIndex, query: str, chain: Sequence[str], *, limit: int = 8
) -> list[dict[str, Any]]:
    """Autocomplete: the best few entities for a partly typed name."""
    hits: list[dict[str, Any]] = search(index, query, chain, limit=limit)["hits"]
    return hits


def _slug_candidates(index: CatalogIndex, kind: str, words: Sequence[str]) -> set[int]:
    """Entities whose slug words start like ``words``: whole words first, then shorter stems."""
    found: set[int] = set()
    for stem in (None, 4, 3, 2):
        terms = {w if stem is None else w[:stem] for w in words if stem is None or len(w) > stem}
        if not terms:
            continue
        match = " OR ".join(f'"{t}"*' for t in sorted(terms))
        for scope in (f'"{kind}" AND ({match})', match):
            rows = index.rows(
                "SELECT rowid FROM slugs_fts WHERE slugs_fts MATCH ? LIMIT ?", [scope, 100]
            )
            found |= {r["rowid"] for r in rows}
            if len(found) >= 5:
                return found
    return found


def did_you_mean(
    index: CatalogIndex, kind: str, slug: str, chain: Sequence[str], *, limit: int = 5
) -> list[dict[str, Any]]:
    """Entities whose identifiers or names are close to ``kind/slug`` (for a 404 page).

    Candidates come from the slug's words (FTS on slugs, whole words, then shorter stems) and
    from a name search on those words; they are ranked by how similar their ``kind/slug`` is
    (difflib ratio), names that match the words exactly counting extra.
    """
    words = latin(slug.replace("/", " ")).split()[:8]
    kind_word = latin(kind).replace(" ", "")
    ids = _slug_candidates(index, kind_word, words) if words and kind_word else set()
    found = search(index, " ".join(words), chain, limit=20)["hits"] if words else []
    wanted = f"{kind}/{slug}"
    candidates: dict[str, dict[str, Any]] = {hit["iri"]: hit for hit in found}
    if ids:
        marks = ",".join("?" * len(ids))
        rows = index.rows(
            f"SELECT id, iri, kind, slug FROM entities WHERE id IN ({marks})", sorted(ids)
        )
        slug_hits = [Hit(r["id"], 2, True, Text(r["slug"]), r["iri"], r["kind"]) for r in rows]
        _describe(index, slug_hits, chain)
        for slug_hit in slug_hits:
            candidates.setdefault(slug_hit.iri, slug_hit.as_dict())
    ranked: list[tuple[float, str, dict[str, Any]]] = []
    for iri, hit in candidates.items():
        tail = iri.split("/id/", 1)[-1]
        score = difflib.SequenceMatcher(None, wanted, tail).ratio()
        if hit["match"] in ("exact", "prefix"):
            score += 0.5
        if score >= 0.45:
            ranked.append((-score, hit["label"], hit))
    return [hit for _s, _l, hit in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]
