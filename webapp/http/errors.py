"""The one error handler: every failure becomes the same JSON shape or an HTML page.

JSON body (for clients that prefer ``application/json``, or ``?format=json``)::

    {"ok": false, "status": 404, "error": "what went wrong", "errors": [{"message": ...}, ...]}

``errors`` lists details (a SPARQL syntax error's ``line`` and ``column``); it may be empty.
Client faults keep their message; store and server faults are logged and answered with a
generic message. No response ever carries a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from museumkg.store import QuerySyntaxError, QueryTimeout, StoreError, StoreUnavailable
from webapp.http.i18n import status_title
from webapp.http.negotiation import best_match

log = logging.getLogger("museumkg.web")

_GENERIC_500 = "The server failed while answering this request; the error has been logged."
_UNAVAILABLE = "The catalog store is unavailable right now; try again later."
#: Headers of an HTTPException worth keeping on our response (Allow on 405, Retry-After, ...).
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")


def wants_json() -> bool:
    """Tell whether the current request prefers a JSON error body over an HTML page.

    A blueprint may decide for its requests by setting ``g.museumkg_error_format`` to
    ``"json"`` or ``"html"`` (``/sparql`` does: a client asking for CSV gets JSON errors).
    """
    decided = g.get("museumkg_error_format")
    if decided in ("json", "html"):
        return bool(decided == "json")
    explicit = request.args.get("format", "").strip().lower()
    if explicit in ("json", "html"):
        return explicit == "json"
    accept = request.headers.get("Accept")
    return best_match(accept, ["text/html", "application/json"]) == "application/json"


def error_response(
    status: int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the error response for the current request (JSON or HTML, by negotiation)."""
    details = errors or []
    if wants_json():
        body = {"ok": False, "status": status, "error": message, "errors": details}
        response = jsonify(body)
    else:
        try:
            title = status_title(status)  # in the reader's language, as every page
        except Exception:  # noqa: BLE001 - an error page must render even if the chain fails
            title = HTTP_STATUS_CODES.get(status, "Error")
        page = render_template(
            [f"{status}.html", "error.html"],
            status=status,
            title=title,
            message=message,
            errors=details,
        )
        response = Response(page, mimetype="text/html")
    response.status_code = status
    response.vary.add("Accept")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_error(err: HTTPException) -> Response | HTTPException:
    if err.code is None or err.code < 400:
        return err
    kept = {k: v for k, v in err.get_headers() if k in _KEPT_HEADERS}
    return error_response(err.code, err.description or HTTP_STATUS_CODES[err.code], headers=kept)


def handle_error(err: Exception) -> Response | HTTPException:
    """Turn any exception raised by a view into the error response (registered app-wide)."""
    if isinstance(err, HTTPException):
        return _http_error(err)
    if isinstance(err, QuerySyntaxError):
        detail = {"message": str(err), "line": err.line, "column": err.column}
        return error_response(400, f"The query does not parse: {err}", [detail])
    if isinstance(err, QueryTimeout | StoreUnavailable):
        return _store_fault(err)
    if isinstance(err, StoreError):
        log.error("store error on %s %s", request.method, request.path, exc_info=err)
        return error_response(500, _GENERIC_500)
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=err)
    return error_response(500, _GENERIC_500)


def _store_fault(err: StoreError) -> Response:
    """503 (unreachable) or 504 (too slow); a remote store's message names its server."""
    log.error("store fault on %s %s: %s", request.method, request.path, err)
    # the release this request reads (or, before it took one, the one being served)
    snapshot = g.get("museumkg_snapshot") or current_app.extensions.get("museumkg")
    endpoint = getattr(snapshot, "endpoint", None)
    if isinstance(err, QueryTimeout):
        where = f"The SPARQL server at {endpoint}" if endpoint else "The catalog store"
        return error_response(504, f"{where} did not answer within {err.timeout_s:g} s.")
    message = _UNAVAILABLE
    if endpoint:
        message = f"The SPARQL server at {endpoint} cannot be reached right now; try again later."
    return error_response(503, message, headers={"Retry-After": "30"})


def register_error_handlers(app: Flask) -> None:
    """Install :func:`handle_error` for every exception (HTTP errors included)."""
    app.register_error_handler(Exception, handle_error)
