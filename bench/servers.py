"""Servers the bench starts and stops itself, on 127.0.0.1, and their memory.

- ``museumkg serve --no-build`` (granian, the production configuration) over the bulk-loaded
  store, with the synthetic base IRI;
- ``oxigraph serve-read-only --union-default-graph`` (the PyPI ``oxigraph`` CLI) over the very
  same store folder, as the reference SPARQL server.

Both are started by ``testing/servers.py``, the launcher the tests use too: polled until they
answer (never slept on), each in its own session (its worker processes are stopped with it),
stopped (terminate, then kill) when the ``with`` block ends, whatever happened inside it.
"""

from __future__ import annotations

from pathlib import Path

from testing.servers import (
    PROJECT_DIR,
    START_TIMEOUT_S,
    ServerProcess,
    free_port,
    museumkg,
    museumkg_env,
    oxigraph,
    oxigraph_binary,
)

__all__ = [
    "PROJECT_DIR",
    "START_TIMEOUT_S",
    "Server",
    "descendants",
    "free_port",
    "museumkg_server",
    "oxigraph_cli",
    "oxigraph_server",
    "tree_cpu_s",
    "tree_peak_mb",
    "tree_rss_mb",
]

#: A server the bench runs (``with`` starts it and waits until it answers; ``stop`` ends it).
Server = ServerProcess


def oxigraph_cli() -> str | None:
    """The ``oxigraph`` executable (beside this Python first, then on PATH), if installed."""
    return oxigraph_binary(required=False)


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (worker pools count as the server)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in descendants(pid)) / 1024


def _cpu_s(pid: int) -> float:
    """CPU time a process's live threads have run so far, in seconds (0 once it is gone):
    the scheduler's nanoseconds (``/proc/<pid>/task/*/schedstat``), not clock ticks, which
    are too coarse for millisecond queries."""
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
    return total / 1e9


def _is_query_worker(pid: int) -> bool:
    try:
        return b"worker_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def tree_cpu_s(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by a process and its descendants, and the part of it used by
    ``museumkg serve``'s query worker processes (``museumkg.sparql.workers``) among them."""
    total = workers = 0.0
    for found in descendants(pid):
        used = _cpu_s(found)
        total += used
        if _is_query_worker(found):
            workers += used
    return total, workers


def tree_peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) summed over a process and its descendants, in MB."""
    return sum(_status_kb(p, "VmHWM") for p in descendants(pid)) / 1024


def museumkg_server(var_dir: Path, base_iri: str, log: Path, threads: int = 8) -> Server:
    """``museumkg serve --no-build`` over the store under ``var_dir``."""
    env = museumkg_env(var_dir=var_dir, base_iri=base_iri, check_owl="false")
    return museumkg(env=env, threads=threads, log=log, own_session=True)


def oxigraph_server(store_dir: Path, log: Path) -> Server | None:
    """``oxigraph serve-read-only`` over ``store_dir`` (``None`` if the CLI is missing)."""
    if oxigraph_cli() is None:
        return None
    return oxigraph(store_dir, read_only=True, union_default_graph=True, log=log, own_session=True)
