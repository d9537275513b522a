"""The editor page as HTML (no browser), editor links, and the /vendor/ files it loads.

The page is rendered by ``webapp.views.editor.editor_page``, which the /sparql endpoint calls for
browsers; these tests call it directly, so they do not depend on the endpoint.
"""

from __future__ import annotations

import json
import logging
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from markupsafe import escape

from museumkg.namespaces import PREFIXES
from museumkg.queries import example_queries, load_query
from museumkg.store import EmbeddedStore
from webapp.views import vendor
from webapp.views.editor import STARTER_QUERY, editor_link, editor_page

CONFIG_RE = re.compile(
    r'<script type="application/json" id="editor-config">(.*?)</script>', re.DOTALL
)
HOSTILE = 'SELECT * { BIND("</script><script>alert(1)</script><!--" AS ?x) } # \' " & <b>'


def _render(app: Flask, query: str | None) -> tuple[int, dict[str, str], str]:
    with app.test_request_context("/sparql", headers={"Accept": "text/html"}):
        response = app.process_response(editor_page(query))  # with the app-wide headers
        return response.status_code, dict(response.headers), response.get_data(as_text=True)


def _config(page: str) -> dict[str, object]:
    found = CONFIG_RE.findall(page)
    assert len(found) == 1, "exactly one JSON config block, closed by its own </script>"
    config: dict[str, object] = json.loads(found[0])
    return config


def _query_of(href: str) -> str:
    parts = urlsplit(unescape(href))
    assert parts.path == "/sparql" and not parts.netloc
    return parse_qs(parts.query, strict_parsing=True)["query"][0]


def test_editor_page_passes_the_query_as_json_not_markup(app: Flask) -> None:
    status, headers, page = _render(app, HOSTILE)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "Accept" in headers["Vary"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "<script>alert(1)" not in page and "<b>" not in page
    config = _config(page)
    assert config["query"] == HOSTILE
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"] == PREFIXES
    assert config["starter"] == STARTER_QUERY
    # the page uses the app's layout and loads YASGUI from /vendor/, never from another host
    assert "<nav" in page and "<footer" in page
    assert 'src="/vendor/yasgui/yasgui.min.js' in page
    assert 'href="/vendor/yasgui/yasgui.min.css' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


@pytest.mark.parametrize("query", [None, "", "   \n"])
def test_without_a_query_the_editor_starts_with_the_catalog_prefixes(
    app: Flask, query: str | None
) -> None:
    _status, _headers, page = _render(app, query)
    text = str(_config(page)["query"])
    assert text == STARTER_QUERY
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: <{namespace}>" in text


def test_examples_are_listed_with_links_that_open_them(app: Flask) -> None:
    _status, _headers, page = _render(app, None)
    examples = example_queries()
    assert len(examples) >= 12
    config_examples = _config(page)["examples"]
    assert isinstance(config_examples, list)
    assert [e["name"] for e in config_examples] == [q.name for q in examples]
    links = dict(re.findall(r'<a href="([^"]+)" data-example="([^"]+)">', page))
    by_name = {name: href for href, name in links.items()}
    for example in examples:
        assert _query_of(by_name[example.name]) == example.text
        assert str(escape(example.summary)) in page


def test_editor_link_round_trips_any_text(app: Flask) -> None:
    with app.test_request_context("/"):
        link = editor_link(HOSTILE)
    assert link.startswith("/sparql?query=")
    assert " " not in link and "<" not in link and '"' not in link
    assert _query_of(link) == HOSTILE


def test_home_page_panels_open_their_queries_in_the_editor(app: Flask) -> None:
    page = app.test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    opened = [_query_of(href) for href in re.findall(r'<a href="(/sparql\?query=[^"]+)"', page)]
    for name in ("class_counts", "sources", "graph_counts", "newest_programs"):
        assert load_query(name).text in opened, f"no editor link for the {name} panel"


def test_vendor_serves_the_installed_yasgui(app: Flask) -> None:
    client = app.test_client()
    folder = vendor.DEFAULT_NODE_MODULES / "@zazuko/yasgui/build"
    assert (folder / "yasgui.min.js").is_file(), "YASGUI is not installed: run `make setup`"
    js = client.get("/vendor/yasgui/yasgui.min.js")
    assert js.status_code == 200
    assert js.mimetype in ("text/javascript", "application/javascript")
    assert js.get_data() == (folder / "yasgui.min.js").read_bytes()
    css = client.get("/vendor/yasgui/yasgui.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert vendor.package_version(vendor.DEFAULT_NODE_MODULES, "yasgui")


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/yasgui/package.json",
        "/vendor/yasgui/yasgui.esm.js",
        "/vendor/yasgui/..%2Fpackage.json",
        "/vendor/yasgui/../../package.json",
        "/vendor/dompurify/purify.min.js",
    ],
)
def test_vendor_serves_only_whitelisted_files(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_vendor_without_node_modules_says_to_run_setup(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bare = Flask(__name__)
    bare.register_blueprint(vendor.create_blueprint(tmp_path / "node_modules"))
    with caplog.at_level(logging.ERROR, logger="museumkg.web"):
        first = bare.test_client().get("/vendor/yasgui/yasgui.min.js")
        second = bare.test_client().get("/vendor/yasgui/yasgui.min.css")
    assert first.status_code == second.status_code == 404
    messages = [r.getMessage() for r in caplog.records if "make setup" in r.getMessage()]
    assert len(messages) == 1, "logged once, not on every request"
    assert "@zazuko/yasgui" in messages[0]
    assert vendor.package_version(tmp_path / "node_modules", "yasgui") is None


def test_editor_link_shows_bound_values_as_a_values_block(app: Flask, store: EmbeddedStore) -> None:
    query = load_query("newest_programs").text
    almaty = "https://w3id.org/museumkg/id/place/almaty"
    label = ox.Literal('Say "hi" \\ <b>', language="en")
    with app.test_request_context("/"):
        link = editor_link(query, {"place": almaty, "label": label})
    text = _query_of(link)
    assert text.startswith(query.rstrip())
    assert text.rstrip().endswith(f"VALUES (?place ?label) {{ (<{almaty}> {label}) }}")
    assert isinstance(store.query(text), ox.QuerySolutions), "the linked query runs as it is"
    with app.test_request_context("/"), pytest.raises(ValueError, match="variable"):
        editor_link(query, {"x } DROP ALL": almaty})
