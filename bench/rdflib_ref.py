"""rdflib's in-memory SPARQL on the same data: the engine the design avoids (run as a child).

``python -m bench.rdflib_ref DUMP.nq QUERIES.json CAP_S REPS`` loads the N-Quads into an
``rdflib.Dataset`` (union default graph), runs each query (one warm-up, then up to REPS times,
at most CAP_S seconds per query: a SIGALRM stops a run that goes over) and prints JSON:
``{"load_s": ..., "queries": {name: {"ms": [...], "timeout": bool}}}``.
QUERIES.json is a list of ``{"name", "texts": [...]}``; run *i* uses ``texts[i % len]``.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Timeout


def main(argv: list[str]) -> int:
    """Load, run, print JSON; see the module docstring."""
    import rdflib

    dump, queries_file, cap_s, reps = Path(argv[0]), Path(argv[1]), float(argv[2]), int(argv[3])
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    result: dict[str, object] = {"load_s": round(time.perf_counter() - started, 3)}
    found: dict[str, dict[str, object]] = {}
    signal.signal(signal.SIGALRM, _alarm)
    for query in queries:
        texts = query["texts"]
        times: list[float] = []
        timeout = False
        began = time.perf_counter()
        for i in range(-1, reps):
            left = cap_s - (time.perf_counter() - began)
            if left <= 0:
                timeout = i < 0 or not times
                break
            signal.setitimer(signal.ITIMER_REAL, left)
            try:
                t0 = time.perf_counter()
                rows = list(dataset.query(texts[max(i, 0) % len(texts)]))
                elapsed = (time.perf_counter() - t0) * 1000
            except _Timeout:
                timeout = True
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            del rows
            if i >= 0:
                times.append(elapsed)
        found[query["name"]] = {"ms": times, "timeout": timeout}
    result["queries"] = found
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
