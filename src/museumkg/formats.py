"""The one table of formats: every format's media type, file suffixes, pyoxigraph format, W3C
format IRI, and the names under which each use of it serves it.

The uses name formats differently (a page offers ``?format=rdf``, ``/sparql`` calls the same
RDF/XML ``rdfxml`` and also takes ``rdf`` and ``xml``, the release writes ``museumkg.rdf``), so
each use has its own column; the tables the uses read are built from this one:

- :data:`museumkg.store.base.RDF_FORMATS`: the names ``Store.load``/``dump`` take (``store``);
- :data:`webapp.http.negotiation.MEDIA_TYPES` and :data:`museumkg.pages.describe.RDF_MEDIA_TYPES`:
  ``?format=`` and file-suffix names of pages and their twins (``page``);
- :data:`museumkg.sparql.results.RESULT_FORMATS`: ``/sparql`` answers (``results``, canonical
  name first, then aliases; an alias with a ``/`` is a media type);
- :data:`museumkg.release.export.FORMATS`: release dumps and ``museumkg export`` (``dump``);
- :data:`museumkg.release.metadata.W3C_FORMATS`: the dumps' format IRIs in VoID/DCAT.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

#: W3C's namespace of format IRIs.
FORMATS_NS = "http://www.w3.org/ns/formats/"

#: What a ``/sparql`` result format answers: SELECT and ASK, or CONSTRUCT and DESCRIBE.
SOLUTIONS = "solutions"
GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One format and the names each use serves it under (empty: that use does not)."""

    label: str
    media_type: str
    suffixes: tuple[str, ...] = ()  # file name suffixes without the dot, the written one first
    rdf: ox.RdfFormat | None = None  # pyoxigraph's RDF format
    results: ox.QueryResultsFormat | None = None  # pyoxigraph's query results format
    w3c: str | None = None  # local name of the W3C format IRI
    dataset: bool = False  # keeps named graphs (quads)
    charset: bool = False  # served with ``; charset=utf-8``
    store: tuple[str, ...] = ()  # names Store.load/dump take (with the suffixes)
    page: str | None = None  # ``?format=`` / ``.suffix`` name of pages and twins
    result_kind: str | None = None  # SOLUTIONS or GRAPH when /sparql answers in it
    result_names: tuple[str, ...] = ()  # /sparql ``?format=`` names: canonical, then aliases
    dump: str | None = None  # release dump and ``museumkg export`` name
    dump_rank: int = 0  # order of the dumps on the downloads page

    @property
    def format_iri(self) -> str | None:
        """The W3C format IRI, when there is one."""
        return f"{FORMATS_NS}{self.w3c}" if self.w3c else None


#: Every format, in the server's order of preference (content negotiation ties go first-first).
FORMATS: tuple[Format, ...] = (
    Format("HTML", "text/html", ("html",), page="html"),
    Format("JSON", "application/json", ("json",), page="json"),
    Format(
        "SPARQL Results JSON",
        "application/sparql-results+json",
        ("srj",),
        results=ox.QueryResultsFormat.JSON,
        w3c="SPARQL_Results_JSON",
        result_kind=SOLUTIONS,
        result_names=("json", "srj", "sparql-results+json", "application/json"),
    ),
    Format(
        "SPARQL Results XML",
        "application/sparql-results+xml",
        ("srx",),
        results=ox.QueryResultsFormat.XML,
        w3c="SPARQL_Results_XML",
        result_kind=SOLUTIONS,
        result_names=("xml", "srx", "sparql-results+xml", "application/xml", "text/xml"),
    ),
    Format(
        "CSV",
        "text/csv",
        ("csv",),
        results=ox.QueryResultsFormat.CSV,
        w3c="SPARQL_Results_CSV",
        charset=True,
        result_kind=SOLUTIONS,
        result_names=("csv",),
    ),
    Format(
        "TSV",
        "text/tab-separated-values",
        ("tsv",),
        results=ox.QueryResultsFormat.TSV,
        w3c="SPARQL_Results_TSV",
        charset=True,
        result_kind=SOLUTIONS,
        result_names=("tsv", "tab-separated-values"),
    ),
    Format(
        "Turtle",
        "text/turtle",
        ("ttl",),
        rdf=ox.RdfFormat.TURTLE,
        w3c="Turtle",
        charset=True,
        store=("turtle",),
        page="ttl",
        result_kind=GRAPH,
        result_names=("ttl", "turtle", "application/x-turtle"),
        dump="ttl",
        dump_rank=1,
    ),
    Format(
        "JSON-LD 1.1",
        "application/ld+json",
        ("jsonld",),
        rdf=ox.RdfFormat.JSON_LD,
        w3c="JSON-LD",
        dataset=True,
        page="jsonld",
        result_kind=GRAPH,
        result_names=("jsonld", "json-ld", "json", "application/json"),
        dump="jsonld",
        dump_rank=5,
    ),
    Format(
        "N-Triples",
        "application/n-triples",
        ("nt",),
        rdf=ox.RdfFormat.N_TRIPLES,
        w3c="N-Triples",
        store=("ntriples",),
        page="nt",
        result_kind=GRAPH,
        result_names=("nt", "ntriples", "n-triples", "text/plain"),
        dump="nt",
        dump_rank=2,
    ),
    Format(
        "RDF/XML",
        "application/rdf+xml",
        ("rdf", "owl"),
        rdf=ox.RdfFormat.RDF_XML,
        w3c="RDF_XML",
        store=("rdfxml",),
        page="rdf",
        result_kind=GRAPH,
        result_names=("rdfxml", "rdf", "xml", "rdf+xml", "rdf/xml", "application/xml"),
        dump="rdfxml",
        dump_rank=6,
    ),
    Format(
        "N-Quads",
        "application/n-quads",
        ("nq",),
        rdf=ox.RdfFormat.N_QUADS,
        w3c="N-Quads",
        dataset=True,
        store=("nquads",),
        result_kind=GRAPH,
        result_names=("nq", "nquads", "n-quads"),
        dump="nq",
        dump_rank=3,
    ),
    Format(
        "TriG",
        "application/trig",
        ("trig",),
        rdf=ox.RdfFormat.TRIG,
        w3c="TriG",
        dataset=True,
        result_kind=GRAPH,
        result_names=("trig",),
        dump="trig",
        dump_rank=4,
    ),
    Format("plain text", "text/plain", ("txt",), page="text"),
)


def rdf_formats() -> Iterator[Format]:
    """The RDF formats (those pyoxigraph reads and writes)."""
    return (f for f in FORMATS if f.rdf is not None)


def store_names() -> dict[str, ox.RdfFormat]:
    """Names and suffixes ``Store.load``/``dump`` take → pyoxigraph formats.

    >>> store_names()["owl"] == ox.RdfFormat.RDF_XML
    True
    """
    return {name: f.rdf for f in rdf_formats() for name in (*f.suffixes, *f.store) if f.rdf}


def page_media_types() -> dict[str, str]:
    """``?format=`` names of pages and their twins → media types."""
    return {f.page: f.media_type for f in FORMATS if f.page}


def by_page_name(name: str) -> Format | None:
    """The format a page's ``?format=`` name stands for."""
    return next((f for f in FORMATS if f.page == name), None)


def dumps() -> list[Format]:
    """The release dump formats, in the downloads page's order."""
    return sorted((f for f in FORMATS if f.dump), key=lambda f: f.dump_rank)
