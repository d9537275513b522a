"""What differs between SPARQL server products, in one table (:data:`DIALECTS`), and the one
reading of a server's answer for "the time limit was hit" (:func:`timed_out`).

See :mod:`museumkg.store.remote` for how each difference is used.
"""

from __future__ import annotations

import json
import socket
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """How one server product differs from the SPARQL 1.1 standard paths and defaults."""

    name: str
    union_parameter: str | None  # request parameter that makes the default graph the union
    update_path: str  # update endpoint, relative to the query endpoint
    store_path: str  # Graph Store Protocol endpoint, relative to the query endpoint
    hidden_graphs: tuple[str, ...] = ()  # prefixes of the server's own system graphs
    union_is_default: bool = False  # the default graph is always the union of all graphs
    timeout_parameter: str | None = None  # request parameter: this query's limit, in ms
    timeout_states: tuple[str, ...] = ()  # answer header/body markers of a limit that was hit
    graph_media_type: str = "text/turtle"  # what to ask CONSTRUCT/DESCRIBE answers in
    # several small graphs replaced by one SPARQL Update (DROP + INSERT DATA), not one
    # Graph Store PUT each: ~3x faster on Oxigraph server; slower on Virtuoso, whose
    # INSERT DATA costs more per triple than its PUT and grows with the request's size
    batch_updates: bool = True


DIALECTS: dict[str, Dialect] = {
    # oxigraph serve: /query, /update, /store; ?union-default-graph per request
    # (its --timeout-s cancels a query mid-answer: a 200 whose body ends with this sentence)
    "oxigraph": Dialect(
        "oxigraph",
        "union-default-graph",
        "update",
        "store",
        timeout_states=("The SPARQL operation has been cancelled",),
    ),
    # Virtuoso: one /sparql endpoint; the default graph is already the union of all graphs;
    # authenticated update and graph store under /sparql-auth and /sparql-graph-crud-auth
    "virtuoso": Dialect(
        "virtuoso",
        None,
        "sparql-auth",
        "sparql-graph-crud-auth",
        hidden_graphs=(
            "http://www.openlinksw.com/",
            "http://localuriqaserver/",
            "http://www.w3.org/ns/ldp#",
            "http://www.w3.org/2002/07/owl#",
        ),
        union_is_default=True,
        timeout_parameter="timeout",
        timeout_states=("S1TAT", "SR171"),
        # its Turtle writer prints a whole xsd:decimal as a bare 0 (read back as an integer)
        graph_media_type="application/n-triples",
        batch_updates=False,
    ),
    # Fuseki: /<dataset>/query, /update, /data; union needs tdb2:unionDefaultGraph in config
    "fuseki": Dialect("fuseki", None, "update", "data"),
    # anything else: standard names, no union switch
    "generic": Dialect("generic", None, "update", "data"),
}


def guess_dialect(query_url: str) -> Dialect:
    """Pick the dialect from the query URL's shape.

    >>> guess_dialect("http://127.0.0.1:7878/query").name
    'oxigraph'
    >>> guess_dialect("http://127.0.0.1:8890/sparql").name
    'virtuoso'
    """
    path = urllib.parse.urlsplit(query_url).path.rstrip("/")
    if path.endswith("/query") and path.count("/") == 1:
        return DIALECTS["oxigraph"]
    if path.endswith("/sparql"):
        return DIALECTS["virtuoso"]
    if path.endswith("/query"):
        return DIALECTS["fuseki"]
    return DIALECTS["generic"]


#: How much of the end of an answer is searched for a dialect's timeout marker.
_TAIL = 500


def timed_out(
    dialect: Dialect,
    *,
    state: str = "",
    error: BaseException | None = None,
    body: bytes | None = None,
    broken: bool = False,
) -> bool:
    """Does this answer of a server say that the query's time limit was hit?

    The one classifier of remote answers for timeouts; give what there is of the answer:

    Args:
        state: the ``X-SQL-State`` header (Virtuoso's "anytime" partial answer: ``S1TAT``).
        error: the exception the request ended with: a socket timeout (waiting for the server),
            or a server error whose message names a timeout or one of the dialect's markers.
        body: a 200 answer's body: a server that gave up mid-answer (``oxigraph serve
            --timeout-s``) ends it with its marker instead of the end of the results.
        broken: the body did not parse (then its tail is searched even if it ends like a
            complete answer).

    >>> timed_out(DIALECTS["virtuoso"], state="S1TAT")
    True
    >>> timed_out(DIALECTS["oxigraph"], body=b'{"x": 1}')
    False
    """
    markers = dialect.timeout_states
    if state and state in markers:
        return True
    if error is not None:
        reason = getattr(error, "reason", error)
        if isinstance(reason, socket.timeout | TimeoutError):
            return True
        text = str(reason).lower()
        if "timed out" in text or "timeout" in text:
            return True
        if any(marker.lower() in text for marker in markers):
            return True
    if body is not None and markers and (broken or not body.rstrip().endswith((b"}", b"."))):
        tail = body[-_TAIL:].decode("utf-8", "replace")
        return any(marker in tail for marker in markers)
    return False


def standard_json_results(body: bytes, *, ask: bool) -> bytes:
    """Virtuoso's JSON results → SPARQL 1.1: ``typed-literal`` is ``literal`` with a datatype,
    and an ASK answer comes as one binding of ``__ASK_RETVAL`` instead of ``boolean``."""
    data = json.loads(body)
    if ask and "boolean" not in data:
        rows = data.get("results", {}).get("bindings", [])
        value = rows[0].get("__ASK_RETVAL", {}).get("value") if rows else "0"
        return json.dumps({"head": {}, "boolean": value in ("1", "true")}).encode()
    for row in data.get("results", {}).get("bindings", []):
        for cell in row.values():
            if cell.get("type") == "typed-literal":
                cell["type"] = "literal"
    return json.dumps(data).encode()
