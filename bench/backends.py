"""``/sparql`` of ``museumkg serve`` on its three backends: embedded, Oxigraph server, Virtuoso.

The same query mix as :mod:`bench.sparql_mix` (``context.queries``), sent over HTTP to:

- ``museumkg serve`` on the embedded store (the harness's server: pyoxigraph in worker
  processes) -- the reference of every figure;
- ``museumkg serve --endpoint`` over ``oxigraph serve`` (PyPI ``oxigraph``), after
  ``museumkg push`` of the same built catalog;
- ``museumkg serve --endpoint`` over Virtuoso (Debian ``virtuoso-opensource``), pushed the same
  way; left out, with a note, when ``virtuoso-t`` is not installed.

Each figure is the median (and p95) of one query through the app on a remote backend, beside
the same query on the embedded backend. The push time per backend is reported too (seconds per
10^6 triples, beside the embedded ``museumkg load``). No budget: these figures say what moving
the catalog to a server costs or gains per query; they are not a target.

Servers are private (own folders, ports on 127.0.0.1) and die with the measuring process
(``PR_SET_PDEATHSIG``), so a harness time cap cannot leave them behind. The measurement keeps
its own deadline inside the harness's cap and stops pushing or measuring when it is reached.

Alone: ``python -m bench.backends --triples N [--json PATH]`` generates and loads a catalog of N
triples, serves it, measures and prints the table (and writes the figures, the notes, the
machine and the versions to ``PATH`` in the shape of ``bench/results/latest.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.context import BenchContext
from bench.figures import Figure, median, p95
from bench.http import Timings, sparql, timed
from bench.queries import Query
from testing.servers import (
    BENCH_VIRTUOSO,
    PROJECT_DIR,
    exit_with_parent,
    museumkg,
    museumkg_env,
    oxigraph,
    running,
    virtuoso,
)

#: Time kept back from the harness's cap for stopping servers and returning figures.
RESERVE_S = 30.0
#: Less time than this for the backends, and they are skipped (with a note).
MINIMUM_S = 90.0
#: ``museumkg push`` to each server, seconds per 10^6 quads of the store: measured at 10^6
#: (2,279,318 quads) on 2026-12-08 under load (load average ~15 on 2 cores): 308 (Oxigraph
#: server, 701 s) and 263 (Virtuoso, 599 s); with room here. The step's cap is sized by them,
#: and a backend whose push would not fit the time left is skipped with a note.
PUSH_S_PER_MILLION = {"oxigraph": 400.0, "virtuoso": 400.0}
#: Per backend besides its push: start the server, the app over it, the query mix (at most
#: ``ctx.cap_s`` per query), the answers compared with the embedded ones (~4 min at 10^6
#: under the same load).
SERVE_S = 300.0
#: The embedded query mix, measured once as the reference of both backends.
MIX_S = 120.0


@contextmanager
def oxigraph_backend(
    folder: Path, timeout_s: float | None, log: str = "server.log", start_s: float = 120.0
) -> Iterator[str]:
    """A read-write ``oxigraph serve`` in ``folder``; yields its query endpoint.

    ``timeout_s``: its ``--timeout-s`` (none when ``None``). oxigraph serve 0.5 keeps one
    thread per request alive for that long, so thousands of graph PUTs within it exhaust
    ``vm.max_map_count`` and the server panics ("failed to set up alternative stack guard
    page"): push without it, serve queries with it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    server = oxigraph(folder / "data", timeout_s=timeout_s, log=folder / log, die_with_parent=True)
    with running(server, start_s) as started:
        yield f"{started.url}/query"


@contextmanager
def virtuoso_backend(folder: Path) -> Iterator[str]:
    """A private Virtuoso in ``folder``; yields its query endpoint (user dba/dba)."""
    server = virtuoso(folder, BENCH_VIRTUOSO, log=folder / "out", die_with_parent=True)
    with running(server) as started:
        yield f"{started.url}/sparql"


@contextmanager
def app_over(ctx: BenchContext, endpoint: str, log: Path) -> Iterator[str]:
    """``museumkg serve --no-build --endpoint`` over the harness's build folder."""
    env = museumkg_env(var_dir=ctx.var_dir, base_iri=ctx.base_iri, endpoint=endpoint)
    with running(museumkg(env=env, log=log, die_with_parent=True)) as started:
        yield started.url


def push(ctx: BenchContext, endpoint: str, deadline: float, user: str | None = None) -> float:
    """``museumkg push`` the harness's catalog to ``endpoint``; seconds taken.

    Raises:
        TimeoutError: when the deadline came first (the push is stopped).
    """
    env = dict(os.environ, MUSEUMKG_VAR_DIR=str(ctx.var_dir), MUSEUMKG_BASE_IRI=ctx.base_iri)
    if user:
        env.update(MUSEUMKG_ENDPOINT_USER=user, MUSEUMKG_ENDPOINT_PASSWORD=user)
    command = [sys.executable, "-m", "museumkg.cli.main", "push", "--endpoint", endpoint]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=max(1.0, deadline - time.monotonic()),
            preexec_fn=exit_with_parent,  # noqa: PLW1509
        )
    except subprocess.TimeoutExpired as err:
        raise TimeoutError(f"the push to {endpoint} did not finish in time") from err
    if done.returncode != 0:
        raise RuntimeError(f"museumkg push failed: {done.stderr[-500:]}")
    return time.perf_counter() - started


