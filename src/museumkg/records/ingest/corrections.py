"""``corrections.csv``: a later delivery's changes to an earlier delivery's rows, as its own source.

A correction never edits the earlier record. Each becomes a statement of the correcting
table's source document (its own graph, citing the correction's pages): a name variant
(``skos:altLabel``), a Russian name or title (``skos:prefLabel`` where the entity has none in
that language, else ``skos:altLabel``), a newer role (``mkg:jobTitle``), a place, more pages,
and the notes' text as a comment. A value that conflicts with the earlier row (``founded``,
``start_date``, ``end_date``) is a disputed claim of this source, side by side with the earlier
value, which the earlier delivery's record then states as a disputed claim too.
"""

from __future__ import annotations

from typing import Any

from museumkg.records.ingest import cells
from museumkg.records.ingest.entities import source
from museumkg.records.ingest.tables import CONFLICTS, KIND, Ingest, Row

#: Fields that add a name: (the language, whether the value is a variant of the English name).
NAMES = {"name_en": "en", "title_en": "en", "name_ru": "ru", "title_ru": "ru"}
SECTION = {"organisations": "institutions", "programs": "programs", "people": "people"}
SUPPORTED = {*CONFLICTS, *NAMES, "notes", "role", "affiliation", "city", "source_urls"}


def _target(ingest: Ingest, row: Row) -> Row | None:
    """The earlier delivery's row a correction is about, or a problem naming the column."""
    table = row.cells["table"].strip()
    if table not in KIND:
        ingest.problem(
            "bad-value",
            f"{table!r} is not a table (organisations, programs or people)",
            row,
            "table",
        )
        return None
    for earlier in reversed(ingest.earlier):
        target = earlier.by_id(table).get(row.id)
        if target is not None:
            break
    else:
        ingest.problem(
            "reference",
            f"{row.id!r} is not a row of an earlier delivery's {table}.csv",
            row,
            "id",
            hint="a correction changes a row of an earlier delivery; new rows go in the tables",
        )
        return None
    field = row.cells["field"].strip()
    if field not in SUPPORTED or field not in target.cells:
        ingest.problem(
            "unmapped-value",
            f"the field {field!r} of {table}.csv cannot be corrected",
            row,
            "field",
            hint="fields: " + ", ".join(sorted(SUPPORTED)),
        )
        return None
    return target


def _entry(ingest: Ingest, target: Row) -> dict[str, Any]:
    """A new entry for the entity of ``target``, typed as its own delivery types it."""
    if target.table == "people":
        return {"type": "Person"}
    if target.table == "programs":
        for earlier in ingest.earlier:
            kind = (earlier.decisions.get("program_types") or {}).get(target.id)
            if kind:
                return {"type": kind}
        return {"type": "Program"}
    kind = target.cells["type"].strip()
    return {"type": ingest.shared("institution_types").get(kind, ["Institution"])}


