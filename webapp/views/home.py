"""Blueprint ``/``: what the catalog holds, as a page and as JSON (``?format=json``); and
``/favicon.ico`` (the site's icon, ``static/favicon.svg``).

The overview is computed once per build and kept in the catalog index
(:mod:`museumkg.index.overview`); a request reads it and names the classes in the reader's language.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

from museumkg.index.overview import catalog_overview
from webapp.http.i18n import request_chain
from webapp.http.releases import citation_data
from webapp.http.state import web_state
from webapp.http.twins import render_twin

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    """The home page: counts per class, the newest sources, newest programs, size and version."""
    state = web_state()
    overview = catalog_overview(web_state().index().overview(), state.manifest()).as_dict()
    vocab = state.vocabulary()
    chain = request_chain()
    for row in overview["classes"]:  # class names in the reader's language
        row["label"] = vocab.label(row["iri"], chain).value
    data = {"ok": True, **overview, "citation": citation_data()}
    return render_twin(["html", "json"], "home.html", data)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon (an SVG: browsers take it at the ``.ico`` path too)."""
    folder = current_app.static_folder
    assert folder is not None
    return send_from_directory(folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
