"""Data quality as data: the SHACL results of a build, kept in the graph ``{base}graph/quality``.

The build runs the shapes (``ontology/shapes.ttl``) and stores every result whose focus node
is an IRI, warnings and infos included (errors stop a build, so a served catalog normally has
none), as standard ``sh:ValidationResult`` nodes. An entity page then only queries them
(``queries/entity_quality.rq``); nothing is validated per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from museumkg.lang import Text, pick
from museumkg.namespaces import RDF, SH
from museumkg.queries import named_rows
from museumkg.records.files import RecordFile
from museumkg.store import Store

#: Result properties copied from the SHACL report when their value is an IRI or a literal.
_COPIED = ("resultSeverity", "resultMessage", "resultPath", "value", "sourceConstraintComponent")


def quality_graph(base_iri: str) -> str:
    """The named graph holding the build's SHACL results.

    >>> quality_graph("http://e/")
    'http://e/graph/quality'
    """
    return f"{base_iri}graph/quality"


def shacl_results(records: Sequence[RecordFile], ontology_dir: Path) -> list[ox.Triple]:
    """The shapes' results over the records (and ontology), as triples.

    The run validation made of the same records is reused
    (:func:`museumkg.checks.validate.shacl_report`):
    a build runs the shapes once.
    """
    import rdflib

    from museumkg.checks.validate import shacl_report

    _conforms, report = shacl_report(records, ontology_dir)
    sh = rdflib.Namespace(SH)
    triples: list[ox.Triple] = []
    results = sorted(report.subjects(rdflib.RDF.type, sh.ValidationResult), key=str)
    for number, result in enumerate(results):
        focus = report.value(result, sh.focusNode)
        if not isinstance(focus, rdflib.URIRef):
            continue
        node = ox.BlankNode(f"r{number}")
        triples.append(
            ox.Triple(node, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{SH}ValidationResult"))
        )
        triples.append(ox.Triple(node, ox.NamedNode(f"{SH}focusNode"), ox.NamedNode(str(focus))))
        for name in _COPIED:
            for value in report.objects(result, sh[name]):
                term = _term(value)
                if term is not None:
                    triples.append(ox.Triple(node, ox.NamedNode(f"{SH}{name}"), term))
    return triples


def _term(value: object) -> ox.NamedNode | ox.Literal | None:
    import rdflib

    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        datatype = str(value.datatype) if value.datatype else None
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype) if datatype else None)
    return None


def write_quality_graph(
    store: Store, records: Sequence[RecordFile], *, base_iri: str, ontology_dir: Path
) -> int:
    """Store the SHACL results of ``records`` in the quality graph; return how many.

    Replaces whatever the graph held. An empty result leaves no graph at all.
    """
    graph = ox.NamedNode(quality_graph(base_iri))
    triples = shacl_results(records, ontology_dir)
    store.drop_graph(graph.value)
    store.add_quads(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return sum(1 for t in triples if t.predicate.value == f"{SH}focusNode")


@dataclass(frozen=True)
class Finding:
    """One thing the shapes say about an entity, ready for a page."""

    severity: str
    message: str
    message_lang: str
    path: str | None
    value: str | None
    rule: str | None


def _local(term: object) -> str | None:
    return term.value.rsplit("#", 1)[-1] if isinstance(term, ox.NamedNode) else None


def entity_findings(store: Store, iri: str, chain: Sequence[str]) -> list[Finding]:
    """What the shapes said about ``iri`` at build time, messages in the reader's language.

    ``severity`` is ``violation``, ``warning`` or ``info``.
    """
    rows = named_rows(store, "entity_quality", entity=iri)
    messages: dict[str, list[Text]] = {}
    first: dict[str, dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
    for row in rows:
        key = str(row["result"])
        first.setdefault(key, row)
        texts = messages.setdefault(key, [])
        message = row.get("message")
        if isinstance(message, ox.Literal):
            texts.append(Text(message.value, message.language or ""))
    findings: list[Finding] = []
    for key, row in first.items():
        chosen = pick(messages[key], chain)
        path, value = row.get("path"), row.get("value")
        rule = _local(row.get("component"))
        findings.append(
            Finding(
                severity=(_local(row["severity"]) or "info").lower(),
                message=chosen.value if chosen else "",
                message_lang=chosen.lang if chosen else "",
                path=path.value if isinstance(path, ox.NamedNode) else None,
                value=value.value if isinstance(value, ox.NamedNode | ox.Literal) else None,
                rule=rule.removesuffix("ConstraintComponent") if rule else None,
            )
        )
    order = {"violation": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (order.get(f.severity, 3), f.path or "", f.message))
