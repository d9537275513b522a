"""Kept releases side by side: ``/r/<release>/...`` answers from one release, with the same views.

:class:`ReleasePrefix` (WSGI middleware) moves ``/r/<release>`` from the path into the script
root, so ``/r/<release>/sparql``, ``/r/<release>/id/...`` and ``/r/<release>/downloads/...`` are
routed to the ordinary views, and every link they make (``url_for``, ``request.script_root``)
stays inside the release. :func:`take_snapshot` (a ``before_request`` hook) then takes the
request's snapshot: the current release, or the pinned one, or answers 404 for a release this
server never had and 410 Gone for one it has pruned (naming the oldest it keeps).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import Gone, NotFound

from museumkg.release.citation import Citation, release_citation
from museumkg.release.versions import list_versions
from museumkg.store.catalog import landed_releases
from webapp.http.state import WebState, begin_request, end_request

#: The environ key the middleware leaves the pinned release id under.
ENVIRON_KEY = "museumkg.release"
RELEASE_HEADER = "X-Museumkg-Release"
_PREFIX = re.compile(r"^/r/([0-9A-Za-z][0-9A-Za-z._-]{0,120})(/.*)?$")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ReleasePrefix:
    """WSGI middleware: ``/r/<release>/<path>`` is ``<path>`` with ``/r/<release>`` as the
    script root, and the release id in ``environ["museumkg.release"]``."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        found = _PREFIX.match(environ.get("PATH_INFO", ""))
        if found is not None:
            release = found.group(1)
            environ[ENVIRON_KEY] = release
            environ["SCRIPT_NAME"] = f"{environ.get('SCRIPT_NAME', '')}/r/{release}"
            environ["PATH_INFO"] = found.group(2) or "/"
        return self.app(environ, start_response)


def pinned_release() -> str | None:
    """The release id the request's URL pins (``/r/<release>/...``), else ``None``."""
    found: str | None = request.environ.get(ENVIRON_KEY)
    return found


def take_snapshot() -> None:
    """Take the request's snapshot (see the module docstring).

    Raises:
        NotFound: the URL names a release this server never had.
        Gone: it names a release that was pruned (the message names the oldest kept).
    """
    release = pinned_release()
    try:
        begin_request(release)
    except LookupError:
        assert release is not None
        state: WebState = current_app.extensions["museumkg"]
        kept = [v.id for v in list_versions(state.settings)]
        if release in landed_releases(state.settings):
            oldest = kept[0] if kept else "none"
            budget = state.settings.keep_releases_mb
            within = f" within {budget} MB" if budget else ""
            raise Gone(
                f"release {release} is no longer kept here (this server keeps the last "
                f"{state.settings.keep_releases}{within}); the oldest kept release is {oldest}"
            ) from None
        raise NotFound(
            f"no release {release!r} on this server; kept releases: {', '.join(kept) or 'none'}"
        ) from None


def give_back(_error: BaseException | None) -> None:
    """Teardown: the request is done with its snapshot."""
    end_request()


def name_release(response: Response) -> Response:
    """Every response says which release answered it (``X-Museumkg-Release``); one refused
    before it took a release (an unknown or pruned ``/r/<release>/``) names the current one."""
    snapshot = g.get("museumkg_snapshot")
    if snapshot is None:
        state: WebState | None = current_app.extensions.get("museumkg")
        snapshot = state.current() if state is not None else None
    if snapshot is not None:
        response.headers[RELEASE_HEADER] = snapshot.release
    return response


def release_links() -> dict[str, Any]:
    """For templates: the release that answers (``served_release``), its pinned URL and,
    on a pinned page, the latest one (the same path without ``/r/<release>``)."""
    snapshot = g.get("museumkg_snapshot")
    if snapshot is None or not snapshot.is_release:
        return {"served_release": None}
    latest = latest_root()
    return {
        "served_release": {
            "id": snapshot.release,
            "pinned": pinned_release() is not None,
            "href": f"{latest}/r/{snapshot.release}{request.path}",
            "latest": f"{latest}{request.path}",
        }
    }


def latest_root() -> str:
    """The script root of the current release: this request's, without ``/r/<release>``."""
    release = pinned_release()
    root = request.script_root
    return root.removesuffix(f"/r/{release}") if release else root


def served_citation() -> Citation | None:
    """The citation of the release this request reads (``None`` for a store that is no
    release); its URL is the release-pinned home page on the host that was asked."""
    snapshot = g.get("museumkg_snapshot")
    if snapshot is None or not snapshot.is_release:
        return None
    manifest = snapshot.manifest()
    built_at = manifest.built_at if manifest else ""
    site_root = request.host_url.rstrip("/") + latest_root() + "/"
    return release_citation(snapshot.settings.dataset_title, snapshot.release, built_at, site_root)


def citation_data() -> dict[str, str] | None:
    """:func:`served_citation` as what pages show: its text and every format."""
    citation = served_citation()
    return {"text": citation.text(), **citation.formats()} if citation is not None else None


def init_app(app: Flask) -> None:
    """Install the middleware and the hooks (the snapshot is taken before any other hook)."""
    app.wsgi_app = ReleasePrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, []).insert(0, take_snapshot)
    app.after_request(name_release)
    app.teardown_request(give_back)
    app.context_processor(release_links)
