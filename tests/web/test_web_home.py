"""The home page, its JSON twin, /health and errors, through a real server over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, select_rows
from webapp import create_app

SEED_TITLE = "Central Asian Museum Management Training Museum in a Changing World"
SEED_PROGRAM = "Museums in a Changing World"
JSON = {"Accept": "application/json"}

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n)
WHERE { ?entity a ?class FILTER(STRSTARTS(STR(?class), "https://w3id.org/museumkg/ontology#")) }
GROUP BY ?class
"""

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_home_page_lists_what_the_catalog_holds(live_server: str) -> None:
    response = requests.get(f"{live_server}/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers.get("Vary", "")
    page = response.text
    assert '<html lang="en">' in page
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert SEED_TITLE in page
    assert SEED_PROGRAM in page
    assert "http://en.unesco.kz/central-asian-museum-management-training" in page
    assert "Training" in page  # a class, labelled in English
    assert 'href="/?format=json"' in page


def test_json_twin_counts_match_sparql(live_server: str, store: EmbeddedStore) -> None:
    by_accept = requests.get(f"{live_server}/", headers=JSON, timeout=10)
    by_param = requests.get(f"{live_server}/?format=json", timeout=10)
    assert by_accept.status_code == by_param.status_code == 200
    assert by_accept.headers["Content-Type"] == "application/json"
    overview = by_accept.json()
    assert overview == by_param.json()
    assert overview["ok"] is True

    expected = {
        row["class"].value: int(row["n"].value) for row in select_rows(store.query(CLASS_COUNTS))
    }
    assert {row["iri"]: row["count"] for row in overview["classes"]} == expected
    assert all(isinstance(row["label"], str) and row["label"] for row in overview["classes"])
    assert overview["triples"] == store.count()

    titles = [source["title"] for source in overview["sources"]]
    assert SEED_TITLE in titles
    seed = next(s for s in overview["sources"] if s["title"] == SEED_TITLE)
    assert seed["issued"] == "2005-08-18"
    sizes = {row["g"].value: int(row["n"].value) for row in select_rows(store.query(GRAPH_SIZES))}
    assert seed["statements"] == sizes[seed["iri"]]
    assert [program["label"] for program in overview["programs"]].count(SEED_PROGRAM) == 1
    programs = {program["label"]: program for program in overview["programs"]}
    assert programs[SEED_PROGRAM]["start"] == "2005-08-18"
    assert programs[SEED_PROGRAM]["place"] == "Almaty"


def test_unknown_or_unacceptable_format(live_server: str) -> None:
    bad = requests.get(f"{live_server}/?format=xml", headers=JSON, timeout=10)
    assert bad.status_code == 400
    assert "html, json" in bad.json()["error"]
    refused = requests.get(f"{live_server}/", headers={"Accept": "image/png"}, timeout=10)
    assert refused.status_code == 406


def test_health(live_server: str, catalog_settings: Settings, store: EmbeddedStore) -> None:
    response = requests.get(f"{live_server}/health", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["store"] == "embedded"
    assert body["read_only"] is True
    assert body["path"] == f"stores/{store.path.name}"  # relative: no absolute path shown
    assert str(catalog_settings.var_dir) not in response.text
    assert body["version"]
    assert body["built_at"]
    assert body["triples"] == store.count()


@pytest.mark.parametrize("path", ["/no/such/page", "/id/org/%3Cscript%3E"])
def test_not_found_json_and_html(live_server: str, path: str) -> None:
    as_json = requests.get(f"{live_server}{path}", headers=JSON, timeout=10)
    assert as_json.status_code == 404
    assert as_json.headers["Content-Type"] == "application/json"
    body = as_json.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == 404 and body["error"]
    assert body["errors"] == []

    as_html = requests.get(f"{live_server}{path}", timeout=10)
    assert as_html.status_code == 404
    assert as_html.headers["Content-Type"].startswith("text/html")
    assert "404 Not Found" in as_html.text
    assert "<script>" not in as_html.text
    for response in (as_json, as_html):
        assert "Traceback" not in response.text


def test_method_not_allowed_keeps_allow_header(live_server: str) -> None:
    response = requests.post(f"{live_server}/health", headers=JSON, timeout=10)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.json()["status"] == 405


def test_one_log_line_per_request(live_server: str, live_server_log: Path) -> None:
    marker = "/log-probe-7d1f"
    requests.get(f"{live_server}{marker}?x=1", timeout=10)
    requests.get(f"{live_server}/health?probe=7d1f", timeout=10)
    lines = live_server_log.read_text(encoding="utf-8").splitlines()
    probe = [line for line in lines if marker in line]
    assert len(probe) == 1
    assert "GET /log-probe-7d1f?x=1 404 " in probe[0] and probe[0].endswith(" ms")
    health = [line for line in lines if "probe=7d1f" in line]
    assert len(health) == 1 and "GET /health?probe=7d1f 200 " in health[0]


def test_literals_are_escaped_on_the_home_page() -> None:
    store = EmbeddedStore()
    base = "http://example.org/"
    source = f"{base}id/source/evil"
    store.load(
        f"""
        @prefix mkg: <https://w3id.org/museumkg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <{source}> a mkg:SourceDocument ;
            dcterms:title "<script>alert(1)</script>"@en ;
            mkg:permanentLink <javascript:alert(2)> .
        """,
        format="ttl",
        graph=source,
    )
    app = create_app(store=store, settings=Settings(base_iri=base))
    response = app.test_client().get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page

    twin = app.test_client().get("/?format=json").get_json()
    assert twin["sources"][0]["title"] == "<script>alert(1)</script>"


def _headings(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", h).split())
        for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)
    ]


@pytest.mark.parametrize(
    ("params", "headers", "lang"),
    [
        ({}, {}, "en"),
        ({}, {"Accept-Language": "en-GB,en;q=0.9"}, "en"),
        ({"lang": "ru"}, {}, "ru"),
        ({}, {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}, "ru"),
        ({"lang": "en"}, {"Accept-Language": "ru"}, "en"),
    ],
)
def test_home_and_error_pages_speak_the_readers_language(
    live_server: str, params: dict[str, str], headers: dict[str, str], lang: str
) -> None:
    expected = {
        "en": {
            "home": ["What the catalog holds", "Sources", "Newest programs", "Cite this release"],
            400: "400 Bad Request",
            406: "406 Not Acceptable",
            "back": "Back to the home page",
        },
        "ru": {
            "home": [
                "Что есть в каталоге",
                "Источники",
                "Новые программы",
                "Как цитировать этот выпуск",
            ],
            400: "400 Неверный запрос",
            406: "406 Нет приемлемого формата",
            "back": "На главную страницу",
        },
    }[lang]
    home = requests.get(f"{live_server}/", params=params, headers=headers, timeout=10)
    assert home.status_code == 200
    assert f'<html lang="{lang}">' in home.text
    assert _headings(home.text)[1:] == expected["home"]
    browser = {"Accept": "text/html,*/*;q=0.8", **headers}
    bad = requests.get(
        f"{live_server}/", params={**params, "format": "xml"}, headers=browser, timeout=10
    )
    refused = requests.get(
        f"{live_server}/", params=params, headers={**headers, "Accept": "image/png"}, timeout=10
    )
    for response, status in ((bad, 400), (refused, 406)):
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("text/html")
        assert f'<html lang="{lang}">' in response.text
        assert _headings(response.text) == [expected[status]]
        assert expected["back"] in response.text


def test_home_page_lists_the_newest_sources_and_links_to_all() -> None:
    """A catalog with more sources than the home page lists: the newest, then a link to all."""
    base = "http://example.org/"
    turtle = []
    for n in range(1, 26):
        turtle.append(
            f"""
            <{base}id/source/s{n:02d}> a mkg:SourceDocument ;
                dcterms:title "Source {n:02d}"@en ;
                dcterms:issued "2001-01-{n:02d}"^^xsd:date .
            """
        )
    store = EmbeddedStore()
    prefixes = """
        @prefix mkg: <https://w3id.org/museumkg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    """
    for n, text in enumerate(turtle, start=1):
        store.load(prefixes + text, format="ttl", graph=f"{base}id/source/s{n:02d}")
    app = create_app(store=store, settings=Settings(base_iri=base))
    client = app.test_client()
    overview = client.get("/?format=json").get_json()
    assert overview["sources_total"] == 25
    assert [s["title"] for s in overview["sources"]] == [
        f"Source {n:02d}" for n in range(25, 5, -1)
    ]
    assert all(s["statements"] == 3 for s in overview["sources"])
    page = client.get("/").get_data(as_text=True)
    assert "Source 25" in page and "Source 05" not in page
    assert 'href="/browse/sources"' in page and "All 25 sources" in page
