"""``/sparql`` of ``museumkg serve`` vs ``oxigraph serve``, over HTTP, on the query mix.

Built in; replaced by ``bench/sparql_latency.py`` when that module exists and exposes
``measure(context)`` (see bench/README.md). Budget (issue 9): the median of every query within
1.2x of the same query sent to ``oxigraph serve`` over HTTP.
"""

from __future__ import annotations

import requests

from bench.context import BenchContext
from bench.figures import Figure, median, p95
from bench.http import Timings, sparql, timed

#: /sparql median within this multiple of oxigraph serve's.
BUDGET_RATIO = 1.2


def _run(ctx: BenchContext, endpoint: str, session: requests.Session) -> dict[str, Timings]:
    found = {}
    for query in ctx.queries:
        found[query.name] = timed(
            lambda i, q=query: sparql(session, endpoint, q.text(i), q.form), ctx.reps, ctx.cap_s
        )
    return found


def measure(ctx: BenchContext) -> list[Figure]:
    """Median and p95 of each query of the mix on both servers."""
    session = requests.Session()
    reference: dict[str, Timings] = {}
    if ctx.oxigraph_url:
        reference = _run(ctx, f"{ctx.oxigraph_url}/query", session)
        ctx.oxigraph_ms.update(
            {name: m for name, t in reference.items() if (m := median(t.ms)) is not None}
        )
    else:
        ctx.note("the oxigraph CLI is missing (pip install oxigraph): no /sparql reference")
    ours: dict[str, Timings] = {}
    if ctx.museumkg_url:
        probe = ctx.queries[0]
        response = sparql(session, f"{ctx.museumkg_url}/sparql", probe.text(0), probe.form)
        if response.status_code == 404:
            ctx.note("museumkg serve has no /sparql route yet: /sparql figures are n/a")
        else:
            ours = _run(ctx, f"{ctx.museumkg_url}/sparql", session)
    figures = []
    for query in ctx.queries:
        mine, ref = ours.get(query.name), reference.get(query.name)
        for stat, fn, budget in (("median", median, BUDGET_RATIO), ("p95", p95, None)):
            figures.append(
                Figure(
                    name=f"/sparql {query.name}: {stat}",
                    size_triples=ctx.size,
                    value=fn(mine.ms) if mine else None,
                    unit="ms",
                    reference="oxigraph serve (HTTP)",
                    reference_value=fn(ref.ms) if ref else None,
                    budget=budget,
                    budget_on="ratio" if budget else None,
                )
            )
        for who, timing in (("museumkg /sparql", mine), ("oxigraph serve", ref)):
            if timing and timing.errors:
                ctx.note(f"{who} {query.name}: {timing.errors} error(s), {timing.last_error}")
            if timing and timing.capped:
                ctx.note(
                    f"{who} {query.name}: stopped after {ctx.cap_s:.0f}s, {len(timing.ms)} runs"
                )
    return figures
