"""The one store contract the CLI and the web app use, whatever the backend.

Results are pyoxigraph's result objects on every backend (``QuerySolutions``, ``QueryBoolean``,
``QueryTriples``): the embedded store produces them natively and a remote store parses the
server's SPARQL results into them, so callers never branch on the backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: File extensions and format names → pyoxigraph formats; the single table of RDF formats.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """Return the pyoxigraph format for a name or file extension.

    Raises:
        ValueError: naming the formats that are known.

    >>> rdf_format("ttl") == ox.RdfFormat.TURTLE
    True
    """
    try:
        return RDF_FORMATS[name.lower().lstrip(".")]
    except KeyError:
        raise ValueError(
            f"unknown RDF format {name!r}; known: {', '.join(sorted(RDF_FORMATS))}"
        ) from None


class StoreError(Exception):
    """A store could not do what was asked (the message says what and why)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (missing, locked, server down)."""


class StoreTimeout(StoreError):
    """The store did not answer within the time limit (``timeout_s``); nothing was answered."""

    def __init__(self, message: str, timeout_s: float) -> None:
        super().__init__(message)
        self.timeout_s = timeout_s


class QuerySyntaxError(StoreError):
    """The query text does not parse; ``line`` and ``column`` locate the problem when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class NotSupported(StoreError):
    """The backend cannot do this operation (named in the message)."""


@dataclass(frozen=True)
class Capabilities:
    """What a store can do, declared rather than guessed."""

    named_graphs: bool = True
    update: bool = True
    bulk_load: bool = True
    read_only: bool = False


@runtime_checkable
class Store(Protocol):
    """A SPARQL 1.1 quad store holding the catalog: one named graph per source.

    Queries see the union of all named graphs as their default graph unless told otherwise.

    A store may also have ``path``: the folder of the built catalog it serves (for the embedded
    store, its own folder; for a remote store, the local build folder of the catalog pushed to
    the server), where the build's catalog index, network files and release dumps are read.
    """

    capabilities: Capabilities

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query; ``bindings`` substitute variables safely (never by pasting)."""
        ...

    def load(
        self,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str,
        base_iri: str | None = None,
    ) -> None:
        """Add RDF (triples) into the named graph ``graph``."""
        ...

    def replace_graph(
        self,
        graph: str,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        base_iri: str | None = None,
    ) -> None:
        """Replace the content of ``graph`` with ``data`` in one step."""
        ...

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (small amounts; use :meth:`load` for files)."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples."""
        ...

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of quads, in ``graph`` or in the whole store."""
        ...

    def dump(self, output: IO[bytes], *, format: str, graph: str | None = None) -> None:
        """Serialize the store (quad formats) or one graph (triple formats) to ``output``."""
        ...

    def close(self) -> None:
        """Release the store (files, connections)."""
        ...


def is_graph_result(result: object) -> bool:
    """True for a CONSTRUCT/DESCRIBE result (an iterable of triples) on any backend."""
    return not isinstance(result, ox.QuerySolutions | ox.QueryBoolean)


def select_rows(result: QueryResult) -> Iterator[dict[str, Term]]:
    """Yield SELECT solutions as ``{variable: term}`` dicts, leaving out unbound variables.

    Raises:
        StoreError: when ``result`` is not a SELECT result.
    """
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError("expected the result of a SELECT query")
    names = [v.value for v in result.variables]
    for solution in result:
        row: dict[str, Term] = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        yield row
