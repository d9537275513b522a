"""The records of the three entity tables: institutions, programs (and topics), people (and roles).

Each function turns one table of a delivery into one record: the table as a source document
(``source:``, its caveats as the comment) and one entry per row, citing the row's pages
(``source:`` → ``dcterms:source``). The decisions map the free text (types, places, topics,
roles) and add what the ``notes`` cells and the README say in prose (claims, probable
identities, programs within programs).
"""

from __future__ import annotations

import re
from typing import Any

from museumkg.records.ingest import cells
from museumkg.records.ingest.tables import CONFLICTS, KIND, Ingest, Row


def source(ingest: Ingest, table: str, vocabulary: bool = False) -> dict[str, Any]:
    info = ingest.decisions["tables"][table]
    return {
        "type": ["EditorialVocabulary", "SourceDocument"] if vocabulary else "SourceDocument",
        "title": {"en": info["title"]},
        "publisher": "museumkg-project",
        "issued": str(ingest.decisions["issued"]),
        "language": "en",
        "permanentLink": f"source/{ingest.delivery.name}-{table}",
        "comment": {"en": " ".join(info["comment"].split())},
    }


def claims(ingest: Ingest, table: str) -> list[dict[str, Any]]:
    """The decisions' claims about rows of ``table``; each may cite only its row's pages."""
    from museumkg.records.yaml_fields import vocabulary

    fields, _classes = vocabulary()
    rows = ingest.by_id(table)
    out = []
    for claim in ingest.decisions.get("claims") or []:
        if claim["table"] != table:
            continue
        row = rows.get(claim["about"])
        if row is None:
            ingest.problem(
                "reference",
                f"a claim is about {claim['about']!r}, which is not a row of {table}.csv",
                None,
                table=table,
                record=claim["about"],
                hint=f"fix the id under `claims:` in data/{ingest.delivery.decisions}",
            )
            continue
        for url in claim.get("sources", []):
            if url not in row.urls:
                ingest.problem(
                    "claim-source",
                    f"a claim cites {url}, which its row does not cite",
                    row,
                    "source_urls",
                    hint="a claim may only cite pages of its own row",
                )
        slug = ingest.program_slug(row.id) if table == "programs" else row.id
        spec = fields[claim["property"]]
        value: Any = claim["value"]
        if spec.kind == "lang":
            value = {"en": value}
        entry: dict[str, Any] = {
            "about": f"{KIND[table]}/{slug}",
            "property": claim["property"],
            "value": value,
            "certainty": claim["certainty"],
        }
        if claim.get("sources"):
            entry["source"] = list(claim["sources"])
        if claim.get("comment"):
            entry["comment"] = {"en": claim["comment"]}
        out.append(entry)
    return out


def _disputed(ingest: Ingest, table: str, row_id: str, prop: str) -> bool:
    """Whether the row's value of ``prop`` is disputed (by the notes or a later correction):
    then it is only a claim, side by side with the other values."""
    return bool(ingest.corrected(table, row_id, prop)) or any(
        c["table"] == table
        and c["about"] == row_id
        and c["property"] == prop
        and c["certainty"] == "Disputed"
        for c in ingest.decisions.get("claims") or []
    )


def _agreed(ingest: Ingest, table: str, row: Row, field: str, prop: str) -> str | None:
    """The part of a disputed date that every value agrees on (the month, else the year), when
    it is not itself one of the disputed values: stated plainly, it resolves nothing."""
    values = [
        str(c["value"])
        for c in ingest.decisions.get("claims") or []
        if c["table"] == table
        and c["about"] == row.id
        and c["property"] == prop
        and c["certainty"] == "Disputed"
    ]
    values += [c.cells["value"].strip() for _, c in ingest.corrected(table, row.id, prop)]
    if row.cells.get(field, "").strip():
        values.append(row.cells[field].strip())
    for width in (7, 4):
        if all(len(v) >= width for v in values) and len({v[:width] for v in values}) == 1:
            agreed = values[0][:width]
            if agreed not in values:
                return agreed
    return None


def corrected_claims(ingest: Ingest, table: str) -> list[dict[str, Any]]:
    """This delivery's own values that a later delivery's correction disputes, as claims.

    The value stays this table's statement (its graph, its row's pages where the later
    delivery's ``earlier_value_sources:`` name them); the correcting value is a claim of the
    later delivery's corrections source.
    """
    out = []
    for row in included(ingest, table):
        slug = ingest.program_slug(row.id) if table == "programs" else row.id
        about = f"{KIND[table]}/{slug}"
        for field, prop in CONFLICTS.items():
            found = ingest.corrected(table, row.id, prop)
            value = row.cells.get(field, "").strip()
            if not found or not value:
                continue
            later, correction = found[0]
            given = (later.decisions.get("earlier_value_sources") or {}).get(f"{about} {prop}")
            for url in given or []:
                if url not in row.urls:
                    later.problem(
                        "claim-source",
                        f"`earlier_value_sources:` cites {url}, not a page of the earlier row",
                        correction,
                        "id",
                    )
            values = ", ".join(c.cells["value"].strip() for _, c in found)
            entry: dict[str, Any] = {
                "about": about,
                "property": prop,
                "value": value,
                "certainty": "Disputed",
            }
            if given:
                entry["source"] = list(given)
            which = "" if given else f"; the table does not say which of its pages gives {value}"
            entry["comment"] = {
                "en": f"{later.delivery.name}/corrections.csv (line {correction.line}) gives "
                f"{values}{which}."
            }
            out.append(entry)
    return out


