"""What the catalog holds, as plain data for the home page and its JSON twin.

The overview is per catalog, not per request: the build computes it once
(:func:`build_overview`, called by :mod:`museumkg.index.index_writer` while it writes the index)
and keeps it in the catalog index beside the store, so the home page reads one row instead of
counting every class and graph of the store (seconds at 10^6 triples). It holds the entities per
catalog class, the catalog in four numbers (institutions, programs and people of every subclass,
and the network's strong links), how many source documents there are and the newest
:data:`NEWEST_SOURCES` of them (the whole list is the paged ``/browse/sources``), the newest
programs and the store's size.

Every value is a plain ``str`` or ``int`` (no RDF terms), so templates and ``json.dumps`` take
the result as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Required, TypedDict, cast

import pyoxigraph as ox

from museumkg.queries import named_rows
from museumkg.store import Store, Term
from museumkg.store.catalog import Manifest
from museumkg.store.terms import lexical


class ClassCount(TypedDict):
    """Entities of one catalog class."""

    iri: str
    label: str
    count: int


class SourceRow(TypedDict, total=False):
    """One of the newest source documents (a key is absent when its value is unknown)."""

    iri: Required[str]
    title: str
    issued: str
    link: str
    publisher: str
    publisher_label: str
    statements: int


class ProgramRow(TypedDict, total=False):
    """One of the newest programs (a key is absent when its value is unknown)."""

    iri: Required[str]
    label: str
    start: str
    end: str
    place: str


class CatalogSummary(TypedDict, total=False):
    """The catalog in four numbers (:func:`catalog_summary`)."""

    institutions: int
    programs: int
    people: int
    links: int


class OverviewData(TypedDict):
    """What :func:`build_overview` computes once per build and the catalog index keeps."""

    classes: list[ClassCount]
    summary: CatalogSummary
    sources: list[SourceRow]
    sources_total: int
    programs: list[ProgramRow]
    triples: int


class OverviewJSON(OverviewData):
    """The home page's JSON twin: :class:`OverviewData` with the build's version."""

    version: str | None
    built_at: str | None


#: How many sources the home page lists (newest first); the rest are a link away. The LIMIT of
#: ``queries/newest_sources.rq`` is the same number.
NEWEST_SOURCES = 20


@dataclass(frozen=True)
class Overview:
    """Counts per class, the newest sources, the newest programs, and the size and version.

    Attributes:
        classes: ``{"iri", "label", "count"}`` per catalog class, most numerous first.
        summary: ``{"institutions", "programs", "people", "links"}``: institutions, programs
            and people of every subclass, and strong partnership links (``partnerOf`` pairs).
        sources: ``{"iri", "title", "issued", "link", "publisher", "publisher_label",
            "statements"}`` for the newest :data:`NEWEST_SOURCES` source documents, newest
            first (absent keys: value unknown).
        sources_total: how many source documents the catalog has.
        programs: ``{"iri", "label", "start", "end", "place"}``, newest first.
        triples: quads in the store.
        version: the build version, when known.
        built_at: when that version was built (ISO 8601), when known.
    """

    classes: list[ClassCount] = field(default_factory=list)
    summary: CatalogSummary = field(default_factory=lambda: CatalogSummary())
    sources: list[SourceRow] = field(default_factory=list)
    sources_total: int = 0
    programs: list[ProgramRow] = field(default_factory=list)
    triples: int = 0
    version: str | None = None
    built_at: str | None = None

    def as_dict(self) -> OverviewJSON:
        """The overview as a JSON-ready dict."""
        return cast(OverviewJSON, asdict(self))  # the fields are OverviewJSON's keys


def _local_name(iri: str) -> str:
    """``https://w3id.org/museumkg/ontology#Museum`` → ``Museum``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plain(row: dict[str, Term], names: dict[str, str]) -> dict[str, str]:
    """Keep the variables in ``names`` (variable → key) as plain strings."""
    return {key: lexical(row[var]) for var, key in names.items() if var in row}


def class_counts(members: Mapping[str, int], labels: Mapping[str, str]) -> list[ClassCount]:
    """Entities per catalog class, most numerous first (then by IRI).

    Args:
        members: class IRI → how many distinct things are asserted to be of it.
        labels: class IRI → its English name (the class's local name when absent).

    >>> class_counts({"http://e/o#B": 2, "http://e/o#A": 2, "http://e/o#C": 5}, {})[0]
    {'iri': 'http://e/o#C', 'label': 'C', 'count': 5}
    """
    rows: list[ClassCount] = [
        {"iri": iri, "label": labels.get(iri) or _local_name(iri), "count": count}
        for iri, count in members.items()
    ]
    rows.sort(key=lambda r: (-r["count"], r["iri"]))
    return rows


