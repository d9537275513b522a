"""This process's memory and CPU time, as the derivation sizes and reports its work.

Cheap reads of ``/proc`` and ``getrusage``; where there is no ``/proc`` the memory figures are
``None`` (the derivation then sizes by its budget alone). CPU seconds are reported beside wall
seconds because a busy machine stretches the one and not the other.
"""

from __future__ import annotations

import resource
import sys
import time

MB = 1024 * 1024


def available_memory() -> int | None:
    """``MemAvailable`` of ``/proc/meminfo`` in bytes (``None`` where there is none)."""
    return _proc_kb("/proc/meminfo", "MemAvailable:")


def resident() -> int | None:
    """This process's resident memory now (``VmRSS``), in bytes."""
    return _proc_kb("/proc/self/status", "VmRSS:")


def peak_resident() -> int:
    """This process's peak resident memory so far (``ru_maxrss``), in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def usage_note(cpu_since: float | None = None) -> str:
    """CPU seconds since ``cpu_since`` (a :func:`time.process_time`), resident memory now and
    at its peak, for a progress line: ``cpu 3.2s, rss 812 MB, peak 1,530 MB``.

    >>> usage_note().startswith("rss "), usage_note(0.0).startswith("cpu ")
    (True, True)
    """
    now = resident()
    shown = "?" if now is None else f"{now // MB:,}"
    memory = f"rss {shown} MB, peak {peak_resident() // MB:,} MB"
    if cpu_since is None:
        return memory
    return f"cpu {time.process_time() - cpu_since:.2f}s, {memory}"


def _proc_kb(path: str, key: str) -> int | None:
    """The ``key`` line of a ``/proc`` file, in kB, as bytes."""
    try:
        with open(path, encoding="ascii") as info:
            for line in info:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
