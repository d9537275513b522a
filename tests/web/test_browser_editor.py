"""The SPARQL editor in a real headless Chromium, against the live server.

Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``, installed by
``scripts/system-deps.sh``); Playwright's own browser downloads are never used. Screenshots go
to ``test-artifacts/`` (kept by CI) so a person can see what the page showed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from browser import ARTIFACTS, TIMEOUT_MS

from webapp.views.editor import STARTER_QUERY

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
Browser = playwright_api.Browser
Page = playwright_api.Page


pytestmark = pytest.mark.slow

#: Labels of the two institutions that co-organised the 2005 training with UNESCO Almaty.
CO_ORGANISERS = {"Soros Center of Contemporary Art, Almaty", "Laboratory of Museum Projects"}
#: A literal that would run script if a result cell rendered it as HTML.
HOSTILE_LITERAL = "<img src=x onerror=alert(1)>"


class Watched:
    """A page with what went wrong on it: uncaught errors, dialogs, requests to other hosts."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.console: list[str] = []
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)
        self.origin = origin

    def _dialog(self, dialog: playwright_api.Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: playwright_api.Request) -> None:
        if not request.url.startswith((self.origin + "/", "data:")):
            self.foreign.append(request.url)

    def assert_clean(self, *, hostile_handler_refused: bool = False) -> None:
        """Nothing went wrong; ``hostile_handler_refused``: the CSP refusing an inline event
        handler is expected (a test that shows a hostile literal: the library parses it as
        markup in a detached element, and the policy stops its handler)."""
        assert self.errors == [], f"uncaught JavaScript errors; console: {self.console}"
        assert self.dialogs == [], "a dialog opened (script from a result ran?)"
        assert self.foreign == [], "the editor must not call other hosts (no CDN, no LOV)"
        refused = [line for line in self.console if "Content Security Policy" in line]
        if hostile_handler_refused:
            refused = [line for line in refused if "inline event handler" not in line]
        assert refused == [], "the page's CSP refused something the editor needs"


@pytest.fixture(scope="module")
def editor_url(live_server: str) -> str:
    """The editor's URL on the live server (``GET /sparql`` from a browser)."""
    answer = requests.get(f"{live_server}/sparql", headers={"Accept": "text/html"}, timeout=10)
    # the endpoint (webapp/views/sparql.py) answers browsers with webapp.views.editor.editor_page
    assert answer.status_code == 200 and 'id="editor-config"' in answer.text
    return f"{live_server}/sparql"