def run_mix(ctx: BenchContext, sparql_url: str) -> dict[str, Timings]:
    """Time every query of the mix at one ``/sparql`` (as :mod:`bench.sparql_mix` does)."""
    session = requests.Session()
    return {
        q.name: timed(
            lambda i, q=q: sparql(session, sparql_url, q.text(i), q.form), ctx.reps, ctx.cap_s
        )
        for q in ctx.queries
    }


def _figures(
    ctx: BenchContext, backend: str, ours: dict[str, Timings], embedded: dict[str, Timings]
) -> list[Figure]:
    found = []
    for query in ctx.queries:
        mine, ref = ours.get(query.name), embedded.get(query.name)
        for stat, fn in (("median", median), ("p95", p95)):
            found.append(
                Figure(
                    name=f"/sparql {query.name} on {backend}: {stat}",
                    size_triples=ctx.size,
                    value=fn(mine.ms) if mine else None,
                    unit="ms",
                    reference="museumkg serve, embedded store",
                    reference_value=fn(ref.ms) if ref else None,
                )
            )
        if mine and mine.errors:
            ctx.note(f"backends: {backend} {query.name}: {mine.errors} error(s), {mine.last_error}")
    return found


def push_estimate_s(ctx: BenchContext, name: str) -> float:
    """How long the push of this size's store to backend ``name`` should take."""
    return PUSH_S_PER_MILLION[name] * ctx.store_triples / 1e6


def cap_s(ctx: BenchContext) -> float:
    """This step's own time at this size, which the harness adds to the size's budget: the
    embedded mix, then for each backend its push at the measured rate, serving and measuring.
    With ``--skip-push`` nothing is pushed, so nothing is measured."""
    if not ctx.push:
        return MINIMUM_S
    return MIX_S + sum(push_estimate_s(ctx, n) + SERVE_S for n in PUSH_S_PER_MILLION) + RESERVE_S


def measure(ctx: BenchContext) -> list[Figure]:
    """The plug-in (see the module docstring): needs the harness's embedded server. Its time
    is :func:`cap_s`, added to the size's budget by the harness, so it keeps none back."""
    return measure_backends(ctx, keep_s=max(0.0, ctx.time_left() - cap_s(ctx)), cap_s=cap_s(ctx))


