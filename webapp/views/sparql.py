"""Blueprint ``/sparql``: the SPARQL 1.1 Protocol query operation, read-only and bounded.

- Query: ``GET ?query=``, ``POST`` ``application/x-www-form-urlencoded`` (``query=``) or
  ``POST`` ``application/sparql-query`` (the body); ``default-graph-uri`` / ``named-graph-uri``
  pick local graphs (nothing is ever fetched); without them and without FROM, the default graph
  is the union of all graphs. ``timeout`` (seconds) lowers the time limit for one request.
- Answers: negotiated by ``Accept`` (or ``?format=``) over the one table
  :data:`museumkg.sparql.results.RESULT_FORMATS`; ``X-Museumkg-Truncated: true`` (and
  ``"truncated": true`` in SPARQL JSON) when the row cap cut the result.
- Without a query: the editor for browsers (:func:`webapp.views.editor.editor_page`), the Service
  Description for RDF clients.
- Refused before anything runs: updates, ``SERVICE``, queries too long or nested too deep, and
  bodies over the size limit. Queries run through the request's release's
  :class:`museumkg.sparql.workers.QueryExecutor` (worker processes killed at their deadline).
- CORS: any origin may read (GET, POST and the preflight).
"""

from __future__ import annotations

import logging
import math
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, g, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotAcceptable, UnsupportedMediaType
from werkzeug.sansio.utils import get_current_url

from museumkg.sparql.results import (
    GRAPH,
    RESULT_FORMATS,
    ResultFormat,
    find_format,
    formats_for,
    result_kind,
    write_graph,
)
from museumkg.sparql.screen import QueryRefused, QueryTooLarge, screen_query
from museumkg.sparql.service_description import SD_PREFIXES, service_description
from museumkg.sparql.workers import (
    Overloaded,
    QueryExecutor,
    QueryJob,
    WorkerCrashed,
)
from museumkg.store import QueryTimeout
from webapp.http.errors import error_response
from webapp.http.negotiation import best_match
from webapp.http.state import WebState, web_state
from webapp.views import editor

bp = Blueprint("sparql", __name__)
log = logging.getLogger("museumkg.web")

HTML = "text/html"
QUERY_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
#: Parameters of the protocol's query operation that make no sense without ``query``.
PROTOCOL_PARAMETERS = ("default-graph-uri", "named-graph-uri", "timeout")
#: Characters that cannot appear inside ``<...>`` in SPARQL (the endpoint URL as base IRI).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
TRUNCATED_HEADER = "X-Museumkg-Truncated"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        f"{TRUNCATED_HEADER}, X-Museumkg-Release, ETag, Retry-After, Content-Type"
    ),
}
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


@dataclass(frozen=True)
class ProtocolRequest:
    """What a request asks, read from its URL or body by the SPARQL 1.1 Protocol's rules."""

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    timeout_s: float
    formats: tuple[str, ...]


def executor() -> QueryExecutor:
    """The query executor of the release this request reads."""
    return web_state().executor()


def setup(app: Flask) -> None:
    """Start the current release's executor with the app (its workers are stopped when the app
    goes away); give templates the editor's globals (:func:`webapp.views.editor.setup`)."""
    editor.setup(app)
    state: WebState = app.extensions["museumkg"]
    state.current().executor()  # the pool starts with the app
    weakref.finalize(app, state.close)  # also runs at interpreter exit


# --- reading the request ----------------------------------------------------------------------


def _graphs(params: MultiDict[str, str], name: str) -> tuple[str, ...] | None:
    values = params.getlist(name)
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadRequest(f"{name} must be an absolute IRI, not {value!r}") from None
    return tuple(values)


def _timeout(params: MultiDict[str, str], limit: float) -> float:
    raw = params.get("timeout")
    if raw is None or not raw.strip():
        return limit
    try:
        asked = float(raw)
    except ValueError:
        asked = math.nan
    if not math.isfinite(asked) or asked <= 0:
        raise BadRequest(f"timeout must be a positive number of seconds, not {raw!r}")
    return min(asked, limit)


def _refuse_update() -> BadRequest:
    return BadRequest(
        "SPARQL Update is not accepted: this endpoint is read-only and answers queries only"
    )


