"""Bounded concurrent load: 8 client threads for 20 s, on museumkg serve and on oxigraph serve.

The museumkg mix cycles through the pages that exist, ``/sparql`` (entity description and
partners, when the route exists) and the home page; the oxigraph mix sends the same two
SPARQL queries to ``oxigraph serve``. Every response is read in full; a non-2xx answer or a
failed request is an error. The server's resident memory (its whole process tree, worker
pools included) is sampled throughout: "flat under load" means the memory at the end is not
above the memory once warmed up by more than :data:`FLAT_RSS_RATIO`. Warmed up is the later of
half the run and the moment every URL of the mix had been answered twice: before that, the
store's caches and the query workers are still filling, which is growth, not a leak.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from bench.context import BenchContext
from bench.figures import Figure, p95
from bench.http import SPARQL_ACCEPT
from bench.servers import tree_rss_mb

CLIENTS = 8
#: A request under load taking longer than this is an error (a user would have given up).
REQUEST_TIMEOUT_S = 30.0
#: After the run, requests still in flight get this long to finish, then are left unfinished.
GRACE_S = 15.0
#: Serving memory at the end of the load / after warm-up: above this, it is not flat.
FLAT_RSS_RATIO = 1.2

Request = Callable[[requests.Session, int], requests.Response]


@dataclass
class LoadRun:
    """What one run under load gave."""

    seconds: float = 0.0
    done: int = 0
    errors: int = 0
    ms: list[float] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (t, MB)
    last_error: str = ""
    unfinished: int = 0
    #: Seconds into the run when every URL of the mix had been requested twice.
    covered_at: float | None = None

    @property
    def ms_per_request(self) -> float | None:
        """Wall time per completed request (the inverse of throughput)."""
        return self.seconds * 1000 / self.done if self.done else None

    @property
    def warmed_at(self) -> float:
        """Seconds into the run from which the memory should stay flat (see the module doc)."""
        return max(self.seconds / 2, self.covered_at if self.covered_at is not None else 0.0)

    def rss_at(self, moment: float) -> float | None:
        """Memory sampled closest after ``moment`` seconds into the run."""
        if not self.rss:
            return None
        later = [mb for t, mb in self.rss if t >= moment]
        return later[0] if later else self.rss[-1][1]


# Complexity: the client threads share the run's lock, stop event and counters as closures
def run_load(requests_: list[Request], pid: int | None, duration: float) -> LoadRun:  # noqa: C901
    """``CLIENTS`` threads send requests round-robin for ``duration`` seconds."""
    out = LoadRun()
    lock = threading.Lock()
    stop = threading.Event()
    started = time.perf_counter()

    def client(number: int) -> None:
        session = requests.Session()
        i = number
        while not stop.is_set():
            make = requests_[i % len(requests_)]
            t0 = time.perf_counter()
            try:
                response = make(session, i // len(requests_))
                _ = response.content
                ok = 200 <= response.status_code < 300
                error = "" if ok else f"HTTP {response.status_code}"
            except requests.RequestException as err:
                ok, error = False, str(err)[:200]
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if out.covered_at is None and out.done + out.errors + 1 >= 2 * len(requests_):
                    out.covered_at = time.perf_counter() - started
                if ok:
                    out.done += 1
                    out.ms.append(elapsed)
                else:
                    out.errors += 1
                    out.last_error = error
            i += CLIENTS

    def sampler() -> None:
        while not stop.is_set() and pid is not None:
            out.rss.append((time.perf_counter() - started, tree_rss_mb(pid)))
            stop.wait(0.25)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=sampler, daemon=True))
    for thread in threads:
        thread.start()
    stop.wait(duration)
    stop.set()
    out.seconds = time.perf_counter() - started
    grace = time.monotonic() + GRACE_S
    for thread in threads:
        thread.join(timeout=max(0.0, grace - time.monotonic()))
    out.unfinished = sum(1 for thread in threads[:CLIENTS] if thread.is_alive())
    if pid is not None:
        out.rss.append((out.seconds, tree_rss_mb(pid)))
    return out


def _sparql(endpoint: str, ctx: BenchContext, names: tuple[str, ...]) -> list[Request]:
    made: list[Request] = []
    for query in ctx.queries:
        if query.name in names:
            made.append(
                lambda session, i, q=query: session.post(
                    endpoint,
                    data={"query": q.text(i)},
                    headers={"Accept": SPARQL_ACCEPT[q.form]},
                    timeout=REQUEST_TIMEOUT_S,
                )
            )
    return made


def measure(ctx: BenchContext) -> list[Figure]:
    """Throughput, p95, errors and memory under load, museumkg beside oxigraph serve."""
    duration = 3.0 if ctx.quick else 20.0
    names = ("entity description", "institution partners")
    ours: list[Request] = []
    if ctx.museumkg_url:
        home = ctx.museumkg_url + "/"
        ours.append(lambda session, i: session.get(home, timeout=REQUEST_TIMEOUT_S))
        for path in ctx.page_urls:
            ours.append(
                lambda session, i, u=ctx.museumkg_url + path: session.get(
                    u, headers={"Accept": "text/html"}, timeout=REQUEST_TIMEOUT_S
                )
            )
        try:
            probe = requests.post(
                ctx.museumkg_url + "/sparql", data={"query": "ASK {}"}, timeout=REQUEST_TIMEOUT_S
            )
            has_sparql = probe.status_code != 404
        except requests.RequestException:
            has_sparql = True  # busy, not missing: the load will tell
        if has_sparql:
            ours += _sparql(ctx.museumkg_url + "/sparql", ctx, names)
        if ctx.slow_pages:
            ctx.note(
                "load: left out of the mix, as they do not answer within the page limit: "
                + ", ".join(ctx.slow_pages)
            )
    mine = run_load(ours, ctx.museumkg_pid, duration) if ours else None
    ref = None
    if ctx.oxigraph_url:
        ref = run_load(_sparql(ctx.oxigraph_url + "/query", ctx, names), ctx.oxigraph_pid, duration)
    if mine is not None:
        ctx.note(
            f"load: museumkg {mine.done} requests in {mine.seconds:.1f}s over {len(ours)} URLs "
            f"(home, the pages found, /sparql when there) with {CLIENTS} clients; "
            f"{mine.errors} error(s) {mine.last_error}; {mine.unfinished} still in flight "
            f"{GRACE_S:.0f}s after the end".rstrip()
        )
    if ref is not None:
        ctx.note(f"load: oxigraph serve {ref.done} requests, {ref.errors} error(s)")
    warm = mine.rss_at(mine.warmed_at) if mine else None
    end = mine.rss_at(mine.seconds) if mine else None
    if mine is not None and mine.covered_at is None:
        ctx.note("load: not every URL was answered twice: the memory was never warmed up")
    peak = max((mb for _t, mb in mine.rss), default=None) if mine else None
    ref_peak = max((mb for _t, mb in ref.rss), default=None) if ref else None
    return [
        Figure(
            f"load {CLIENTS} clients: wall ms per request",
            ctx.size,
            mine.ms_per_request if mine else None,
            "ms",
            "oxigraph serve, SPARQL only",
            ref.ms_per_request if ref else None,
        ),
        Figure(
            f"load {CLIENTS} clients: p95 latency",
            ctx.size,
            p95(mine.ms) if mine else None,
            "ms",
            "oxigraph serve, SPARQL only",
            p95(ref.ms) if ref else None,
        ),
        Figure(
            f"load {CLIENTS} clients: errors",
            ctx.size,
            float(mine.errors) if mine else None,
            "count",
            "oxigraph serve, SPARQL only",
            float(ref.errors) if ref else None,
            budget=0.0,
            budget_on="value",
        ),
        Figure(
            "serve RSS: peak under load",
            ctx.size,
            peak,
            "MB",
            "oxigraph serve peak under load",
            ref_peak,
        ),
        Figure(
            "serve RSS: end of load vs warmed up",
            ctx.size,
            end,
            "MB",
            "RSS warmed up (every URL answered twice, half the run over)",
            warm,
            budget=FLAT_RSS_RATIO,
            budget_on="ratio",
        ),
    ]