def included(ingest: Ingest, table: str) -> list[Row]:
    """The rows of ``table`` that the catalog takes in (``not_included:`` lists the others)."""
    left_out = (ingest.decisions.get("not_included") or {}).get(table) or {}
    return [row for row in ingest.rows.get(table, []) if row.id not in left_out]


# Complexity: one row's columns mapped to fields in turn, each with its reviewed decision
def organisations(ingest: Ingest) -> dict[str, Any]:  # noqa: C901
    """The organisations record."""
    decisions = ingest.decisions
    types = ingest.shared("institution_types")
    cities = [c for c, slug in ingest.shared("places").items() if slug]
    institutions: dict[str, Any] = {}
    for row in included(ingest, "organisations"):
        iri = f"{ingest.base_iri}id/org/{row.id}"
        row_cells = row.cells
        entry: dict[str, Any] = {}
        kind = row_cells["type"].strip()
        if kind not in types:
            ingest.problem(
                "unmapped-value",
                f"the type {kind!r} is not mapped to a class",
                row,
                "type",
                hint=ingest.decision_hint("institution_types"),
            )
        entry["type"] = types.get(kind, ["Institution"])
        override = (decisions.get("names") or {}).get(row.id)
        name, alts = (
            (override["name"], override["alt"])
            if override
            else cells.split_name(row_cells["name_en"], cities)
        )
        names = {"en": name, "ru": row_cells["name_ru"].strip()}
        if row_cells["name_local"].strip():
            lang = row_cells["local_lang"].strip()
            if not re.match(r"^[a-z]{2}$", lang):
                ingest.problem("bad-value", f"{lang!r} is not a language code", row, "local_lang")
            else:
                names[lang] = row_cells["name_local"].strip()
        entry.update(cells.labels(ingest, iri, names, alts))
        places, unplaced = cells.places(ingest, row)
        if places:
            entry["location"] = places[0] if len(places) == 1 else places
        if row.id in (decisions.get("unit_of") or {}):
            entry["unitOf"] = decisions["unit_of"][row.id]
        founded = cells.date(ingest, row, "founded")
        if founded and not _disputed(ingest, "organisations", row.id, "foundingDate"):
            entry["foundingDate"] = founded
        elif _agreed(ingest, "organisations", row, "founded", "foundingDate"):
            entry["foundingDate"] = _agreed(ingest, "organisations", row, "founded", "foundingDate")
        if row_cells["website"].strip():
            entry["website"] = row_cells["website"].strip()
        entry["source"] = row.urls
        place_note = f"Place in the table: {'; '.join(unplaced)}." if unplaced else ""
        comment = cells.comment(f"Kind in the table: {kind}.", row_cells["notes"], place_note)
        if comment:
            entry["comment"] = comment
        institutions[row.id] = entry
    rows = ingest.by_id("organisations")
    for slug, extra in (decisions.get("extra_institutions") or {}).items():
        parent_row = rows.get(extra["row"])
        institutions[slug] = {
            "type": extra["type"],
            "prefLabel": {"en": extra["name"]},
            "source": parent_row.urls if parent_row else [],
            "comment": {"en": " ".join(extra["comment"].split())},
        }
    record: dict[str, Any] = {
        "source": source(ingest, "organisations"),
        "institutions": institutions,
    }
    found = claims(ingest, "organisations") + corrected_claims(ingest, "organisations")
    if found:
        record["claims"] = found
    return record


def _program_links(ingest: Ingest, row: Row, entry: dict[str, Any]) -> None:
    """``partOfProgram`` / ``heldDuring``: programs within programs, as the decisions say."""
    programs = set(ingest.all_by_id("programs"))
    for key, prop in (("part_of", "partOfProgram"), ("held_during", "heldDuring")):
        other = (ingest.decisions.get(key) or {}).get(row.id)
        if other is None:
            continue
        if other not in programs:
            ingest.problem(
                "reference",
                f"`{key}:` names {other!r}, which is not a program row",
                row,
                "id",
                hint=f"fix `{key}:` in data/{ingest.delivery.decisions}",
            )
            continue
        entry[prop] = ingest.program_slug(other)


