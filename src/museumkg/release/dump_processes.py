"""Dump files written in child processes, each from the release's N-Quads file.

Once the store is dumped to N-Quads, the other formats are written from that file
(:mod:`museumkg.release.nquads_dumps`), and that work holds the GIL (the iterator feeding the
serializers, JSON-LD compaction): in threads the formats share one core. For a large release,
:mod:`museumkg.release.assemble` therefore writes each in a child process (``spawn``: nothing
of the parent's open store is inherited; the children never open the store) calling the very
:func:`~museumkg.release.nquads_dumps.dump_from_nquads` a thread would, so the bytes are the
same. Below :data:`PROCESS_DUMPS_FROM` statements, starting interpreters costs more than it
saves and the threads do it.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.release.nquads_dumps import dump_from_nquads
from museumkg.release.packed import Dumped

#: Releases of at least this many statements have their dumps written in child processes.
PROCESS_DUMPS_FROM = 200_000


def dump_processes(statements: int, workers: int) -> Executor | None:
    """A pool of ``workers`` child processes for the dumps of a release of ``statements``
    statements, or ``None`` (threads do it), below :data:`PROCESS_DUMPS_FROM`.

    The children are started at once (each imports this module), so that they are ready when
    the N-Quads file is.
    """
    if statements < PROCESS_DUMPS_FROM:
        return None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    for _ in range(workers):
        pool.submit(ready)
    return pool


def ready() -> bool:
    """Nothing: run once by each child as it starts, so the import is done in advance."""
    return True


def quads_text(quads: set[ox.Quad]) -> bytes:
    """``quads`` as N-Quads, to hand them to a child process."""
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS) or b""


def dump_in_child(source: str, path: str, fmt: str, context: dict[str, Any], skip: bytes) -> Dumped:
    """In a child process: :func:`~museumkg.release.nquads_dumps.dump_from_nquads`.

    Args:
        source: the release's N-Quads file.
        path: the file to write (gzip-compressed).
        fmt: its format.
        context: the JSON-LD context.
        skip: the repeated quads (:func:`museumkg.release.export.repeated_quads`) as N-Quads.

    Returns:
        the number of statements written, and what the compressed file holds.
    """
    repeated = set(ox.parse(skip, format=ox.RdfFormat.N_QUADS)) if skip else set()
    return dump_from_nquads(Path(source), Path(path), fmt, context=context, skip=repeated)
