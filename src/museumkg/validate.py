"""Validation of curated records: SHACL shapes, references, OWL consistency → problems.

All checks run and all problems are returned together, each located in the file (and line)
that states the offending entity, so a curator can fix everything in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF as RDF_NS
from rdflib.namespace import SH

from museumkg.namespaces import PREFIXES, RDF
from museumkg.problems import Problem
from museumkg.records import RecordFile, locate


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Copy the triples of ``quads`` (graph names dropped) into an rdflib graph."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


def _short(iri: str, base_iri: str) -> str:
    """Write an IRI the way curators write it: relative to the base, or as a prefixed name."""
    if iri.startswith(base_iri):
        return iri[len(base_iri) :]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


class Locator:
    """Finds, for an entity IRI, the file (and line) that describes it."""

    def __init__(self, records: Sequence[RecordFile], base_iri: str) -> None:
        self.base_iri = base_iri
        self._records: dict[str, list[RecordFile]] = {}
        for record in records:
            for quad in record.quads:
                owners = self._records.setdefault(quad.subject.value, [])
                if record not in owners:
                    owners.append(record)

    def where(self, iri: str) -> tuple[str | None, int | None]:
        """Return (file, line) of the first file describing ``iri``."""
        owners = self._records.get(iri)
        if not owners:
            return None, None
        return owners[0].display, locate(owners[0], iri, self.base_iri)


def shacl_problems(
    data: rdflib.Graph, shapes_path: Path, ontology_path: Path, locator: Locator
) -> list[Problem]:
    """Validate ``data`` against the SHACL shapes (RDFS inference over the ontology).

    Returns:
        one problem per SHACL validation result, with the shape's message and the file/line of
        the focus node.
    """
    from pyshacl import validate  # imported here: pyshacl is slow to import

    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    ontology = rdflib.Graph().parse(ontology_path, format="turtle")
    conforms, results, _text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
    )
    if conforms:
        return []
    problems: list[Problem] = []
    for result in results.subjects(RDF_NS.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        file, line = locator.where(str(focus))
        rule = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        text = str(message) if message else f"breaks the {rule} constraint"
        if value is not None and not isinstance(value, rdflib.BNode) and value != focus:
            text += f" (found: {value.n3()})"
        problems.append(
            Problem(
                rule=f"shacl:{rule}",
                message=text,
                file=file,
                line=line,
                record=_short(str(focus), locator.base_iri),
                field=_short(str(path), locator.base_iri)
                if isinstance(path, rdflib.URIRef)
                else None,
                severity="warning" if severity in (SH.Warning, SH.Info) else "error",
            )
        )
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.rule))


def reference_problems(records: Sequence[RecordFile], base_iri: str) -> list[Problem]:
    """Every dataset IRI used as a value must be defined (typed) in some record.

    Source documents are exempt as values of ``dcterms:source``-like links only when they
    exist as files; they are defined by their own files, so the rule is the same for all.
    """
    typed: set[str] = set()
    for record in records:
        for quad in record.quads:
            if quad.predicate.value == f"{RDF}type":
                typed.add(quad.subject.value)
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for record in records:
        for quad in record.quads:
            target = quad.object
            if not isinstance(target, ox.NamedNode) or not target.value.startswith(base_iri):
                continue
            if target.value in typed or (record.display, target.value) in reported:
                continue
            reported.add((record.display, target.value))
            problems.append(
                Problem(
                    rule="reference",
                    message=f"{_short(target.value, base_iri)} is referred to but defined nowhere",
                    file=record.display,
                    line=locate(record, target.value, base_iri),
                    record=_short(quad.subject.value, base_iri),
                    field=_short(quad.predicate.value, base_iri),
                    hint="define it (with a type and a label) in this file or another source, "
                    "or fix the spelling of its slug",
                )
            )
    return problems


def owl_problems(records: Sequence[RecordFile], ontology_path: Path) -> list[Problem]:
    """OWL consistency of ontology + records under the HermiT reasoner (owlready2)."""
    from museumkg.reasoning import check_consistency

    triples = (ox.Triple(q.subject, q.predicate, q.object) for r in records for q in r.quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return check_consistency(data.decode("utf-8"), ontology_path=ontology_path)


def validate_records(
    records: Sequence[RecordFile],
    *,
    base_iri: str,
    ontology_dir: Path,
    check_owl: bool = True,
) -> list[Problem]:
    """Run every check over parsed records; return all problems (errors and warnings)."""
    locator = Locator(records, base_iri)
    data = to_rdflib(q for r in records for q in r.quads)
    ontology_path = ontology_dir / "museumkg.ttl"
    problems = reference_problems(records, base_iri)
    problems += shacl_problems(data, ontology_dir / "shapes.ttl", ontology_path, locator)
    if check_owl:
        problems += owl_problems(records, ontology_path)
    return problems
