"""Likely duplicates: a new id for an institution (or person) the catalog already has.

Names are compared by their ``loose`` form (:func:`museumkg.textfold.loose`): case, accents,
punctuation, script (Cyrillic is transliterated to Latin) and common spelling variants do not
matter, so ``Центр Современного Искусства Сороса`` and ``Tsentr sovremennogo iskusstva Sorosa``
meet, and so do ``Kyrgyzstan`` and ``Кыргызстан``. A match is a warning, never an error: two
institutions may share a name (two "National Museum"s in different countries), and only a
curator can tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from museumkg.namespaces import MKG, RDF, SKOS
from museumkg.problems import Problem
from museumkg.records.files import RecordFile, locate
from museumkg.store import select_rows
from museumkg.store.terms import lexical
from museumkg.textfold import loose

#: The kinds of entity checked for duplicates: the ontology class and a word for messages.
CHECKED = {f"{MKG}Institution": "institution", f"{MKG}Person": "person"}
LABELS = (f"{SKOS}prefLabel", f"{SKOS}altLabel")
#: Names shorter than this (in the loose form) are too generic to suggest a duplicate.
MIN_KEY_LENGTH = 6

_SUBCLASSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?top WHERE { ?class rdfs:subClassOf* ?top }
"""


@lru_cache(maxsize=4)
def _classes(ontology_path: Path) -> dict[str, str]:
    """Every class under one of :data:`CHECKED`, mapped to the word for its kind."""
    store = ox.Store()
    store.bulk_load(path=str(ontology_path), format=ox.RdfFormat.TURTLE)
    found: dict[str, str] = {}
    for top, word in CHECKED.items():
        found[top] = word
        subclasses = store.query(_SUBCLASSES, substitutions={ox.Variable("top"): ox.NamedNode(top)})
        for row in select_rows(subclasses):
            found[lexical(row["class"])] = word
    return found


def _entities(records: Sequence[RecordFile], classes: dict[str, str]) -> dict[str, str]:
    """IRI → kind word, for every subject typed with a checked class."""
    found: dict[str, str] = {}
    for record in records:
        for quad in record.quads:
            kind = classes.get(lexical(quad.object))
            if quad.predicate.value == f"{RDF}type" and kind is not None:
                found.setdefault(lexical(quad.subject), kind)
    return found


def _names(
    records: Sequence[RecordFile], iris: set[str]
) -> dict[str, list[tuple[str, RecordFile]]]:
    names: dict[str, list[tuple[str, RecordFile]]] = {}
    for record in records:
        for quad in record.quads:
            subject = lexical(quad.subject)
            if subject in iris and quad.predicate.value in LABELS:
                names.setdefault(subject, []).append((lexical(quad.object), record))
    return names


def likely_duplicates(
    new: Sequence[RecordFile],
    existing: Sequence[RecordFile],
    *,
    base_iri: str,
    ontology_path: Path,
) -> list[Problem]:
    """Warn about each new institution or person whose name matches one already in the catalog.

    Args:
        new: the records being checked (files to import).
        existing: the catalog's records (the new files' own ids among them are not "new").
        base_iri: dataset base, to show ids as curators write them.
        ontology_path: the ontology, for the subclasses of mkg:Institution.

    Returns:
        one ``likely-duplicate`` warning per (new id, existing id) pair, located at the new
        entity's line, naming the existing id and the shared name.
    """
    classes = _classes(ontology_path)
    old = _entities(existing, classes)
    fresh = {iri: kind for iri, kind in _entities(new, classes).items() if iri not in old}
    index: dict[tuple[str, str], dict[str, str]] = {}
    for iri, labels in sorted(_names(existing, set(old)).items()):
        for label, _record in labels:
            key = loose(label)
            if len(key.replace(" ", "")) >= MIN_KEY_LENGTH:
                index.setdefault((old[iri], key), {}).setdefault(iri, label)
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    seen_new: dict[tuple[str, str], str] = {}
    for iri, labels in sorted(_names(new, set(fresh)).items()):
        kind = fresh[iri]
        for label, record in labels:
            key = loose(label)
            matches = dict(index.get((kind, key), {}))
            other_new = seen_new.setdefault((kind, key), iri)
            if other_new != iri:
                matches.setdefault(other_new, label)
            for match, match_label in sorted(matches.items()):
                if (iri, match) in reported:
                    continue
                reported.add((iri, match))
                short, other = iri.removeprefix(base_iri), match.removeprefix(base_iri)
                where = "already in the catalog" if match in old else "also in these files"
                problems.append(
                    Problem(
                        "likely-duplicate",
                        f"the new {kind} {short} is named {label!r}, like {other} "
                        f"({match_label!r}), {where}",
                        file=record.display,
                        line=locate(record, iri, base_iri),
                        record=short,
                        field="skos:prefLabel",
                        hint=f"if it is the same {kind}, use the existing id <{other}> instead "
                        f"of <{short}>; if not, keep both and tell them apart in the names",
                        severity="warning",
                    )
                )
    return problems
