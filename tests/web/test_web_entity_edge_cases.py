"""Entity pages over an injected store: markup in literals stays text, hostile IRIs never become
links, names fall back to untagged and then any language, long lists page, quality shows."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF, SH
from museumkg.store import EmbeddedStore
from webapp import create_app

BASE = "http://example.org/"
DATA = Path(__file__).resolve().parents[1] / "data" / "pages" / "edge-cases.ttl"
PEOPLE = 30  # more than a page of incoming links (25) and of a source's subjects (20)
EVIL_NAME = "<script>alert('x')</script> Museum"


def _people() -> str:
    lines = ["@prefix mkg: <https://w3id.org/museumkg/ontology#> ."]
    lines.append("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .")
    for n in range(PEOPLE):
        lines.append(
            f'<id/person/p{n:02d}> a mkg:Person ; skos:prefLabel "Person {n:02d}"@en ; '
            "mkg:affiliation <id/org/evil> ."
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def edge_store() -> EmbeddedStore:
    settings = Settings(base_iri=BASE)
    store = EmbeddedStore()
    store.load(settings.ontology_dir / "museumkg.ttl", format="ttl", graph=settings.ontology_graph)
    graph = f"{BASE}id/source/edge-cases"
    store.load(DATA, format="ttl", graph=graph, base_iri=BASE)
    store.load(_people(), format="ttl", graph=graph, base_iri=BASE)
    result = ox.BlankNode("r1")
    quality = ox.NamedNode(f"{BASE}graph/quality")
    store.add_quads(
        ox.Quad(result, ox.NamedNode(p), o, quality)
        for p, o in [
            (f"{RDF}type", ox.NamedNode(f"{SH}ValidationResult")),
            (f"{SH}focusNode", ox.NamedNode(f"{BASE}id/org/evil")),
            (f"{SH}resultSeverity", ox.NamedNode(f"{SH}Warning")),
            (f"{SH}resultPath", ox.NamedNode(f"{MKG}foundingDate")),
            (f"{SH}resultMessage", ox.Literal("Add a <b>founding date</b>", language="en")),
        ]
    )
    return store


@pytest.fixture(scope="module")
def edge_app(edge_store: EmbeddedStore) -> Flask:
    return create_app(store=edge_store, settings=Settings(base_iri=BASE, languages=("en", "ru")))


@pytest.fixture()
def edge_client(edge_app: Flask) -> FlaskClient:
    return edge_app.test_client()


def _h1(html: str) -> tuple[str | None, str]:
    match = re.search(r"<h1(?: lang=\"([^\"]+)\")?>(.*?)</h1>", html, re.S)
    assert match
    return match.group(1), unescape(match.group(2)).strip()


def test_script_in_a_literal_is_shown_as_text(edge_client: FlaskClient) -> None:
    response = edge_client.get("/id/org/evil")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Museum" in html
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; more" in html
    assert _h1(html) == ("en", EVIL_NAME)
    # the schema.org block cannot be closed early: < > & are escaped inside it
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0] and "&" not in blocks[0]
    assert json.loads(blocks[0])["name"] == EVIL_NAME
    # javascript: IRIs are shown, never linked
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert(2)" in html


def test_source_title_with_markup_and_javascript_link(edge_client: FlaskClient) -> None:
    html = edge_client.get("/id/source/edge-cases").get_data(as_text=True)
    assert "<script>alert('title')" not in html
    assert "Edge cases &lt;script&gt;" in html
    assert 'href="javascript:' not in html.lower()


def test_untagged_then_any_language(edge_client: FlaskClient) -> None:
    # configured en, ru: neither is given → the untagged name, with no lang attribute
    assert _h1(edge_client.get("/id/place/untagged?lang=ru").get_data(as_text=True)) == (
        None,
        "Alatau",
    )
    assert _h1(edge_client.get("/id/place/untagged?lang=kk").get_data(as_text=True)) == (
        "kk",
        "Алатау",
    )
    assert _h1(edge_client.get("/id/place/armenian-only").get_data(as_text=True)) == (
        "hy",
        "Ալմաթի",
    )


def test_incoming_links_page_with_a_cursor(edge_client: FlaskClient) -> None:
    first = edge_client.get("/id/org/evil.json").get_json()["incoming"]
    assert first["count"] == PEOPLE + 1  # the people and the source's publisher link
    assert len(first["items"]) == 25 and first["next"]
    second = edge_client.get("/id/org/evil.json", query_string={"after": first["next"]})
    rest = second.get_json()["incoming"]
    assert rest["next"] is None
    names = [i["subject"]["label"] for i in first["items"] + rest["items"]]
    assert len(names) == len(set(names)) == PEOPLE + 1
    people = [n for n in names if n.startswith("Person")]
    assert people == sorted(people)  # by name
    html = edge_client.get("/id/org/evil").get_data(as_text=True)
    assert "31 links point here." in html and 'rel="next"' in html


def test_source_page_pages_over_its_subjects(edge_client: FlaskClient) -> None:
    first = edge_client.get("/id/source/edge-cases.json").get_json()["facts"]
    assert first["count"] == PEOPLE + 4 and len(first["subjects"]) == 20 and first["next"]
    rest = edge_client.get(
        "/id/source/edge-cases.json", query_string={"facts_after": first["next"]}
    ).get_json()["facts"]
    subjects = [s["iri"] for s in first["subjects"] + rest["subjects"]]
    assert len(subjects) == len(set(subjects)) == PEOPLE + 4


def test_quality_panel_shows_build_findings_as_text(edge_client: FlaskClient) -> None:
    data = edge_client.get("/id/org/evil.json").get_json()
    assert data["quality"] == [
        {
            "severity": "warning",
            "message": "Add a <b>founding date</b>",
            "message_lang": "en",
            "path": f"{MKG}foundingDate",
            "path_label": "founding date",
            "path_label_lang": "en",
            "value": None,
            "rule": None,
        }
    ]
    html = edge_client.get("/id/org/evil").get_data(as_text=True)
    assert "Add a &lt;b&gt;founding date&lt;/b&gt;" in html
    assert "Data quality" in html and ">warning<" in html


def test_a_store_without_an_index_gets_one_and_404s_suggest(edge_client: FlaskClient) -> None:
    response = edge_client.get("/id/org/evl", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "/id/org/evil" in {e["href"] for e in response.get_json()["errors"]}


def test_the_index_follows_a_swapped_store(edge_store: EmbeddedStore) -> None:
    """A Graph Store update makes the app answer from a new store: search must follow it."""
    settings = Settings(base_iri=BASE, languages=("en", "ru"))
    app = create_app(store=edge_store, settings=settings)
    client = app.test_client()
    assert client.get("/search?q=Lighthouse&format=json").get_json()["hits"] == []
    newer = EmbeddedStore()
    newer.load(settings.ontology_dir / "museumkg.ttl", format="ttl", graph=settings.ontology_graph)
    newer.load(
        "<http://example.org/id/org/lighthouse> a <https://w3id.org/museumkg/ontology#Museum> ; "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "Lighthouse Museum"@en .',
        format="ttl",
        graph=f"{BASE}id/source/newer",
    )
    app.extensions["museumkg"].store = newer
    hits = client.get("/search?q=Lighthouse&format=json").get_json()["hits"]
    assert [h["href"] for h in hits] == ["/id/org/lighthouse"]
