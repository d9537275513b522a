"""Reading the cells of a row: names and their variants, labels, places, dates, comments.

Each helper reads one kind of cell the same way for every delivery and reports what it cannot
map (a place missing from the decisions' ``places:``, a date that is not ISO) as a problem of
the row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from museumkg.records.ingest.tables import Ingest, Row

DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def split_name(text: str, cities: Iterable[str]) -> tuple[str, list[str]]:
    """``Name (Variant; later Other)`` → ("Name", ["Variant", "Other"]); a city stays put."""
    match = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text)
    if not match or match.group(2).strip() in set(cities):
        return text.strip(), []
    alts = []
    for part in match.group(2).split(";"):
        part = re.sub(r"^(later|also)\s+", "", part.strip())
        part = part.strip().strip("'\"“”‘’").strip()
        if part:
            alts.append(part)
    return match.group(1).strip(), alts


def topic_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def labels(
    ingest: Ingest,
    iri: str,
    names: dict[str, str],
    alts: list[str],
    alt_by_lang: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """``prefLabel``/``altLabel`` fields: a name becomes an alternative label where another
    source already gives the entity a different preferred label in that language (SKOS allows
    one per language across the catalog)."""
    pref: dict[str, str] = {}
    alt: dict[str, list[str]] = {}
    for lang, name in names.items():
        if not name:
            continue
        held = ingest.existing_labels.get((iri, lang))
        if held is None or held == name:
            pref[lang] = name
        else:
            alt.setdefault(lang, []).append(name)
    extra = [("en", name) for name in alts]
    for lang, more in (alt_by_lang or {}).items():
        extra += [(lang, name) for name in more]
    for lang, name in extra:
        taken = (pref.get(lang), ingest.existing_labels.get((iri, lang)))
        if name not in taken and name not in alt.get(lang, []):
            alt.setdefault(lang, []).append(name)
    fields: dict[str, dict[str, Any]] = {}
    if pref:
        fields["prefLabel"] = pref
    if alt:
        fields["altLabel"] = {k: v[0] if len(v) == 1 else v for k, v in alt.items()}
    return fields


def place_of(ingest: Ingest, row: Row, column: str, cell: str) -> str | None:
    """The place slug of one city or country cell (None: not a place), or a problem."""
    table = ingest.shared("places")
    if cell not in table:
        ingest.problem(
            "unmapped-value",
            f"the place {cell!r} is not in the places table",
            row,
            column,
            hint=ingest.decision_hint("places") + " (and to data/vocabularies/places.ttl)",
        )
        return None
    return table[cell]


def places(ingest: Ingest, row: Row) -> tuple[list[str], list[str]]:
    """(place slugs, cells that are not places): the city cells if any, else the countries."""
    found: list[str] = []
    unplaced: list[str] = []
    for column in ("city", "country"):
        slugs = []
        for cell in row.cells_of(column):
            slug = place_of(ingest, row, column, cell)
            if slug is None:
                if cell in ingest.shared("places"):
                    unplaced.append(cell)
            elif slug not in slugs:
                slugs.append(slug)
        if slugs and not found:
            found = slugs
    return found, unplaced


def date(ingest: Ingest, row: Row, column: str, value: str | None = None) -> str | None:
    value = (row.cells.get(column, "") if value is None else value).strip()
    if not value:
        return None
    if not DATE.match(value):
        ingest.problem(
            "bad-value",
            f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
            row,
            column,
        )
        return None
    return value


def comment(*parts: str) -> dict[str, str] | None:
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return {"en": text} if text else None


def reference(
    ingest: Ingest, row: Row, column: str, value: str, known: set[str], what: str
) -> bool:
    """Whether ``value`` is an id of ``known``; if not, a problem naming row and column."""
    if value in known:
        return True
    ingest.problem(
        "reference",
        f"{value!r} is not an id of {what}",
        row,
        column,
        hint="use the id of the row (this delivery's tables or an earlier delivery's)",
    )
    return False
