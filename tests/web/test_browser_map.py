"""The map page in a real headless Chromium: markers, popups, arcs, filters, the shared URL,
keyboard use and the axe-core audit.

A live server runs over the map's generated catalog (tests/map_catalog.py: made-up
institutions in Central Asian cities with coordinates, built by the real build). Playwright
for Python drives Debian's Chromium (``/usr/bin/chromium``); screenshots go to
``test-artifacts/map-*.png`` for a person to look at. The page must not ask another host for
anything (no tiles, no CDN).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from browser import ARTIFACTS, PROJECT_DIR, TIMEOUT_MS, require
from map_catalog import build_map_catalog, serve

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
Browser = playwright_api.Browser
Page = playwright_api.Page

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("map-browser")
    settings, _planted = build_map_catalog(root)
    with serve(settings, root / "server.log") as url:
        yield url


@pytest.fixture()
def page(browser: Browser, map_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    refused: list[str] = []  # what the page's Content-Security-Policy blocked
    opened.on("pageerror", lambda err: errors.append(str(err)))
    opened.on(
        "request",
        lambda r: None if r.url.startswith((map_server, "data:")) else foreign.append(r.url),
    )
    opened.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield opened
    context.close()
    assert errors == [], "uncaught JavaScript errors"
    assert foreign == [], "the map must not call other hosts (no tiles, no CDN)"
    assert refused == [], "the CSP refused something the map needs"


def _shot(page: Page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{name}.png"), full_page=full)


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#map[data-outlines]")
    assert int(page.get_attribute("#map", "data-outlines") or 0) > 200, "country outlines drawn"


def _data(map_server: str, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = requests.get(f"{map_server}/map/data.json{query}", timeout=30).json()
    return found


def _markers(page: Page) -> list[str]:
    """The places with a marker on the map now (clustered or not), sorted."""
    found: list[str] = page.evaluate("() => Object.keys(window.museumkgMap.markers).sort()")
    return found


def _zoom_unclustered(page: Page) -> None:
    """Zoom in far enough that no marker is clustered, on the places drawn."""
    page.evaluate(
        """() => { const m = window.museumkgMap;
                   m.map.setView(m.map.getCenter(), 7, {animate: false}); }"""
    )
    page.wait_for_selector(".place-marker")


def test_markers_and_arcs_are_what_the_server_sends(page: Page, map_server: str) -> None:
    _open(page, f"{map_server}/map")
    expected = _data(map_server)
    assert _markers(page) == sorted(p["id"] for p in expected["places"])
    assert page.get_attribute("#map", "data-arcs") == str(len(expected["arcs"]))
    drawn = page.evaluate("() => Object.keys(window.museumkgMap.arcs).length")
    assert drawn == len(expected["arcs"]) > 0
    # the count on each marker (clusters sum theirs) adds up to every institution drawn
    counts = page.evaluate(
        """() => { let n = 0; window.museumkgMap.cluster.eachLayer(m => { n += m.options.count; });
                   return n; }"""
    )
    assert counts == expected["stats"]["institutions"]
    _shot(page, "overview")


def test_a_marker_popup_lists_its_institutions(page: Page, map_server: str) -> None:
    _open(page, f"{map_server}/map#map=7/42/72")
    expected = {p["id"]: p for p in _data(map_server)["places"]}
    marker = page.locator(".place-marker").first
    iri = marker.get_attribute("data-place")
    assert iri in expected
    marker.click()
    popup = page.locator(f".place-popup[data-place='{iri}']")
    popup.wait_for()
    links = popup.locator("li a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert links == ["/" + o["path"] for o in expected[iri]["institutions"]]
    assert f"place={iri.rsplit('/', 1)[-1]}" in page.url
    assert page.locator(f"#places-table tr.selected[data-place='{iri}']").count() == 1
    _shot(page, "popup")
    popup.locator("li a").first.click()
    page.wait_for_url(f"**/{expected[iri]['institutions'][0]['path']}")


def test_clicking_an_arc_lists_its_pairs_with_why_links(page: Page, map_server: str) -> None:
    _open(page, f"{map_server}/map")
    arc = _data(map_server)["arcs"][0]
    page.locator(f"button[data-arc='{arc['id']}']").click()
    popup = page.locator(f".arc-popup[data-arc='{arc['id']}']")
    popup.wait_for()
    whys = popup.locator("a.why").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert whys == ["/" + pair["why"] for pair in arc["pairs"]]
    _shot(page, "arc")
    # a click on the line itself opens the same list
    page.evaluate("() => window.museumkgMap.map.closePopup()")
    page.evaluate(
        """id => { const line = window.museumkgMap.arcs[id];
                   line.fire('click', {latlng: line.getCenter()}); }""",
        arc["id"],
    )
    popup.wait_for()
    popup.locator("a.why").first.click()
    page.wait_for_url("**/why/**")
    assert page.locator("h1").count() == 1


def test_filters_change_what_is_drawn_and_the_url_keeps_the_view(
    page: Page, map_server: str, browser: Browser
) -> None:
    _open(page, f"{map_server}/map")
    page.evaluate("() => window.museumkgMap.map.setView([41.5, 70.5], 6, {animate: false})")
    page.select_option("select[name=country]", "kg")
    page.fill("input[name=from]", "2002")
    page.click("#map-filters button[type=submit]")
    page.wait_for_url(re.compile(r"/map\?.*country=kg"))
    page.wait_for_selector("#map[data-outlines]")
    shared = page.url
    parts = urlsplit(shared)
    assert "from=2002" in parts.query and parts.fragment.startswith("map=6/41.5")
    expected = _data(map_server, "?" + parts.query)
    assert _markers(page) == sorted(p["id"] for p in expected["places"])
    assert len(expected["places"]) < len(_data(map_server)["places"])
    assert page.get_attribute("#map", "data-arcs") == str(len(expected["arcs"]))
    # open a place: the link now says which
    page.evaluate("iri => window.museumkgMap.showPlace(iri, false)", expected["places"][0]["id"])
    page.wait_for_selector(".place-popup")
    shared = page.url
    assert "place=" in shared
    _shot(page, "filtered")
    # the shared link, opened elsewhere, shows the same view: filters, centre, zoom, popup
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        again = other.new_page()
        _open(again, shared)
        again.wait_for_selector(".place-popup")
        assert again.locator("select[name=country]").input_value() == "kg"
        assert again.locator("input[name=from]").input_value() == "2002"
        assert _markers(again) == _markers(page)
        view = again.evaluate(
            "() => { const m = window.museumkgMap.map; const c = m.getCenter();"
            " return [m.getZoom(), c.lat, c.lng]; }"
        )
        mine = page.evaluate(
            "() => { const m = window.museumkgMap.map; const c = m.getCenter();"
            " return [m.getZoom(), c.lat, c.lng]; }"
        )
        assert (
            view[0] == mine[0] and abs(view[1] - mine[1]) < 0.01 and abs(view[2] - mine[2]) < 0.01
        )
        assert (
            again.locator(".place-popup").get_attribute("data-place") == expected["places"][0]["id"]
        )
    finally:
        other.close()


def _tab_through_map(page: Page) -> tuple[set[str], int]:
    """Tab from the map's container until focus leaves the map: the places whose markers got
    focus, and how many clusters did."""
    page.locator("#map").focus()
    places: set[str] = set()
    clusters = 0
    for _step in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [String(e.className), e.getAttribute('data-place'), e.getAttribute('role'),"
            " e.getAttribute('aria-label') || e.textContent, !!e.closest('#map')]; }"
        )
        if not focused[4] or "leaflet-control" in focused[0]:
            break
        assert focused[2] == "button" and focused[3].strip(), focused
        if "place-marker" in focused[0]:
            places.add(focused[1])
        elif "place-cluster" in focused[0]:
            clusters += 1
    return places, clusters


def _settled(page: Page) -> None:
    """Wait until the map has stopped zooming (polling its state; no timed assertion)."""
    for _poll in range(100):
        busy = page.evaluate(
            "() => !!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"
        )
        if not busy:
            return
        page.wait_for_timeout(50)


def test_keyboard_reaches_every_marker(page: Page, map_server: str) -> None:
    expected = {p["id"] for p in _data(map_server)["places"]}
    _open(page, f"{map_server}/map")
    reached, clusters = _tab_through_map(page)
    on_top = page.locator(".place-marker, .place-cluster").count()
    assert len(reached) + clusters == on_top, "every marker and cluster drawn takes focus"
    # Enter on a cluster zooms in to its places, whose markers then take focus in turn
    for index in range(clusters):
        _open(page, f"{map_server}/map")
        page.locator(".place-cluster").nth(index).focus()
        page.keyboard.press("Enter")
        _settled(page)
        found, _inner = _tab_through_map(page)
        reached |= found
    assert reached == expected, expected - reached
    # Enter on a marker opens its popup
    first = sorted(expected)[0]
    page.evaluate("iri => window.museumkgMap.showPlace(iri, true)", first)
    page.wait_for_selector(f".place-popup[data-place='{first}']")
    page.keyboard.press("Escape")
    page.locator(f".place-marker[data-place='{first}']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f".place-popup[data-place='{first}']")
    # and the table's "show on map" buttons reach each one directly, focus on its marker
    last = sorted(expected)[-1]
    page.locator(f"button.show-on-map[data-place='{last}']").click()
    page.wait_for_selector(f".place-popup[data-place='{last}']")
    assert page.evaluate("() => document.activeElement.getAttribute('data-place')") == last
    _shot(page, "keyboard")


def test_the_map_passes_the_axe_audit(browser: Browser, map_server: str) -> None:
    require(AXE, "run `npm ci` (make setup) to install axe-core from package-lock.json")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    try:
        page = context.new_page()
        _open(page, f"{map_server}/map#map=6/41.5/70.5")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not problems, "axe-core on /map:\n" + "\n".join(problems)
        _shot(page, "page", full=True)
    finally:
        context.close()


def test_page_works_without_javascript(browser: Browser, map_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{map_server}/map?country=uz")
        rows = page.locator("#places-table tbody tr[data-place]").count()
        assert rows == len(_data(map_server, "?country=uz")["places"]) > 0
        assert page.locator("#map").is_hidden()
        assert page.locator("button.show-on-map").first.is_hidden()
    finally:
        context.close()
