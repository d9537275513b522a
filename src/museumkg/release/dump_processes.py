"""Dump files written in child processes, each reading the store on disk read-only.

Most of a release's time is the writing of its six dump files, and much of that holds the GIL
(the Python iterator feeding Turtle and RDF/XML, JSON-LD compaction): in threads they share one
core. For a large store on disk, :mod:`museumkg.release.assemble` therefore writes each file in a
child process (``spawn``: nothing of the parent's open store is inherited) that opens the same
folder with :meth:`pyoxigraph.Store.read_only` and calls the very :func:`export_file` a thread
would, so the bytes are the same. The parent flushes the store first, so a child sees every
statement. Below :data:`PROCESS_DUMPS_FROM` statements, starting interpreters costs more than
it saves and the threads do it.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.release.export import export_file
from museumkg.store import EmbeddedStore, Store

#: Stores of at least this many statements have their dumps written in child processes.
PROCESS_DUMPS_FROM = 200_000


def dump_processes(store: Store, workers: int) -> Executor | None:
    """A pool of ``workers`` child processes for ``store``'s dumps, or ``None`` (threads do it).

    Only for a store on disk of at least :data:`PROCESS_DUMPS_FROM` statements; it is flushed,
    so that the children read all of it.
    """
    folder = store.location
    if not isinstance(store, EmbeddedStore) or folder is None:
        return None
    if store.count() < PROCESS_DUMPS_FROM:
        return None
    store.flush()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def quads_text(quads: set[ox.Quad]) -> bytes:
    """``quads`` as N-Quads, to hand them to a child process."""
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS) or b""


def export_in_child(folder: str, path: str, fmt: str, context: dict[str, Any], skip: bytes) -> int:
    """In a child process: :func:`export_file` of the store in ``folder`` (opened read-only).

    Args:
        skip: the repeated quads (:func:`museumkg.release.export.repeated_quads`) as N-Quads.

    Returns:
        the number of statements written.
    """
    store = EmbeddedStore(Path(folder), read_only=True)
    try:
        repeated = set(ox.parse(skip, format=ox.RdfFormat.N_QUADS)) if skip else set()
        return export_file(store, Path(path), fmt, context=context, skip=repeated)
    finally:
        store.close()
