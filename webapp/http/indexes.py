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

from museumkg.config import Settings
from museumkg.index.catalog_index import CatalogIndex, IndexUnavailable, index_path
from museumkg.index.index_writer import build_index
from museumkg.store import Store
from webapp.http.state import web_state

log = logging.getLogger("museumkg.web")
_KEY = "museumkg.index"


class IndexHolder:
    """Opens (or builds) the index of the app's store on first use, thread-safely, and again
    whenever the app starts answering from another store (a Graph Store update swaps it)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._index: CatalogIndex | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> CatalogIndex:
        """The index of ``store``, opened or built on the first call for that store."""
        if self._store is not store or self._index is None:
            with self._lock:
                if self._store is not store or self._index is None:
                    self._index = self._open(store)
                    self._store = store
        return self._index

    def _open(self, store: Store) -> CatalogIndex:
        folder = store.location
        if folder is not None:
            try:
                return CatalogIndex(index_path(folder))
            except IndexUnavailable as err:
                log.warning("%s; building a temporary index from the store", err)
        tmp = tempfile.mkdtemp(prefix="museumkg-index-")
        path = Path(tmp) / "index.sqlite"
        stats = build_index(
            store,
            path,
            base_iri=self.settings.base_iri,
            languages=self.settings.languages,
            ontology_graph=self.settings.ontology_graph,
        )
        log.info("built a temporary catalog index: %d entities", stats.entities)
        index = CatalogIndex(path)
        weakref.finalize(index, shutil.rmtree, tmp, True)
        return index


def init_app(app: Flask) -> None:
    """Attach an :class:`IndexHolder` (nothing is opened until a page needs the index)."""
    with app.app_context():
        app.extensions[_KEY] = IndexHolder(web_state().settings)


def catalog_index() -> CatalogIndex:
    """The index of the store the app is answering from now."""
    holder: IndexHolder = current_app.extensions[_KEY]
    return holder.get(web_state().store)