# Complexity: one branch per kind of correction row, in the table's order
def corrections(ingest: Ingest) -> tuple[dict[str, Any], dict[str, list[str]]]:  # noqa: C901
    """The corrections record, and the pages cited by each person's corrections."""
    sections: dict[str, dict[str, Any]] = {}
    names: dict[tuple[str, str], dict[str, list[str]]] = {}
    notes: dict[tuple[str, str], list[str]] = {}
    found_claims: list[dict[str, Any]] = []
    person_urls: dict[str, list[str]] = {}
    for row in ingest.rows.get("corrections", []):
        target = _target(ingest, row)
        if target is None:
            continue
        table, field = target.table, row.cells["field"].strip()
        value, note = row.cells["value"].strip(), row.cells["note"].strip()
        slug = ingest.program_slug(target.id) if table == "programs" else target.id
        about = f"{KIND[table]}/{slug}"
        entry = sections.setdefault(SECTION[table], {}).get(slug)
        if entry is None:
            entry = sections[SECTION[table]][slug] = _entry(ingest, target)
        key = (table, slug)
        if field in NAMES:
            names.setdefault(key, {}).setdefault(NAMES[field], []).append(value)
        elif field == "role":
            titles = entry.setdefault("jobTitle", {}).setdefault("en", [])
            titles.append(value)
        elif field == "affiliation":
            if cells.reference(ingest, row, "value", value, ingest.org_ids(), "organisations.csv"):
                entry.setdefault("affiliation", []).append(value)
        elif field == "city":
            place = cells.place_of(ingest, row, "value", value)
            if place:
                entry.setdefault("place" if table == "programs" else "location", []).append(place)
        elif field == "source_urls":
            for url in value.split(" ; "):
                if url.strip() not in row.urls:
                    ingest.problem(
                        "claim-source",
                        f"the value {url.strip()!r} is not among the line's source_urls",
                        row,
                        "value",
                    )
        elif field in CONFLICTS:
            found_claims += _conflict(ingest, row, target, about, field, value, note)
        if field == "notes":
            notes.setdefault(key, []).append(f"{value} [{note}]" if note else value)
        elif note:
            notes.setdefault(key, []).append(f"{field}: {value} [{note}]")
        sources = entry.setdefault("source", [])
        sources += [url for url in row.urls if url not in sources]
        if table == "people":
            person_urls.setdefault(target.id, [])
            person_urls[target.id] += [u for u in row.urls if u not in person_urls[target.id]]
    _affiliations(ingest, sections.get("people", {}))
    for section, entries in sections.items():
        kind = {"institutions": "org", "programs": "program", "people": "person"}[section]
        for slug, entry in entries.items():
            key = (next(t for t, s in SECTION.items() if s == section), slug)
            _finish(ingest, f"{ingest.base_iri}id/{kind}/{slug}", entry, names.get(key, {}))
            text = cells.comment(" ".join(notes.get(key, [])))
            if text:
                entry["comment"] = text
            entry["source"] = entry.pop("source")
    record: dict[str, Any] = {"source": source(ingest, "corrections")}
    record.update(
        {section: sections[section] for section in SECTION.values() if section in sections}
    )
    if found_claims:
        record["claims"] = found_claims
    return record, person_urls


def _affiliations(ingest: Ingest, people: dict[str, Any]) -> None:
    """``correction_affiliations:``: an affiliation a person's correction names in its note
    ("other affiliation guimet"), stated with the correction's other statements."""
    org_ids = ingest.org_ids()
    for person, orgs in (ingest.decisions.get("correction_affiliations") or {}).items():
        entry = people.get(person)
        if entry is None:
            ingest.problem(
                "reference",
                f"`correction_affiliations:` names {person!r}, whom no correction is about",
                None,
                table="corrections",
                record=person,
                hint=f"fix `correction_affiliations:` in data/{ingest.delivery.decisions}",
            )
            continue
        for org in orgs:
            if org not in org_ids:
                ingest.problem(
                    "reference",
                    f"`correction_affiliations:` names {org!r}, not an id of organisations.csv",
                    None,
                    table="corrections",
                    record=person,
                )
            elif org not in entry.setdefault("affiliation", []):
                entry["affiliation"].append(org)


def _finish(ingest: Ingest, iri: str, entry: dict[str, Any], added: dict[str, list[str]]) -> None:
    """Names → labels (a language's first name is preferred where the entity has none)."""
    first = {lang: values[0] for lang, values in added.items() if lang != "en"}
    more = {lang: values[1:] if lang != "en" else values for lang, values in added.items()}
    fields = cells.labels(ingest, iri, first, [], more)
    for key in ("prefLabel", "altLabel"):
        if key in fields:
            entry[key] = fields[key]
    for key in ("jobTitle",):
        if key in entry:
            values = entry.pop(key)["en"]
            entry[key] = {"en": values[0] if len(values) == 1 else values}
    for key in ("location", "place"):
        if key in entry and key == "location" and len(entry[key]) == 1:
            entry[key] = entry[key][0]


def _conflict(
    ingest: Ingest, row: Row, target: Row, about: str, field: str, value: str, note: str
) -> list[dict[str, Any]]:
    """The correction's value as a disputed claim, citing the correction's pages (the earlier
    delivery's record states its own value as a disputed claim: entities.corrected_claims)."""
    earlier_value = cells.date(ingest, target, field)
    new_value = cells.date(ingest, row, "value", value)
    if not earlier_value:
        ingest.problem(
            "bad-value",
            f"the earlier row has no {field} for this value to conflict with",
            row,
            "field",
            hint="a value that fills an empty cell is not a conflict",
        )
    if not earlier_value or not new_value:
        return []
    return [
        {
            "about": about,
            "property": CONFLICTS[field],
            "value": new_value,
            "certainty": "Disputed",
            "source": row.urls,
            "comment": {"en": note or f"corrections.csv line {row.line}"},
        }
    ]
