"""Generate, then load two ways: raw ``pyoxigraph.Store.bulk_load`` vs ``museumkg load``.

Everything runs in child processes, so each peak memory (``ru_maxrss`` from ``wait4``) is the
child's own and each step can be capped in time. Figures are seconds per 10^6 triples of the
generated file (a rate, lower is better), each beside the raw bulk load:

- the load step of museumkg (bulk load of the file + the ontology): budget 1.5x (issue 9);
- the whole build and each of its steps (derivation, network metrics, quality graph + index,
  the map's files, release dumps, landing). ``museumkg load`` runs with ``--skip metrics
  --skip release`` and those two steps are then run on their own on the landed store
  (:mod:`bench.build_step`), metrics before the servers start (the network pages read what it
  writes), the release after they stop; so a step too slow for the time budget is capped
  (reported as a lower bound) instead of taking the whole run with it. The map step therefore
  reads the network from the store here, where a whole build hands it over from the metrics
  step;
- the peak memory of the build (the largest of those children) and of the raw bulk load;
- a rebuild after one changed source: its graph replaced and the derived graph brought up to
  date incrementally (:mod:`museumkg.network.rederive`); budget "seconds", taken as 10 s;
- the build's size on disk (:func:`disk_figures`), once the release is written: the store's
  own files beside the raw bulk-loaded store's folder; the catalog index, the release dumps and
  all of the store folder beside the store's own files, the whole folder's budget 3x (issue 17).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.context import BenchContext
from bench.figures import Figure, per_million
from bench.servers import PROJECT_DIR
from museumkg.index.catalog_index import index_path
from museumkg.release.assemble import dumps_dir
from museumkg.synth.generate import SynthCatalog, generate_file

#: Load step within this multiple of the raw bulk load (issue 9).
LOAD_BUDGET_RATIO = 1.5
#: "A rebuild after one changed source costing seconds".
REBUILD_BUDGET_S = 10.0
#: Store + index + release (the whole store folder) within this multiple of the raw store.
DISK_BUDGET_RATIO = 3.0
#: Build steps ``museumkg load`` leaves out, to run them on their own (capped).
DEFERRED = ("metrics", "release")
#: How long a child stopped with the harness may take to clean up before it is killed.
STOP_GRACE_S = 30.0

_RAW = """
import sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
t = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
print(time.perf_counter() - t)
"""
_PROGRESS = re.compile(r"^\[\s*([0-9.]+)s\] (.*)$")
#: Build steps, by how their progress lines start (each step prints when it is done).
STEP_PREFIXES = (
    ("rule ", "derivation (rules)"),
    ("network metrics", "network metrics"),
    ("data quality", "quality graph + catalog index"),
    ("catalog index", "quality graph + catalog index"),
    ("map:", "map files (map.json, GeoJSON)"),  # "other" until 2026-12-08: the bulk of it
    ("dump ", "release dumps"),
    ("diff from", "release dumps"),
)


@dataclass
class ChildRun:
    """A finished (or stopped) child process: its output, peak memory and fate."""

    stdout: str
    stderr: str
    peak_mb: float
    seconds: float
    error: str = ""

    def last_float(self) -> float | None:
        """The number on the last line of stdout (what the children print)."""
        try:
            return float(self.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return None


@dataclass
class Loaded:
    """The loads of one file and the build steps timed on their own."""

    catalog: SynthCatalog
    generate_s: float
    raw: ChildRun
    load: ChildRun
    summary: dict[str, object] = field(default_factory=dict)
    deferred: dict[str, ChildRun] = field(default_factory=dict)
    raw_store_bytes: int | None = None

    @property
    def ok(self) -> bool:
        """Whether ``museumkg load`` landed a store."""
        return not self.load.error and bool(self.summary)


def run_measured(command: list[str], env: dict[str, str] | None, timeout: float) -> ChildRun:
    """Run a child; its output, its own peak RSS (``ru_maxrss`` of ``wait4``) and wall time.

    A child still running after ``timeout`` seconds is killed (``error`` says so). When this
    process is stopped meanwhile (SIGTERM or SIGINT unwind as ``SystemExit`` in ``python -m
    bench`` and ``bench.backends``), the child is stopped and waited for before the exception
    goes on (:func:`_stop_child`), so no ``museumkg load`` outlives the harness.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        return _follow(proc, started, timeout)
    except BaseException:
        _stop_child(proc)
        raise


