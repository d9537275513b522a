"""Blueprint ``/browse``: the class tree, class listings with facets, topics, places, sources.

Every page has a JSON twin (``?format=json`` or ``Accept: application/json``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest, NotFound

from museumkg.index.browse import class_listing, class_tree, places, topic_tree
from museumkg.index.catalog_index import FACETS
from museumkg.namespaces import MKG
from webapp.http.i18n import request_chain
from webapp.http.state import web_state
from webapp.http.twins import render_twin

bp = Blueprint("browse", __name__, url_prefix="/browse")
FORMATS = ["html", "json"]


@bp.after_request
def _vary_on_language(response: Response) -> Response:
    """Names and the interface follow ``Accept-Language``: caches must key on it."""
    response.vary.add("Accept-Language")
    return response


#: Longest filter value or cursor accepted.
MAX_PARAM = 2000


def _param(name: str) -> str:
    value = request.args.get(name, "")
    if len(value) > MAX_PARAM:
        raise BadRequest(f"the {name!r} parameter is too long")
    return value


def _vocab() -> Any:
    state = web_state()
    return state.vocabulary()


@bp.get("")
@bp.get("/")
def index() -> Response:
    """The class tree with counts, and the other ways in (topics, places, sources)."""
    tree = class_tree(web_state().index(), _vocab(), request_chain())
    return render_twin(FORMATS, "browse.html", {"ok": True, "classes": tree})


def _listing(class_iri: str, template: str = "browse-class.html") -> Response:
    vocab = _vocab()
    if class_iri not in vocab.catalog_classes():
        raise NotFound(f"the catalog has no class {class_iri.rsplit('#', 1)[-1]!r}")
    filters = {facet: _param(facet) for facet in FACETS if _param(facet)}
    try:
        data = class_listing(
            web_state().index(),
            vocab,
            class_iri,
            request_chain(),
            filters=filters,
            after=_param("after"),
            before=_param("before"),
        )
    except ValueError as err:
        raise BadRequest(f"{err}: follow the page links rather than editing them") from err
    return render_twin(FORMATS, template, {"ok": True, **data})


@bp.get("/topics")
def topics() -> Response:
    """The topic scheme(s) as a tree, with how many programs cover each topic."""
    state = web_state()
    tree = topic_tree(state.store, web_state().index(), request_chain())
    return render_twin(FORMATS, "browse-topics.html", {"ok": True, "schemes": tree})


@bp.get("/places")
def place_list() -> Response:
    """Countries with their cities, and what the catalog has in each."""
    data = places(web_state().index(), _vocab(), request_chain())
    return render_twin(FORMATS, "browse-places.html", {"ok": True, "countries": data})


@bp.get("/sources")
def sources() -> Response:
    """The source documents, by title, with year and type facets."""
    return _listing(f"{MKG}SourceDocument")


@bp.get("/<name>")
def listing(name: str) -> Response:
    """One class's entities by name, paged, with facets (type, country, city, year, topic)."""
    if not name.isidentifier():
        raise NotFound(f"the catalog has no class {name!r}")
    return _listing(f"{MKG}{name}")
