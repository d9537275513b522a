"""Blueprint ``/``: what the catalog holds, as a page and as JSON (``?format=json``)."""

from __future__ import annotations

from flask import Blueprint, Response

from museumkg.overview import catalog_overview
from webapp.state import web_state
from webapp.twins import render_twin

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    """The home page: counts per class, sources, newest programs, size and version."""
    state = web_state()
    overview = catalog_overview(state.store, state.manifest())
    return render_twin(["html", "json"], "home.html", {"ok": True, **overview.as_dict()})
