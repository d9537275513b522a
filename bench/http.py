"""Timing HTTP requests: one warm-up, then repetitions until a count or a time cap is reached."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

SPARQL_ACCEPT = {
    "select": "application/sparql-results+json",
    "construct": "application/n-triples",
}
TIMEOUT_S = 120.0
#: Timed runs always made, whatever the time cap (a slow query still gets a median).
MIN_RUNS = 3


@dataclass
class Timings:
    """Milliseconds of the timed repetitions, and what went wrong."""

    ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: list[int] = field(default_factory=list)
    capped: bool = False
    last_error: str = ""


def timed(request: Callable[[int], requests.Response], reps: int, cap_s: float) -> Timings:
    """Call ``request(i)`` once to warm up, then ``reps`` times (stopping after ``cap_s``,
    but not before :data:`MIN_RUNS` timed runs; and at the first request that times out).

    A response counts when it is 2xx and its body was read completely.
    """
    out = Timings()
    started = time.perf_counter()
    for i in range(-1, reps):
        if i >= MIN_RUNS and time.perf_counter() - started > cap_s:
            out.capped = True
            break
        t0 = time.perf_counter()
        try:
            response = request(max(i, 0))
            _ = response.content
            elapsed = (time.perf_counter() - t0) * 1000
            ok = 200 <= response.status_code < 300
            out.statuses.append(response.status_code)
            if not ok:
                out.last_error = f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as err:
            ok, elapsed = False, 0.0
            out.last_error = str(err)[:200]
            if isinstance(err, requests.Timeout):  # one is evidence enough; waiting costs
                out.errors += 1
                out.capped = True
                break
        if i < 0:
            continue  # the warm-up is not counted
        if ok:
            out.ms.append(elapsed)
        else:
            out.errors += 1
    return out


def sparql(session: requests.Session, endpoint: str, text: str, form: str) -> requests.Response:
    """POST a query as a form, the way SPARQLWrapper and YASGUI do."""
    return session.post(
        endpoint,
        data={"query": text},
        headers={"Accept": SPARQL_ACCEPT[form]},
        timeout=TIMEOUT_S,
    )


def available(session: requests.Session, url: str, accept: str = "text/html") -> int | None:
    """Status of a GET (``None`` when the server does not answer)."""
    try:
        return session.get(url, headers={"Accept": accept}, timeout=TIMEOUT_S).status_code
    except requests.RequestException:
        return None
