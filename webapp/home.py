"""Blueprint ``/``: what the catalog holds, as a page and as JSON (``?format=json``).

The overview is computed once per build and kept in the catalog index
(:mod:`museumkg.overview`); a request reads it and names the classes in the reader's language.
"""

from __future__ import annotations

from flask import Blueprint, Response

from museumkg.overview import catalog_overview
from museumkg.vocab import vocabulary
from webapp.i18n import request_chain
from webapp.indexes import catalog_index
from webapp.state import web_state
from webapp.twins import render_twin

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    """The home page: counts per class, the newest sources, newest programs, size and version."""
    state = web_state()
    overview = catalog_overview(catalog_index().overview(), state.manifest()).as_dict()
    vocab = vocabulary(state.store, state.settings.ontology_graph)
    chain = request_chain()
    for row in overview["classes"]:  # class names in the reader's language
        row["label"] = vocab.label(row["iri"], chain).value
    return render_twin(["html", "json"], "home.html", {"ok": True, **overview})
