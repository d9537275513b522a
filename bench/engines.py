"""The engines themselves, in process: the embedded store (pyoxigraph) vs rdflib's SPARQL.

Both answer the same query texts with every result row consumed, without HTTP. rdflib runs in
a child process (``bench.rdflib_ref``) over an N-Quads dump of the same store, with a time cap
per query; above :data:`RDFLIB_MAX_TRIPLES` store quads it is skipped (loading alone would take
minutes and gigabytes). This shows what the design avoids by not querying with rdflib.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pyoxigraph as ox

from bench.context import BenchContext
from bench.figures import Figure, median
from bench.http import MIN_RUNS
from bench.servers import PROJECT_DIR
from museumkg.store import EmbeddedStore

#: Largest store (quads, derived graph included) rdflib is asked to load.
RDFLIB_MAX_TRIPLES = 400_000


def _embedded(ctx: BenchContext) -> dict[str, list[float]]:
    store = EmbeddedStore(ctx.store_dir, read_only=True)
    found: dict[str, list[float]] = {}
    try:
        for query in ctx.queries:
            times: list[float] = []
            began = time.perf_counter()
            for i in range(-1, ctx.reps):
                if i >= MIN_RUNS and time.perf_counter() - began > ctx.cap_s:
                    break
                t0 = time.perf_counter()
                for _row in store.query(query.text(max(i, 0))):
                    pass
                if i >= 0:
                    times.append((time.perf_counter() - t0) * 1000)
            found[query.name] = times
    finally:
        store.close()
    return found


def _rdflib(ctx: BenchContext) -> dict[str, dict[str, object]] | None:
    if ctx.store_triples > RDFLIB_MAX_TRIPLES:
        ctx.note(
            f"rdflib skipped: the store holds {ctx.store_triples:,} quads, more than "
            f"{RDFLIB_MAX_TRIPLES:,} (loading would take minutes and GBs)"
        )
        return None
    dump = ctx.workdir / "store-dump.nq"
    store = ox.Store.read_only(str(ctx.store_dir))
    with dump.open("wb") as out:
        store.dump(out, ox.RdfFormat.N_QUADS)
    del store
    reps = max(1, ctx.reps // 3)
    texts = [{"name": q.name, "texts": [q.text(i) for i in range(reps)]} for q in ctx.queries]
    queries = ctx.workdir / "rdflib-queries.json"
    queries.write_text(json.dumps(texts), encoding="utf-8")
    cap = 2.0 if ctx.quick else 10.0
    limit = 600 + cap * (reps + 1) * len(texts)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.rdflib_ref",
                str(dump),
                str(queries),
                str(cap),
                str(reps),
            ],
            cwd=PROJECT_DIR,
            capture_output=True,
            timeout=limit,
            check=True,
        )
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as err:
        ctx.note(f"rdflib reference failed: {str(err)[:300]}")
        return None
    finally:
        dump.unlink(missing_ok=True)
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    ctx.note(
        f"rdflib: loaded {ctx.store_triples:,} quads in {result['load_s']:.0f}s; "
        f"{reps} run(s) per query, capped at {cap:.0f}s per query"
    )
    queries_found: dict[str, dict[str, object]] = result["queries"]
    return queries_found


def measure(ctx: BenchContext) -> list[Figure]:
    """Median per query: embedded pyoxigraph (value) vs rdflib in memory (reference)."""
    embedded = _embedded(ctx)
    reference = _rdflib(ctx)
    figures = []
    for query in ctx.queries:
        ref_value = None
        if reference is not None:
            found = reference.get(query.name, {})
            times = found.get("ms") or []
            ref_value = median(times)  # type: ignore[arg-type]
            if found.get("timeout"):
                cap = 2.0 if ctx.quick else 10.0
                if ref_value is None:
                    ref_value = cap * 1000
                ctx.note(
                    f"rdflib {query.name}: over the {cap:.0f}s cap; its reference is a lower bound"
                )
        figures.append(
            Figure(
                name=f"engine {query.name}: median (embedded, no HTTP)",
                size_triples=ctx.size,
                value=median(embedded.get(query.name, [])),
                unit="ms",
                reference="rdflib in-memory SPARQL",
                reference_value=ref_value,
            )
        )
    return figures
