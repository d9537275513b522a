"""Finding entities by name for ``/search``, its suggestions and "did you mean" on a 404 page.

Matching and ranking are :mod:`museumkg.index.matcher`'s (the same matcher answers
``/reconcile``); this module pages its answer and shapes it for the pages and JSON.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from museumkg.index.catalog_index import CatalogIndex
from museumkg.index.matcher import CANDIDATES, MAX_QUERY, TIERS, add_types, find
from museumkg.textfold import latin

__all__ = ["CANDIDATES", "MAX_QUERY", "TIERS", "did_you_mean", "search", "suggest"]


def search(
    index: CatalogIndex,
    query: str,
    chain: Sequence[str],
    *,
    type_iri: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Entities whose names match ``query``, best first (:func:`museumkg.index.matcher.find`).

    Args:
        index: the catalog index.
        query: what the reader typed (any script; cut to :data:`MAX_QUERY` characters).
        chain: the reader's language chain, for the names shown.
        type_iri: only entities of this class (or a subclass).
        limit, offset: the page of results.

    Returns:
        ``query``, ``total`` (entities ranked), ``capped`` (there may be more than
        :data:`CANDIDATES`), ``offset``, ``limit``, ``named`` (how many of the ranked are named
        entities: derived nodes come after them) and ``hits``
        (:meth:`museumkg.index.matcher.Match.as_dict`).
    """
    text = query.strip()[:MAX_QUERY]
    matches = find(index, text, chain, type_iri=type_iri)
    page = matches[offset : offset + limit]
    add_types(index, page)
    return {
        "query": text,
        "total": len(matches),
        "capped": len(matches) >= CANDIDATES,
        "offset": offset,
        "limit": limit,
        "named": sum(1 for m in matches if m.named),
        "hits": [m.as_dict() for m in page],
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
            found |= index.slug_matches(scope, 100)
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
        types_of = index.types_of(sorted(ids))
        for number, entry in index.describe(sorted(ids), chain).items():
            types = types_of.get(number, [])
            candidates.setdefault(
                entry["iri"],
                {**entry, "matched": entry["label"], "match": TIERS[3], "types": types},
            )
    ranked: list[tuple[float, str, dict[str, Any]]] = []
    for iri, hit in candidates.items():
        tail = iri.split("/id/", 1)[-1]
        score = difflib.SequenceMatcher(None, wanted, tail).ratio()
        if hit["match"] in ("exact", "prefix"):
            score += 0.5
        if score >= 0.45:
            ranked.append((-score, hit["label"], hit))
    return [hit for _s, _l, hit in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]
