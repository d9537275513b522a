"""The served catalog: one immutable :class:`Snapshot` per release, taken once per request.

A snapshot is everything a request reads about one release: its store, build folder, manifest,
catalog index, partnership network, vocabulary and SPARQL executor, and the release id that
names it. The parts are opened on first use and then never change. :class:`WebState` (on
``app.extensions["museumkg"]``) holds the current snapshot and the pinned ones (``/r/<release>/``);
a request takes its snapshot once (:func:`begin_request`, into ``flask.g``) and every view reads
that one through :func:`web_state`, so a swap in the middle of a request cannot mix releases.

A swap (a build or import moves ``var/current``; a Graph Store update lands) replaces the
current snapshot atomically; requests in flight finish on theirs. A snapshot that is no longer
current is retired (its worker processes stopped) as soon as no request uses it; a pinned one
lingers :data:`PINNED_LINGER_S` after its last request.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, g

from museumkg.config import Settings
from museumkg.index.catalog_index import CatalogIndex, IndexUnavailable, index_path
from museumkg.index.index_writer import build_index
from museumkg.index.vocab import Vocabulary, read_vocabulary
from museumkg.network.model import NETWORK_FILE, Network, load_network, read_network
from museumkg.sparql.remote_executor import RemoteExecutor
from museumkg.sparql.workers import QueryExecutor, make_executor
from museumkg.store import EmbeddedStore, Store, StoreUnavailable
from museumkg.store.catalog import Manifest, current_store_dir, open_serving, read_manifest

log = logging.getLogger("museumkg.web")
T = TypeVar("T")

#: A remote store may change under the app: its network is re-read after this long.
REMOTE_CACHE_SECONDS = 60.0
#: How long a pinned release (``/r/<release>/``) stays open after its last request.
PINNED_LINGER_S = 60.0
#: The release id of a store that is not a built release (a store given to ``create_app``).
UNRELEASED = "unreleased"


class Snapshot:
    """One release as served: read-only, its parts opened once on first use.

    Attributes:
        store: the store queries go to.
        settings: the app's settings.
        folder: the release's build folder (index, network file, dumps), if it has one.
        release: the release id (the store folder's name), or :data:`UNRELEASED`.
        pinned: opened for ``/r/<release>/`` rather than as the current release.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        folder: Path | None,
        pinned: bool = False,
        workers: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.folder = folder
        self.pinned = pinned
        self.release = folder.name if folder is not None else UNRELEASED
        self._workers = workers if workers is not None else settings.sparql_workers
        self._lock = threading.Lock()
        self._parts: dict[str, object] = {}
        self._network_at = 0.0
        self._executor: QueryExecutor | None = None
        # changed under the WebState's lock: requests using it, when last used, and whether it
        # is leaving (no request may take it any more)
        self.refs = 0
        self.last_used = time.monotonic()
        self.leaving = False
        self._retired = threading.Event()

    # --- what the store is ------------------------------------------------------------------

    @property
    def store_kind(self) -> str:
        """``remote`` for a SPARQL server, else ``embedded``."""
        return "remote" if self.store.endpoint else "embedded"

    @property
    def endpoint(self) -> str | None:
        """The SPARQL server's query URL when the store is remote."""
        return self.store.endpoint

    @property
    def is_release(self) -> bool:
        """Whether this is a built release (so its answers can be cached and cited)."""
        return self.folder is not None

    # --- parts, each made once --------------------------------------------------------------

    def part(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, made once per snapshot and kept under ``name`` (treat it as read-only)."""
        if name not in self._parts:
            with self._lock:
                if name not in self._parts:
                    self._parts[name] = make()
        return self._parts[name]  # type: ignore[return-value]

    def manifest(self) -> Manifest | None:
        """The build manifest beside the release's folder (read once)."""
        folder = self.folder
        if folder is None:
            return None
        return self.part("manifest", lambda: read_manifest(folder))

    def index(self) -> CatalogIndex:
        """The release's catalog index (built into a temporary folder for a store without)."""
        return self.part("index", self._open_index)

    def vocabulary(self) -> Vocabulary:
        """The ontology's terms, labels and hierarchy, as this release has them."""
        return self.part(
            "vocabulary", lambda: read_vocabulary(self.store, self.settings.ontology_graph)
        )

    def network(self) -> Network:
        """The partnership network, from the build's network file, else from the store.

        Without a build manifest, a remote store's network is re-read after
        :data:`REMOTE_CACHE_SECONDS` (the server's data may change under the app); a
        release's never changes.
        """
        if self.store_kind == "remote" and self.manifest() is None:
            with self._lock:
                if time.monotonic() - self._network_at > REMOTE_CACHE_SECONDS:
                    self._parts.pop("network", None)
                    self._network_at = time.monotonic()
        return self.part("network", self._read_network)

    def executor(self) -> QueryExecutor:
        """The release's SPARQL executor (worker processes over its folder), started once.

        Raises:
            StoreUnavailable: the snapshot was retired (the app is shutting down).
        """
        with self._lock:
            if self._retired.is_set() or self.leaving:
                raise StoreUnavailable("this release is no longer served")
            if self._executor is None:
                settings = self.settings
                make = RemoteExecutor if self.store_kind == "remote" else make_executor
                made = make(
                    self.store,
                    workers=self._workers,
                    queue_timeout_s=settings.sparql_queue_timeout_s,
                    ontology_dir=settings.ontology_dir,
                )
                start = getattr(made, "start", None)
                if start is not None:
                    start()
                self._executor = made
            return self._executor

    def retire(self) -> None:
        """Stop the executor's workers; the snapshot answers no more queries. Idempotent."""
        with self._lock:
            if self._retired.is_set():
                return
            executor, self._executor = self._executor, None
            self._parts.clear()
        if executor is not None:
            executor.close()
        self._retired.set()
        log.info("release %s retired", self.release)

    @property
    def retired(self) -> bool:
        """Whether the snapshot's workers have been stopped."""
        return self._retired.is_set()

    def wait_retired(self, timeout_s: float) -> bool:
        """Wait until the snapshot is retired (at most ``timeout_s``); tell whether it is."""
        return self._retired.wait(timeout_s)

    def _open_index(self) -> CatalogIndex:
        if self.folder is not None:
            try:
                return CatalogIndex(index_path(self.folder))
            except IndexUnavailable as err:
                log.warning("%s; building a temporary index from the store", err)
        tmp = tempfile.mkdtemp(prefix="museumkg-index-")
        path = Path(tmp) / "index.sqlite"
        stats = build_index(
            self.store,
            path,
            base_iri=self.settings.base_iri,
            languages=self.settings.languages,
            ontology_graph=self.settings.ontology_graph,
        )
        log.info("built a temporary catalog index: %d entities", stats.entities)
        index = CatalogIndex(path)
        weakref.finalize(index, shutil.rmtree, tmp, True)
        return index

    def _read_network(self) -> Network:
        if self.folder is not None and (self.folder / NETWORK_FILE).is_file():
            try:
                network = read_network(self.folder / NETWORK_FILE)
                if network.base_iri == self.settings.base_iri:
                    return network
            except (OSError, ValueError) as err:
                log.warning("network file unreadable, reading the store instead: %s", err)
        return load_network(self.store, self.settings.base_iri)


def _folder_of(store: Store) -> Path | None:
    return store.location


class WebState:
    """The app's served catalog: the current :class:`Snapshot`, the pinned ones, the settings.

    Args:
        store: the store to serve first.
        settings: the app's settings.
        follow: follow ``var/current``: a release landed by a build, an import or a Graph Store
            update is served from the next request on, without restart.
    """

    def __init__(self, store: Store, settings: Settings, *, follow: bool = False) -> None:
        self.settings = settings
        self.follow = follow
        self._link = str(settings.current_store_link)  # read on every request: made once
        self._lock = threading.Lock()
        self._current = Snapshot(store, settings, folder=_folder_of(store))
        self._link_target = self._read_link() if follow else None
        self._pinned: dict[str, Snapshot] = {}
        self._sweeper: threading.Timer | None = None
        self._closed = False

    # --- the current release ----------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The current release's store."""
        return self._current.store

    @store.setter
    def store(self, store: Store) -> None:
        """Serve ``store`` from the next request on (requests in flight keep theirs)."""
        fresh = Snapshot(store, self.settings, folder=_folder_of(store))
        self._swap(fresh)
        fresh.executor()

    @property
    def store_kind(self) -> str:
        """``remote`` or ``embedded``, of the current release."""
        return self._current.store_kind

    @property
    def endpoint(self) -> str | None:
        """The SPARQL server's URL when the store is remote."""
        return self._current.endpoint

    def current(self) -> Snapshot:
        """The current snapshot, after following ``var/current`` if it moved."""
        if self.follow and self._read_link() != self._link_target:
            self.refresh()
        return self._current

    def manifest(self) -> Manifest | None:
        """The current release's manifest."""
        return self.current().manifest()

    def _read_link(self) -> str | None:
        try:
            return os.readlink(self._link)
        except OSError:
            return None

    def refresh(self) -> None:
        """Serve the release ``var/current`` points at now, if it is not the current one."""
        with self._lock:
            target = self._read_link()
            if target == self._link_target:
                return
            folder = current_store_dir(self.settings)
            if folder is None or folder == self._current.folder:
                self._link_target = target
                return
            try:
                if self.store_kind == "remote":
                    store = open_serving(self.settings)
                else:
                    store = EmbeddedStore(folder, read_only=True)
            except Exception as err:  # noqa: BLE001 - keep serving the release we have
                log.error("release %s not served: %s", folder.name, err)
                return
            self._link_target = target
            fresh = Snapshot(store, self.settings, folder=folder)
            self._swap_locked(fresh)
        fresh.executor()  # its workers start now, before a query waits for them
        log.info("now serving release %s", fresh.release)

    def _swap(self, fresh: Snapshot) -> None:
        with self._lock:
            self._swap_locked(fresh)
            if self.follow:
                self._link_target = self._read_link()

    def _swap_locked(self, fresh: Snapshot) -> None:
        old, self._current = self._current, fresh
        if old.folder is not None and old.folder == fresh.folder:
            fresh._parts.update(old._parts)  # same release, reopened: its parts are the same
        if old.refs == 0:
            self._retire_later(old)

    def _retire_later(self, snapshot: Snapshot) -> None:
        """Retire ``snapshot`` (the caller holds the lock) in a thread: stopping its workers
        waits for them, and no request may wait for that."""
        snapshot.leaving = True
        threading.Thread(target=snapshot.retire, name="retire-release", daemon=True).start()

    # --- pinned releases --------------------------------------------------------------------

    def pinned(self, release: str) -> Snapshot:
        """The snapshot of a kept release, opened on first use.

        Raises:
            LookupError: the release is not kept (see :mod:`webapp.http.releases`).
        """
        current = self.current()
        if current.release == release:
            return current
        with self._lock:
            found = self._pinned.get(release)
            if found is not None and not found.leaving:
                if found.folder is not None and found.folder.is_dir():
                    return found
                del self._pinned[release]  # pruned while open: retire it, answer 410
                self._retire_later(found)
        folder = self.settings.stores_dir / release
        if "/" in release or release.startswith(".") or read_manifest(folder) is None:
            raise LookupError(release)
        store = EmbeddedStore(folder, read_only=True)
        fresh = Snapshot(store, self.settings, folder=folder, pinned=True, workers=1)
        with self._lock:
            found = self._pinned.get(release)
            if found is not None and not found.leaving:
                return found
            self._pinned[release] = fresh
        return fresh

    # --- requests ---------------------------------------------------------------------------

    def acquire(self, release: str | None = None) -> Snapshot:
        """The snapshot a request reads (current, or pinned), counted until :meth:`release`.

        Raises:
            StoreUnavailable: the app is shutting down.
            LookupError: ``release`` is not kept.
        """
        self._sweep()
        while True:
            snapshot = self.current() if release is None else self.pinned(release)
            with self._lock:
                if self._closed:
                    raise StoreUnavailable("the app is shutting down")
                if not snapshot.leaving:  # else it was swapped out in between: take the new one
                    snapshot.refs += 1
                    snapshot.last_used = time.monotonic()
                    return snapshot

    def release(self, snapshot: Snapshot) -> None:
        """A request is done with ``snapshot``: retire it if it is no longer served."""
        with self._lock:
            snapshot.refs -= 1
            snapshot.last_used = time.monotonic()
            served = snapshot is self._current or self._pinned.get(snapshot.release) is snapshot
            if snapshot.refs == 0 and not served and not snapshot.leaving:
                self._retire_later(snapshot)
            if snapshot.refs == 0 and snapshot.pinned and served:
                self._schedule_sweep()  # retired after its linger even if no request comes

    def _schedule_sweep(self) -> None:
        """Sweep once the linger has passed (one timer at a time; the caller holds the lock)."""
        if self._sweeper is None and not self._closed:
            self._sweeper = threading.Timer(PINNED_LINGER_S + 1.0, self._timed_sweep)
            self._sweeper.daemon = True
            self._sweeper.start()

    def _timed_sweep(self) -> None:
        self._sweep()
        with self._lock:
            self._sweeper = None
            if any(s.refs == 0 for s in self._pinned.values()):
                self._schedule_sweep()

    def _sweep(self) -> None:
        """Retire pinned snapshots idle for :data:`PINNED_LINGER_S`."""
        now = time.monotonic()
        with self._lock:
            for release, snapshot in list(self._pinned.items()):
                if snapshot.refs == 0 and now - snapshot.last_used > PINNED_LINGER_S:
                    del self._pinned[release]
                    self._retire_later(snapshot)

    def close(self) -> None:
        """Retire every snapshot (the app is going away). Idempotent."""
        with self._lock:
            self._closed = True
            if self._sweeper is not None:
                self._sweeper.cancel()
            everything = [self._current, *self._pinned.values()]
            self._pinned.clear()
            for snapshot in everything:
                snapshot.leaving = True
        for snapshot in everything:
            snapshot.retire()


def begin_request(release: str | None) -> Snapshot:
    """Take the request's snapshot once (into ``flask.g``); :func:`end_request` gives it back."""
    state: WebState = current_app.extensions["museumkg"]
    snapshot = state.acquire(release)
    g.museumkg_snapshot = snapshot
    return snapshot


def end_request() -> None:
    """Give back the request's snapshot (a teardown hook: runs after errors too)."""
    snapshot = g.pop("museumkg_snapshot", None)
    if snapshot is not None:
        state: WebState = current_app.extensions["museumkg"]
        state.release(snapshot)


def web_state() -> Snapshot:
    """The snapshot the current request reads (outside a request: the current release)."""
    found: Snapshot | None = g.get("museumkg_snapshot") if g else None
    if found is not None:
        return found
    state: WebState = current_app.extensions["museumkg"]
    return state.current()


def preload_in_background(app: Flask, file_name: str, read: Callable[[], object]) -> None:
    """Run ``read()`` in the app's context on a background thread when the current release
    folder has ``file_name``, so the first request does not wait for a large build file.

    A store without the file is read on first use; a failure here is only logged, as a page
    reads it again (and reports) on first use.
    """
    with app.app_context():
        folder = web_state().folder
    if folder is None or not (folder / file_name).is_file():
        return

    def run() -> None:
        try:
            with app.app_context():
                read()
        except Exception as err:  # noqa: BLE001 - a page reads it (and reports) on first use
            log.warning("%s not preloaded: %s", file_name, err)

    threading.Thread(target=run, name=f"preload-{file_name}", daemon=True).start()
