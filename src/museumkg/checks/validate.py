"""Validation of curated records: SHACL shapes, references, OWL consistency → problems.

All checks run and all problems are returned together, each located in the file (and line)
that states the offending entity, so a curator can fix everything in one pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF as RDF_NS
from rdflib.namespace import SH

from museumkg.authorities import authority_of, link_iri
from museumkg.iris import is_entity_iri
from museumkg.namespaces import MKG, PREFIXES, RDF, SKOS
from museumkg.problems import Problem
from museumkg.records.files import RecordFile, locate
from museumkg.store import select_rows
from museumkg.store.terms import lexical


@contextmanager
def _quiet_rdflib_terms() -> Iterator[None]:
    """Silence rdflib's traceback log for ill-typed literals (``"21 August"^^xsd:date``).

    The shapes report those literals properly, with file and line.
    """
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        term_log.setLevel(level)


_PARSE_LOCK = threading.Lock()


@contextmanager
def sparql_parsed_once() -> Iterator[None]:
    """Parse each SPARQL constraint once per validation instead of once per focus node.

    pyshacl (0.40) hands rdflib the same query text for every focus node of a SPARQL-based
    constraint, with ``$this`` as an initial binding, and rdflib parses it every time (pyparsing,
    ~50 ms a parse): with fifty programs and forty claims that was 9 of 13 seconds. A parsed
    and translated query is reusable with other bindings (rdflib's ``prepareQuery`` contract),
    so the translation is cached by its text for the duration of one validation.
    """
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    cache: dict[tuple[object, ...], object] = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def]  # noqa: N803
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            key = (strOrQuery, base, namespaces)
            if key not in cache:
                parsed = processor.parseQuery(strOrQuery)
                cache[key] = processor.translateQuery(parsed, base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with _PARSE_LOCK:
        processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


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
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    if iri.startswith(base_iri):
        return iri[len(base_iri) :]
    return f"<{iri}>"


class Locator:
    """Finds, for an entity IRI, the file (and line) that describes it."""

    def __init__(self, records: Sequence[RecordFile], base_iri: str) -> None:
        self.base_iri = base_iri
        self._records: dict[str, list[RecordFile]] = {}
        for record in records:
            for quad in record.quads:
                owners = self._records.setdefault(lexical(quad.subject), [])
                if record not in owners:
                    owners.append(record)

    def where(self, iri: str, value: str | None = None) -> tuple[str | None, int | None]:
        """Return (file, line) of the first file describing ``iri``.

        With ``value`` (a literal's lexical form), the line is the first one at or after the
        entity's own line that holds that value, when there is one.
        """
        owners = self._records.get(iri)
        if not owners:
            return None, None
        record = owners[0]
        if value and (iri, value) in record.value_lines:
            return record.display, record.value_lines[iri, value]
        line = locate(record, iri, self.base_iri)
        if line is not None and value:
            lines = record.text.splitlines()
            for number in range(line, len(lines) + 1):
                if f'"{value}"' in lines[number - 1]:
                    return record.display, number
        return record.display, line


#: Adds, for every typed resource, all its superclasses (what RDFS inference would give for
#: ``rdf:type``), so shapes that target general classes see specific instances.
_TYPE_CLOSURE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s a ?super } WHERE { ?s a ?class . ?class rdfs:subClassOf+ ?super }
"""


def shacl_data_graph(records: Sequence[RecordFile], ontology_path: Path) -> rdflib.Graph:
    """The graph SHACL validates: records + ontology + the ``rdf:type`` closure over classes.

    The closure is computed with pyoxigraph instead of pyshacl's ``ont_graph``/RDFS inference,
    which clones the ontology node by node and takes minutes on ours (seen with pyshacl 0.40).
    """
    work = ox.Store()
    work.bulk_load(path=str(ontology_path), format=ox.RdfFormat.TURTLE)
    work.extend(ox.Quad(q.subject, q.predicate, q.object) for r in records for q in r.quads)
    closure = work.query(_TYPE_CLOSURE)
    assert isinstance(closure, ox.QueryTriples)  # a CONSTRUCT
    triples = list(closure)
    work.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return to_rdflib(work.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def run_shapes(data: rdflib.Graph, shapes_path: Path) -> tuple[bool, rdflib.Graph]:
    """pyshacl over ``data`` (see :func:`shacl_data_graph`): (conforms, the report graph)."""
    from pyshacl import validate  # imported here: pyshacl is slow to import

    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    with sparql_parsed_once():
        conforms, report, _text = validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
        )
    return bool(conforms), report


#: The last SHACL run: (records, the ontology files' stamps, its result); see shacl_report.
_LAST_RUN: list[tuple[tuple[RecordFile, ...], tuple[object, ...], tuple[bool, rdflib.Graph]]] = []


def shacl_report(records: Sequence[RecordFile], ontology_dir: Path) -> tuple[bool, rdflib.Graph]:
    """The shapes (``shapes.ttl``) run over the records + ontology: (conforms, report graph).

    The last result is kept, for the same record objects and unchanged ontology files: a build
    validates its records, then keeps the same results as its quality graph
    (:mod:`museumkg.checks.quality`), and the shapes run once.
    """
    ontology_path, shapes_path = ontology_dir / "museumkg.ttl", ontology_dir / "shapes.ttl"
    stamp = tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in (ontology_path, shapes_path)
    )
    given = tuple(records)
    for kept, kept_stamp, result in list(_LAST_RUN):
        same = len(kept) == len(given) and all(a is b for a, b in zip(kept, given, strict=True))
        if same and kept_stamp == stamp:
            return result
    with _quiet_rdflib_terms():
        result = run_shapes(shacl_data_graph(given, ontology_path), shapes_path)
    _LAST_RUN[:] = [(given, stamp, result)]
    return result


def shacl_problems(data: rdflib.Graph, shapes_path: Path, locator: Locator) -> list[Problem]:
    """Validate ``data`` (see :func:`shacl_data_graph`) against the SHACL shapes.

    Returns:
        one problem per SHACL validation result, with the shape's message and the file/line of
        the focus node.
    """
    return report_problems(*run_shapes(data, shapes_path), locator)


def report_problems(conforms: bool, results: rdflib.Graph, locator: Locator) -> list[Problem]:
    """One problem per result of a SHACL report, located in the records."""
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
        lexical = str(value) if isinstance(value, rdflib.Literal) else None
        file, line = locator.where(str(focus), lexical)
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
                typed.add(lexical(quad.subject))
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for record in records:
        for quad in record.quads:
            target = quad.object
            if not isinstance(target, ox.NamedNode) or not is_entity_iri(base_iri, target.value):
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
                    record=_short(lexical(quad.subject), base_iri),
                    field=_short(quad.predicate.value, base_iri),
                    hint="define it (with a type and a label) in this file or another source, "
                    "or fix the spelling of its slug",
                )
            )
    return problems