def measure_backends(ctx: BenchContext, keep_s: float, cap_s: float) -> list[Figure]:
    """Measure the three backends in at most ``cap_s``, leaving ``keep_s`` of the size's
    budget to the harness's later steps."""
    if not ctx.museumkg_url:
        ctx.note("backends: needs the embedded museumkg server running; skipped")
        return []
    if not ctx.push:
        pushes = sum(push_estimate_s(ctx, name) for name in PUSH_S_PER_MILLION)
        ctx.note(
            "backends: push skipped (--skip-push), so no Oxigraph server or Virtuoso figures "
            f"at this size (the pushes would take ~{pushes:.0f}s at the measured rates)"
        )
        return []
    available = min(cap_s, ctx.time_left() - keep_s) - RESERVE_S
    if available < MINIMUM_S:
        ctx.note(f"backends: skipped, {available:.0f}s left in this size's budget")
        return []
    deadline = time.monotonic() + available
    embedded = run_mix(ctx, f"{ctx.museumkg_url}/sparql")
    figures: list[Figure] = []
    scratch = Path(tempfile.mkdtemp(prefix="backends-", dir=ctx.workdir))
    backends = [("Oxigraph server", "oxigraph", None), ("Virtuoso", "virtuoso", "dba")]
    try:
        for label, name, user in backends:
            if name == "virtuoso" and shutil.which("virtuoso-t") is None:
                ctx.note("backends: virtuoso-t is not installed: no Virtuoso figures")
                continue
            left, needed = deadline - time.monotonic(), push_estimate_s(ctx, name) + SERVE_S
            if left < needed:
                ctx.note(
                    f"backends: {label} skipped: its push and measuring would take "
                    f"~{needed:.0f}s at the measured push rate, {max(0.0, left):.0f}s left"
                )
                continue
            folder = scratch / name
            try:
                _one_backend(ctx, label, name, user, folder, deadline, embedded, figures)
            except (RuntimeError, TimeoutError) as err:
                ctx.note(f"backends: {label}: {err}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


#: Longest wait for the Oxigraph server to open its folder again after the push (at 10^6, under
#: load, 120 s was not enough once).
REOPEN_S = 600.0


def _one_backend(
    ctx: BenchContext,
    label: str,
    name: str,
    user: str | None,
    folder: Path,
    deadline: float,
    embedded: dict[str, Timings],
    found: list[Figure],
) -> None:
    """Push, serve and measure one backend, adding its figures to ``found`` as they come (the
    push's stays when serving fails)."""
    print(f"    backends: {label}: start, push, serve, measure", file=sys.stderr, flush=True)
    if name == "virtuoso":
        with virtuoso_backend(folder) as endpoint:
            found.append(_push_figure(ctx, label, push(ctx, endpoint, deadline, user)))
            ours = _serve_and_measure(ctx, label, endpoint, folder)
    else:  # pushed without --timeout-s, queried with it (see oxigraph_backend)
        with oxigraph_backend(folder, None) as endpoint:
            found.append(_push_figure(ctx, label, push(ctx, endpoint, deadline, user)))
        with oxigraph_backend(folder, 120.0, "serve.log", REOPEN_S) as endpoint:
            ours = _serve_and_measure(ctx, label, endpoint, folder)
    found += _figures(ctx, label, ours, embedded)


def _push_figure(ctx: BenchContext, label: str, seconds: float) -> Figure:
    print(f"    backends: {label}: pushed in {seconds:.0f}s", file=sys.stderr, flush=True)
    return Figure(
        name=f"push to {label}: s per 10^6 triples",
        size_triples=ctx.size,
        value=seconds / ctx.store_triples * 1e6,
        unit="s/Mtriples",
        reference="museumkg load (whole)",
        reference_value=_load_per_million(ctx),
    )


def _serve_and_measure(
    ctx: BenchContext, label: str, endpoint: str, folder: Path
) -> dict[str, Timings]:
    """The query mix through ``museumkg serve --endpoint``, answers compared to embedded."""
    with app_over(ctx, endpoint, folder / "museumkg.log") as app:
        ours = run_mix(ctx, f"{app}/sparql")
        _compare_answers(ctx, label, f"{app}/sparql")
    return ours


def _answer_size(url: str, query: Query) -> int | str:
    """Rows (SELECT) or triples (CONSTRUCT) of the first instance of ``query`` at ``url``."""
    response = sparql(requests.Session(), url, query.text(0), query.form)
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if query.form == "select":
        return len(response.json()["results"]["bindings"])
    return sum(1 for line in response.text.splitlines() if line.strip())


def _compare_answers(ctx: BenchContext, label: str, url: str) -> None:
    """Note any query whose answer differs in size from the embedded one: a fast wrong
    answer is not a fast answer."""
    assert ctx.museumkg_url is not None
    same = 0
    for query in ctx.queries:
        here = _answer_size(f"{ctx.museumkg_url}/sparql", query)
        there = _answer_size(url, query)
        if here == there:
            same += 1
        else:
            ctx.note(f"backends: {label} {query.name}: {there} vs {here} results embedded")
    ctx.note(f"backends: {label}: {same}/{len(ctx.queries)} queries answer as many results")


def _load_per_million(ctx: BenchContext) -> float | None:
    total = ctx.load_seconds.get("total")
    return total / ctx.triples * 1e6 if total and ctx.triples else None


def main(argv: list[str] | None = None) -> int:
    """Generate and load N triples, serve them embedded, measure the three backends, print."""
    from bench import build_load
    from bench.figures import table
    from bench.harness import _context, environment
    from bench.servers import museumkg_server

    parser = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__)
    parser.add_argument("--triples", type=int, default=100_000, help="catalog size")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--quick", action="store_true", help="few repetitions")
    parser.add_argument("--minutes", type=float, default=30.0, help="time budget")
    parser.add_argument("--json", type=Path, default=None, help="where the figures go")
    parser.add_argument(
        "--load-minutes", type=float, default=None, help="cap of the load (default: --minutes/2)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    started, when, env = time.monotonic(), datetime.now(UTC).replace(microsecond=0), environment()
    workdir = Path(tempfile.mkdtemp(prefix=f"museumkg-backends-{args.triples}-"))
    try:
        var_dir = workdir / "var"
        load_minutes = args.minutes / 2 if args.load_minutes is None else args.load_minutes
        print(f"generating and loading {args.triples:,} triples in {workdir}", file=sys.stderr)
        loaded = build_load.generate_and_load(
            args.triples, workdir, var_dir, args.seed, timeout=load_minutes * 60
        )
        if not loaded.ok:
            print(f"museumkg load failed: {loaded.load.error}", file=sys.stderr)
            return 1
        deadline = time.monotonic() + args.minutes * 60
        ctx = _context(args.triples, args, loaded, workdir, var_dir, deadline)
        with museumkg_server(var_dir, ctx.base_iri, workdir / "museumkg.log") as ours:
            ctx.museumkg_url = ours.url
            figures = measure_backends(ctx, keep_s=0.0, cap_s=args.minutes * 60)
        print(table(figures))
        for note in ctx.notes:
            print(f"- {note}")
        if args.json is not None:
            env["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
            report = {
                "date": when.isoformat(),
                "command": "python -m bench.backends "
                + " ".join(sys.argv[1:] if argv is None else argv),
                **env,
                "sizes": [args.triples],
                "seconds": round(time.monotonic() - started, 1),
                "load_seconds": ctx.load_seconds,
                "figures": [f.as_json() for f in figures],
                "notes": ctx.notes,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
            args.json.write_text(text, encoding="utf-8")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
