"""``/sparql`` latency beside ``oxigraph serve``, on the same data, over HTTP, in one run.

    python -m bench.sparql_latency [--runs 50] [--warmup 3]

Builds the catalog from ``data/`` into a temporary folder (OWL check off), starts
``museumkg serve --no-build`` (granian, the production path: screen, worker pool, result
writers) and ``oxigraph serve-read-only --union-default-graph`` over the very same store
folder, both on 127.0.0.1. Each query of :data:`MIX` is sent ``--runs`` times to each server
(POST form, as SPARQLWrapper and YASGUI send it, one keep-alive session per server, after
``--warmup`` unmeasured runs), alternating servers so both see the same machine load. Prints
the median and p95 per query side by side with the ratio of medians (museumkg / oxigraph), and
stops both servers whatever happens. Budget (shared/DESIGN.md): ratio within 1.2.

``measure(context)`` is the same measurement for ``bench.harness`` (servers already running).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0
BUDGET_RATIO = 1.2
ACCEPT = {"select": "application/sparql-results+json", "construct": "application/n-triples"}

_PROLOGUE = """PREFIX mkg: <https://w3id.org/museumkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class MixQuery:
    """One query of the fixed mix."""

    name: str
    form: str  # "select" (SELECT and ASK) or "construct"
    text: str


#: The fixed query mix: a point lookup, an ASK, aggregates, a text filter, a join, a page of
#: raw triples (serialization cost) and a CONSTRUCT.
MIX: tuple[MixQuery, ...] = tuple(
    MixQuery(name, form, _PROLOGUE + text)
    for name, form, text in (
        ("ask", "select", "ASK { ?x a mkg:City }"),
        (
            "entity",
            "select",
            "SELECT ?p ?o WHERE { <https://w3id.org/museumkg/id/org/unesco-almaty> ?p ?o }",
        ),
        (
            "class-counts",
            "select",
            "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?class } "
            "GROUP BY ?class ORDER BY DESC(?n)",
        ),
        (
            "graph-sizes",
            "select",
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        ),
        (
            "label-filter",
            "select",
            "SELECT DISTINCT ?e ?l WHERE { ?e skos:prefLabel ?l "
            'FILTER(CONTAINS(LCASE(STR(?l)), "museum")) } LIMIT 50',
        ),
        (
            "join",
            "select",
            "SELECT ?program ?label ?organiser WHERE { ?program mkg:organizer ?o ; "
            "skos:prefLabel ?label . ?o skos:prefLabel ?organiser }",
        ),
        ("triples-1000", "select", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000"),
        (
            "construct",
            "construct",
            "CONSTRUCT { ?x skos:prefLabel ?l } WHERE { ?x a mkg:City ; skos:prefLabel ?l }",
        ),
    )
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("the `oxigraph` CLI is missing: pip install -e '.[test]' (oxigraph)")
    return found


def _wait(process: subprocess.Popen[bytes], url: str, name: str) -> None:
    """Poll ``url`` until it answers 200; fail if the process ends first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode} before answering")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{name} did not answer {url} within {START_TIMEOUT_S:.0f} s")


@contextmanager
def _running(command: list[str], probe: str, name: str, env: dict[str, str]) -> Iterator[None]:
    """Start a server process, wait until ``probe`` answers, stop it (terminate, then kill)."""
    process = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(process, probe, name)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _post(session: requests.Session, endpoint: str, query: str, form: str) -> float:
    """One timed request (ms), body read completely; non-2xx is an error."""
    started = time.perf_counter()
    response = session.post(
        endpoint, data={"query": query}, headers={"Accept": ACCEPT[form]}, timeout=120
    )
    _ = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{endpoint} answered {response.status_code}: {response.text[:200]}")
    return elapsed


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank).

    >>> p95([float(v) for v in range(1, 101)])
    95.0
    """
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))]


#: CPU per query of a server: (whole process tree, its query worker processes), in ms.
CpuUse = dict[str, dict[str, tuple[float, float]]]


