"""What the fields of a YAML record mean: sections, reference kinds, and how values are typed.

The published JSON-LD context (``ontology/context.jsonld``) is the vocabulary of YAML records:
:func:`vocabulary` reads it into one :class:`FieldSpec` per field (which property, and whether
its values are references, text in languages, dates, numbers or strings) and the class names a
``type:`` may use. The constants here say which sections a record has and which kind of IRI a
bare slug stands for in each reference field. :mod:`museumkg.records.yaml_records` reads records
with them; :mod:`museumkg.records.ingest` writes records with the same vocabulary.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from museumkg.config import PROJECT_DIR
from museumkg.namespaces import PREFIXES, XSD

#: Sections of a record and the kind of IRI their keys name (``{base}id/<kind>/<key>``).
SECTIONS = {
    "institutions": "org",
    "people": "person",
    "programs": "program",
    "roles": "role",
    "topics": "topic",
    "places": "place",
}
#: Sections whose entries must say what they are (``type:``); topics may be described in a
#: source without being typed there (the topic scheme types them).
TYPED_SECTIONS = frozenset(SECTIONS) - {"topics"}
#: The kind a bare slug stands for in a reference field (``organizer: unesco-almaty``);
#: ``mkg`` means a term of the ontology (``roleType: LeadTrainer`` is ``mkg:LeadTrainer``).
#: Fields not listed need ``kind/slug`` (``agent: person/dr-lebedev``) or a full IRI.
REFERENCE_KINDS = {
    "organizer": "org",
    "partner": "org",
    "affiliation": "org",
    "unitOf": "org",
    "onBehalfOf": "org",
    "publisher": "org",
    "statedPartner": "org",
    "partnerOf": "org",
    "partnershipMember": "org",
    "place": "place",
    "location": "place",
    "country": "place",
    "topic": "topic",
    "inProgram": "program",
    "partOf": "program",
    "partOfProgram": "program",
    "heldDuring": "program",
    "hasPart": "program",
    "evidenceProgram": "program",
    "evidenceSource": "source",
    "permanentLink": "source",
    "roleType": "mkg",
    "format": "mkg",
    "certainty": "mkg",
    "partnershipKind": "mkg",
    "claimProperty": "mkg",
    "notStated": "mkg",
}
#: Fields of a claim (``claims:`` entries) → the ontology's claim properties.
CLAIM_FIELDS = ("id", "about", "property", "value", "certainty", "source", "comment")
CLAIM_REQUIRED = ("about", "property", "value", "certainty")

IRI_TEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|urn:|mailto:)\S+$", re.IGNORECASE)
LANG_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
TERM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_YEAR = re.compile(r"^-?\d{4}$")
_YEAR_MONTH = re.compile(r"^-?\d{4}-(0[1-9]|1[0-2])$")
INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class FieldSpec:
    """How a field's values are read: which property, and as what kind of value."""

    name: str
    iri: str
    kind: str  # "iri" | "lang" | "date" | "integer" | "string" | "typed"
    datatype: str | None = None


def expand_curie(curie: str) -> str | None:
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


@lru_cache(maxsize=4)
def vocabulary(context_path: Path | None = None) -> tuple[dict[str, FieldSpec], dict[str, str]]:
    """Read the JSON-LD context into field specs and class names.

    Returns:
        (fields by term, class IRI by term): ``"organizer"`` → an ``iri`` field for
        ``mkg:organizer``; ``"Training"`` → ``mkg:Training``.
    """
    path = context_path or PROJECT_DIR / "ontology" / "context.jsonld"
    context = json.loads(path.read_text(encoding="utf-8"))["@context"]
    fields: dict[str, FieldSpec] = {}
    classes: dict[str, str] = {}
    for term, definition in context.items():
        if term.startswith("@") or term in PREFIXES or term in ("id", "type"):
            continue
        if isinstance(definition, str):
            expanded = expand_curie(definition)
            if expanded:
                classes[term] = expanded
            continue
        iri = expand_curie(definition.get("@id", "")) or definition.get("@id", "")
        coerce = definition.get("@type")
        if definition.get("@container") == "@language":
            fields[term] = FieldSpec(term, iri, "lang")
        elif coerce == "@id":
            fields[term] = FieldSpec(term, iri, "iri")
        elif coerce == "xsd:date":
            fields[term] = FieldSpec(term, iri, "date")
        elif coerce == "xsd:integer":
            fields[term] = FieldSpec(term, iri, "integer")
        elif isinstance(coerce, str):
            fields[term] = FieldSpec(term, iri, "typed", expand_curie(coerce) or coerce)
        else:
            fields[term] = FieldSpec(term, iri, "string")
    return fields, classes


def type_example(kind: str) -> str:
    return {
        "org": "Museum, Gallery, Foundation",
        "person": "Person",
        "program": "Training, Exhibition, Conference",
        "role": "Role",
        "place": "City, Country",
    }.get(kind, "Museum")


def date_datatype(text: str) -> str | None:
    """The XSD datatype of a date written as precisely as known, or None."""
    if _YEAR.match(text):
        return XSD + "gYear"
    if _YEAR_MONTH.match(text):
        return XSD + "gYearMonth"
    try:
        dt.date.fromisoformat(text)
        if len(text) == 10:
            return XSD + "date"
    except ValueError:
        pass
    try:
        if "T" in text:
            dt.datetime.fromisoformat(text)
            return XSD + "dateTime"
    except ValueError:
        pass
    return None