_DECLARED = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?term WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                 owl:NamedIndividual owl:SymmetricProperty owl:TransitiveProperty }
  ?term a ?kind
}
"""


def unknown_term_problems(
    records: Sequence[RecordFile], ontology_path: Path, base_iri: str
) -> list[Problem]:
    """Every ``mkg:`` class, property or individual a record uses must exist in the ontology.

    Catches typos such as ``mkg:organiser`` for ``mkg:organizer``, which SHACL alone would
    report only indirectly (as a missing organiser).
    """
    ontology = ox.Store()
    ontology.bulk_load(path=str(ontology_path), format=ox.RdfFormat.TURTLE)
    declared = {lexical(row["term"]) for row in select_rows(ontology.query(_DECLARED))}
    declared |= {lexical(q.subject) for q in ontology.quads_for_pattern(None, None, None)}
    problems: list[Problem] = []
    for record in records:
        reported: set[str] = set()
        for quad in record.quads:
            for term in (quad.predicate, quad.object):
                value = term.value if isinstance(term, ox.NamedNode) else ""
                if value.startswith(MKG) and value not in declared and value not in reported:
                    reported.add(value)
                    problems.append(
                        Problem(
                            rule="unknown-term",
                            message=f"mkg:{value[len(MKG) :]} is not in the ontology",
                            file=record.display,
                            line=locate(record, value, ""),
                            record=_short(lexical(quad.subject), base_iri),
                            hint="check the spelling against ontology/museumkg.ttl "
                            "(docs/data-model.md lists the terms)",
                        )
                    )
    return problems


_EXACT_MATCH = f"{SKOS}exactMatch"


def link_problems(records: Sequence[RecordFile], base_iri: str) -> list[Problem]:
    """Every same-as link (``skos:exactMatch``) into a known authority must fit its pattern.

    YAML records check their links as they are read (:mod:`museumkg.records.yaml_records`);
    this catches the Turtle and JSON-LD ones, with the file and line of the link.
    """
    problems: list[Problem] = []
    for record in records:
        for quad in record.quads:
            target = quad.object
            if quad.predicate.value != _EXACT_MATCH or not isinstance(target, ox.NamedNode):
                continue
            authority = authority_of(target.value)
            if authority is None or authority.identifier(target.value) is not None:
                continue
            _canonical, message = link_iri(target.value)
            problems.append(
                Problem(
                    rule="bad-link",
                    message=message or f"<{target.value}> is not a canonical {authority.name} IRI",
                    file=record.display,
                    line=locate(record, target.value, base_iri),
                    record=_short(lexical(quad.subject), base_iri),
                    field="skos:exactMatch",
                    hint=f"write it as {authority.iri(authority.example)}",
                )
            )
    return problems


def owl_problems(records: Sequence[RecordFile], ontology_path: Path) -> list[Problem]:
    """OWL consistency of ontology + records under the HermiT reasoner (owlready2)."""
    from museumkg.checks.reasoning import check_consistency

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
    ontology_path = ontology_dir / "museumkg.ttl"
    problems = reference_problems(records, base_iri)
    problems += link_problems(records, base_iri)
    problems += unknown_term_problems(records, ontology_path, base_iri)
    problems += report_problems(*shacl_report(records, ontology_dir), locator)
    if check_owl:
        problems += owl_problems(records, ontology_path)
    return problems
