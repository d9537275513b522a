"""``python -m bench``: generate, load, serve and measure, size by size; one table, one JSON.

For each size: generate the synthetic catalog (:mod:`museumkg.synth.generate`), load it raw and with
``museumkg load`` (:mod:`bench.build_load`), start ``museumkg serve`` and ``oxigraph serve`` on
the loaded store (:mod:`bench.servers`), then run the measuring modules, stop the servers,
measure exports and a rebuild, and remove the scratch folder. Growth ratios between sizes come
last. Every figure is printed beside its reference and budget and written to
``bench/results/latest.json`` (or ``--json PATH``) with the machine, versions and date.

Measuring modules (plug-ins): a concern is measured by ``bench/<plug-in>.py`` when that module
exists and exposes ``measure(context) -> list[Figure | dict]``, else by the built-in module:

=========  ===========================  =====================
concern    plug-in (colleagues)         built in
=========  ===========================  =====================
sparql     ``bench.sparql_latency``     ``bench.sparql_mix``
engines    -                            ``bench.engines``
pages      -                            ``bench.pages``
load       -                            ``bench.load_test``
cache      -                            ``bench.cache_load``
backends   ``bench.backends``           -
relevance  -                            ``bench.relevance``
export     ``bench.export_throughput``  -
=========  ===========================  =====================
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import multiprocessing
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench import build_load
from bench.context import BenchContext
from bench.figures import FIGURE_KEYS, Figure, as_figure, growth, table
from bench.queries import draw_samples, query_mix
from bench.servers import PROJECT_DIR, museumkg_server, oxigraph_cli, oxigraph_server
from museumkg.store import EmbeddedStore

DEFAULT_SIZES = (100_000, 1_000_000)
RESULTS = PROJECT_DIR / "bench" / "results" / "latest.json"
#: Shares of a size's time budget the load and the metrics step may take (then: measuring).
LOAD_SHARE = 0.45
METRICS_SHARE = 0.1
#: Longest the rebuild may take, and the time kept for the release step at the end (seconds).
REBUILD_CAP_S = 150.0
RELEASE_RESERVE_S = 120.0
#: Concerns measured with the servers running, in order: (name, plug-in, built-in).
SERVED: tuple[tuple[str, str | None, str | None], ...] = (
    ("sparql", "bench.sparql_latency", "bench.sparql_mix"),
    ("engines", None, "bench.engines"),
    ("pages", None, "bench.pages"),
    ("load", None, "bench.load_test"),
    ("cache", None, "bench.cache_load"),
    ("backends", "bench.backends", None),
    ("relevance", None, "bench.relevance"),
)
#: Concerns that get a freshly started museumkg server.
FRESH_SERVER_FOR = ("load",)
#: Longest each concern may run (seconds); the size's remaining budget caps it too.
CONCERN_CAP_S = {
    "sparql": 480.0,
    "engines": 360.0,
    "pages": 420.0,
    "load": 180.0,
    "cache": 120.0,
    "export": 480.0,
    "relevance": 240.0,
}
AFTER: tuple[tuple[str, str | None, str | None], ...] = (
    ("export", "bench.export_throughput", None),
)


def _module(plugin: str | None, builtin: str | None) -> tuple[str, Any] | None:
    for name in (plugin, builtin):
        if name and importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            if hasattr(module, "measure"):
                return name, module
    return None


def _measure_in_child(
    measure: Callable[[BenchContext], list[Any]], ctx: BenchContext, pipe: Connection
) -> None:
    """Child side: measure, then send back the figures and what the context learned."""
    try:
        found = [as_figure(item, ctx.size) for item in measure(ctx)]
        pipe.send(("ok", found, ctx.notes, ctx.oxigraph_ms, (ctx.page_urls, ctx.slow_pages)))
    except Exception as err:  # a broken measurement must not lose the others
        traceback.print_exc()
        pipe.send(("failed", f"{type(err).__name__}: {err}", ctx.notes, {}, ([], [])))
    finally:
        pipe.close()


def _run_concern(ctx: BenchContext, concern: tuple[str, str | None, str | None]) -> list[Figure]:
    """Run one measuring module in a forked child, so that a time cap can stop it."""
    name, plugin, builtin = concern
    found_module = _module(plugin, builtin)
    if found_module is None:
        ctx.note(f"{name}: no module measures it ({plugin} is missing)")
        return []
    module, loaded = found_module
    measure: Callable[[BenchContext], list[Any]] = loaded.measure
    sized = getattr(loaded, "cap_s", None)
    if sized is not None:  # a step sized by the data: its own time, added to the size's budget
        cap = float(sized(ctx))
        ctx.deadline += cap
        print(f"  {name}: {cap:.0f}s added to this size's budget", file=sys.stderr)
    cap = min(cap if sized is not None else CONCERN_CAP_S.get(name, 600.0), ctx.time_left())
    if cap <= 0:
        ctx.note(f"{name}: skipped, the time budget for this size was used up")
        return []
    started = time.perf_counter()
    print(f"  measuring {name} ({module}, at most {cap:.0f}s) ...", file=sys.stderr, flush=True)
    forked = multiprocessing.get_context("fork")
    receive, send = forked.Pipe(duplex=False)
    child = forked.Process(target=_measure_in_child, args=(measure, ctx, send), daemon=True)
    child.start()
    send.close()
    figures: list[Figure] = []
    if receive.poll(cap):
        status, payload, notes, oxigraph_ms, (page_urls, slow_pages) = receive.recv()
        for note in notes:
            if note not in ctx.notes:
                ctx.notes.append(note)
        ctx.oxigraph_ms.update(oxigraph_ms)
        ctx.page_urls = page_urls or ctx.page_urls
        ctx.slow_pages = slow_pages or ctx.slow_pages
        if status == "ok":
            figures = payload
        else:
            ctx.note(f"{name} ({module}) failed: {payload}")
    else:
        ctx.note(f"{name} ({module}) stopped after its {cap:.0f}s cap: no figures from it")
    child.join(timeout=10)
    if child.is_alive():
        child.kill()
        child.join()
    receive.close()
    print(f"  ... {name} done in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return figures


def run_size(size: int, args: argparse.Namespace, notes: list[str]) -> list[Figure]:
    """Everything for one size; the scratch folder is removed whatever happens."""
    workdir = Path(tempfile.mkdtemp(prefix=f"museumkg-bench-{size}-", dir=args.workdir))
    figures: list[Figure] = []
    started = time.monotonic()
    budget_s = args.minutes * 60
    try:
        print(f"[{size:,} triples] generating and loading in {workdir}", file=sys.stderr)
        var_dir = workdir / "var"
        loaded = build_load.generate_and_load(
            size, workdir, var_dir, args.seed, timeout=budget_s * LOAD_SHARE
        )
        if not loaded.ok:
            progress = build_load.parse_progress(loaded.load.stderr)
            notes.append(
                f"{size:,} triples: museumkg load {loaded.load.error}; its last progress: "
                + " | ".join(line for _t, line in progress[-3:])
                + "; nothing else could be measured at this size"
            )
            return build_load.figures(size, loaded)
        ctx = _context(size, args, loaded, workdir, var_dir, started + budget_s)
        print(f"  metrics step on its own ({ctx.time_left():.0f}s left)", file=sys.stderr)
        build_load.run_deferred(ctx, loaded, "metrics", budget_s * METRICS_SHARE)
        figures += _serve_and_measure(ctx)
        ctx.whole_build_s = build_load.whole_build_seconds(loaded)  # so far: the reference
        print(f"  rebuild after one changed source ({ctx.time_left():.0f}s left)", file=sys.stderr)
        figures += build_load.rebuild(ctx, cap=max(30.0, min(REBUILD_CAP_S, ctx.time_left())))
        ctx.deadline -= RELEASE_RESERVE_S  # the export plug-in leaves time for the release
        for concern in AFTER:
            figures += _run_concern(ctx, concern)
        ctx.deadline += RELEASE_RESERVE_S
        print(f"  release step on its own ({ctx.time_left():.0f}s left)", file=sys.stderr)
        build_load.run_deferred(ctx, loaded, "release", max(60.0, ctx.time_left()))
        for figure in figures:  # the rebuild is compared with the whole build, release included
            if figure.name.startswith("rebuild"):
                figure.reference_value = build_load.whole_build_seconds(loaded)
        figures += build_load.disk_figures(size, loaded, ctx.store_dir)
        figures = build_load.figures(size, loaded) + figures
        notes += ctx.notes
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"[{size:,} triples] done in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return figures


def _context(
    size: int,
    args: argparse.Namespace,
    loaded: build_load.Loaded,
    workdir: Path,
    var_dir: Path,
    deadline: float,
) -> BenchContext:
    """The context of one size, with samples drawn from the loaded store."""
    store_dir = Path(str(loaded.summary["store_dir"]))
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        samples = draw_samples(store)
        store_triples = store.count()
    finally:
        store.close()
    seconds = dict(loaded.summary["seconds"])  # type: ignore[call-overload]
    ctx = BenchContext(
        size=size,
        triples=loaded.catalog.triples,
        nquads=workdir / f"synthetic-{size}.nq",
        var_dir=var_dir,
        store_dir=store_dir,
        store_triples=store_triples,
        base_iri=str(loaded.summary["base_iri"]),
        workdir=workdir,
        samples=samples,
        queries=query_mix(samples),
        quick=args.quick,
        push=not getattr(args, "skip_push", False),  # (bench.backends alone always pushes)
        load_seconds={k: float(v) for k, v in seconds.items()},
        deadline=deadline,
    )
    ctx.note(
        f"generated {loaded.catalog.triples:,} triples ({len(loaded.catalog.programs):,} "
        f"programs, {loaded.catalog.graphs:,} graphs) in {loaded.generate_s:.1f}s; the store "
        f"holds {store_triples:,} quads with the ontology and the derived graph"
    )
    return ctx


def _serve_and_measure(ctx: BenchContext) -> list[Figure]:
    """Start both servers on the store, run the served concerns, stop the servers.

    The load test gets a fresh ``museumkg serve``: requests an earlier measurement gave up on
    (a page over its time limit) may still occupy the first one's threads.
    """
    figures: list[Figure] = []
    logs = ctx.workdir / "logs"
    logs.mkdir(exist_ok=True)
    reference = oxigraph_server(ctx.store_dir, logs / "oxigraph.log")
    ours = None
    try:
        if reference is None:
            ctx.note("the oxigraph CLI is missing (pip install oxigraph): HTTP references n/a")
        else:
            reference.__enter__()
            ctx.oxigraph_url, ctx.oxigraph_pid = reference.url, reference.pid
        for number, concern in enumerate(SERVED):
            if ours is None or concern[0] in FRESH_SERVER_FOR:
                if ours is not None:
                    ours.stop()
                ours = museumkg_server(ctx.var_dir, ctx.base_iri, logs / f"museumkg-{number}.log")
                ours.__enter__()
                ctx.museumkg_url, ctx.museumkg_pid = ours.url, ours.pid
            figures += _run_concern(ctx, concern)
    finally:
        for server in (ours, reference):
            if server is not None:
                server.stop()
        ctx.museumkg_url = ctx.oxigraph_url = None
        ctx.museumkg_pid = ctx.oxigraph_pid = None
    return figures


def _version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode().strip() or None


def environment() -> dict[str, Any]:
    """Machine and versions, for the record."""
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("museumkg", "pyoxigraph", "oxigraph", "rdflib", "flask", "granian"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    cli = oxigraph_cli()
    versions["oxigraph CLI"] = _version([cli, "--version"]) if cli else None
    versions["museumkg commit"] = _version(["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"])
    changed = _version(["git", "-C", str(PROJECT_DIR), "status", "--porcelain"])
    if changed:
        versions["museumkg commit"] = (
            f"{versions['museumkg commit']} + {len(changed.splitlines())} uncommitted file(s)"
        )
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {
        "machine": {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory_gb": memory,
            "system": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": versions,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--triples",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        metavar="N",
        help="catalog sizes (default: 10^5 10^6; add 10000000 for 10^7)",
    )
    parser.add_argument("--quick", action="store_true", help="few repetitions, short load")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--json", type=Path, default=RESULTS, help=f"where the figures go (default {RESULTS})"
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=28.0,
        help="time budget per size; measurements past it are skipped (default 28)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="scratch parent folder")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="add this run's sizes to the figures already in --json (replacing those sizes), "
        "keeping the earlier run's record beside this one's",
    )
    parser.add_argument(
        "--skip-push",
        action="store_true",
        help="backends: no push to Oxigraph server and Virtuoso, so no figures of theirs "
        "(for a size whose push does not fit the time; the notes say so)",
    )
    return parser.parse_args(argv)


def merged(
    report: dict[str, Any], figures: list[Figure], earlier_path: Path
) -> tuple[dict[str, Any], list[Figure]]:
    """This run's report and figures joined to an earlier run's file (one size may run alone).

    The earlier figures of the sizes run now are replaced, growth is left to be recomputed over
    all sizes, and each run keeps its own record (date, command, machine, versions, seconds,
    notes) under ``runs``, so every figure can be traced to the run that measured it.
    """
    earlier = json.loads(earlier_path.read_text(encoding="utf-8"))
    run_now = set(report["sizes"])
    kept = [
        as_figure(item, int(item["size_triples"]))
        for item in earlier["figures"]
        if not str(item["name"]).startswith("growth") and int(item["size_triples"]) not in run_now
    ]
    runs = earlier.get("runs") or [{k: v for k, v in earlier.items() if k != "figures"}]
    runs = [run for run in runs if not set(run["sizes"]) <= run_now]
    runs.append({k: v for k, v in report.items() if k != "figures"})
    sizes = sorted({size for run in runs for size in run["sizes"]})
    report = {**report, "sizes": sizes, "runs": runs}
    report["notes"] = [note for run in runs for note in run["notes"]]
    return report, kept + figures


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table; write the JSON."""
    args = parse_args(argv)
    # SIGTERM (and SIGINT even when started in the background) unwind through the finally
    # blocks: servers stopped, scratch folders removed.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    started = time.monotonic()
    when = datetime.now(UTC).replace(microsecond=0)
    env = environment()
    figures: list[Figure] = []
    notes: list[str] = []
    for size in args.triples:
        figures += run_size(size, args, notes)
    env["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "date": when.isoformat(),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        **env,
        "sizes": args.triples,
        "seconds": round(time.monotonic() - started, 1),
        "figures": [],
        "notes": notes,
    }
    if args.merge:
        report, figures = merged(report, figures, args.json)
    figures += growth(figures)
    report["figures"] = [f.as_json() for f in figures]
    assert all(tuple(f) == FIGURE_KEYS for f in report["figures"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(figures))
    print()
    for note in notes:
        print(f"- {note}")
    print(f"\n{len(figures)} figures in {report['seconds']}s, written to {args.json}")
    return 0
