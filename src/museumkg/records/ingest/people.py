"""The people record of a delivery: one person per row, and the roles the decisions read.

A person's ``role`` cell is their job title as written; ``affiliation`` (or the decisions'
``affiliations:``, where the notes add or withdraw employers) their institutions. Roles in
programs (curator, trainer, participant, ...) are the decisions' ``roles:``, each citing the
pages its person's and program's rows (or the corrections of the person) have in common.
"""

from __future__ import annotations

import re
from typing import Any

from museumkg.records.ingest import cells
from museumkg.records.ingest.entities import claims, included, source
from museumkg.records.ingest.tables import Ingest, Row


def people(ingest: Ingest, correction_urls: dict[str, list[str]]) -> dict[str, Any]:
    """The people record, with the roles of the decisions file.

    Args:
        correction_urls: pages cited by the corrections of each person (by row id), which a
            role about that person may cite too.
    """
    decisions = ingest.decisions
    org_ids = ingest.org_ids()
    entries: dict[str, Any] = {}
    probable = {
        c["about"]: c["value"]
        for c in decisions.get("claims") or []
        if c["table"] == "people" and c["property"] == "probablySameAs"
    }
    for row in included(ingest, "people"):
        iri = f"{ingest.base_iri}id/person/{row.id}"
        row_cells = row.cells
        override = (decisions.get("names") or {}).get(row.id)
        name, alts = (
            (override["name"], override["alt"]) if override else (row_cells["name_en"].strip(), [])
        )
        entry: dict[str, Any] = {"type": "Person"}
        entry.update(
            cells.labels(ingest, iri, {"en": name, "ru": row_cells["name_ru"].strip()}, alts)
        )
        if row_cells["role"].strip():
            entry["jobTitle"] = {"en": row_cells["role"].strip()}
        stated = [row_cells["affiliation"].strip()] if row_cells["affiliation"].strip() else []
        affiliations = (decisions.get("affiliations") or {}).get(row.id, stated)
        for org in affiliations:
            cells.reference(ingest, row, "affiliation", org, org_ids, "organisations.csv")
        if affiliations:
            entry["affiliation"] = affiliations
        if row.id in probable:
            entry["probablySameAs"] = probable[row.id]
        entry["source"] = row.urls
        comment = cells.comment(row_cells["notes"])
        if comment:
            entry["comment"] = comment
        entries[row.id] = entry
    record: dict[str, Any] = {"source": source(ingest, "people"), "people": entries}
    found_roles = roles(ingest, correction_urls)
    if found_roles:
        record["roles"] = found_roles
    found = claims(ingest, "people")
    if found:
        record["claims"] = found
    return record


def roles(ingest: Ingest, correction_urls: dict[str, list[str]]) -> dict[str, Any]:
    """The decisions' roles: a person (of any delivery) in a program (of any delivery)."""
    people_rows = ingest.all_by_id("people")
    program_rows = ingest.all_by_id("programs")
    out: dict[str, Any] = {}
    for role in ingest.decisions.get("roles") or []:
        person, program = people_rows.get(role["person"]), program_rows.get(role["program"])
        if person is None or program is None:
            ingest.problem(
                "reference",
                f"a role names {role['person']!r} in {role['program']!r}, not both rows",
                None,
                table="people",
                record=role["person"],
                hint=f"fix `roles:` in data/{ingest.delivery.decisions}",
            )
            continue
        kebab = re.sub(r"(?<!^)(?=[A-Z])", "-", role["type"]).lower()
        program_slug = ingest.program_slug(program.id)
        slug = f"{person.id}-{kebab}-{program_slug}"
        entry = {
            "type": "Role",
            "agent": f"person/{person.id}",
            "inProgram": program_slug,
            "roleType": role["type"],
        }
        if role.get("on_behalf_of"):
            entry["onBehalfOf"] = role["on_behalf_of"]
        entry["source"] = _role_sources(ingest, role, person, program, correction_urls)
        out[slug] = entry
    return out


def _role_sources(
    ingest: Ingest,
    role: dict[str, Any],
    person: Row,
    program: Row,
    correction_urls: dict[str, list[str]],
) -> list[str]:
    """The pages a role cites: as the decisions give them (each one a page of the person's
    row, the program's row or a correction of the person), else the pages both rows cite,
    else the person's."""
    allowed = set(person.urls) | set(program.urls) | set(correction_urls.get(person.id, []))
    given = list(role.get("sources") or [])
    for url in given:
        if url not in allowed:
            ingest.problem(
                "claim-source",
                f"a role of {person.id!r} cites {url}, which neither its person's nor its "
                "program's row (nor a correction of the person) cites",
                person,
                "source_urls",
                hint="a role may only cite pages of its own rows",
            )
    common = [url for url in person.urls if url in program.urls]
    return given or common or person.urls
