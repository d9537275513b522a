"""One query to a SPARQL server, as :class:`~museumkg.store.remote.RemoteStore` sends it: the
text with its bound values, the HTTP request (format, time limit, dataset, credentials) and the
answer read into pyoxigraph's result objects (and a ``GRAPH ?g`` row as a quad), and a failed
request's message. The store's :meth:`query` adds the time limit's bookkeeping, the retries and
the reading of errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from museumkg.formats import rdf_formats
from museumkg.store.base import NotSupported, QueryResult, QuerySyntaxError, StoreError, Term
from museumkg.store.dialects import Dialect, standard_json_results
from museumkg.store.sparql_text import inject_values, query_form

if TYPE_CHECKING:  # SPARQLWrapper is imported when a query is sent (an optional extra)
    from SPARQLWrapper import SPARQLWrapper

#: Query forms answered with triples.
GRAPH_RESULT = ("CONSTRUCT", "DESCRIBE")
#: A graph answer's media type → its pyoxigraph format.
GRAPH_FORMATS = {f.media_type: f.rdf for f in rdf_formats() if f.rdf}
#: A graph that never exists: naming it as the default graph gives an empty default graph.
EMPTY_GRAPH = "urn:x-museumkg:empty-default-graph"


def query_text(sparql: str, bindings: Mapping[str, Term] | None) -> tuple[str, str]:
    """The query's form and its text with the bound values as a ``VALUES`` block.

    Raises:
        QuerySyntaxError: the text is not a query (unreadable, or an update).
        NotSupported: a bound value is a blank node (a server's blank nodes are its own).
    """
    values: dict[str, ox.NamedNode | ox.Literal | ox.Triple] = {}
    for name, term in (bindings or {}).items():
        if isinstance(term, ox.BlankNode):
            raise NotSupported(f"?{name}: a query to a server cannot bind a blank node")
        values[name] = term
    try:
        form = query_form(sparql)
        text = inject_values(sparql, values) if values else sparql
    except ValueError as err:
        raise QuerySyntaxError(str(err)) from err
    if form not in ("SELECT", "ASK", *GRAPH_RESULT):
        raise QuerySyntaxError(f"{form} is an update, not a query")
    return form, text


def make_request(
    url: str,
    text: str,
    form: str,
    limit: float,
    dialect: Dialect,
    auth: tuple[str, str | None] | None,
) -> SPARQLWrapper:
    """The request: the text by POST, the answer's format, the time limit, credentials."""
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(url)
    wrapper.setQuery(text)
    wrapper.setMethod(POST)
    # setTimeout would truncate the limit to whole seconds; urllib takes the float
    wrapper.timeout = max(0.1, limit)  # type: ignore[assignment]
    wrapper.setReturnFormat(TURTLE if form in GRAPH_RESULT else JSON)
    if form in GRAPH_RESULT and GRAPH_FORMATS[dialect.graph_media_type] != ox.RdfFormat.TURTLE:
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", dialect.graph_media_type)
    if dialect.timeout_parameter:
        wrapper.addParameter(dialect.timeout_parameter, str(int(limit * 1000)))
    if auth:
        wrapper.setCredentials(*auth)
    return wrapper


def set_dataset(
    wrapper: SPARQLWrapper,
    dialect: Dialect,
    union_default_graph: bool,
    default_graphs: tuple[str, ...] | None,
    named_graphs: tuple[str, ...] | None,
) -> None:
    """The query's dataset: the graphs named, else the union of all graphs, or none."""
    if default_graphs is not None or named_graphs is not None:
        for graph in default_graphs or (EMPTY_GRAPH,):
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
    elif union_default_graph and dialect.union_parameter:
        wrapper.addParameter(dialect.union_parameter, "true")
    elif not union_default_graph and dialect.union_is_default:
        # the protocol's default-graph-uri, naming a graph that never exists, gives the
        # query the empty default graph the catalog has everywhere else
        wrapper.addDefaultGraph(EMPTY_GRAPH)


def read_answer(body: bytes, form: str, dialect: Dialect) -> QueryResult:
    """The server's answer as a pyoxigraph result.

    Raises:
        SyntaxError, ValueError: the answer does not parse (the caller tells a cut one).
    """
    if form in GRAPH_RESULT:
        return query_triples(body, GRAPH_FORMATS[dialect.graph_media_type])
    if dialect.name == "virtuoso":
        body = standard_json_results(body, ask=form == "ASK")
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def query_triples(body: bytes, fmt: ox.RdfFormat) -> ox.QueryTriples:
    """A server's CONSTRUCT/DESCRIBE answer as pyoxigraph's own result object (as the embedded
    store gives): read into a throwaway in-memory store and constructed back out of it."""
    memory = ox.Store()
    memory.load(body, format=fmt)
    result = memory.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def row_quad(row: dict[str, Term]) -> ox.Quad:
    """A solution of ``?s ?p ?o ?g`` (``GRAPH ?g``) as a quad."""
    s, p, o, g = row["s"], row["p"], row["o"], row["g"]
    if not isinstance(s, ox.NamedNode | ox.BlankNode | ox.Triple):
        raise StoreError(f"the server answered a literal as a subject: {s}")
    if not isinstance(p, ox.NamedNode) or not isinstance(g, ox.NamedNode | ox.BlankNode):
        raise StoreError(f"the server answered a bad predicate or graph: {p} {g}")
    return ox.Quad(s, p, o, g)


def in_graphs(row: dict[str, Term], prefixes: tuple[str, ...]) -> bool:
    """Whether the row's graph ``?g`` is one of the server's own (its IRI starts with one of
    ``prefixes``)."""
    graph = row["g"]
    return not isinstance(graph, ox.Triple) and graph.value.startswith(prefixes)


def short_message(err: BaseException, limit: int = 300) -> str:
    """An exception's message, cut (servers may answer with a whole stack trace)."""
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit] + "…"


def failure_reason(err: BaseException) -> str:
    """Why a request failed: the reason of a URL error, else the error."""
    reason = getattr(err, "reason", None)
    return str(reason or err)