def time_mix(
    endpoints: dict[str, str],
    queries: list[tuple[str, str, str]],
    runs: int,
    warmup: int,
    pids: dict[str, int] | None = None,
    cpu: CpuUse | None = None,
) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per query name per endpoint name; servers alternate on every run.

    With ``pids`` (endpoint name -> server process id) and a ``cpu`` dict, also the CPU time
    each server's process tree used per timed run, by query name then endpoint name: (the
    whole tree, its query workers). Only these requests reach the servers meanwhile, so CPU,
    unlike wall time, does not count the time other work on the machine held the cores.
    """
    from bench.servers import tree_cpu_s

    sessions = {name: requests.Session() for name in endpoints}
    timings: dict[str, dict[str, list[float]]] = {n: {} for n, _, _ in queries}
    for name, form, text in queries:
        started: dict[str, tuple[float, float]] = {}
        for i in range(warmup + runs):
            if i == warmup and pids and cpu is not None:
                started = {target: tree_cpu_s(pid) for target, pid in pids.items()}
            for target, endpoint in endpoints.items():
                ms = _post(sessions[target], endpoint, text, form)
                if i >= warmup:
                    timings[name].setdefault(target, []).append(ms)
        if started and cpu is not None:
            for target, (total, workers) in started.items():
                now_total, now_workers = tree_cpu_s((pids or {})[target])
                cpu.setdefault(name, {})[target] = (
                    (now_total - total) * 1000 / runs,
                    (now_workers - workers) * 1000 / runs,
                )
    for session in sessions.values():
        session.close()
    return timings


def report(timings: dict[str, dict[str, list[float]]]) -> str:
    """The side-by-side table: median and p95 per server, ratio of medians."""
    header = (
        f"{'query':<14} {'museumkg median':>16} {'p95':>8} {'oxigraph median':>16} {'p95':>8}"
        f" {'ratio':>6}"
    )
    lines = [header, "-" * len(header)]
    ratios = []
    for name, per in timings.items():
        ours, theirs = per["museumkg"], per["oxigraph"]
        ratio = statistics.median(ours) / statistics.median(theirs)
        ratios.append(ratio)
        verdict = "" if ratio <= BUDGET_RATIO else "  over budget"
        lines.append(
            f"{name:<14} {statistics.median(ours):>13.2f} ms {p95(ours):>8.2f}"
            f" {statistics.median(theirs):>13.2f} ms {p95(theirs):>8.2f} {ratio:>6.2f}{verdict}"
        )
    lines.append(f"ratio of medians: budget {BUDGET_RATIO}; geometric mean {_geomean(ratios):.2f}")
    return "\n".join(lines)


def _geomean(values: list[float]) -> float:
    return statistics.geometric_mean(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Build, serve twice, measure, print, stop."""
    parser = argparse.ArgumentParser(prog="python -m bench.sparql_latency", description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="timed runs per query and server")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs first")
    args = parser.parse_args(argv)

    from museumkg.build.pipeline import build_catalog
    from museumkg.config import Settings
    from museumkg.store.catalog import current_store_dir

    with tempfile.TemporaryDirectory(prefix="museumkg-bench-") as scratch:
        settings = Settings(var_dir=Path(scratch) / "var", check_owl=False)
        print("building the catalog ...", file=sys.stderr)
        manifest = build_catalog(settings)
        store_dir = current_store_dir(settings)
        assert store_dir is not None
        env = dict(os.environ)
        env["MUSEUMKG_VAR_DIR"] = str(settings.var_dir)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_DIR / "src"), str(PROJECT_DIR), env.get("PYTHONPATH")) if p
        )
        ours, theirs = _free_port(), _free_port()
        museumkg = [sys.executable, "-m", "museumkg.cli.main", "serve", "--no-build"]
        museumkg += ["--host", "127.0.0.1", "--port", str(ours)]
        oxigraph = [_oxigraph(), "serve-read-only", "--location", str(store_dir)]
        oxigraph += ["--bind", f"127.0.0.1:{theirs}", "--union-default-graph"]
        ox_probe = f"http://127.0.0.1:{theirs}/query?query=ASK%7B%7D"
        with (
            _running(museumkg, f"http://127.0.0.1:{ours}/health", "museumkg serve", env),
            _running(oxigraph, ox_probe, "oxigraph serve-read-only", env),
        ):
            endpoints = {
                "museumkg": f"http://127.0.0.1:{ours}/sparql",
                "oxigraph": f"http://127.0.0.1:{theirs}/query",
            }
            print(
                f"{manifest.triples:,} triples; {len(MIX)} queries x {args.runs} runs "
                f"(+{args.warmup} warm-up) on each server",
                file=sys.stderr,
            )
            timings = time_mix(
                endpoints, [(q.name, q.form, q.text) for q in MIX], args.runs, args.warmup
            )
    print(report(timings))
    return 0


def measure(context: Any) -> list[dict[str, Any]]:
    """The harness plug-in (bench/README.md): the same figures on the harness's servers.

    Uses the harness's query mix (``context.queries``) when it has one, else :data:`MIX`.
    """
    if not (context.museumkg_url and context.oxigraph_url):
        context.note("sparql_latency: needs both servers running; skipped")
        return []
    mix = getattr(context, "queries", None)
    queries = (
        [(q.name, q.form, q.text(0)) for q in mix]
        if mix
        else [(q.name, q.form, q.text) for q in MIX]
    )
    cpu: CpuUse = {}
    pids = None
    if context.museumkg_pid and context.oxigraph_pid:
        pids = {"museumkg": context.museumkg_pid, "oxigraph": context.oxigraph_pid}
    timings = time_mix(
        {"museumkg": f"{context.museumkg_url}/sparql", "oxigraph": f"{context.oxigraph_url}/query"},
        queries,
        runs=context.reps,
        warmup=1,
        pids=pids,
        cpu=cpu,
    )
    figures = []
    for name, per in timings.items():
        for stat, fn, budget in (("median", statistics.median, BUDGET_RATIO), ("p95", p95, None)):
            value, reference = fn(per["museumkg"]), fn(per["oxigraph"])
            figures.append(
                {
                    "name": f"/sparql {name}: {stat}",
                    "size_triples": context.size,
                    "value": value,
                    "unit": "ms",
                    "reference": "oxigraph serve (HTTP)",
                    "reference_value": reference,
                    "ratio": value / reference if reference else None,
                    "budget": budget,
                    "budget_on": "ratio" if budget else None,
                }
            )
    return figures + _cpu_figures(cpu, context.size)


def _cpu_figures(cpu: CpuUse, size: int) -> list[dict[str, Any]]:
    """CPU per query of the served tree beside ``oxigraph serve``'s, and of it the query
    workers' share (the rest is the app process: HTTP, Flask, the screen, the worker hop)."""
    figures = []
    for name, per in cpu.items():
        if "museumkg" not in per or "oxigraph" not in per:
            continue
        (total, workers), (reference, _) = per["museumkg"], per["oxigraph"]
        for label, value in (("server CPU per query", total), ("of it in query workers", workers)):
            figures.append(
                {
                    "name": f"/sparql {name}: {label}",
                    "size_triples": size,
                    "value": value,
                    "unit": "ms",
                    "reference": "oxigraph serve CPU per query",
                    "reference_value": reference,
                    "ratio": value / reference if reference else None,
                    "budget": None,
                    "budget_on": None,
                }
            )
    return figures


if __name__ == "__main__":
    sys.exit(main())
