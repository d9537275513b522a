"""The app's dependencies, kept on ``app.extensions["museumkg"]`` and read by the views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app

from museumkg.config import Settings
from museumkg.store import Store
from museumkg.store.catalog import Manifest, manifest_path, read_manifest


@dataclass
class WebState:
    """The store the app answers from and the settings it runs with.

    With a remote store (``serve --endpoint``), SPARQL goes to the server while the build-time
    files (index, network, dumps, manifest) are read from ``store.location``, the local build
    folder.
    """

    store: Store
    settings: Settings

    @property
    def store_kind(self) -> str:
        """``remote`` for a SPARQL server, else ``embedded``."""
        return "remote" if self.store.endpoint else "embedded"

    @property
    def endpoint(self) -> str | None:
        """The SPARQL server's query URL when the store is remote."""
        return self.store.endpoint

    def manifest(self) -> Manifest | None:
        """The build manifest beside the served store, when it is a built store on disk.

        Read beside the open store rather than through ``current``: a new build may move
        ``current`` while this process still serves the previous version.
        """
        path = self.store.location
        if path is None:
            return None
        try:  # read once per file: it lists every graph (1.8 MB at 10^6 triples)
            found = manifest_path(path).stat()
        except OSError:
            return None
        return _manifest_at(path, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=8)
def _manifest_at(path: Path, mtime_ns: int, size: int) -> Manifest | None:
    """The manifest beside ``path`` as it was at ``mtime_ns``/``size`` (treat it as read-only)."""
    return read_manifest(path)


def web_state() -> WebState:
    """The :class:`WebState` of the app handling the current request."""
    state: WebState = current_app.extensions["museumkg"]
    return state
