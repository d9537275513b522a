"""The museumkg web app: ``create_app(store=None, settings=None)`` builds a Flask app.

Every page is answered by SPARQL through the :class:`~museumkg.store.Store` interface, so the
same app serves the embedded store or a remote SPARQL server. The library never imports this
package.
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request
from flask.wrappers import Response

from museumkg.catalog import open_current
from museumkg.config import Settings
from museumkg.store import Store
from webapp import downloads, editor, graph_store, health, home, network, pages, sparql
from webapp.errors import register_error_handlers
from webapp.state import WebState, web_state

__all__ = ["WebState", "create_app", "web_state"]

log = logging.getLogger("museumkg.web")


def _configure_logging() -> None:
    """Send ``museumkg.web`` INFO lines to stderr unless logging is already configured."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        # waitress.serve() calls logging.basicConfig() after this; propagating to that root
        # handler too would print every line twice.
        log.propagate = False


def _printable(text: str) -> str:
    """Escape control characters so a request path cannot forge log lines."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _is_http_url(value: object) -> bool:
    """Jinja test: is ``value`` an http(s) IRI, safe to use as a link target?"""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _start_timer() -> None:
    g.museumkg_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("museumkg_started")
    elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    path = request.full_path if request.query_string else request.path
    log.info("%s %s %d %.1f ms", request.method, _printable(path), response.status_code, elapsed)
    return response


def create_app(store: Store | None = None, settings: Settings | None = None) -> Flask:
    """Build the web app.

    Args:
        store: the store to answer from; by default the serving catalog, opened read-only.
        settings: by default read from ``MUSEUMKG_*`` environment variables.

    Raises:
        StoreUnavailable: when no store is given and no catalog has been built.
    """
    settings = settings if settings is not None else Settings.from_env()
    if store is None:
        store = open_current(settings)
    app = Flask(__name__)
    app.debug = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["museumkg"] = WebState(store=store, settings=settings)
    _configure_logging()
    app.before_request(_start_timer)
    app.after_request(_log_request)
    register_error_handlers(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    downloads.init_app(app)  # /downloads/, /.well-known/void, /ns/context*.jsonld, /dataset
    pages.init_app(app)  # /id/ entity pages and twins, /browse, /search, /ontology
    editor.init_app(app)  # /vendor/ (YASGUI from node_modules) and the editor_link() global
    network.init_app(app)  # /network (+ data, exports) and /why/<a>/<b>
    sparql.init_app(app)  # /sparql: the query endpoint and its pool of query worker processes
    graph_store.register(app)  # /graph-store: GET a source graph; PUT/DELETE with a token

    # Autoescaping stops markup, not ``javascript:`` links: only http(s) IRIs become hrefs.
    app.jinja_env.tests["http_url"] = _is_http_url

    @app.context_processor
    def _site() -> dict[str, str]:
        return {"dataset_title": settings.dataset_title}

    return app
