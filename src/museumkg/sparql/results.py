"""Query results as bytes in every format the endpoint offers: one table, one writer per row.

:data:`RESULT_FORMATS` is the table of result formats, read from :mod:`museumkg.formats`.
SELECT and ASK answers (``kind="solutions"``) come as SPARQL 1.1 Query Results JSON, XML, CSV
or TSV; CONSTRUCT and DESCRIBE answers (``kind="graph"``) as Turtle, JSON-LD (compacted with
the catalog's context, never fetched), N-Triples, RDF/XML, N-Quads or TriG. Each row says its
media type, the names a ``?format=`` link may use, and its W3C format IRI (for the service
description).

SELECT rows are capped: :func:`write_result` reads at most ``max_rows`` rows, and when more
were there it marks the answer truncated. SPARQL JSON then carries one extra top-level key,
``"truncated": true``, which standard clients ignore; every format gets the flag back in
:class:`Written` for the caller to put in a header.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from museumkg.formats import FORMATS, GRAPH, SOLUTIONS
from museumkg.namespaces import PREFIXES, XSD
from museumkg.store import QueryResult, StoreError, Term

_XSD_STRING = f"{XSD}string"
_JSON_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: A str as a JSON string (quoted, escaped, not ASCII-only): the encoder json itself uses.
_json_string: Callable[[str], str] = json.encoder.encode_basestring
_SRX = "http://www.w3.org/2005/sparql-results#"


@dataclass(frozen=True)
class ResultFormat:
    """One result format: how it is named, announced and written."""

    name: str  # canonical ``?format=`` name
    kind: str  # SOLUTIONS or GRAPH
    media_type: str  # the Content-Type of the answer
    format_iri: str  # the W3C format IRI (service description)
    aliases: tuple[str, ...] = ()  # more ``?format=`` names; items with "/" are media types
    charset: bool = False  # add ``; charset=utf-8`` to the Content-Type

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    @property
    def accepted_media_types(self) -> tuple[str, ...]:
        """Media types this format answers in content negotiation, its own one first."""
        return (self.media_type, *(a for a in self.aliases if "/" in a))


#: The result formats, in the server's order of preference per kind (from
#: :data:`museumkg.formats.FORMATS`, whose ``result_names`` name them).
RESULT_FORMATS: tuple[ResultFormat, ...] = tuple(
    ResultFormat(
        f.result_names[0],
        str(f.result_kind),
        f.media_type,
        f.format_iri or "",
        f.result_names[1:],
        f.charset,
    )
    for f in FORMATS
    if f.result_kind and f.result_names
)


def formats_for(kind: str) -> list[ResultFormat]:
    """The formats of one kind (SOLUTIONS or GRAPH), in order of preference."""
    return [f for f in RESULT_FORMATS if f.kind == kind]


def find_format(kind: str, name: str) -> ResultFormat | None:
    """The format of ``kind`` that ``name`` (a ``?format=`` name or a media type) stands for.

    >>> find_format(GRAPH, "xml").media_type
    'application/rdf+xml'
    >>> find_format(SOLUTIONS, "application/sparql-results+xml").name
    'xml'
    """
    key = name.strip().lower()
    for fmt in formats_for(kind):
        if key == fmt.name or key == fmt.media_type or key in fmt.aliases:
            return fmt
    return None


def result_kind(form: str | None) -> str:
    """The kind of result a query form answers with (SELECT/ASK, or CONSTRUCT/DESCRIBE)."""
    return GRAPH if form in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS


@dataclass(frozen=True)
class Written:
    """A serialized answer: the bytes, how many rows (or triples) and whether some were cut."""

    body: bytes
    rows: int
    truncated: bool


# --- SELECT -----------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json_text(term: Term) -> str:
    """One term as SPARQL JSON text: what ``json`` writes for :func:`_json_term` (same keys,
    same order), built from its strings directly."""
    if isinstance(term, ox.NamedNode):
        return f'{{"type":"uri","value":{_json_string(term.value)}}}'
    if isinstance(term, ox.Literal):
        value = _json_string(term.value)
        if term.language:
            return f'{{"type":"literal","value":{value},"xml:lang":{_json_string(term.language)}}}'
        datatype = term.datatype.value
        if datatype != _XSD_STRING:
            return f'{{"type":"literal","value":{value},"datatype":{_json_string(datatype)}}}'
        return f'{{"type":"literal","value":{value}}}'
    if isinstance(term, ox.BlankNode):
        return f'{{"type":"bnode","value":{_json_string(term.value)}}}'
    return _JSON_ENCODE(_json_term(term))


def _write_json(names: list[str], rows: list[tuple[Term | None, ...]], truncated: bool) -> bytes:
    # Written as text, each distinct term encoded once: IRIs repeat across rows, and this is
    # several times faster than json.dumps over nested dicts.
    keys = [_json_string(name) + ":" for name in names]
    seen: dict[Term, str] = {}
    parts = []
    for row in rows:
        fields = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            text = seen.get(term)
            if text is None:
                text = seen[term] = _json_text(term)
            fields.append(key + text)
        parts.append("{" + ",".join(fields) + "}")
    extra = ',"truncated":true' if truncated else ""
    head = _JSON_ENCODE({"vars": names})
    body = f'{{"head":{head},"results":{{"bindings":[{",".join(parts)}]}}{extra}}}'
    return body.encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            attr = quoteattr(term.datatype.value)
            return f"<literal datatype={attr}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(names: list[str], rows: list[tuple[Term | None, ...]], truncated: bool) -> bytes:
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{_SRX}">\n<head>')
    for name in names:
        out.write(f"<variable name={quoteattr(name)}/>")
    out.write("</head>\n<results>\n")
    for row in rows:
        out.write("<result>")
        for name, term in zip(names, row, strict=True):
            if term is not None:
                out.write(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode("utf-8")


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _write_csv(names: list[str], rows: list[tuple[Term | None, ...]], truncated: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_term(term) for term in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _write_tsv(names: list[str], rows: list[tuple[Term | None, ...]], truncated: bool) -> bytes:
    # Terms in their N-Triples form, which escapes tabs and line breaks inside literals.
    lines = ["\t".join(f"?{name}" for name in names)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


_SOLUTION_WRITERS: dict[str, Callable[[list[str], list[tuple[Term | None, ...]], bool], bytes]] = {
    "json": _write_json,
    "xml": _write_xml,
    "csv": _write_csv,
    "tsv": _write_tsv,
}
_BOOLEAN_FORMATS = {f.result_names[0]: f.results for f in FORMATS if f.results}

# --- CONSTRUCT / DESCRIBE ---------------------------------------------------------------------

_GRAPH_FORMATS = {
    f.result_names[0]: f.rdf
    for f in FORMATS
    if f.result_kind == GRAPH and f.rdf and f.rdf != ox.RdfFormat.JSON_LD
}
_WITH_PREFIXES = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}


def jsonld_context(ontology_dir: Path | None) -> dict[str, Any]:
    """The JSON-LD context for CONSTRUCT answers: ``ontology/context.jsonld``, read from disk.

    Falls back to the catalog's prefixes when the file is absent or unreadable; a context is
    never fetched over the network.
    """
    from museumkg.release.export import load_context

    if ontology_dir is not None:
        try:
            return load_context(ontology_dir)
        except (OSError, ValueError):
            pass
    return {"@context": dict(PREFIXES)}


def _write_jsonld(triples: list[ox.Triple], context: dict[str, Any]) -> bytes:
    from museumkg.release.export import compact_nodes, expanded_nodes

    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate)))
    quads = (ox.Quad(t.subject, t.predicate, t.object) for t in ordered)
    nodes = list(expanded_nodes(quads))
    graph = compact_nodes(nodes, context) if nodes else []
    doc = {"@context": context["@context"], "@graph": graph}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


# --- entry point ------------------------------------------------------------------------------


def write_result(
    result: QueryResult,
    fmt: ResultFormat,
    *,
    max_rows: int,
    context: dict[str, Any] | None = None,
) -> Written:
    """Serialize a query result in ``fmt``, reading at most ``max_rows`` rows or triples.

    Args:
        result: what the store answered (read lazily: rows past the cap are never computed).
        fmt: a format of the result's kind.
        max_rows: the cap; when more rows were there, :attr:`Written.truncated` is true.
        context: the JSON-LD context (``{"@context": ...}``) for ``jsonld``.

    Raises:
        StoreError: when ``fmt`` is of the other kind (a CSV of a CONSTRUCT) or cannot hold
            the answer (RDF-star triples in JSON-LD).

    >>> store = ox.Store()
    >>> written = write_result(store.query("SELECT ?x { VALUES ?x { 1 2 3 } }"),
    ...                        find_format(SOLUTIONS, "csv"), max_rows=2)
    >>> written.body, written.rows, written.truncated
    (b'x\\r\\n1\\r\\n2\\r\\n', 2, True)
    """
    if isinstance(result, ox.QueryBoolean):
        if fmt.kind != SOLUTIONS:
            raise StoreError(f"an ASK answer cannot be written as {fmt.media_type}")
        return Written(result.serialize(format=_BOOLEAN_FORMATS[fmt.name]) or b"", 1, False)
    if isinstance(result, ox.QuerySolutions):
        if fmt.kind != SOLUTIONS:
            raise StoreError(f"a SELECT answer cannot be written as {fmt.media_type}")
        names = [v.value for v in result.variables]
        # a solution iterates its values in variable order (None when unbound): faster than
        # looking each variable up by name
        rows, truncated = _take((tuple(solution) for solution in result), max_rows)
        return Written(_SOLUTION_WRITERS[fmt.name](names, rows, truncated), len(rows), truncated)
    if fmt.kind != GRAPH:
        raise StoreError(f"a CONSTRUCT or DESCRIBE answer cannot be written as {fmt.media_type}")
    triples, truncated = _take(iter(result), max_rows)
    return Written(write_graph(triples, fmt, context), len(triples), truncated)


def write_graph(
    triples: list[ox.Triple],
    fmt: ResultFormat,
    context: dict[str, Any] | None = None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialize triples in a graph format.

    Args:
        triples: what to write.
        fmt: a format of kind GRAPH.
        context: the JSON-LD context (``{"@context": ...}``) for ``jsonld``.
        prefixes: for Turtle, TriG and RDF/XML; the catalog's prefixes by default.

    Raises:
        StoreError: when the triples cannot be written in ``fmt`` (RDF-star in JSON-LD).
    """
    if fmt.name == "jsonld":
        try:
            return _write_jsonld(triples, context or jsonld_context(None))
        except ValueError as err:
            raise StoreError(f"the answer cannot be written as JSON-LD: {err}") from err
    rdf = _GRAPH_FORMATS[fmt.name]
    used = (prefixes or PREFIXES) if rdf in _WITH_PREFIXES else None
    return ox.serialize(triples, format=rdf, prefixes=used) or b""


def _take(items: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    """The first ``limit`` items, and whether there was at least one more."""
    taken: list[Any] = []
    for item in items:
        if len(taken) >= limit:
            return taken, True
        taken.append(item)
    return taken, False
