"""The catalog index the pages read (search, class listings, facets).

A built store carries its index (``museumkg-index.sqlite`` in its folder, written by the
build). A store without one (given to ``create_app`` directly, or built by an older version
with another index layout) gets an index built from the store on first use, into a temporary
folder; that is logged, since on a large store it takes a while.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

from flask import Flask, current_app

from museumkg.catalog_index import CatalogIndex, IndexUnavailable, build_index, index_path
from museumkg.config import Settings
from museumkg.store import Store
from webapp.state import web_state

log = logging.getLogger("museumkg.web")
_KEY = "museumkg.index"


class IndexHolder:
    """Opens (or builds) the index of one store once, on first use, thread-safely."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._index: CatalogIndex | None = None
        self._lock = threading.Lock()
        self._tmp: str | None = None

    def get(self) -> CatalogIndex:
        """The index, opened or built on the first call."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._open()
        return self._index

    def _open(self) -> CatalogIndex:
        folder = getattr(self.store, "path", None)
        if isinstance(folder, Path):
            try:
                return CatalogIndex(index_path(folder))
            except IndexUnavailable as err:
                log.warning("%s; building a temporary index from the store", err)
        self._tmp = tempfile.mkdtemp(prefix="museumkg-index-")
        weakref.finalize(self, shutil.rmtree, self._tmp, True)
        path = Path(self._tmp) / "index.sqlite"
        stats = build_index(
            self.store,
            path,
            base_iri=self.settings.base_iri,
            languages=self.settings.languages,
            ontology_graph=self.settings.ontology_graph,
        )
        log.info("built a temporary catalog index: %d entities", stats.entities)
        return CatalogIndex(path)


def init_app(app: Flask) -> None:
    """Attach an :class:`IndexHolder` for the app's store (nothing is opened yet)."""
    with app.app_context():
        state = web_state()
        app.extensions[_KEY] = IndexHolder(state.store, state.settings)


def catalog_index() -> CatalogIndex:
    """The index of the app handling the current request."""
    holder: IndexHolder = current_app.extensions[_KEY]
    return holder.get()
