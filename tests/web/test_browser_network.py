"""The network page in a real headless Chromium: filters redraw, clicks open pages.

A live server runs over a generated catalog of ten institutions (tests/network_catalog.py,
built by the real build: validation, rules, metrics), so the filters have something to change.
Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``); screenshots go to
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from browser import ARTIFACTS, TIMEOUT_MS
from network_catalog import write_catalog
from servers import museumkg_server

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
Browser = playwright_api.Browser
Page = playwright_api.Page


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over a generated ten-institution catalog; yields its base URL."""
    root = tmp_path_factory.mktemp("network-catalog")
    write_catalog(root / "data", 10, seed=7)
    settings = Settings(var_dir=root / "var", data_dir=root / "data", check_owl=False)
    build_catalog(settings)
    with museumkg_server(settings, log=root / "server.log") as server:
        yield server.url


@pytest.fixture()
def page(browser: Browser, network_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    refused: list[str] = []  # what the page's Content-Security-Policy blocked
    opened.on("pageerror", lambda err: errors.append(str(err)))
    opened.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    opened.on(
        "request",
        lambda r: None if r.url.startswith((network_server, "data:")) else foreign.append(r.url),
    )
    yield opened
    context.close()
    assert errors == [], "uncaught JavaScript errors"
    assert foreign == [], "the page must not call other hosts"
    assert refused == [], "the CSP refused something the network page needs"


def _screenshot(page: Page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _drawn(page: Page) -> dict[str, Any]:
    """What Cytoscape holds now: node ids and edge ids."""
    drawn: dict[str, Any] = page.evaluate(
        """() => { const cy = window.museumkgNetwork.cy();
                   return {nodes: cy.nodes().map(n => n.id()).sort(),
                           edges: cy.edges().map(e => e.id()).sort()}; }"""
    )
    return drawn


def _wait_redrawn(page: Page, query: str) -> None:
    """Wait until the drawing shows the view of ``query`` (the page's filter parameters).

    (Selectors, not ``wait_for_function``: the page's CSP forbids the eval it uses.)
    """
    page.wait_for_selector(f"#network-graph[data-query='{query}']")


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#network-graph[data-edges]")


def _expected(network_server: str, query: str = "") -> dict[str, Any]:
    data: dict[str, Any] = requests.get(
        f"{network_server}/network/data.json{query}", timeout=30
    ).json()
    return data


def test_page_draws_what_the_server_sends(page: Page, network_server: str) -> None:
    _open(page, f"{network_server}/network")
    expected = _expected(network_server)
    drawn = _drawn(page)
    assert drawn["nodes"] == sorted(n["id"] for n in expected["nodes"]) and drawn["nodes"]
    assert drawn["edges"] == sorted(e["id"] for e in expected["edges"])
    assert page.locator("#network-graph canvas").count() > 0
    assert page.locator("#network-note").inner_text().startswith(expected["note"])
    # the drawing replaces the table as the main view; the table stays one click away
    assert not page.locator("#links-details").get_attribute("open")
    _screenshot(page, "network-10-institutions")


def test_filters_change_what_is_drawn(page: Page, network_server: str) -> None:
    _open(page, f"{network_server}/network")
    everything = _drawn(page)
    page.uncheck("input[name=kind][value=participated]")
    _wait_redrawn(page, "kind=co-organised%2Cstated")
    expected = _expected(network_server, "?kind=co-organised,stated")
    only_co = _drawn(page)
    assert only_co["edges"] == sorted(e["id"] for e in expected["edges"])
    assert len(only_co["edges"]) < len(everything["edges"])
    assert page.url.endswith("/network?kind=co-organised%2Cstated"), "the view is a link"
    _screenshot(page, "network-10-co-organised-only")

    # one year from the timeline: its programs' links only
    year = expected["timeline"][0]["year"]
    page.click(f"#timeline a[data-year='{year}']")
    page.wait_for_selector(f"#network-graph[data-query*='from={year}&to={year}']")
    one_year = _expected(network_server, f"?kind=co-organised,stated&from={year}&to={year}")
    assert _drawn(page)["edges"] == sorted(e["id"] for e in one_year["edges"])
    assert page.input_value("input[name=from]") == str(year)

    # a country: only links touching an institution there
    page.goto(f"{network_server}/network")
    page.wait_for_selector("#network-graph[data-edges]")
    country = page.locator("select[name=country] option").nth(1).get_attribute("value")
    page.select_option("select[name=country]", country)
    page.wait_for_selector(f"#network-graph[data-query='country={country}']")
    in_country = _expected(network_server, f"?country={country}")
    assert _drawn(page)["edges"] == sorted(e["id"] for e in in_country["edges"])
    _screenshot(page, f"network-10-country-{country}")


def _wait_settled(page: Page) -> None:
    """Wait until the layout stops moving (a busy machine may still be animating it)."""
    where = "() => window.museumkgNetwork.cy().nodes().map((n) => n.renderedPosition())"
    before = page.evaluate(where)
    for _ in range(50):
        page.wait_for_timeout(100)
        now = page.evaluate(where)
        if now == before:
            return
        before = now


def _click_element(page: Page, selector_js: str) -> None:
    """Click where Cytoscape drew an element (its rendered position inside the canvas)."""
    box = page.locator("#network-graph").bounding_box()
    assert box is not None
    _wait_settled(page)
    where = f"""() => {{ const cy = window.museumkgNetwork.cy(); const el = {selector_js};
                    const p = el.isNode() ? el.renderedPosition() : el.renderedMidpoint();
                    return {{x: p.x, y: p.y}}; }}"""
    point = page.evaluate(where)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_clicking_a_node_opens_its_page(page: Page, network_server: str) -> None:
    _open(page, f"{network_server}/network")
    node = _expected(network_server)["nodes"][0]
    with page.expect_navigation():
        _click_element(page, f"cy.getElementById({node['id']!r})")
    assert page.url == f"{network_server}/id/org/{node['slug']}"
    entity = requests.get(page.url, headers={"Accept": "text/html"}, timeout=30)
    if entity.status_code == 200:  # entity pages are served (webapp/views/entities.py)
        assert node["label"] in page.content()
    _screenshot(page, "network-10-clicked-node")


#: The id of a drawn link whose midpoint is clear of every node and every other link, so a
#: click there can only hit that link (links are straight lines between their ends).
_CLEAR_EDGE = """() => {
  const cy = window.museumkgNetwork.cy();
  const gap = (p, a, b) => {
    const dx = b.x - a.x, dy = b.y - a.y, len = dx * dx + dy * dy;
    const t = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
    return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
  };
  for (const edge of cy.edges()) {
    const m = edge.renderedMidpoint();
    const onNode = cy.nodes().some((n) => {
      const bb = n.renderedBoundingBox();
      return m.x > bb.x1 - 6 && m.x < bb.x2 + 6 && m.y > bb.y1 - 6 && m.y < bb.y2 + 6;
    });
    const onEdge = cy.edges().some((o) => o.id() !== edge.id() &&
      gap(m, o.source().renderedPosition(), o.target().renderedPosition()) < 10);
    if (!onNode && !onEdge) return edge.id();
  }
  return null;
}"""


def test_clicking_a_link_opens_the_why_page(page: Page, network_server: str) -> None:
    _open(page, f"{network_server}/network")
    _wait_settled(page)
    clear = page.evaluate(_CLEAR_EDGE)
    assert clear, "every drawn link is crossed by another element at its midpoint"
    edge = next(e for e in _expected(network_server)["edges"] if e["id"] == clear)
    with page.expect_navigation():
        _click_element(page, f"cy.getElementById({edge['id']!r})")
    assert page.url == network_server + edge["why"]
    assert page.locator("h1").inner_text().startswith("Why are ")
    assert page.locator("ol.paths > li").count() >= 1
    _screenshot(page, "network-10-why", full=True)


def test_page_works_without_javascript(browser: Browser, network_server: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{network_server}/network?kind=co-organised")
    expected = _expected(network_server, "?kind=co-organised")
    assert page.locator("#links tbody tr").count() == len(expected["edges"])
    assert page.locator("#network-graph").is_hidden()
    page.uncheck("input[name=kind][value=co-organised]")
    page.check("input[name=kind][value=participated]")
    page.click("form.network-filters button[type=submit]")
    page.wait_for_load_state()
    assert "kind=participated" in page.url
    participated = _expected(network_server, "?kind=participated")
    assert page.locator("#links tbody tr").count() == max(1, len(participated["edges"]))
    _screenshot(page, "network-10-without-javascript", full=True)
    context.close()
