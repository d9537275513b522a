"""Blueprint ``/health``: can the store answer, and which catalog version is served.

It names the store folder relative to the var folder (``stores/<release>``), never the
absolute path of the machine: a release folder copied to another host serves the same answer,
and a public server does not show its file system layout.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify

from museumkg.store import StoreError
from webapp.http.state import web_state

bp = Blueprint("health", __name__)
log = logging.getLogger("museumkg.web")

#: A trivial query that still reads the store's indexes.
_PROBE = "ASK { ?s ?p ?o }"


@bp.get("/health")
def health() -> Response:
    """JSON status of the store; 503 with ``ok: false`` when it cannot answer a trivial ASK."""
    state = web_state()
    store = state.store
    body: dict[str, Any] = {
        "store": state.store_kind,
        "endpoint": state.endpoint,
        "path": _shown_path(store.location, state.settings.var_dir),
        "read_only": store.capabilities.read_only,
    }
    try:
        store.query(_PROBE)
    except Exception as err:  # any failure of the probe means "unhealthy", not a crash
        log.error("health check failed: %s", err, exc_info=not isinstance(err, StoreError))
        message = "the store cannot answer a trivial query"
        if state.endpoint:
            message = f"the SPARQL server at {state.endpoint} cannot answer a trivial query"
        body.update(ok=False, status=503, error=message, errors=[{"message": str(err)}])
        return _no_store(jsonify(body), 503)
    manifest = state.manifest()
    body.update(
        ok=True,
        version=manifest.version if manifest else None,
        triples=manifest.triples if manifest else store.count(),
        built_at=manifest.built_at if manifest else None,
    )
    return _no_store(jsonify(body), 200)


def _shown_path(location: Path | None, var_dir: Path) -> str | None:
    """The store folder relative to the var folder (``stores/<release>``); only its name when it
    is elsewhere; ``None`` for a store in memory."""
    if location is None:
        return None
    try:
        return location.resolve().relative_to(var_dir.resolve()).as_posix()
    except ValueError:
        return location.name


def _no_store(response: Response, status: int) -> Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