# Complexity: one row's columns mapped to fields in turn, each with its reviewed decision
def programs(ingest: Ingest) -> tuple[dict[str, Any], dict[str, Any]]:  # noqa: C901
    """The programs record and the topic vocabulary."""
    decisions = ingest.decisions
    org_ids = ingest.org_ids()
    topic_map = ingest.shared("topics")

    def labelled(topic: str) -> bool:
        return (f"{ingest.base_iri}id/topic/{topic}", "en") in ingest.existing_labels

    topics: dict[str, Any] = {}
    unknown_topics: dict[str, Row] = {}
    entries: dict[str, Any] = {}
    for row in included(ingest, "programs"):
        slug = ingest.program_slug(row.id)
        iri = f"{ingest.base_iri}id/program/{slug}"
        row_cells = row.cells
        kind = (decisions.get("program_types") or {}).get(row.id)
        if kind is None:
            ingest.problem(
                "unmapped-value",
                f"the program {row.id!r} has no class",
                row,
                "id",
                hint=ingest.decision_hint("program_types"),
            )
        entry: dict[str, Any] = {"type": kind or "Program"}
        entry.update(
            cells.labels(
                ingest, iri, {"en": row_cells["title_en"].strip(), "ru": row_cells["title_ru"]}, []
            )
        )
        for column, prop in (("start_date", "startDate"), ("end_date", "endDate")):
            value = cells.date(ingest, row, column)
            if value and not _disputed(ingest, "programs", row.id, prop):
                entry[prop] = value
            elif _agreed(ingest, "programs", row, column, prop):
                entry[prop] = _agreed(ingest, "programs", row, column, prop)
        places, unplaced = cells.places(ingest, row)
        if places:
            entry["place"] = places
        for column, prop in (("organisers", "organizer"), ("partners", "partner")):
            ids = row.cells_of(column)
            for org in ids:
                cells.reference(ingest, row, column, org, org_ids, "organisations.csv")
            if ids:
                entry[prop] = ids
        if not row.cells_of("organisers"):
            entry["notStated"] = "organizer"
        _program_links(ingest, row, entry)
        topic_slugs = []
        for text in row.cells_of("topics"):
            topic = topic_map.get(text) or cells.topic_slug(text)
            if topic not in topic_slugs:
                topic_slugs.append(topic)
            if text not in topic_map and topic not in topics and not labelled(topic):
                topics[topic] = {
                    "type": ["Topic", "skos:Concept"],
                    "inScheme": "topic/scheme",
                    "topConceptOf": "topic/scheme",
                    "prefLabel": {"en": cells.capitalised(text)},
                    "source": f"source/{ingest.delivery.name}-programs",
                }
        for topic in topic_slugs:
            if topic not in topics and not labelled(topic) and topic in topic_map.values():
                unknown_topics.setdefault(topic, row)
        if topic_slugs:
            entry["topic"] = topic_slugs
        entry["source"] = row.urls
        place_note = f"Place in the table: {'; '.join(unplaced)}." if unplaced else ""
        comment = cells.comment(row_cells["notes"], place_note)
        if comment:
            entry["comment"] = comment
        entries[slug] = entry
    for topic, row in unknown_topics.items():
        if topic not in topics:
            ingest.problem(
                "unmapped-value",
                f"the topic {topic!r} (from `topics:`) is neither in the topic scheme nor made "
                "from a topic of the tables",
                row,
                "topics",
                hint=f"fix `topics:` in data/{ingest.delivery.decisions}",
            )
    record: dict[str, Any] = {"source": source(ingest, "programs"), "programs": entries}
    partners = _stated_partners(ingest)
    if partners:
        record["institutions"] = partners
    found = claims(ingest, "programs") + corrected_claims(ingest, "programs")
    if found:
        record["claims"] = found
    vocabulary = {"source": source(ingest, "topics", vocabulary=True), "topics": topics}
    return record, vocabulary


def _stated_partners(ingest: Ingest) -> dict[str, Any]:
    """The parties of agreements and memoranda, each a stated partner of the others."""
    partners: dict[str, Any] = {}
    types = ingest.shared("institution_types")
    org_rows = ingest.all_by_id("organisations")
    org_ids = ingest.org_ids()
    program_rows = ingest.by_id("programs")
    for pair in ingest.decisions.get("stated_partners") or []:
        parties = list(pair["parties"])
        row = program_rows.get(pair["program"])
        if row is None:
            ingest.problem(
                "reference",
                f"`stated_partners:` names the program {pair['program']!r}, not a row",
                None,
                table="programs",
                record=pair["program"],
                hint=f"fix `stated_partners:` in data/{ingest.delivery.decisions}",
            )
            continue
        named = set(row.cells_of("organisers")) | set(row.cells_of("partners"))
        for party in parties:
            if party not in named or party not in org_ids:
                ingest.problem(
                    "reference",
                    f"`stated_partners:` names {party!r}, not an organiser or partner of the row",
                    row,
                    "organisers",
                    hint="the parties of an agreement are bodies its row names",
                )
        for this in parties:
            kind = org_rows[this].cells["type"].strip() if this in org_rows else ""
            partners.setdefault(this, {"type": types.get(kind, ["Institution"])})
            for other in parties:
                if other != this and other not in partners[this].get("statedPartner", []):
                    partners[this].setdefault("statedPartner", []).append(other)
    return partners