def _stop_child(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait: ``museumkg load`` removes its half-built store on SIGTERM
    (``cli.stopping``); SIGKILL if it has not ended within :data:`STOP_GRACE_S`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _follow(proc: subprocess.Popen[bytes], started: float, timeout: float) -> ChildRun:
    """Read the child's output until it ends (killed at ``timeout``); see run_measured."""
    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    streams: dict[int, list[bytes]] = {out_fd: [], err_fd: []}
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    selector.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + max(1.0, timeout)
    error = ""
    while selector.get_map():
        if time.monotonic() > deadline:
            proc.kill()
            error = f"stopped after {timeout:.0f}s"
            break
        for key, _events in selector.select(timeout=1.0):
            data = os.read(key.fd, 1 << 16)
            if data:
                streams[key.fd].append(data)
            else:
                selector.unregister(key.fileobj)
    selector.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    stdout = b"".join(streams[out_fd]).decode(errors="replace")
    stderr = b"".join(streams[err_fd]).decode(errors="replace")
    if not error and proc.returncode != 0:
        error = f"failed (exit status {proc.returncode}): {stderr.strip()[-1500:]}"
    return ChildRun(stdout, stderr, usage.ru_maxrss / 1024, time.perf_counter() - started, error)


def generate_and_load(size: int, workdir: Path, var_dir: Path, seed: int, timeout: float) -> Loaded:
    """Generate the catalog, bulk-load it raw, then ``museumkg load`` it into ``var_dir``.

    Raises:
        RuntimeError: when the raw bulk load fails (nothing can be measured then).
    """
    nquads = workdir / f"synthetic-{size}.nq"
    started = time.perf_counter()
    made = generate_file(nquads, size, seed)
    generate_s = time.perf_counter() - started
    raw_dir = workdir / "raw-store"
    raw = run_measured([sys.executable, "-c", _RAW, str(raw_dir), str(nquads)], None, timeout)
    raw_bytes = folder_bytes(raw_dir) if raw_dir.is_dir() else None
    shutil.rmtree(raw_dir, ignore_errors=True)
    if raw.error or raw.last_float() is None:
        raise RuntimeError(f"the raw bulk load {raw.error or 'printed no time'}")
    command = [sys.executable, "-m", "museumkg.cli.main", "load", str(nquads)]
    command += ["--var-dir", str(var_dir), "--json"]
    for step in DEFERRED:
        command += ["--skip", step]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    load = run_measured(command, env, timeout)
    loaded = Loaded(made, generate_s, raw, load, raw_store_bytes=raw_bytes)
    if not load.error:
        loaded.summary = json.loads(load.stdout.strip().splitlines()[-1])
    return loaded


def run_deferred(ctx: BenchContext, loaded: Loaded, step: str, cap: float) -> None:
    """Run one deferred build step on the landed store (not served meanwhile), capped."""
    command = [sys.executable, "-m", "bench.build_step", "steps"]
    command += [str(ctx.store_dir), str(ctx.var_dir), step]
    run = run_measured(command, dict(os.environ, PYTHONUNBUFFERED="1"), cap)
    loaded.deferred[step] = run
    if run.error:
        ctx.note(f"build step {step} on its own: {run.error}; its time is a lower bound")


def rebuild(ctx: BenchContext, cap: float) -> list[Figure]:
    """Change one source and re-derive, on the landed store (servers stopped), capped."""
    program, partner = ctx.samples.programs[0], ctx.samples.institutions[-1]
    command = [sys.executable, "-m", "bench.build_step", "rebuild"]
    command += [str(ctx.store_dir), str(ctx.var_dir), program, partner]
    run = run_measured(command, None, cap)
    seconds = run.last_float() if not run.error else None
    if run.error:
        ctx.note(f"rebuild after one changed source: {run.error} (so it takes longer than that)")
        seconds = run.seconds if run.error.startswith("stopped") else None
    ctx.note(
        "rebuild after one changed source = replace its graph + incremental derivation "
        "(the rules re-run over the neighbourhood of the institutions it touches); network "
        "metrics, the index and the release would then run again in full"
    )
    return [
        Figure(
            "rebuild after one changed source (replace graph + derive)",
            ctx.size,
            seconds,
            "s",
            "whole build (museumkg load, end to end)",
            ctx.whole_build_s,
            budget=REBUILD_BUDGET_S,
            budget_on="value",
        )
    ]


def parse_progress(stderr: str) -> list[tuple[float, str]]:
    """The ``[  t s] message`` lines of a ``museumkg`` command's progress."""
    found = []
    for line in stderr.splitlines():
        match = _PROGRESS.match(line)
        if match:
            found.append((float(match.group(1)), match.group(2)))
    return found


def steps(progress: list[tuple[float, str]]) -> dict[str, float]:
    """Seconds per build step after the bulk load, from the progress lines' timestamps.

    Each line closes the step it names; its time since the previous line is that step's.
    """
    times: dict[str, float] = {}
    previous: float | None = None
    for t, text in progress:
        if text.startswith("bulk-loaded"):
            previous = t
            continue
        if previous is None or text.startswith("skipping"):
            continue
        name = next((n for prefix, n in STEP_PREFIXES if text.startswith(prefix)), "other")
        if text.startswith("catalog ") and "is serving" in text:
            name = "land (counts, flush, swap)"
        times[name] = times.get(name, 0.0) + (t - previous)
        previous = t
    return times


def whole_build_seconds(loaded: Loaded) -> float | None:
    """Load wall time + the deferred steps (``None`` when the load failed)."""
    if not loaded.ok:
        return None
    return loaded.load.seconds + sum(run.seconds for run in loaded.deferred.values())


def figures(size: int, loaded: Loaded) -> list[Figure]:
    """Load and build figures, each beside the raw bulk load (n/a parts when the load failed)."""
    n = loaded.catalog.triples
    raw_s = loaded.raw.last_float()
    raw = per_million(raw_s, n)
    progress = parse_progress(loaded.load.stderr)
    seconds = {k: float(v) for k, v in dict(loaded.summary.get("seconds", {})).items()}  # type: ignore[call-overload]
    if "bulk_load" in seconds:
        load_step: float | None = seconds["bulk_load"] + seconds.get("ontology", 0.0)
    else:  # stopped: the progress still tells when the bulk load ended
        load_step = next((t for t, line in progress if line.startswith("bulk-loaded")), None)

    def against_raw(name: str, value: float | None, **budget: object) -> Figure:
        return Figure(
            name, size, per_million(value, n), "s/10^6 triples", "raw pyoxigraph bulk_load", raw,
            **budget,  # type: ignore[arg-type]
        )  # fmt: skip

    out = [
        against_raw(
            "load step (bulk load + ontology)",
            load_step,
            budget=LOAD_BUDGET_RATIO,
            budget_on="ratio",
        ),
        against_raw("whole build (museumkg load, end to end)", whole_build_seconds(loaded)),
    ]
    step_times = steps(progress)
    for step, run in loaded.deferred.items():
        if run.error:  # stopped by its cap: its whole time so far, a lower bound
            label = "network metrics" if step == "metrics" else "release dumps"
            step_times[f"{label} (stopped: lower bound)"] = run.seconds
            continue
        for name, value in steps([(0.0, "bulk-loaded"), *parse_progress(run.stderr)]).items():
            if name != "other":
                step_times[name] = step_times.get(name, 0.0) + value
    for name, value in step_times.items():
        out.append(against_raw(f"build step: {name}", value))
    peaks = [loaded.load.peak_mb, *(run.peak_mb for run in loaded.deferred.values())]
    out.append(
        Figure(
            "build peak RSS",
            size,
            max(peaks) or None,
            "MB",
            "raw pyoxigraph bulk_load peak RSS",
            loaded.raw.peak_mb,
        )
    )
    out.append(against_raw("generate synthetic catalog", loaded.generate_s))
    return out


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under ``folder`` (apparent sizes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def disk_figures(size: int, loaded: Loaded, store_dir: Path) -> list[Figure]:
    """The landed build on disk, in MB: the store's own files (the engine's, beside the raw
    bulk-loaded store's folder: derivation and the ontology add statements), then the catalog
    index, the release dumps and the whole store folder (those and the small build files
    beside them: network, map), each beside the store's own files: the whole folder's budget
    is 3x the pyoxigraph store it serves (issue 17)."""
    index = index_path(store_dir)
    dumps = dumps_dir(store_dir)
    parts = {
        "catalog index": index.stat().st_size if index.is_file() else 0,
        "release dumps": folder_bytes(dumps) if dumps.is_dir() else 0,
    }
    engine = (
        sum(
            p.stat().st_size
            for p in store_dir.iterdir()
            if p.is_file() and p != index and p.suffix not in (".json", ".geojson")
        )
        / 1e6
    )
    raw_mb = loaded.raw_store_bytes / 1e6 if loaded.raw_store_bytes else None
    out = [
        Figure(
            "on disk: store (engine files)",
            size,
            engine,
            "MB",
            "raw pyoxigraph store (bulk_load folder)",
            raw_mb,
        )
    ]
    reference = "the store's engine files (pyoxigraph)"
    for name, value in parts.items():
        out.append(Figure(f"on disk: {name}", size, value / 1e6, "MB", reference, engine))
    out.append(
        Figure(
            "on disk: store + index + release (whole store folder)",
            size,
            folder_bytes(store_dir) / 1e6,
            "MB",
            reference,
            engine,
            budget=DISK_BUDGET_RATIO,
            budget_on="ratio",
        )
    )
    return out
