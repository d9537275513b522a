"""Page latencies over HTTP against ``museumkg serve``, each beside the SPARQL it replaces.

The web app is built in parallel with the bench, so each page kind is found by probing: its
URLs are resolved against the running app (candidate paths; "next" links followed for deep
pages), and a kind that no URL answers is reported as n/a, not as an error. The reference of a
page is the equivalent SPARQL query sent to ``oxigraph serve``: what the page would cost if it
were answered by one query at request time (the label search and the deep class page are the
~400 ms / ~600 ms scans issue 9 quotes).

Budgets at 10^6 triples (issue 9): entity page median < 20 ms, class listing (any page)
< 50 ms, search < 20 ms, one institution's partners < 50 ms, full partnership edge list
< 200 ms; the map's data (issue 14) < 200 ms. They are shown at every size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, urljoin

import requests

from bench.context import BenchContext
from bench.figures import Figure, median, p95
from bench.http import Timings, sparql, timed
from bench.queries import PAGE_SIZE, PROLOGUE, Samples

#: Deep class page: how many "next" links are followed at most to reach it.
MAX_HOPS = 50
#: A page not answered within this is reported at this value, as a lower bound.
PAGE_TIMEOUT_S = 30.0
#: The network view with the most the app serves (its largest limit, every kind).
NETWORK_PARAMS = "?kind=all&limit=5000"


@dataclass
class Probe:
    """What resolving page URLs needs."""

    session: requests.Session
    url: str  # the server, no trailing slash
    samples: Samples
    base: str  # the dataset base IRI

    def path(self, iri: str) -> str:
        """The URL of an entity IRI on this server."""
        return self.url + "/" + iri[len(self.base) :] if iri.startswith(self.base) else iri

    def ok(self, url: str, accept: str = "text/html") -> requests.Response | None:
        """The response to a GET when it is a 200, else ``None``."""
        try:
            response = self.session.get(url, headers={"Accept": accept}, timeout=PAGE_TIMEOUT_S)
        except requests.Timeout:
            self.slow = True
            return None
        except requests.RequestException:
            return None
        return response if response.status_code == 200 else None

    def answers(self, url: str, accept: str = "text/html") -> bool:
        """Whether the URL answers 200, or is so slow that it did not answer in time."""
        self.slow = False
        return self.ok(url, accept) is not None or self.slow

    slow: bool = False


def _slug(iri: str, base: str) -> str:
    return iri[len(base) :].split("/", 2)[2] if iri.startswith(base) else iri


_HREF = re.compile(r"""<(?:a|link)\b[^>]*>""", re.IGNORECASE)
_ATTR = re.compile(r"""(\w[\w-]*)\s*=\s*("[^"]*"|'[^']*')""")


def next_link(html: str, page_url: str, param: str | None = None) -> str | None:
    """The URL of the "next" page in an HTML page (``rel=next``, else a link with ``param``)."""
    fallback = None
    for tag in _HREF.findall(html):
        attrs = {k.lower(): unescape(v[1:-1]) for k, v in _ATTR.findall(tag)}
        href = attrs.get("href")
        if not href:
            continue
        if "next" in attrs.get("rel", "").split():
            return urljoin(page_url, href)
        if param and fallback is None and re.search(rf"[?&]{param}=", href):
            fallback = urljoin(page_url, href)
    return fallback


def _entity_pages(p: Probe) -> list[str] | None:
    urls = [p.path(iri) for iri in p.samples.entities]
    return urls if urls and p.answers(urls[0]) else None


def _incoming_pages(p: Probe) -> list[str] | None:
    """Page 2 of the incoming links of the most linked-to institutions."""
    urls = []
    for hub in p.samples.hubs:
        page = p.ok(p.path(hub))
        link = next_link(page.text, page.url, "after") if page is not None else None
        if link and p.ok(link):
            urls.append(link)
    return urls or None


