"""The reader's pages in a real headless Chromium: a walk from the home page to a source, an
accessibility audit (axe-core from npm), a phone-sized screen, keyboard use and no JavaScript.

Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``, installed by
``scripts/system-deps.sh``); Playwright's own browser downloads are never used. axe-core comes
from ``node_modules`` (``npm ci``, pinned by package-lock.json). Screenshots of every step go
to ``test-artifacts/`` (kept by CI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, PROJECT_DIR, TIMEOUT_MS, require

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
Browser = playwright_api.Browser
Page = playwright_api.Page

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: The axe-core rule sets the pages must pass without a single violation.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

pytestmark = pytest.mark.slow


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    # the audit injects axe-core as an inline script: the pages' CSP would refuse it (the
    # editor's and the network's tests run under the CSP)
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, locale="en-GB", bypass_csp=True
    )
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    errors: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    opened.on("pageerror", lambda err: errors.append(str(err)))
    yield opened
    context.close()
    assert not dialogs, f"a page opened a dialog (script ran): {dialogs}"
    assert not errors, f"uncaught script errors: {errors}"


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pages-{name}.png"), full_page=True)


def _audit(page: Page, name: str) -> None:
    """Run axe-core on the page; fail with every violation, named with its nodes."""
    require(AXE, "run `npm ci` (make setup) to install axe-core from package-lock.json")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not problems, f"axe-core on {name}:\n" + "\n".join(problems)


def test_walk_home_search_training_organiser_person_source(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    _shot(page, "01-home")
    page.get_by_label("Search the catalog").fill("Almaty")
    page.get_by_label("Search the catalog").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Almaty"))
    _shot(page, "02-search-almaty")
    results = page.locator("ol.results > li > a")
    assert results.first.inner_text() == "Almaty"  # the city's own name ranks first
    training = page.locator("ol.results > li", has_text="held or located in")
    training.get_by_role("link", name="Museums in a Changing World").click()
    page.wait_for_url(re.compile(r"/id/program/museums-in-a-changing-world-2005$"))
    assert page.locator("h1").inner_text() == "Museums in a Changing World"
    _shot(page, "03-training")

    organisers = page.locator("dl.statements .statement", has_text="organizer")
    organisers.get_by_role("link", name="Laboratory of Museum Projects").click()
    page.wait_for_url(re.compile(r"/id/org/lab-museum-design-rik$"))
    _shot(page, "04-organiser")
    role = page.locator("ul.roles li").first
    assert "Dr. Lebedev — lead trainer of Museums in a Changing World (2005)" in role.inner_text()

    role.get_by_role("link", name="Dr. Lebedev").click()
    page.wait_for_url(re.compile(r"/id/person/dr-lebedev$"))
    assert page.locator("h1").inner_text() == "Dr. Lebedev"
    _shot(page, "05-dr-lebedev")

    page.locator("ol.sources").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/id/source/unesco-almaty-2005-museum-management-training$"))
    assert "Central Asian Museum Management Training" in page.locator("h1").inner_text()
    assert page.locator("#facts section.subject").count() > 5
    _shot(page, "06-source")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=Almaty",
        "/id/program/museums-in-a-changing-world-2005",
        "/id/person/dr-lebedev?lang=ru",
        "/id/source/unesco-almaty-2005-museum-management-training",
        "/id/place/almati",
        "/id/org/rik-moscow",  # an institution's summary, the map slot, statement sections
        "/id/place/almaty?lang=ru",  # a place's Same as row (GeoNames) and its many names
        "/browse",
        "/browse/Institution",
        "/browse/topics",
        "/browse/places",
        "/ontology",
    ],
)
def test_pages_pass_the_accessibility_audit(page: Page, live_server: str, path: str) -> None:
    response = page.goto(live_server + path)
    assert response is not None and response.status in (200, 404)
    _audit(page, path)


def test_readable_on_a_phone(browser: Browser, live_server: str) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    phone = context.new_page()
    try:
        for name, path in [
            ("phone-training", "/id/program/museums-in-a-changing-world-2005"),
            ("phone-browse", "/browse/Institution"),
            ("phone-search", "/search?q=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B"),
        ]:
            phone.goto(live_server + path)
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways on a phone by {overflow}px"
            _shot(phone, name)
    finally:
        context.close()


def test_keyboard_skip_link_and_search(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/id/person/dr-lebedev")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.focus("#site-search")
    page.keyboard.type("Алматы")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("ol.results > li > a").first.inner_text() == "Almaty"


def test_usable_without_javascript(browser: Browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    try:
        plain.goto(f"{live_server}/browse/City")
        plain.get_by_label("Search the catalog").fill("Alma-Ata")
        plain.get_by_role("button", name="Search", exact=True).first.click()
        plain.wait_for_url(re.compile(r"/search\?q=Alma-Ata"))
        plain.locator("ol.results > li > a").first.click()
        plain.wait_for_url(re.compile(r"/id/place/almaty$"))
        plain.get_by_role("link", name="Русский").click()
        assert plain.locator("h1").inner_text() == "Алматы"
        assert plain.locator("html").get_attribute("lang") == "ru"
        _shot(plain, "no-js-almaty-ru")
    finally:
        context.close()


def test_the_search_box_suggests_names_as_the_reader_types(page: Page, live_server: str) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server}/browse")
    box = page.get_by_label("Search the catalog")
    box.press_sequentially("unesco alm", delay=20)
    options = page.locator("#site-search-suggestions option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("os => os.map(o => o.value)")
    assert values[0] == "UNESCO Almaty Cluster Office", values  # the named entity, first
    box.fill("x")  # too short to ask: the list empties
    page.wait_for_function(
        "() => document.querySelectorAll('#site-search-suggestions option').length === 0"
    )
    assert not failed, f"requests that failed: {failed}"
