"""The app's dependencies, kept on ``app.extensions["museumkg"]`` and read by the views."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from museumkg.catalog import Manifest, read_manifest
from museumkg.config import Settings
from museumkg.store import EmbeddedStore, Store


@dataclass
class WebState:
    """The store the app answers from and the settings it runs with."""

    store: Store
    settings: Settings

    @property
    def store_kind(self) -> str:
        """``embedded`` or ``remote``."""
        return "embedded" if isinstance(self.store, EmbeddedStore) else "remote"

    def manifest(self) -> Manifest | None:
        """The build manifest beside the served store, when it is a built store on disk.

        Read beside the open store rather than through ``current``: a new build may move
        ``current`` while this process still serves the previous version.
        """
        path = getattr(self.store, "path", None)
        return read_manifest(path) if path is not None else None


def web_state() -> WebState:
    """The :class:`WebState` of the app handling the current request."""
    state: WebState = current_app.extensions["museumkg"]
    return state
