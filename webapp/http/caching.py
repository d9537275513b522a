"""HTTP caching of the answers of a release: ETags, ``Cache-Control``, ``304 Not Modified``.

A release never changes, so an answer is a function of the release, the URL and the request
headers it varies on (``Accept``, ``Accept-Language``). Its strong ``ETag`` is a hash of exactly
those (and of the app's version, since a new version of the code may render differently), so a
conditional request is answered ``304`` before any view runs (:func:`not_modified`, a
``before_request`` hook), and caches in front (nginx, a CDN) can keep answers:

- release-pinned URLs (``/r/<release>/...``): ``Cache-Control: public, max-age=31536000,
  immutable``;
- current URLs: ``public, max-age=<settings.cache_max_age_s>``, then revalidated by ``ETag``
  or ``Last-Modified`` (when the release landed): after a swap they change;
- ``GET /sparql`` the same way (the key holds the query text and the format); ``POST`` and
  other methods, errors, ``/health`` and ``/graph-store`` are never marked cacheable.

A view that sets its own ``ETag`` (a download's SHA-256, a static file's) keeps it; only the
``Cache-Control`` policy is applied. A store that is not a built release gets nothing.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from flask import Flask, Response, g, request

from webapp.http.releases import pinned_release
from webapp.http.state import Snapshot

#: One year: what "never changes" means to HTTP caches (RFC 9111 recommends at most a year).
IMMUTABLE_MAX_AGE = 31_536_000
#: Request headers answers vary on, hence part of the key; always listed in ``Vary``.
VARY = ("Accept", "Accept-Language")
#: Endpoints whose answers are never cached: live state, updates, a page that runs its query
#: again each time (to say whether the answer is unchanged).
UNCACHED = frozenset({"health.health", "graph_store.get_graph", "cite.page"})
#: Endpoints whose URL names a release even without ``/r/<release>/``.
PINNED_ENDPOINTS = frozenset({"downloads.versioned_file", "downloads.versioned_context"})
#: Endpoints serving the app's own files (they follow the code, not the release).
APP_FILES = frozenset({"static", "vendor.asset"})

try:
    _APP_VERSION = version("museumkg")
except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
    _APP_VERSION = "0"


def _snapshot() -> Snapshot | None:
    found: Snapshot | None = g.get("museumkg_snapshot")
    return found if found is not None and found.is_release else None


def _cacheable() -> bool:
    endpoint = request.endpoint
    return request.method in ("GET", "HEAD") and endpoint is not None and endpoint not in UNCACHED


def _pinned() -> bool:
    """Whether the URL names its release (so its answer never changes)."""
    return pinned_release() is not None or request.endpoint in PINNED_ENDPOINTS


def representation_etag(snapshot: Snapshot) -> str:
    """The strong ETag of the current request's answer: release, URL, varied-on headers."""
    parts = [
        _APP_VERSION,
        snapshot.release,
        request.script_root + request.full_path,
        *(request.headers.get(name, "").strip() for name in VARY),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def landed_at(snapshot: Snapshot) -> datetime | None:
    """When the release was built (``Last-Modified`` of its answers), to the second."""
    manifest = snapshot.manifest()
    if manifest is None or not manifest.built_at:
        return None
    try:
        when = datetime.fromisoformat(manifest.built_at)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.replace(microsecond=0)


def _policy(response: Response, snapshot: Snapshot, pinned: bool) -> None:
    max_age = IMMUTABLE_MAX_AGE if pinned else snapshot.settings.cache_max_age_s
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if pinned:
        response.cache_control.immutable = True


def not_modified() -> Response | None:
    """``before_request``: answer ``304`` when the client's copy is this release's answer."""
    snapshot = _snapshot()
    if snapshot is None or not _cacheable() or request.endpoint in APP_FILES:
        return None
    etag = representation_etag(snapshot)
    fresh = False
    if request.if_none_match:
        fresh = request.if_none_match.contains(etag)
    elif request.if_modified_since is not None:
        landed = landed_at(snapshot)
        fresh = landed is not None and landed <= request.if_modified_since
    if not fresh:
        return None
    response = Response(status=304)
    response.set_etag(etag)
    _policy(response, snapshot, _pinned())
    response.vary.update(VARY)
    landed = landed_at(snapshot)
    if landed is not None:
        response.last_modified = landed
    return response


def mark_cacheable(response: Response) -> Response:
    """``after_request``: ETag, ``Last-Modified``, ``Cache-Control`` and ``Vary`` on the
    successful GET answers of a release (see the module docstring)."""
    snapshot = _snapshot()
    if snapshot is None or not _cacheable() or response.status_code not in (200, 206, 304):
        return response
    if "no-store" in (response.headers.get("Cache-Control") or ""):
        return response
    if request.endpoint in APP_FILES:
        return response  # the app's files keep their own caching (they follow the code)
    if response.get_etag() == (None, None):
        response.set_etag(representation_etag(snapshot))
        response.vary.update(VARY)
        landed = landed_at(snapshot)
        if landed is not None:
            response.last_modified = landed
    _policy(response, snapshot, _pinned())
    return response


def init_app(app: Flask) -> None:
    """Install the hooks (after the snapshot is taken)."""
    app.before_request(not_modified)
    app.after_request(mark_cacheable)
