"""The museumkg web app: ``create_app(store=None, settings=None)`` builds a Flask app.

Every page is answered by SPARQL through the :class:`~museumkg.store.Store` interface, so the
same app serves the embedded store or a remote SPARQL server (``MUSEUMKG_ENDPOINT``, ``museumkg
serve --endpoint``): then every query goes to the server, while the build-time files (catalog
index, network files, release dumps, manifest) are read from the local build folder. The
library never imports this package.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import replace

from flask import Flask, g, request
from flask.wrappers import Response

from museumkg.config import Settings
from museumkg.store import Store, StoreError
from museumkg.store.catalog import current_store_dir, open_serving, read_manifest
from museumkg.store.remote import request_deadline
from webapp.http import caching, releases, security, templating
from webapp.http.errors import register_error_handlers
from webapp.http.state import Snapshot, WebState, web_state
from webapp.views import register_views

__all__ = ["Snapshot", "WebState", "create_app", "web_state"]

log = logging.getLogger("museumkg.web")


def _configure_logging() -> None:
    """Send ``museumkg.web`` INFO lines to stderr unless logging is already configured."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        # the HTTP server may configure the root logger after this (some call
        # logging.basicConfig()); propagating to that root handler too would print every line twice.
        log.propagate = False


def _printable(text: str) -> str:
    """Escape control characters so a request path cannot forge log lines."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _is_http_url(value: object) -> bool:
    """Jinja test: is ``value`` an http(s) IRI, safe to use as a link target?"""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _start_timer() -> None:
    g.museumkg_started = time.perf_counter()
    state = web_state()
    if state.store_kind == "remote":
        # every query of this request shares one time limit (a page makes several)
        bound = request_deadline(state.settings.query_timeout_s)
        bound.__enter__()
        g.museumkg_deadline = bound


def _end_deadline(_error: BaseException | None) -> None:
    bound = g.pop("museumkg_deadline", None)
    if bound is not None:
        bound.__exit__(None, None, None)


def _log_request(response: Response) -> Response:
    started = g.get("museumkg_started")
    elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    path = request.full_path if request.query_string else request.path
    log.info("%s %s %d %.1f ms", request.method, _printable(path), response.status_code, elapsed)
    return response


def _remote_settings(store: Store, settings: Settings) -> Settings:
    """Check a remote store against the local build and make the app read-only over it.

    Updates through ``/graph-store`` rebuild the local store, which would not reach the server:
    with a remote store they are refused (update the records, ``build``, then ``push``).
    """
    _configure_logging()
    endpoint = store.endpoint
    path = store.location
    manifest = read_manifest(path) if path is not None else None
    try:
        on_server = set(store.graphs())
    except StoreError as err:
        log.warning("the SPARQL server is not answering yet (%s); serving anyway", err)
    else:
        if manifest is not None and set(manifest.graphs) - on_server:
            missing = sorted(set(manifest.graphs) - on_server)
            log.warning(
                "%d graph(s) of the local build %s are not on %s (e.g. %s): run `museumkg push`",
                len(missing),
                manifest.version,
                endpoint,
                missing[0],
            )
    log.info("answering SPARQL from %s; index, network and downloads from %s", endpoint, path)
    if settings.update_token:
        log.warning("updates through /graph-store are off: the catalog is on a SPARQL server")
    return replace(settings, update_token="")


def create_app(store: Store | None = None, settings: Settings | None = None) -> Flask:
    """Build the web app.

    Args:
        store: the store to answer from; by default the serving catalog, opened read-only
            (on the SPARQL server of ``settings.endpoint`` when it is set).
        settings: by default read from ``MUSEUMKG_*`` environment variables.

    Raises:
        StoreUnavailable: when no store is given and no catalog has been built.
    """
    settings = settings if settings is not None else Settings.from_env()
    follow = store is None
    if store is None:
        store = open_serving(settings)
    else:  # a store given that is the built catalog's current release follows it too
        follow = store.location is not None and store.location == current_store_dir(settings)
    if store.endpoint:
        settings = _remote_settings(store, settings)
    app = Flask(__name__)
    app.debug = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["museumkg"] = WebState(store, settings, follow=follow)
    _configure_logging()
    releases.init_app(app)  # /r/<release>/ prefixes; one snapshot per request, taken first
    app.before_request(_start_timer)
    caching.init_app(app)  # ETags, Cache-Control, 304s for the answers of a release
    security.init_app(app)  # nosniff; CSP, Referrer-Policy, frame-ancestors on pages
    app.after_request(_log_request)
    app.teardown_request(_end_deadline)
    register_error_handlers(app)
    templating.init_app(app)  # t(), href(), term() ... for every template
    register_views(app)

    # Autoescaping stops markup, not ``javascript:`` links: only http(s) IRIs become hrefs.
    app.jinja_env.tests["http_url"] = _is_http_url

    @app.context_processor
    def _site() -> dict[str, str]:
        return {"dataset_title": settings.dataset_title}

    return app
