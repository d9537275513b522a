"""The links sheet: the catalog's entities out to a CSV for reconciliation, reviewed links back in.

``museumkg links --format csv`` writes one line per institution, person, place and program:
id, type, English and Russian names, country, city and its current same-as links, one column
per authority (:mod:`museumkg.authorities`). A curator reconciles it (OpenRefine against
Wikidata, say) and fills a reviewed sheet with the columns ``id, authority, identifier,
reviewer, date``; ``museumkg import`` of that sheet (:func:`sheet_record`) makes it a source
document of its own, "Links reviewed by …", written as a Turtle record and validated and
imported like every record. docs/curation.md shows the round trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.authorities import AUTHORITIES, BY_KEY, authority_of, link_iri
from museumkg.iris import is_slug, parse_entity_iri
from museumkg.namespaces import MKG
from museumkg.problems import Problem, ProblemsFound
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical

#: The columns of the sheet ``museumkg links`` writes.
EXPORT_COLUMNS = (
    "id",
    "type",
    "label_en",
    "label_ru",
    "country",
    "city",
    *(a.key for a in AUTHORITIES),
    "other_links",
)
#: The columns a reviewed sheet must have (more are allowed and ignored, e.g. a note).
REVIEW_COLUMNS = ("id", "authority", "identifier", "reviewer", "date")
_TOP = {f"{MKG}{c}" for c in ("Institution", "Person", "Place", "Program")}


@dataclass
class _Entity:
    iri: str
    types: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    where: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def links_table(store: Store, base_iri: str) -> list[dict[str, str]]:
    """The rows of the links sheet, sorted by id (see :data:`EXPORT_COLUMNS`)."""
    entities: dict[str, _Entity] = {}
    for row in named_rows(store, "links_sheet"):
        iri = lexical(row["entity"])
        entity = entities.setdefault(iri, _Entity(iri))
        entity.types.add(lexical(row["type"]))
        label = row.get("label")
        if isinstance(label, ox.Literal) and label.language:
            entity.labels.setdefault(label.language, label.value)
        if "where" in row:
            entity.where.add(lexical(row["where"]))
        if "link" in row:
            entity.links.add(lexical(row["link"]))
    places = _places(store, {w for e in entities.values() for w in e.where}, entities)
    rows = []
    for entity in entities.values():
        ref = parse_entity_iri(base_iri, entity.iri)
        if ref is not None:
            rows.append(_sheet_row(entity, f"{ref.kind}/{ref.slug}", places))
    return sorted(rows, key=lambda r: r["id"])


def _sheet_row(
    entity: _Entity, entity_id: str, places: dict[str, tuple[str, str, str]]
) -> dict[str, str]:
    specific = sorted(entity.types - _TOP) or sorted(entity.types)
    city, country = "", ""
    if f"{MKG}Country" in entity.types:
        country = entity.labels.get("en", "")
    for where in sorted(entity.where):
        kind, name, in_country = places.get(where, ("", "", ""))
        city = city or (name if kind == "city" else "")
        country = country or (name if kind == "country" else in_country)
    row = {
        "id": entity_id,
        "type": ", ".join(_local(t) for t in specific),
        "label_en": entity.labels.get("en", ""),
        "label_ru": entity.labels.get("ru", ""),
        "country": country,
        "city": city,
    }
    others = []
    for link in sorted(entity.links):
        authority = authority_of(link)
        identifier = authority.identifier(link) if authority else None
        if authority and identifier:
            row[authority.key] = " ".join(filter(None, [row.get(authority.key), identifier]))
        else:
            others.append(link)
    row["other_links"] = " ".join(others)
    return {column: row.get(column, "") for column in EXPORT_COLUMNS}


def _places(
    store: Store, iris: Iterable[str], entities: dict[str, _Entity]
) -> dict[str, tuple[str, str, str]]:
    """Place IRI → (city or country, English name, the city's country's English name)."""
    found: dict[str, tuple[str, str, str]] = {}
    for iri in iris:
        place = entities.get(iri)
        if place is None:
            continue
        name = place.labels.get("en", "")
        if f"{MKG}Country" in place.types:
            found[iri] = ("country", name, name)
        elif f"{MKG}City" in place.types:
            countries = [entities[w].labels.get("en", "") for w in place.where if w in entities]
            found[iri] = ("city", name, countries[0] if countries else "")
    return found


def write_csv(rows: list[dict[str, str]]) -> str:
    """The sheet as CSV text (UTF-8, a header line, RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "reviewer"


def sheet_record(path: Path, known: set[str], base_iri: str, display: str) -> tuple[str, str]:
    """A reviewed links sheet as a Turtle record: ``(file name, text)``.

    Args:
        path: the CSV file (columns :data:`REVIEW_COLUMNS`).
        known: the IRIs of the catalog's entities (a link to anything else is an error).
        base_iri: the dataset base.
        display: the file's name in messages.

    Raises:
        ProblemsFound: every bad row, with the file and its line.
    """
    problems: list[Problem] = []
    where = display
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        message = f"the sheet does not read: {err}"
        raise ProblemsFound([Problem("links-sheet", message, file=where)]) from err
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REVIEW_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        message = f"the sheet lacks the column(s) {', '.join(missing)}"
        hint = f"a reviewed sheet has the columns {', '.join(REVIEW_COLUMNS)}"
        raise ProblemsFound([Problem("links-sheet", message, file=where, line=1, hint=hint)])
    links: list[tuple[str, str]] = []
    reviewers: set[str] = set()
    dates: set[str] = set()
    for number, row in enumerate(reader, start=2):
        checked = _review_row(row, known, base_iri, {"line": number, "file": where})
        if isinstance(checked, Problem):
            problems.append(checked)
            continue
        subject, link, reviewer, day = checked
        links.append((subject, link))
        reviewers.add(reviewer)
        dates.add(day)
    if not links and not problems:
        problems.append(Problem("links-sheet", "the sheet has no link", file=where))
    if problems:
        raise ProblemsFound(problems)
    names = sorted(reviewers)
    latest = max(dates)
    slug = f"links-reviewed-{latest}-{_slug('-'.join(names))}"[:80].rstrip("-")
    return f"{slug}.ttl", _turtle(slug, names, latest, sorted(set(links)), path.name)


def _review_row(
    row: dict[str, str], known: set[str], base_iri: str, at: dict[str, Any]
) -> tuple[str, str, str, str] | Problem:
    """One line of a reviewed sheet: (relative subject, link, reviewer, date) or its problem."""
    entity_id = (row.get("id") or "").strip()
    kind, _, slug = entity_id.partition("/")
    if not is_slug(slug) or f"{base_iri}id/{kind}/{slug}" not in known:
        return Problem(
            "links-sheet",
            f"{entity_id!r} is not the id of an entity of the catalog",
            hint="copy the id column of `museumkg links --format csv` (kind/slug)",
            record=entity_id,
            **at,
        )
    key = (row.get("authority") or "").strip().lower()
    if key not in BY_KEY:
        return Problem(
            "links-sheet",
            f"{key!r} is not an authority",
            hint=f"one of {', '.join(BY_KEY)}",
            record=entity_id,
            field="authority",
            **at,
        )
    link, message = link_iri(row.get("identifier") or "", key)
    if link is None:
        return Problem("bad-link", message, record=entity_id, field=key, **at)
    reviewer, day = (row.get("reviewer") or "").strip(), (row.get("date") or "").strip()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return Problem(
            "links-sheet",
            f"{day!r} is not a date",
            hint="write the day of the review as 2026-12-07",
            record=entity_id,
            field="date",
            **at,
        )
    if not reviewer:
        return Problem("links-sheet", "who reviewed this link?", field="reviewer", **at)
    return f"id/{kind}/{slug}", link, reviewer, day


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _turtle(
    slug: str, reviewers: list[str], day: str, links: list[tuple[str, str]], sheet: str
) -> str:
    title = f"Links reviewed by {', '.join(reviewers)}"
    lines = [
        f"# Same-as links reviewed by {', '.join(reviewers)} ({day}), imported from {sheet}",
        "# by `museumkg import` (museumkg.records.links_sheet): edit the sheet, not this file.",
        "@prefix mkg: <https://w3id.org/museumkg/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<id/source/{slug}> a mkg:SourceDocument ;",
        f"    dcterms:title {_quote(title)}@en ;",
        *(f"    dcterms:creator {_quote(name)} ;" for name in reviewers),
        "    dcterms:publisher <id/org/museumkg-project> ;",
        f'    dcterms:issued "{day}"^^xsd:date ;',
        f"    mkg:permanentLink <id/source/{slug}> .",
        "",
    ]
    for subject, link in links:  # subjects relative to the base, as in every record
        lines.append(f"<{subject}> skos:exactMatch <{link}> .")
    return "\n".join(lines) + "\n"
