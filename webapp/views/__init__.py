"""The web app's blueprints, one module per group of URLs.

Every view module has one :class:`~flask.Blueprint`, ``bp``, and may have ``setup(app)`` for
what its pages need beyond routes (template globals, a worker pool, a background read).
:func:`register_views` registers them all, in the order of :data:`VIEWS`; this is the only
place a blueprint is registered.
"""

from __future__ import annotations

from types import ModuleType

from flask import Flask

from webapp.views import (
    browse,
    cite,
    downloads,
    entities,
    graph_store,
    health,
    home,
    map,
    network,
    ontology,
    reconcile,
    rules,
    search,
    sparql,
    vendor,
)

#: Every view module, in registration order (URL rules do not overlap, so order is cosmetic).
VIEWS: tuple[ModuleType, ...] = (
    home,  # /, the overview (HTML and JSON)
    health,  # /health
    downloads,  # /downloads/, /.well-known/void, /ns/context*.jsonld, /dataset
    entities,  # /id/... entity pages and their RDF twins
    browse,  # /browse, class listings, topics, places, sources
    search,  # /search, /search/suggest
    reconcile,  # /reconcile: the W3C Entity Reconciliation API (OpenRefine)
    ontology,  # /ontology (and the ontology IRI's own path)
    rules,  # /rules/
    vendor,  # /vendor/: browser libraries from node_modules
    network,  # /network (+ data, exports) and /why/<a>/<b>
    map,  # /map (+ data.json, data.geojson): institutions and partnerships on a map
    sparql,  # /sparql: the query endpoint, its editor page and its pool of worker processes
    cite,  # /sparql/cite: a query answer pinned to a release, its checksum and citations
    graph_store,  # /graph-store: GET a source graph; PUT/DELETE with a token
)


def register_views(app: Flask) -> None:
    """Register every view's blueprint on ``app``, then run its ``setup(app)`` if it has one."""
    for view in VIEWS:
        app.register_blueprint(view.bp)
        setup = getattr(view, "setup", None)
        if setup is not None:
            setup(app)