def newest_sources(store: Store) -> list[SourceRow]:
    """The newest :data:`NEWEST_SOURCES` source documents, each with its number of statements.

    Titles prefer English when a source has several; the statement count is one bounded count
    of that source's graph.
    """
    names = {
        "source": "iri",
        "title": "title",
        "issued": "issued",
        "link": "link",
        "publisher": "publisher",
        "publisherLabel": "publisher_label",
    }
    seen: dict[str, SourceRow] = {}
    for row in _ordered(named_rows(store, "newest_sources")):
        plain = cast(SourceRow, _plain(row, names))  # names' values are SourceRow's text keys
        iri = plain["iri"]
        title = row["title"]
        english = isinstance(title, ox.Literal) and (title.language or "").startswith("en")
        if iri in seen and not english:
            continue
        seen[iri] = plain
    sources = list(seen.values())[:NEWEST_SOURCES]
    for source in sources:
        source["statements"] = store.count(source["iri"])
    return sources


def _ordered(rows: Iterable[dict[str, Term]]) -> list[dict[str, Term]]:
    """Rows newest first (no date last), then by IRI: the order of ``sources.rq``."""
    listed = list(rows)
    listed.sort(key=lambda r: lexical(r["source"]))
    listed.sort(key=lambda r: lexical(r["issued"]) if "issued" in r else "", reverse=True)
    return listed


def source_total(store: Store) -> int:
    """How many source documents (with a title, in their own graph) the catalog has."""
    rows = named_rows(store, "source_total")
    return int(lexical(rows[0]["n"])) if rows and "n" in rows[0] else 0


def newest_programs(store: Store) -> list[ProgramRow]:
    """The most recent programs with their dates and place (English labels)."""
    names = {
        "program": "iri",
        "label": "label",
        "start": "start",
        "end": "end",
        "placeLabel": "place",
    }
    # One row per program: the union default graph repeats a triple stated in several graphs
    # (a place labelled by the seed source and by the gazetteer), multiplying solutions.
    programs: dict[str, ProgramRow] = {}
    for row in named_rows(store, "newest_programs"):
        plain = cast(ProgramRow, _plain(row, names))  # names' values are ProgramRow's keys
        programs.setdefault(plain["iri"], plain)
    return list(programs.values())


def catalog_summary(store: Store) -> CatalogSummary:
    """Institutions, programs and people (every subclass) and strong links, as ints.

    >>> from museumkg.store import EmbeddedStore
    >>> catalog_summary(EmbeddedStore())["institutions"]
    0
    """
    for row in named_rows(store, "catalog_summary"):
        return cast(CatalogSummary, {key: int(lexical(term)) for key, term in row.items()})
    return CatalogSummary()


def build_overview(
    store: Store, members: Mapping[str, int], labels: Mapping[str, str]
) -> OverviewData:
    """The overview of ``store`` as JSON-ready data, computed once at build time.

    Args:
        store: the catalog.
        members: entities per catalog class (counted by the index builder's scan of types).
        labels: English names of those classes.

    >>> from museumkg.store import EmbeddedStore
    >>> build_overview(EmbeddedStore(), {}, {})["sources_total"]
    0
    """
    return {
        "classes": class_counts(members, labels),
        "summary": catalog_summary(store),
        "sources": newest_sources(store),
        "sources_total": source_total(store),
        "programs": newest_programs(store),
        "triples": store.count(),
    }


def catalog_overview(data: Mapping[str, Any], manifest: Manifest | None = None) -> Overview:
    """The overview kept in the catalog index (``data``), with the build's size and version.

    Args:
        data: what :func:`build_overview` computed for the store.
        manifest: the build manifest of that store; its triple count and version are used
            when given.

    >>> catalog_overview({"classes": [], "sources": [], "programs": [], "triples": 3}).triples
    3
    """
    # data is JSON read back from the index, as build_overview wrote it
    return Overview(
        classes=[cast(ClassCount, dict(row)) for row in data.get("classes", [])],
        summary=cast(CatalogSummary, dict(data.get("summary", {}))),
        sources=[cast(SourceRow, dict(row)) for row in data.get("sources", [])],
        sources_total=int(data.get("sources_total", len(data.get("sources", [])))),
        programs=[cast(ProgramRow, dict(row)) for row in data.get("programs", [])],
        triples=manifest.triples if manifest else int(data.get("triples", 0)),
        version=manifest.version if manifest else None,
        built_at=manifest.built_at if manifest else None,
    )
