"""The idle query workers of a pool (:mod:`museumkg.sparql.workers`), in the order they are
taken again.

The most recently used comes first: its caches (the store's blocks, the processor's) are warm,
and with few clients one worker answers them all. A worker that has not said it is ready yet
comes after every ready one, so a query does not wait for a worker to start while a ready
one idles.

>>> from types import SimpleNamespace as Worker
>>> idle = IdleWorkers()
>>> new, old, recent = Worker(ready=False), Worker(ready=True), Worker(ready=True)
>>> for worker in (new, old, recent):
...     idle.put(worker)
>>> [idle.get(0) for _ in range(4)] == [recent, old, new, None]
True
"""

from __future__ import annotations

import itertools
import queue
from typing import Generic, Protocol, TypeVar


class _Worker(Protocol):
    ready: bool


W = TypeVar("W", bound=_Worker)


class IdleWorkers(Generic[W]):
    """Idle workers, safe to share between threads; :meth:`get` waits for one."""

    def __init__(self) -> None:
        self._queue: queue.PriorityQueue[tuple[bool, int, W]] = queue.PriorityQueue()
        self._order = itertools.count()  # later puts come first among the ready (or unready)

    def put(self, worker: W) -> None:
        """Make ``worker`` idle."""
        self._queue.put((not worker.ready, -next(self._order), worker))

    def get(self, timeout_s: float) -> W | None:
        """The idle worker to use next, waiting at most ``timeout_s``; ``None`` if none came."""
        try:
            *_, worker = self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return None
        return worker