# Complexity: a flat list of checks of the SPARQL Protocol request, each with its own 400 message
def read_protocol_request() -> ProtocolRequest:  # noqa: C901
    """Read query, dataset, timeout and format from the request.

    Raises:
        BadRequest: repeated or conflicting ``query`` parameters, an update, a bad IRI or
            timeout, or a body that is not UTF-8.
        UnsupportedMediaType: a POST body of another type.
        RequestEntityTooLarge: a body over ``max_request_bytes``.
    """
    settings = web_state().settings
    request.max_content_length = settings.max_request_bytes
    args = request.args
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded":
            if "query" in args and "query" in request.form:
                raise BadRequest("give the query once: in the form body or in the URL, not both")
            params: MultiDict[str, str] = MultiDict(args)
            for key, values in request.form.lists():
                params.setlist(key, params.getlist(key) + values)
            queries = params.getlist("query")
        elif mimetype == "application/sparql-query":
            if "query" in args:
                raise BadRequest("the query is the request body: no query parameter in the URL")
            charset = request.mimetype_params.get("charset", "utf-8")
            if charset.strip().lower() not in ("utf-8", "utf8"):
                raise UnsupportedMediaType(
                    f"a query body must be UTF-8 (SPARQL 1.1 Protocol), not {charset}: "
                    "send it as application/sparql-query; charset=UTF-8"
                )
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError:
                raise BadRequest("the query body is not valid UTF-8 text") from None
            params = MultiDict(args)
        elif mimetype == "application/sparql-update":
            raise _refuse_update()
        else:
            raise UnsupportedMediaType(
                f"POST a query as {' or '.join(QUERY_TYPES)}, not {mimetype or 'no type'}"
            )
    else:
        params = MultiDict(args)
        queries = params.getlist("query")
    if params.getlist("update"):
        raise _refuse_update()
    if len(queries) > 1:
        raise BadRequest(f"give exactly one query parameter, not {len(queries)}")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise BadRequest("the query is empty")
    if query is None:
        given = [name for name in PROTOCOL_PARAMETERS if name in params]
        if given:
            raise BadRequest(
                f"the request has {', '.join(given)} but no query parameter: give the query "
                "as query=... (without any parameter, GET /sparql describes the service)"
            )
    return ProtocolRequest(
        query=query,
        default_graphs=_graphs(params, "default-graph-uri"),
        named_graphs=_graphs(params, "named-graph-uri"),
        timeout_s=_timeout(params, settings.query_timeout_s),
        formats=tuple(v for v in params.getlist("format") if v.strip()),
    )


# --- negotiation ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _offers(kind: str, html: bool) -> tuple[dict[str, ResultFormat | None], str]:
    """What a ``kind`` of answer is offered as: media type -> format in preference order (own
    types, aliases, then HTML for the editor), and the list for error messages. Made once."""
    formats = formats_for(kind)
    offers: dict[str, ResultFormat | None] = {f.media_type: f for f in formats}
    for fmt in formats:
        offers.update({m: fmt for m in fmt.accepted_media_types[1:] if m not in offers})
    if html:
        offers[HTML] = None
    offered = ", ".join(f.media_type for f in formats) + (f", {HTML}" if html else "")
    return offers, offered


def choose_format(kind: str, explicit: tuple[str, ...], *, html: bool) -> ResultFormat | None:
    """The format to answer in (``None`` means the HTML editor page).

    An explicit ``?format=`` wins (SPARQLWrapper repeats it, as a name and as a media type:
    the first one known counts); otherwise ``Accept`` decides.

    Raises:
        BadRequest: ``?format=`` names no format at all.
        NotAcceptable: nothing offered fits (the message lists what is offered).
    """
    offers, offered = _offers(kind, html)
    if explicit:
        for value in explicit:
            if html and value.strip().lower() in ("html", HTML):
                return None
            found = find_format(kind, value)
            if found is not None:
                return found
        if any(find_format(other.kind, v) for v in explicit for other in RESULT_FORMATS):
            raise NotAcceptable(f"this answer is offered as {offered}")
        raise BadRequest(f"unknown format {explicit[0]!r}; this answer is offered as {offered}")
    chosen = best_match(request.headers.get("Accept"), tuple(offers))
    if chosen is None:
        raise NotAcceptable(f"this answer is offered as {offered}")
    return offers[chosen]


