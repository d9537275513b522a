"""A store on a SPARQL 1.1 server over HTTP: queries by SPARQLWrapper, loads by the Graph Store
Protocol. Imported only when a remote store is asked for (SPARQLWrapper is an optional extra).

Results are parsed into pyoxigraph's result objects (``QuerySolutions``, ``QueryBoolean``,
``QueryTriples``), so callers never branch on the backend.

Servers differ; every difference is a field of :data:`museumkg.store.dialects.DIALECTS`, used
here and nowhere else:

- how to see the union of the named graphs as the default graph (Oxigraph: a request parameter;
  Virtuoso: it is already the default). Virtuoso's union also holds its own system graphs
  (RDF views, LDP, ...): :meth:`RemoteStore.graphs` leaves them out, but a query scanning
  every triple or ``GRAPH ?g`` sees them. That is reported, not hidden (docs/deploy.md): the
  ``DEFINE input:named-graph-exclude`` pragma that would hide them makes Virtuoso 7.2 hang on
  queries with ``GRAPH ?g`` inside a ``UNION``, and ``input:default-graph-exclude`` changes
  the answers of some of the catalog's queries;
- where the update and Graph Store endpoints are, relative to the query endpoint;
- the format to ask graph answers in (Virtuoso: N-Triples, since its Turtle writer prints a
  whole-number ``xsd:decimal`` as a bare ``0``, which reads back as ``xsd:integer``);
- how to give one query a time limit on the server (Virtuoso: the ``timeout`` parameter, in
  milliseconds; Oxigraph server: only server-wide, ``oxigraph serve --timeout-s``), and how the
  server says a limit was hit (Virtuoso answers a *partial* result with ``X-SQL-State: S1TAT``
  — an "anytime query" — which is turned into :class:`QueryTimeout`, never served as complete;
  every answer is read for that by one classifier, :func:`museumkg.store.dialects.timed_out`).

Faults: a refused or dropped connection is retried (reads are safe to repeat) within the time
limit, then :class:`StoreUnavailable` names the server; a request that outlives its time limit
is not retried and raises :class:`QueryTimeout`.

A caller answering one request with several queries (a web page) can bound them together:
inside ``with request_deadline(seconds):`` every query gets only the time left, so the page
answers (or fails with :class:`QueryTimeout`) within that limit, not one limit per query.

A remote store may carry ``path`` (its ``location``): the local build folder of the catalog
that was pushed to the server (its catalog index, network files, release dumps and manifest),
which the web app reads beside the SPARQL answers exactly as it reads them beside an embedded
store.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from museumkg.store.base import (
    Capabilities,
    GraphName,
    NotSupported,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    Subject,
    Term,
    rdf_format,
    select_rows,
)
from museumkg.store.dialects import (
    DIALECTS,
    Dialect,
    guess_dialect,
    timed_out,
)
from museumkg.store.http_auth import DigestHandler, opener, passwords
from museumkg.store.remote_query import (
    EMPTY_GRAPH,
    failure_reason,
    in_graphs,
    make_request,
    query_text,
    read_answer,
    row_quad,
    set_dataset,
    short_message,
)
from museumkg.store.sparql_text import graph_sizes_query, has_blank_node, replace_graphs_update

__all__ = ["DIALECTS", "Dialect", "RemoteStore", "guess_dialect", "request_deadline"]


#: (monotonic end, seconds) of the request being answered in this context, if bounded.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("museumkg_deadline", default=None)


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Bound every remote query made in this context (thread) together by ``seconds``."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


_RETRIES = 3
#: Bodies larger than this are sent already authenticated (see museumkg.store.http_auth).
_SMALL_BODY = 64 * 1024


class RemoteStore:
    """A :class:`~museumkg.store.base.Store` over a SPARQL 1.1 server.

    Args:
        query_url: the SPARQL query endpoint.
        update_url: the SPARQL Update endpoint (default: by the dialect).
        store_url: the Graph Store Protocol endpoint (default: by the dialect).
        user, password: HTTP basic credentials (from settings or the environment, never argv).
        timeout_s: how long one request may take before :class:`QueryTimeout` is raised.
        dialect: a key of :data:`DIALECTS`; guessed from ``query_url`` when omitted.
        read_only: refuse every write.
        path: the local build folder of the catalog on the server (see the module docstring).
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout_s: float = 10.0,
        dialect: str | None = None,
        read_only: bool = False,
        path: Path | None = None,
    ) -> None:
        try:
            import SPARQLWrapper  # noqa: F401  (checked here: a clear error if missing)
        except ImportError as err:  # pragma: no cover - depends on the installation
            raise StoreUnavailable(
                "remote stores need SPARQLWrapper: pip install 'museumkg[remote]'"
            ) from err
        if dialect and dialect not in DIALECTS:
            known = ", ".join(sorted(DIALECTS))
            raise StoreError(f"unknown SPARQL server dialect {dialect!r}; known: {known}")
        self.dialect = DIALECTS[dialect] if dialect else guess_dialect(query_url)
        self.path = path
        self.query_url = query_url
        self.update_url = update_url or urllib.parse.urljoin(query_url, self.dialect.update_path)
        self.store_url = store_url or urllib.parse.urljoin(query_url, self.dialect.store_path)
        self.timeout_s = timeout_s
        self._auth = (user, password) if user else None
        writes = (self.store_url, self.update_url)
        self._digest = DigestHandler(passwords(writes, user, password))
        self._opener = opener(self._digest, writes, user, password)
        self.capabilities = Capabilities(read_only=read_only, local_files=False)

    @property
    def location(self) -> Path | None:
        """The local build folder of the catalog on the server; see the module docstring."""
        return self.path

    @property
    def endpoint(self) -> str | None:
        """The server's SPARQL query URL."""
        return self.query_url

    # -- queries ------------------------------------------------------------------------------

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
        """Run a query on the server; see :class:`~museumkg.store.base.Store`.

        Args:
            timeout_s: this query's time limit (default: the store's); sent to the server
                where the dialect can take it, and always the limit of the HTTP request.

        Raises:
            QuerySyntaxError: the server refused the text.
            QueryTimeout: the limit was reached (on the server or waiting for it).
            StoreUnavailable: the server cannot be reached (after retries).
            StoreError: the server failed otherwise.
        """
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            QueryBadFormed,
            SPARQLWrapperException,
        )

        form, text = query_text(sparql, bindings)
        limit, reported = self._limits(timeout_s)
        wrapper = make_request(self.query_url, text, form, limit, self.dialect, self._auth)
        set_dataset(wrapper, self.dialect, union_default_graph, default_graphs, named_graphs)

        def ask() -> bytes:
            response = wrapper.query().response
            if timed_out(self.dialect, state=response.headers.get("X-SQL-State", "")):
                # an "anytime" answer: what was found before the limit, not the result
                raise QueryTimeout(reported, self._timeout_message(reported))
            return bytes(response.read())

        try:
            body = self._retrying(ask, limit, reported)
        except QueryBadFormed as err:
            raise QuerySyntaxError(f"the server refused the query: {short_message(err)}") from err
        except EndPointInternalError as err:
            if timed_out(self.dialect, error=err):
                raise QueryTimeout(reported, self._timeout_message(reported)) from err
            raise StoreError(f"the SPARQL server failed: {short_message(err)}") from err
        except SPARQLWrapperException as err:
            raise StoreError(f"the SPARQL server failed: {short_message(err)}") from err
        if timed_out(self.dialect, body=body):
            raise QueryTimeout(reported, self._stopped_message())
        try:
            return read_answer(body, form, self.dialect)
        except (SyntaxError, ValueError) as err:
            if timed_out(self.dialect, body=body, broken=True):
                raise QueryTimeout(reported, self._stopped_message()) from err
            raise StoreError(f"the SPARQL server's answer does not parse: {err}") from err

    def _limits(self, timeout_s: float | None) -> tuple[float, float]:
        """This query's limit (the store's, a lower one asked, the web request's time left),
        and the limit to name when it is hit (the one the caller set)."""
        limit = self.timeout_s if timeout_s is None else min(timeout_s, self.timeout_s)
        bound = _DEADLINE.get()
        if bound is not None:
            left = bound[0] - time.monotonic()
            if left <= 0.05:
                raise QueryTimeout(bound[1], self._timeout_message(bound[1]))
            limit = min(limit, left)
        return limit, (bound[1] if bound is not None else limit)

    def _stopped_message(self) -> str:
        return f"the SPARQL server at {self.query_url} stopped the query at its own time limit"

    def _timeout_message(self, limit: float) -> str:
        return (
            f"the SPARQL server at {self.query_url} did not answer within the time limit "
            f"of {limit:g} s"
        )

    # -- writes (Graph Store Protocol) --------------------------------------------------------

    def load(
        self,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None,
        base_iri: str | None = None,
    ) -> None:
        """Add RDF to ``graph`` (GSP POST), or a quad format's quads to their graphs (one POST
        per graph); relative IRIs are resolved here, not by the server."""
        if graph is not None:
            self._gsp("POST", graph, self._as_ntriples(data, format, base_iri))
            return
        fmt = rdf_format(format)
        if not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} has no graphs: name the graph to load it into")
        source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        self.add_quads(ox.parse(format=fmt, base_iri=base_iri, **source))

    def replace_graph(
        self,
        graph: str,
        data: bytes | str | Path | IO[bytes],
        *,
        format: str,
        base_iri: str | None = None,
    ) -> None:
        """Replace ``graph`` in one request (GSP PUT)."""
        self._gsp("PUT", graph, self._as_ntriples(data, format, base_iri))

    def replace_graphs(self, graphs: Mapping[str, Sequence[ox.Triple]]) -> None:
        """Replace several graphs by one SPARQL Update (one transaction on Oxigraph server);
        one Graph Store ``PUT`` each where the dialect does not batch (Virtuoso), and always
        for a graph with a blank node (Virtuoso refuses them in ``INSERT DATA``)."""
        batched = {
            g: triples
            for g, triples in graphs.items()
            if self.dialect.batch_updates and not has_blank_node(triples)
        }
        for graph, triples in graphs.items():
            if graph not in batched:
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                self._gsp("PUT", graph, body)
        if batched:
            first = next(iter(batched))
            what = f"replacing {len(batched)} graphs ({first}, ...)"
            self._update(replace_graphs_update(batched), what)

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Number of triples in each of ``graphs`` (0 for an absent one), in one query."""
        found = dict.fromkeys(graphs, 0)
        for row in select_rows(self.query(graph_sizes_query(graphs))) if graphs else ():
            graph, size = row["g"], row["n"]
            if isinstance(graph, ox.NamedNode) and isinstance(size, ox.Literal):
                found[graph.value] = int(size.value)
        return found

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads, one GSP POST per graph."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError("remote stores take quads in named graphs only")
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            by_graph.setdefault(quad.graph_name.value, []).append(triple)
        for graph, triples in by_graph.items():
            self._gsp("POST", graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the server holds ``quad`` (one ASK)."""
        if isinstance(quad.graph_name, ox.DefaultGraph):
            return False  # a catalog on a server keeps everything in named graphs
        text = "ASK { GRAPH ?g { ?s ?p ?o } }"
        given: dict[str, Term] = {
            "s": quad.subject,
            "p": quad.predicate,
            "o": quad.object,
            "g": quad.graph_name,
        }
        return bool(self.query(text, bindings=given))

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Refused: a catalog on a server changes graph by graph (``museumkg push``)."""
        raise NotSupported("removing single statements from a remote store: push graphs instead")

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,  # noqa: A002  (pyoxigraph's name)
        graph: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern, asked of the server (its named graphs only)."""
        if isinstance(graph, ox.DefaultGraph):
            return iter(())  # a catalog on a server keeps everything in named graphs
        given: dict[str, Term | None] = {"s": subject, "p": predicate, "o": object, "g": graph}
        bindings = {name: term for name, term in given.items() if term is not None}
        text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        rows = select_rows(self.query(text, bindings=bindings))
        hidden = self.dialect.hidden_graphs
        return (row_quad(row) for row in rows if not (hidden and in_graphs(row, hidden)))

    def drop_graph(self, graph: str) -> None:
        """Delete a graph (GSP DELETE; absent graphs are fine)."""
        self._gsp("DELETE", graph, None, missing_ok=True)

    def graphs(self) -> list[str]:
        """Named graphs on the server, sorted, without the server's own system graphs."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, ox.QuerySolutions)
        names = (row["g"].value for row in result if isinstance(row["g"], ox.NamedNode))
        return sorted(g for g in names if not g.startswith(self.dialect.hidden_graphs))

    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or quads in all named graphs."""
        if graph is None:
            return sum(self.count(name) for name in self.graphs())
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        result = self.query(text)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            return int(row["n"].value)
        return 0

    def dump(
        self,
        output: IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Write one graph (any format) or every named graph (N-Quads/TriG) to ``output``."""
        fmt = rdf_format(format)
        graphs = [graph] if graph else self.graphs()
        if graph is None and not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} holds one graph: give a graph, or use nq/trig")
        for name in graphs:
            node = ox.NamedNode(name)
            triples = self.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"
            )
            assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT
            known = dict(prefixes) if prefixes is not None else None
            if fmt.supports_datasets:
                quads = (ox.Quad(t.subject, t.predicate, t.object, node) for t in triples)
                output.write(ox.serialize(quads, format=fmt, prefixes=known) or b"")
            else:
                output.write(ox.serialize(triples, format=fmt, prefixes=known) or b"")

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""

    # -- helpers ------------------------------------------------------------------------------

    def _as_ntriples(
        self, data: bytes | str | Path | IO[bytes], format: str, base_iri: str | None
    ) -> bytes:
        fmt = rdf_format(format)
        source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        triples = (
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(format=fmt, base_iri=base_iri, **source)
        )
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def _gsp(
        self, method: str, graph: str, body: bytes | None, *, missing_ok: bool = False
    ) -> None:
        if self.capabilities.read_only:
            raise StoreError(f"{method} {graph} refused: this store is read-only")
        url = f"{self.store_url}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            # N-Triples sent as Turtle (a subset of it): every server knows text/turtle
            request.add_header("Content-Type", "text/turtle")
        self._send(request, f"{method} {graph}", self.store_url, missing_ok=missing_ok)

    def _send(
        self, request: urllib.request.Request, what: str, endpoint: str, *, missing_ok: bool = False
    ) -> None:
        """Send a write (never retried: the caller names ``what`` failed and may rerun it)."""
        body = request.data
        if self._auth and isinstance(body, bytes) and len(body) > _SMALL_BODY:
            self._authorize(request)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as err:
            if missing_ok and err.code == 404:
                return
            detail = err.read(500).decode("utf-8", "replace")
            raise StoreError(f"{what} failed: HTTP {err.code} {detail}") from err
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            if timed_out(self.dialect, error=err):
                message = f"{what} to {endpoint} took longer than "
                raise QueryTimeout(self.timeout_s, message + f"{self.timeout_s:g} s") from err
            raise StoreUnavailable(f"cannot reach {endpoint}: {failure_reason(err)}") from err

    def _update(self, text: bytes, what: str) -> None:
        """POST a SPARQL Update (``application/sparql-update``) to the update endpoint; not
        retried (see :meth:`_send`)."""
        if self.capabilities.read_only:
            raise StoreError(f"{what} refused: this store is read-only")
        request = urllib.request.Request(self.update_url, data=text, method="POST")
        request.add_header("Content-Type", "application/sparql-update")
        self._send(request, what, self.update_url)

    def _authorize(self, request: urllib.request.Request) -> None:
        """Authenticate ``request`` up front (see :mod:`museumkg.store.http_auth`): learn the
        Digest challenge first with a bodiless GET of a graph that never exists, if need be."""
        if self._digest.challenge is None:
            probe = f"{self.store_url}?{urllib.parse.urlencode({'graph': EMPTY_GRAPH})}"
            try:
                with self._opener.open(probe, timeout=self.timeout_s) as response:
                    response.read()
            except urllib.error.HTTPError:
                pass  # 404 (no such graph) after authenticating is the expected answer
            except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
                raise StoreUnavailable(
                    f"cannot reach {self.store_url}: {failure_reason(err)}"
                ) from err
        self._digest.authorize(request)

    def _retrying(self, call: Callable[[], bytes], limit: float, reported: float) -> bytes:
        """Run a read, retrying a refused or dropped connection (reads are safe to repeat)
        while the time limit allows; a request that timed out is not repeated."""
        deadline = time.monotonic() + limit
        delay = 0.1
        for attempt in range(1, _RETRIES + 1):
            try:
                return call()
            except urllib.error.HTTPError as err:
                if err.code == 400:
                    detail = err.read(500).decode("utf-8", "replace")
                    raise QuerySyntaxError(f"the server refused the query: {detail}") from err
                raise StoreError(f"the server answered HTTP {err.code}") from err
            except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
                if timed_out(self.dialect, error=err):
                    raise QueryTimeout(reported, self._timeout_message(reported)) from err
                if attempt == _RETRIES or time.monotonic() + delay > deadline:
                    raise StoreUnavailable(
                        f"cannot reach the SPARQL server at {self.query_url}: {failure_reason(err)}"
                    ) from err
                time.sleep(delay)
                delay *= 3
        raise StoreUnavailable(f"cannot reach the SPARQL server at {self.query_url}")
