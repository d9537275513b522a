"""The one store contract the CLI and the web app use, whatever the backend.

Results are pyoxigraph's result objects on every backend (``QuerySolutions``, ``QueryBoolean``,
``QueryTriples``): the embedded store produces them natively and a remote store parses the
server's SPARQL results into them, so callers never branch on the backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

import pyoxigraph as ox

from museumkg.formats import store_names

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: File extensions and format names → pyoxigraph formats (from :mod:`museumkg.formats`).
RDF_FORMATS: dict[str, ox.RdfFormat] = store_names()


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


class QueryTimeout(StoreError):
    """A query ran past its time limit (``timeout_s``) and was stopped; nothing was answered.

    The one timeout of every backend: a remote server that said so (or did not answer in time),
    a worker process killed at its deadline, a page whose request deadline ran out.
    """

    def __init__(self, timeout_s: float, message: str | None = None) -> None:
        super().__init__(
            message
            or f"the query ran longer than its time limit of {timeout_s:g} s and was stopped"
        )
        self.timeout_s = timeout_s


class QuerySyntaxError(StoreError):
    """The query text does not parse; ``line`` and ``column`` locate the problem when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


_POSITION = re.compile(r"(?:error at|at) (\d+):(\d+)")


def syntax_error(err: SyntaxError) -> QuerySyntaxError:
    """Turn pyoxigraph's SPARQL syntax error into ours, keeping line and column."""
    message = str(err.args[0]) if err.args else str(err)
    match = _POSITION.search(message)
    if match:
        return QuerySyntaxError(message, int(match.group(1)), int(match.group(2)))
    return QuerySyntaxError(message, err.lineno, err.offset)


class NotSupported(StoreError):
    """The backend cannot do this operation (named in the message)."""


@dataclass(frozen=True)
class Capabilities:
    """What a store can do, declared rather than guessed; callers read these, never the type.

    Attributes:
        read_only: writes are refused (``/health`` reports it).
        local_files: the store's data is the folder at ``location``, which other processes may
            open read-only (the ``/sparql`` worker pool does) and a build may replace (the Graph
            Store swaps in the new folder). False for a server.
    """

    read_only: bool = False
    local_files: bool = False


Subject = ox.NamedNode | ox.BlankNode | ox.Triple
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@runtime_checkable
class Store(Protocol):
    """A SPARQL 1.1 quad store holding the catalog: one named graph per source.

    Queries see the union of all named graphs as their default graph unless told otherwise.
    Callers never ask which backend they have: what differs is in :attr:`capabilities`,
    :attr:`location` and :attr:`endpoint`, and an operation a backend cannot do raises
    :class:`NotSupported` naming it.
    """

    capabilities: Capabilities

    @property
    def location(self) -> Path | None:
        """The folder of the built catalog this store serves, where the build's catalog index,
        network files, manifest and release dumps are read: for the embedded store, its own
        folder; for a remote store, the local build folder of the catalog pushed to the server;
        ``None`` for an in-memory store or a server without a local build."""
        ...

    @property
    def endpoint(self) -> str | None:
        """The SPARQL query URL of the server answering, or ``None`` when answered in-process."""
        ...

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
        timeout_s: float | None = None,
    ) -> QueryResult:
        """Run a SPARQL query.

        Args:
            bindings: values for variables, substituted safely (never by pasting text).
            union_default_graph: the default graph is the union of the named graphs.
            default_graphs, named_graphs: the SPARQL Protocol's ``default-graph-uri`` and
                ``named-graph-uri``: when either is given, the dataset is exactly those graphs
                (an absent list means none) and ``union_default_graph`` is not used.
            timeout_s: this query's time limit, where the backend enforces one (a server); an
                embedded store has none (the ``/sparql`` worker pool bounds it by a process).

        Raises:
            QuerySyntaxError: the text does not parse.
            QueryTimeout: the time limit was reached.
            StoreError: the store failed otherwise.
        """
        ...

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern (``None`` matches anything), as pyoxigraph's
        ``Store.quads_for_pattern`` gives them: the bulk reads of derivation and release."""
        ...

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds ``quad`` (in its graph)."""
        ...

    def load(
        self,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None,
        base_iri: str | None = None,
    ) -> None:
        """Bulk-add RDF: triples into the named graph ``graph``, or, with ``graph=None``, a
        quad format's quads into their own graphs. Not atomic: for stores being built."""
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

    def replace_graphs(self, graphs: Mapping[str, Sequence[ox.Triple]]) -> None:
        """Replace the content of each of ``graphs`` (IRI → its new triples) in one step: for
        many small graphs at once (``museumkg push``), one request to a server."""
        ...

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Number of triples in each of ``graphs`` (0 for an absent one), in one step."""
        ...

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (small amounts; use :meth:`load` for files)."""
        ...

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Remove these quads (absent ones are fine)."""
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

    def dump(
        self,
        output: IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Serialize the store (quad formats) or one graph (any format) to ``output``, with
        ``prefixes`` where the format has them."""
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