@pytest.fixture()
def watched(browser: Browser, live_server: str, editor_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield Watched(page, live_server)
    context.close()


def _screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _open_editor(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#yasgui[data-ready=true]")
    page.wait_for_selector(".yasqe .CodeMirror")


def _editor_text(page: Page) -> str:
    text: str = page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")
    return text


def _run(page: Page, live_server: str) -> None:
    """Press the run button; wait for the endpoint's answer and for YASR to draw it."""
    with page.expect_response(
        lambda r: r.url.split("?")[0] == f"{live_server}/sparql" and r.request.method == "POST"
    ) as answer:
        page.click(".yasqe_queryButton")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector(".yasr table.dataTable tbody tr td")


def _cells(page: Page) -> list[str]:
    return [
        text.strip() for text in page.locator(".yasr table.dataTable tbody td").all_inner_texts()
    ]


def test_editor_runs_an_example_to_a_result_table(
    watched: Watched, live_server: str, editor_url: str
) -> None:
    page = watched.page
    _open_editor(page, editor_url)
    assert page.title().startswith("SPARQL query editor")
    assert page.locator("header.site").is_visible(), "the app's base layout"
    assert page.locator("footer.site").is_visible()
    assert page.locator("a[data-example]").count() >= 12

    page.click("a[data-example='co-organisers-of-an-institution']")
    # loaded in place (no navigation): the tab is named after the example
    page.wait_for_selector(".tabsList >> text=co-organisers-of-an-institution")
    assert '"UNESCO Almaty Cluster Office"@en' in _editor_text(page)
    # the query is in the address bar, so the page is a shareable link to it
    shared = parse_qs(urlsplit(page.url).query)["query"][0]
    assert shared == _editor_text(page)

    _run(page, live_server)
    rows = page.locator(".yasr table.dataTable tbody tr")
    assert rows.count() == 2
    cells = " ".join(_cells(page))
    for label in CO_ORGANISERS:
        assert label in cells
    assert "Central Asian Museum Management Training Museum in a Changing World" in cells
    assert "UNESCO Almaty Cluster Office" not in cells  # an institution is not its own partner
    assert page.locator(".yasr .yasr_downloadIcon").is_visible(), "YASR's result download"
    _screenshot(page, "editor-example-results")

    # the browser's Back button returns to the query the page was opened with
    page.go_back()
    page.wait_for_function(
        "q => document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue() === q",
        arg=STARTER_QUERY,
    )
    assert urlsplit(page.url).query == ""
    watched.assert_clean()


def test_a_query_link_opens_the_editor_prefilled(watched: Watched, live_server: str) -> None:
    page = watched.page
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "# two of the catalog's places, by their Russian names\n"
        "SELECT ?label WHERE { ?place skos:prefLabel ?label\n"
        '  FILTER(LANG(?label) = "ru")\n'
        '  FILTER(STRSTARTS(?label, "Моск") || STRSTARTS(?label, "Казах")) }\n'
        "ORDER BY ?label"
    )
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    _open_editor(page, f"{live_server}/sparql?query={quote(query)}")
    assert _editor_text(page) == query
    assert posts == [], "a link shows its query; it does not run it"
    _screenshot(page, "editor-prefilled-from-link")

    _run(page, live_server)
    cells = _cells(page)
    assert any("Москва" in cell for cell in cells)
    assert any("Казахстан" in cell for cell in cells)
    watched.assert_clean()


def test_result_literals_are_shown_as_text(watched: Watched, live_server: str) -> None:
    page = watched.page
    query = (
        f'SELECT ?text ?html WHERE {{ BIND("{HOSTILE_LITERAL}" AS ?text) '
        'BIND("<b>bold</b>"@en AS ?html) }'
    )
    images: list[str] = []
    page.on("request", lambda r: images.append(r.url) if r.resource_type == "image" else None)
    _open_editor(page, f"{live_server}/sparql?query={quote(query)}")
    _run(page, live_server)
    page.wait_for_timeout(300)  # let any (wrongly) injected image try to load
    cells = _cells(page)
    assert HOSTILE_LITERAL in cells
    assert any("<b>bold</b>" in cell for cell in cells)
    assert page.locator(".yasr_results img, .yasr_results b").count() == 0
    assert images == []
    _screenshot(page, "editor-literal-shown-as-text")
    watched.assert_clean(hostile_handler_refused=True)


def test_a_syntax_error_shows_the_parser_message(watched: Watched, live_server: str) -> None:
    page = watched.page
    _open_editor(page, f"{live_server}/sparql")
    page.evaluate(
        "q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)",
        "SELECT * WHERE { ?s ?p }",
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(".yasqe_queryButton")
    assert answer.value.status == 400
    error = page.wait_for_selector(".yasr_results .editor-error")
    assert error is not None
    text = error.inner_text()
    assert "line 1" in text and "column" in text
    _screenshot(page, "editor-syntax-error")
    watched.assert_clean()


def test_result_iris_of_the_dataset_open_this_servers_pages(
    watched: Watched, live_server: str
) -> None:
    """A result IRI under the dataset base links to the running server's page, IRI shown."""
    iri = "https://w3id.org/museumkg/id/place/almaty"
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"SELECT ?place ?link WHERE {{ BIND(<{iri}> AS ?place) "
        "?place skos:exactMatch ?link }"
    )
    page = watched.page
    _open_editor(page, f"{live_server}/sparql?query={quote(query)}")
    _run(page, live_server)
    local = page.locator(".yasr table.dataTable tbody a.iri.local")
    assert local.count() == 1
    assert local.get_attribute("href") == f"{live_server}/id/place/almaty"
    assert local.inner_text() == iri and local.get_attribute("title") == iri
    # an IRI of another dataset keeps YASR's own link to it
    other = page.locator(".yasr table.dataTable tbody a.iri:not(.local)")
    assert other.get_attribute("href") == "https://sws.geonames.org/1526384/"
    _screenshot(page, "editor-local-iri-links")
    local.click()
    page.wait_for_url(f"{live_server}/id/place/almaty")
    assert "Almaty" in page.locator("h1").inner_text()
    watched.assert_clean()
