"""What the catalog holds, as plain data for pages and their JSON twins.

Every value is a plain ``str`` or ``int`` (no RDF terms), so templates and ``json.dumps`` take
the result as is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from museumkg.catalog import Manifest
from museumkg.sparql import load_query
from museumkg.store import Store, Term, select_rows

Row = dict[str, str | int]


@dataclass(frozen=True)
class Overview:
    """Counts per class, the sources, the newest programs, and the size and version.

    Attributes:
        classes: ``{"iri", "label", "count"}`` per catalog class, most numerous first.
        sources: ``{"iri", "title", "issued", "link", "publisher", "publisher_label",
            "statements"}`` per source document, newest first (absent keys: value unknown).
        programs: ``{"iri", "label", "start", "end", "place"}``, newest first.
        triples: quads in the store.
        version: the build version, when known.
        built_at: when that version was built (ISO 8601), when known.
    """

    classes: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    programs: list[Row] = field(default_factory=list)
    triples: int = 0
    version: str | None = None
    built_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The overview as a JSON-ready dict."""
        return asdict(self)


def _local_name(iri: str) -> str:
    """``https://w3id.org/museumkg/ontology#Museum`` → ``Museum``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(term: Term) -> str:
    """The lexical value of a term (an IRI, a literal's text, a blank node's id)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _plain(row: dict[str, Term], names: dict[str, str]) -> Row:
    """Keep the variables in ``names`` (variable → key) as plain strings."""
    return {key: _text(row[var]) for var, key in names.items() if var in row}


def _rows(store: Store, name: str) -> list[dict[str, Term]]:
    return list(select_rows(store.query(load_query(name).text)))


def class_counts(store: Store) -> list[Row]:
    """Entities per catalog class, labelled in English (the class's local name as fallback)."""
    counts: list[Row] = []
    for row in _rows(store, "class_counts"):
        iri = _text(row["class"])
        label = _text(row["label_en"]) if "label_en" in row else _local_name(iri)
        counts.append({"iri": iri, "label": label, "count": int(_text(row["count"]))})
    return counts


def sources(store: Store) -> list[Row]:
    """Source documents, newest first, each with the number of statements in its graph."""
    sizes = {_text(r["graph"]): int(_text(r["triples"])) for r in _rows(store, "graph_counts")}
    names = {
        "source": "iri",
        "title": "title",
        "issued": "issued",
        "link": "link",
        "publisher": "publisher",
        "publisherLabel": "publisher_label",
    }
    seen: dict[str, Row] = {}
    for row in _rows(store, "sources"):
        plain = _plain(row, names)
        iri = str(plain["iri"])
        title = row["title"]
        english = isinstance(title, ox.Literal) and (title.language or "").startswith("en")
        if iri in seen and not english:
            continue
        plain["statements"] = sizes.get(iri, 0)
        seen[iri] = plain
    return list(seen.values())


def newest_programs(store: Store) -> list[Row]:
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
    programs: dict[str, Row] = {}
    for row in _rows(store, "newest_programs"):
        plain = _plain(row, names)
        programs.setdefault(str(plain["iri"]), plain)
    return list(programs.values())


def catalog_overview(store: Store, manifest: Manifest | None = None) -> Overview:
    """Summarise the catalog held by ``store``.

    Args:
        store: the store to ask.
        manifest: the build manifest of that store; its triple count and version are used
            when given (no full count needed).

    >>> from museumkg.store import EmbeddedStore
    >>> catalog_overview(EmbeddedStore()).triples
    0
    """
    return Overview(
        classes=class_counts(store),
        sources=sources(store),
        programs=newest_programs(store),
        triples=manifest.triples if manifest else store.count(),
        version=manifest.version if manifest else None,
        built_at=manifest.built_at if manifest else None,
    )