def _deep_listing(p: Probe) -> list[str] | None:
    """A class listing page ``offset`` entries deep (people by name), by following "next"."""
    hops = min(MAX_HOPS, p.samples.offset // PAGE_SIZE)
    for path in ("/browse/person", "/browse/Person", "/browse?class=Person", "/class/Person"):
        page = p.ok(p.url + path)
        if page is None:
            continue
        for _hop in range(hops):
            link = next_link(page.text, page.url, "after") or next_link(page.text, page.url, "page")
            following = p.ok(link) if link else None
            if following is None:
                break
            page = following
        return [page.url]
    return None


def _search_pages(p: Probe) -> list[str] | None:
    for pattern in ("/search?q={}", "/search.json?q={}"):
        urls = [p.url + pattern.format(quote(term)) for term in p.samples.terms]
        if urls and p.answers(urls[0]):
            return urls
    return None


def _partner_pages(p: Probe) -> list[str] | None:
    """Institution pages of the hubs: their partners panel is the largest."""
    urls = [p.path(iri) for iri in p.samples.hubs]
    return urls if urls and p.answers(urls[0]) else None


def _why_pages(p: Probe) -> list[str] | None:
    urls = [f"{p.url}/why/{_slug(a, p.base)}/{_slug(b, p.base)}" for a, b in p.samples.pairs]
    return urls if urls and p.answers(urls[0]) else None


def _network_pages(p: Probe) -> list[str] | None:
    for path in ("/network/data.json", "/network/edges.csv"):
        url = p.url + path + NETWORK_PARAMS
        if p.answers(url, "*/*"):
            return [url]
    return None


def _map_pages(p: Probe) -> list[str] | None:
    # the default view (computed at build, read from map.json) and a filtered one (computed
    # on the first request from the loaded network, then kept)
    url = p.url + "/map/data.json"
    return [url, url + "?kind=all"] if p.answers(url, "*/*") else None


@dataclass(frozen=True)
class Page:
    """A page kind: how to find its URLs, its budget, and its SPARQL reference."""

    name: str
    resolve: Callable[[Probe], list[str] | None]
    budget_ms: float | None
    reference: str  # a query name of the mix, or of _extra_references ("": none)
    accept: str = "text/html"
    where: str = ""


PAGES = (
    Page("home page", lambda p: [p.url + "/"], None, "", where="/"),
    Page("entity page", _entity_pages, 20.0, "entity description", where="/id/<kind>/<slug>"),
    Page(
        "incoming links page",
        _incoming_pages,
        None,
        "incoming links",
        where="page 2 of a hub's incoming links (its 'next' link)",
    ),
    Page(
        "class listing deep page",
        _deep_listing,
        50.0,
        "class listing deep page",
        where="people by name, 'next' followed to ~offset 1000",
    ),
    Page("search", _search_pages, 20.0, "label search", where="/search?q=<word of a name>"),
    Page(
        "partners view",
        _partner_pages,
        50.0,
        "institution partners",
        where="institution page of a hub (its partners panel)",
    ),
    Page("why-linked view", _why_pages, None, "why linked", where="/why/<a>/<b>"),
    Page(
        "network data (full edge list)",
        _network_pages,
        200.0,
        "partnership edge list",
        accept="*/*",
        where=f"/network/data.json{NETWORK_PARAMS}",
    ),
    Page(
        "map data",
        _map_pages,
        200.0,
        "",
        accept="*/*",
        where="/map/data.json, the default view (built) and ?kind=all (computed once, kept)",
    ),
)


def _extra_references(s: Samples) -> dict[str, Callable[[int], str]]:
    """SPARQL equivalents of the pages that have no query in the mix."""

    def incoming(i: int) -> str:
        iri = s.hubs[i % len(s.hubs)]
        return PROLOGUE + (f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?s LIMIT 50 OFFSET 50")

    def why(i: int) -> str:
        a, b = s.pairs[i % len(s.pairs)]
        return PROLOGUE + (
            "SELECT ?kind ?program ?source WHERE {\n"
            f"  ?p mkg:partnershipMember <{a}> , <{b}> ; mkg:partnershipKind ?kind ;\n"
            "     mkg:evidenceSource ?source . OPTIONAL { ?p mkg:evidenceProgram ?program }\n"
            "}"
        )

    return {"incoming links": incoming, "why linked": why}


def _reference(ctx: BenchContext, session: requests.Session, name: str) -> float | None:
    if not ctx.oxigraph_url or not name:
        return None
    if name in ctx.oxigraph_ms:
        return ctx.oxigraph_ms[name]
    extra = _extra_references(ctx.samples)
    text = extra.get(name)
    if text is None:
        query = next((q for q in ctx.queries if q.name == name), None)
        if query is None:
            return None
        text = query.text
    endpoint = f"{ctx.oxigraph_url}/query"
    found = timed(lambda i: sparql(session, endpoint, text(i), "select"), ctx.reps, ctx.cap_s)
    value = median(found.ms)
    if value is not None:
        ctx.oxigraph_ms[name] = value
    return value


def find_pages(ctx: BenchContext, session: requests.Session) -> dict[str, list[str]]:
    """For each page kind, the URLs the running app answers (kinds without any: absent)."""
    if not ctx.museumkg_url or not ctx.samples.institutions:
        return {}
    probe = Probe(session, ctx.museumkg_url, ctx.samples, ctx.base_iri)
    found = {}
    for page in PAGES:
        probe.slow = False
        urls = page.resolve(probe)
        if urls and probe.slow:
            ctx.slow_pages.append(page.name)
        if urls:
            found[page.name] = urls
            example = urls[0].removeprefix(ctx.museumkg_url)
            ctx.note(f"page '{page.name}': measured at {page.where} (e.g. {example[:90]})")
        else:
            ctx.note(f"page '{page.name}': the app has no such page yet (n/a)")
    return found


def measure(ctx: BenchContext) -> list[Figure]:
    """Median and p95 of each page kind; n/a where the app has no such page."""
    session = requests.Session()
    found = find_pages(ctx, session)
    figures = []
    for page in PAGES:
        timing: Timings | None = None
        urls = found.get(page.name)
        if urls and page.name in ctx.slow_pages:
            timing = Timings(errors=1, last_error="timed out at the probe")
        elif urls:
            headers = {"Accept": page.accept}
            timing = timed(
                lambda i, u=urls, h=headers: session.get(
                    u[i % len(u)], headers=h, timeout=PAGE_TIMEOUT_S
                ),
                ctx.reps,
                ctx.cap_s,
            )
            if timing.errors:
                ctx.note(f"page '{page.name}': {timing.errors} error(s), {timing.last_error}")
            if not timing.ms and "timed out" in timing.last_error:
                timing.ms = [PAGE_TIMEOUT_S * 1000]  # a lower bound, said in the note
                ctx.note(
                    f"page '{page.name}': no answer within {PAGE_TIMEOUT_S:.0f}s; "
                    f"{PAGE_TIMEOUT_S * 1000:.0f} ms is a lower bound"
                )
        figures.append(
            Figure(
                name=f"page {page.name}: median",
                size_triples=ctx.size,
                value=median(timing.ms) if timing else None,
                unit="ms",
                reference=f"SPARQL on oxigraph serve ({page.reference})"
                if page.reference
                else None,
                reference_value=_reference(ctx, session, page.reference),
                budget=page.budget_ms,
                budget_on="value" if page.budget_ms else None,
            )
        )
        figures.append(
            Figure(
                name=f"page {page.name}: p95",
                size_triples=ctx.size,
                value=p95(timing.ms) if timing else None,
                unit="ms",
            )
        )
    ctx.page_urls = [  # paths: the load test may run on another server process
        url.removeprefix(ctx.museumkg_url or "")
        for name, urls in found.items()
        if name not in ctx.slow_pages
        for url in urls
    ]
    return figures
