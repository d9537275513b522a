"""Blueprint ``/reconcile``: the W3C Entity Reconciliation API (0.2) that OpenRefine speaks.

- ``GET|POST /reconcile``: the service manifest; with ``queries=`` a batch of reconciliation
  queries; with ``extend=`` a data extension request;
- ``GET /reconcile/preview?id=``: a small HTML card of an entity (for OpenRefine's iframe);
- ``GET /reconcile/suggest/{entity,type,property}?prefix=&cursor=``: auto-complete;
- ``GET /reconcile/properties?type=&limit=``: properties proposed for data extension.

What is answered is :mod:`museumkg.pages.reconcile`'s (the one matcher's candidates, scores,
extension values); this module only shapes HTTP: CORS on every response (and preflight),
JSONP for GET when ``callback=`` is a plain name, errors as JSON (400 for bad input, 413 for a
batch or request larger than the limits), never an HTML page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from werkzeug.exceptions import NotFound

from museumkg.namespaces import MKG
from museumkg.pages import reconcile as service
from museumkg.pages.reconcile_data import Catalog, preview
from webapp.http.errors import error_response
from webapp.http.i18n import request_chain
from webapp.http.state import web_state

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

#: Longest ``queries=``/``extend=`` parameter accepted, in characters (then 413).
MAX_PARAMETER = 200_000
#: Size of the preview card (the manifest tells OpenRefine the iframe's size).
PREVIEW_SIZE = (420, 230)  # also in static/reconcile-preview.css
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")
_SUGGEST_LIMIT = 10


@bp.before_request
def _json_errors() -> Response | None:
    """Errors are JSON here; a CORS preflight is answered at once."""
    g.museumkg_error_format = "json"
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    return None


@bp.after_request
def _cors(response: Response) -> Response:
    """Every answer, errors included, may be read from any origin (the spec's CORS rule)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Language")
    return response


def _catalog() -> Catalog:
    state = web_state()
    return Catalog(
        index=state.index(),
        store=state.store,
        vocab=state.vocabulary(),
        base_iri=state.settings.base_iri,
        chain=request_chain(),
    )


def _answer(data: Any) -> Response:
    """JSON, or JSONP when a GET asks with a plain ``callback`` name."""
    body = json.dumps(data, ensure_ascii=False)
    callback = request.args.get("callback", "")
    if callback and request.method == "GET":
        if not _CALLBACK.match(callback):
            return _error(400, "callback must be a plain JavaScript name")
        return Response(f"/**/{callback}({body});", mimetype="application/javascript")
    return Response(body, mimetype="application/json")


def _error(status: int, message: str) -> Response:
    return error_response(status, message)


def _param(name: str) -> str | None:
    value = request.values.get(name)
    if value is not None and len(value) > MAX_PARAMETER:
        raise service.TooLarge(f"{name} has {len(value)} characters, at most {MAX_PARAMETER}")
    return value


def _cursor() -> int:
    raw = request.args.get("cursor", "0") or "0"
    if not raw.isdigit():
        raise service.BadRequest("cursor must be a whole number")
    return min(int(raw), 1000)


def _guarded(make: Any) -> Response:
    try:
        return _answer(make())
    except service.TooLarge as err:
        return _error(413, str(err))
    except service.BadRequest as err:
        return _error(400, str(err))


@bp.route("", methods=["GET", "POST", "OPTIONS"])
@bp.route("/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The manifest, a batch of queries (``queries=``) or a data extension (``extend=``)."""

    def make() -> Any:
        catalog = _catalog()
        queries, extension = _param("queries"), _param("extend")
        if queries is not None:
            return service.reconcile(catalog, service.parse_batch(queries, catalog))
        if extension is not None:
            ids, props = service.parse_extend(extension, catalog)
            return service.extend(catalog, ids, props)
        return manifest(catalog)

    return _guarded(make)


def manifest(catalog: Catalog) -> dict[str, Any]:
    """The service manifest (spec 0.2), with URLs on the host the client asked."""
    root = request.url_root.rstrip("/")
    here = f"{root}/reconcile"
    width, height = PREVIEW_SIZE
    return {
        "versions": ["0.2"],
        "name": web_state().settings.dataset_title,
        "identifierSpace": catalog.id_space,
        "schemaSpace": MKG,
        "batchSize": service.MAX_BATCH,
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "preview": {"url": f"{here}/preview?id={{{{id}}}}", "width": width, "height": height},
        "defaultTypes": [
            {"id": f"{MKG}{t}", "name": catalog.vocab.label(f"{MKG}{t}", catalog.chain).value}
            for t in service.DEFAULT_TYPES
        ],
        "suggest": {
            kind: {"service_url": here, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": here, "service_path": "/properties"},
            "property_settings": [
                {
                    "name": "limit",
                    "label": "Limit",
                    "type": "number",
                    "default": 0,
                    "help_text": "Most values per entity (0: all)",
                }
            ],
        },
    }


@bp.get("/suggest/<kind>")
def suggest(kind: str) -> Response:
    """Auto-complete of entities, types or properties by ``prefix`` (from ``cursor``)."""
    if kind not in ("entity", "type", "property"):
        raise NotFound(f"no suggest service for {kind[:40]!r}: entity, type or property")

    def make() -> Any:
        catalog, prefix, cursor = _catalog(), request.args.get("prefix", ""), _cursor()
        if len(prefix) > service.MAX_QUERY:
            raise service.BadRequest(f"prefix is longer than {service.MAX_QUERY} characters")
        if kind == "entity":
            found = service.suggest_entities(
                catalog, prefix, cursor, request.args.get("type"), _SUGGEST_LIMIT
            )
        elif kind == "type":
            found = service.suggest_types(catalog, prefix, cursor, _SUGGEST_LIMIT)
        else:
            found = service.suggest_properties(catalog, prefix, cursor, _SUGGEST_LIMIT)
        return {"result": found}

    return _guarded(make)


@bp.get("/properties")
def properties() -> Response:
    """Properties proposed for extending a column of entities of ``type``."""

    def make() -> Any:
        raw = request.args.get("limit", "0") or "0"
        if not raw.isdigit():
            raise service.BadRequest("limit must be a whole number")
        return service.propose(_catalog(), request.args.get("type"), min(int(raw), 50))

    return _guarded(make)


@bp.get("/preview")
def preview_card() -> Response:
    """A small HTML card of one entity: names, type, place, founded, top partners."""
    entity_id = request.args.get("id", "").strip()
    if not entity_id or len(entity_id) > 300:
        return _error(400, "give the entity's id, e.g. ?id=org/unesco-almaty")
    card = preview(_catalog(), entity_id)
    if card is None:
        return _error(404, f"no entity {entity_id[:80]!r} in this catalog")
    width, height = PREVIEW_SIZE
    page = render_template("reconcile_preview.html", card=card, width=width, height=height)
    return Response(page, mimetype="text/html")
