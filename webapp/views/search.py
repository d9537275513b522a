"""Blueprint ``/search``: find entities by any name in any language and script.

``/search?q=&type=&page=`` answers a page of ranked results (HTML, or JSON by ``?format=json``
or ``Accept``); ``/search/suggest?q=`` answers the few best names as JSON for the search box's
autocomplete. Both read the catalog index built with the store (:mod:`museumkg.index.search`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest

from museumkg.index.search import MAX_QUERY, search, suggest
from museumkg.namespaces import MKG
from webapp.http.i18n import request_chain
from webapp.http.links import href
from webapp.http.state import web_state
from webapp.http.twins import render_twin

bp = Blueprint("search", __name__, url_prefix="/search")
FORMATS = ["html", "json"]


@bp.after_request
def _vary_on_language(response: Response) -> Response:
    """Names and the interface follow ``Accept-Language``: caches must key on it."""
    response.vary.add("Accept-Language")
    return response


PAGE = 20
#: Deepest page offered (results are ranked among at most museumkg.index.search.CANDIDATES).
MAX_PAGE = 10


def _query() -> str:
    return request.args.get("q", "")[: MAX_QUERY * 2].strip()[:MAX_QUERY]


def _type_options() -> list[dict[str, Any]]:
    """The catalog classes that have entities, for the type filter (label, count)."""
    state = web_state()
    vocab = state.vocabulary()
    counts = state.index().class_counts()
    options = []
    for cls in vocab.catalog_classes():
        if counts.get(cls):
            label = vocab.label(cls, request_chain())
            options.append({"name": cls[len(MKG) :], "label": label.value, "count": counts[cls]})
    return sorted(options, key=lambda o: o["label"].casefold())


@bp.get("")
@bp.get("/")
def results() -> Response:
    """Ranked results for ``q`` (exact, then prefix, then word matches), filterable by type."""
    query = _query()
    type_name = request.args.get("type", "").strip()
    options = _type_options()
    if type_name and type_name not in {o["name"] for o in options}:
        raise BadRequest(f"unknown type {type_name[:60]!r}: use a class name such as Museum")
    try:
        page = max(1, min(int(request.args.get("page", "1")), MAX_PAGE))
    except ValueError as err:
        raise BadRequest("page must be a number") from err
    found = search(
        web_state().index(),
        query,
        request_chain(),
        type_iri=f"{MKG}{type_name}" if type_name else None,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    for hit in found["hits"]:
        hit["href"] = href(hit["iri"])
    pages = min(MAX_PAGE, -(-found["total"] // PAGE))
    data = {
        "ok": True,
        **found,
        "type": type_name or None,
        "page": page,
        "pages": pages,
        "types": options,
    }
    return render_twin(FORMATS, "search.html", data)


@bp.get("/suggest")
def suggestions() -> Response:
    """The best few names for a partly typed query, as JSON (for the search box)."""
    query = _query()
    hits = suggest(web_state().index(), query, request_chain()) if len(query) >= 2 else []
    items = [
        {"iri": h["iri"], "label": h["label"], "kind": h["kind"], "href": href(h["iri"])}
        for h in hits
    ]
    response = jsonify({"ok": True, "query": query, "suggestions": items})
    response.vary.add("Accept-Language")
    return response