# --- the endpoint -----------------------------------------------------------------------------


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol query operation (see the module's docstring)."""
    if request.method == "OPTIONS":
        return _preflight()
    asked = read_protocol_request()
    if asked.query is None:
        if request.method == "POST":
            raise BadRequest("this POST has no query (send query=... or an sparql-query body)")
        return _without_query(asked)
    settings = web_state().settings
    screened = screen_query(
        asked.query, max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth
    )
    kind = result_kind(screened.form)
    fmt = choose_format(kind, asked.formats, html=True)
    if fmt is None:
        return _editor(asked.query)
    job = QueryJob(
        query=asked.query,
        kind=kind,
        format=fmt.name,
        timeout_s=asked.timeout_s,
        max_rows=settings.max_rows,
        default_graphs=asked.default_graphs,
        named_graphs=asked.named_graphs,
        union_default_graph=not screened.has_dataset_clause,
        base_iri=endpoint_iri(),
    )
    answer = executor().execute(job)
    response = Response(answer.body, status=200, content_type=answer.content_type)
    response.headers[TRUNCATED_HEADER] = "true" if answer.truncated else "false"
    response.vary.add("Accept")
    return response


def endpoint_iri() -> str | None:
    """This endpoint's URL, the base IRI of relative IRIs in queries (``None`` if unusable)."""
    return _base_iri(request.scheme, request.host, request.root_path, request.path)


@lru_cache(maxsize=64)
def _base_iri(scheme: str, host: str, root: str, path: str) -> str | None:
    """``request.base_url`` of these parts if it can stand in ``<...>``; remembered, as the
    same few hosts and paths ask every time."""
    url = get_current_url(scheme, host, root, path)
    return None if _NOT_IN_IRI.search(url) else url


def _without_query(asked: ProtocolRequest) -> Response:
    """GET without a query: the editor (browsers) or the Service Description (RDF clients)."""
    fmt = choose_format(GRAPH, asked.formats, html=True)
    if fmt is None:
        return _editor(None)
    state = web_state()
    manifest = state.manifest()
    counts: dict[str, int | None] = {g: None for g in state.store.graphs()}
    if manifest is not None:
        counts.update({g: n for g, n in manifest.graphs.items() if g in counts})
    root = request.host_url.rstrip("/") + request.script_root
    settings = state.settings
    triples = service_description(
        root + "/sparql",
        graphs=counts,
        total_triples=manifest.triples if manifest else None,
        void_url=root + "/.well-known/void",
        title=settings.dataset_title,
        limits=(
            f"Read-only. Each query may run {settings.query_timeout_s:g} s at most; results "
            f"are cut at {settings.max_rows:,} rows (header {TRUNCATED_HEADER}: true)."
        ),
    )
    body = write_graph(triples, fmt, prefixes=SD_PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _editor(query: str | None) -> Response:
    """The query editor (:mod:`webapp.views.editor`)."""
    response = editor.editor_page(query)
    response.vary.add("Accept")
    return response


def _preflight() -> Response:
    """Answer a CORS preflight: reads (GET, POST) from any origin, with the headers asked for."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    asked = request.headers.get("Access-Control-Request-Headers", "").strip()
    allowed = asked if asked and _HEADER_LIST.match(asked) else "Accept, Content-Type"
    response.headers["Access-Control-Allow-Headers"] = allowed
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS"
    return response


#: What errors of the endpoint may be written as: JSON first, then every answer type, then HTML.
_ERROR_OFFERS = (
    "application/json",
    *(m for f in RESULT_FORMATS for m in f.accepted_media_types),
    HTML,
)


@bp.before_request
def _error_format() -> None:
    """Errors in JSON unless the client prefers HTML (browsers): ``*/*`` gets JSON here."""
    choice = best_match(request.headers.get("Accept"), _ERROR_OFFERS)
    g.museumkg_error_format = "html" if choice == HTML else "json"


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    return response


# --- errors of the endpoint, in the app's one error shape -------------------------------------


@bp.errorhandler(QueryTooLarge)
def _too_large(err: QueryTooLarge) -> Response:
    return error_response(413, str(err))


@bp.errorhandler(QueryRefused)
def _refused(err: QueryRefused) -> Response:
    return error_response(400, f"The query is refused: {err}")


@bp.errorhandler(QueryTimeout)
def _timed_out(err: QueryTimeout) -> Response:
    hint = "Narrow the query (LIMIT, more specific patterns) or ask for less."
    return error_response(504, f"Timeout: {err}. {hint}", [{"message": str(err)}])


@bp.errorhandler(Overloaded)
def _overloaded(err: Overloaded) -> Response:
    return error_response(503, str(err), headers={"Retry-After": str(err.retry_after_s)})


@bp.errorhandler(WorkerCrashed)
def _crashed(err: WorkerCrashed) -> Response:
    log.error("query worker crashed on %s %s: %s", request.method, request.path, err)
    message = (
        "The query stopped the process that ran it (the engine crashed or ran out of memory); "
        "nothing was answered. The server is fine: other queries run."
    )
    return error_response(500, message)


#: The endpoint's errors and their handlers, for views that run user queries too (``/sparql/cite``).
ERROR_HANDLERS = (
    (QueryTooLarge, _too_large),
    (QueryRefused, _refused),
    (QueryTimeout, _timed_out),
    (Overloaded, _overloaded),
    (WorkerCrashed, _crashed),
)
