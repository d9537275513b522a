"""The embedded store: pyoxigraph on disk (or in memory for tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from museumkg.store.base import (
    Capabilities,
    GraphName,
    QueryResult,
    StoreError,
    StoreUnavailable,
    Subject,
    Term,
    rdf_format,
    syntax_error,
)


class EmbeddedStore:
    """A :class:`~museumkg.store.base.Store` over ``pyoxigraph.Store``.

    Args:
        path: the store directory; ``None`` keeps everything in memory.
        read_only: open an existing directory read-only (many readers may share it).

    Raises:
        StoreUnavailable: when the directory cannot be opened (missing, locked, corrupt).

    >>> store = EmbeddedStore()
    >>> store.load('<http://ex.org/a> <http://ex.org/p> "x" .', format="nt", graph="http://ex.org/g")
    >>> store.count()
    1
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.capabilities = Capabilities(read_only=read_only, local_files=self.path is not None)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise StoreUnavailable(f"no store at {self.path}: run `museumkg build` first")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as err:
            raise StoreUnavailable(f"cannot open the store at {self.path}: {err}") from err

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store (for tests; the library goes through the protocol)."""
        return self._store

    @property
    def location(self) -> Path | None:
        """The store's own folder (``None`` in memory); see :class:`~museumkg.store.base.Store`."""
        return self.path

    @property
    def endpoint(self) -> str | None:
        """Always ``None``: queries are answered in this process."""
        return None

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
        """Run a SPARQL query; see :class:`~museumkg.store.base.Store` (``timeout_s`` is not
        enforced here: pyoxigraph cannot stop a query; the worker pool bounds user queries)."""
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        dataset: dict[str, Any]
        if default_graphs is not None or named_graphs is not None:
            dataset = {
                "default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()],
            }
        else:
            dataset = {"use_default_graph_as_union": union_default_graph}
        try:
            return self._store.query(sparql, substitutions=substitutions or None, **dataset)
        except SyntaxError as err:
            raise syntax_error(err) from err
        except RuntimeError as err:  # e.g. a bound variable missing from the projection
            raise StoreError(f"the query cannot run: {err}") from err
        except OSError as err:
            raise StoreError(f"the store failed while answering: {err}") from err

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,  # noqa: A002  (pyoxigraph's name)
        graph: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; see :class:`~museumkg.store.base.Store`."""
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (only on stores opened for writing)."""
        self._writable("update")
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise syntax_error(err) from err

    def load(
        self,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None,
        base_iri: str | None = None,
    ) -> None:
        """Bulk-load RDF (no transaction); see :class:`~museumkg.store.base.Store`."""
        self._writable("load")
        fmt = rdf_format(format)
        if graph is None and not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} has no graphs: name the graph to load it into")
        target = ox.NamedNode(graph) if graph is not None else None
        if isinstance(data, Path):
            self._store.bulk_load(path=str(data), format=fmt, base_iri=base_iri, to_graph=target)
        else:
            self._store.bulk_load(data, fmt, base_iri=base_iri, to_graph=target)

    def replace_graph(
        self,
        graph: str,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        base_iri: str | None = None,
    ) -> None:
        """Replace a graph's content: parse first, so a bad input leaves the graph as it was."""
        self._writable("replace_graph")
        fmt = rdf_format(format)
        target = ox.NamedNode(graph)
        kwargs = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, target)
            for q in ox.parse(format=fmt, base_iri=base_iri, **kwargs)
        ]
        if self._store.contains_named_graph(target):
            self._store.remove_graph(target)
        self._store.extend(quads)

    def replace_graphs(self, graphs: Mapping[str, Sequence[ox.Triple]]) -> None:
        """Replace each graph's content: the old graphs removed, then every new triple added
        in one transaction."""
        self._writable("replace_graphs")
        for graph in graphs:
            self.drop_graph(graph)
        self._store.extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for graph, triples in graphs.items()
            for t in triples
        )

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Number of triples in each of ``graphs`` (0 for an absent one)."""
        return {graph: self.count(graph) for graph in graphs}

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction."""
        self._writable("add_quads")
        self._store.extend(quads)

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds ``quad``."""
        return quad in self._store

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (absent ones are fine)."""
        self._writable("remove_quads")
        for quad in quads:
            self._store.remove(quad)

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error if it is absent)."""
        self._writable("drop_graph")
        node = ox.NamedNode(graph)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of quads in ``graph`` or in the whole store."""
        if graph is None:
            return len(self._store)
        # a substituted variable must be projected (pyoxigraph follows SEP-0007)
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        result = self._store.query(query, substitutions={ox.Variable("g"): ox.NamedNode(graph)})
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            value = row["n"]
            return int(value.value) if value is not None else 0
        return 0

    def dump(
        self,
        output: IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Serialize everything (N-Quads/TriG) or one graph (any format) to ``output``."""
        fmt = rdf_format(format)
        extra: dict[str, Any] = {"prefixes": dict(prefixes)} if prefixes else {}
        if graph is None:
            if not fmt.supports_datasets:
                raise StoreError(
                    f"{fmt.name} holds one graph: give a graph, or use nq/trig for all of them"
                )
            self._store.dump(output, fmt, **extra)
        else:
            self._store.dump(output, fmt, from_graph=ox.NamedNode(graph), **extra)

    def flush(self) -> None:
        """Write buffered data to disk."""
        if not self.capabilities.read_only:
            self._store.flush()

    def optimize(self) -> None:
        """Compact the on-disk files after a bulk load (faster reads)."""
        if not self.capabilities.read_only:
            self._store.optimize()

    def close(self) -> None:
        """Drop the handle; pyoxigraph closes its files when the object goes away."""
        self._store = None  # type: ignore[assignment]

    def _writable(self, operation: str) -> None:
        if self.capabilities.read_only:
            raise StoreError(f"{operation} refused: this store is opened read-only")
