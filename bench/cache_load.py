"""The 8-client load through an HTTP cache vs direct: what nginx ``proxy_cache`` buys.

The same GET mix (home, the pages found, ``GET /sparql`` of the entity-description and partners
queries over a few bindings, as a client reading the site repeats them) is sent by
:data:`bench.load_test.CLIENTS` threads for the same time straight to ``museumkg serve`` and
through nginx with the configuration of docs/deploy.md (``tests/servers.py``'s launcher, so the
bench runs exactly what the tests check). museumkg marks the answers cacheable (ETag,
``Cache-Control``); nginx keeps them for ``MUSEUMKG_CACHE_MAX_AGE_S`` and revalidates them with
conditional requests after that. Figures: requests per second and p95 latency, cached beside
direct, and the share of answers the cache served (``X-Cache-Status: HIT``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import requests

from bench.context import BenchContext
from bench.figures import Figure, p95
from bench.http import SPARQL_ACCEPT
from bench.load_test import CLIENTS, REQUEST_TIMEOUT_S, LoadRun, Request, run_load
from testing.servers import NGINX, nginx_cache, running

#: Distinct bindings of each query in the mix (a reader's repeated questions).
BINDINGS = 4


def _mix(root: str, ctx: BenchContext, hits: list[int]) -> list[Request]:
    """GET requests to ``root`` (museumkg or the cache in front of it)."""

    def get(url: str, headers: dict[str, str]) -> Request:
        def send(session: requests.Session, _i: int) -> requests.Response:
            response = session.get(url, headers=headers, timeout=REQUEST_TIMEOUT_S)
            if response.headers.get("X-Cache-Status") == "HIT":
                hits.append(1)
            return response

        return send

    made = [get(root + "/", {"Accept": "text/html"})]
    made += [get(root + path, {"Accept": "text/html"}) for path in ctx.page_urls]
    names = ("entity description", "institution partners")
    for query in ctx.queries:
        if query.name not in names:
            continue
        for i in range(BINDINGS):
            url = requests.Request("GET", root + "/sparql", params={"query": query.text(i)})
            prepared = url.prepare().url
            assert prepared is not None
            made.append(get(prepared, {"Accept": SPARQL_ACCEPT[query.form]}))
    return made


def measure(ctx: BenchContext) -> list[Figure]:
    """Throughput and p95 of the GET mix, through nginx's cache and direct."""
    if not ctx.museumkg_url:
        ctx.note("cache: museumkg is not serving; nothing measured")
        return []
    if not NGINX.exists():
        ctx.note("cache: nginx is not installed (scripts/system-deps.sh); nothing measured")
        return []
    duration = 3.0 if ctx.quick else 20.0
    direct_hits: list[int] = []
    direct = run_load(_mix(ctx.museumkg_url, ctx, direct_hits), ctx.museumkg_pid, duration)
    folder = Path(ctx.workdir) / "nginx-cache"
    cached_hits: list[int] = []
    try:
        with running(nginx_cache(ctx.museumkg_url, folder), timeout_s=30) as nginx:
            url = nginx.url
            mix = _mix(url, ctx, cached_hits)
            cached = run_load(mix, ctx.museumkg_pid, duration)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    answered = cached.done + cached.errors

    def rate(run_: LoadRun) -> float | None:
        return run_.done / run_.seconds if run_.seconds else None

    def shown(value: float | None, unit: str) -> str:
        return f"{value:.1f} {unit}" if value is not None else "-"

    ctx.note(
        f"cache: {len(mix)} URLs, {CLIENTS} clients, {duration:g}s each way: direct "
        f"{shown(rate(direct), 'req/s')}, p95 {shown(p95(direct.ms), 'ms')} "
        f"({direct.errors} errors); through nginx {shown(rate(cached), 'req/s')}, p95 "
        f"{shown(p95(cached.ms), 'ms')} ({cached.errors} errors), {len(cached_hits)} of "
        f"{answered} answers cache hits"
    )

    return [
        Figure(
            f"load {CLIENTS} clients, GET mix via nginx cache: throughput",
            ctx.size,
            rate(cached),
            "req/s",
            "the same mix straight to museumkg",
            rate(direct),
        ),
        Figure(
            f"load {CLIENTS} clients, GET mix via nginx cache: p95 latency",
            ctx.size,
            p95(cached.ms),
            "ms",
            "the same mix straight to museumkg",
            p95(direct.ms),
        ),
        Figure(
            f"load {CLIENTS} clients, GET mix via nginx cache: hit share",
            ctx.size,
            100.0 * len(cached_hits) / answered if answered else None,
            "%",
        ),
        Figure(
            f"load {CLIENTS} clients, GET mix via nginx cache: errors",
            ctx.size,
            float(cached.errors + direct.errors),
            "count",
            budget=0.0,
            budget_on="value",
        ),
    ]
