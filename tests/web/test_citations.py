"""Citable answers: a query answer pinned to a release with its checksum and citations, that
reproduces after the catalog moves on; a citation per release on the home and downloads pages
and in DCAT; CITATION.cff for the software; the editor's share links."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from news_release import add_record
from seed import seed_data

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings

JSON = {"Accept": "application/json"}
MUSEUMS = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT DISTINCT ?m WHERE {{ ?m skos:prefLabel ?l "
    'FILTER(STRSTARTS(STR(?m), "https://w3id.org/museumkg/id/org/")) }} ORDER BY {order}(STR(?m))'
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("cite")
    built = Settings(data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False)
    build_catalog(built)
    return built


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    made = create_app_following(settings)
    yield made
    made.extensions["museumkg"].close()


def create_app_following(settings: Settings) -> Flask:
    from webapp import create_app

    return create_app(settings=settings)


def _cite(client: FlaskClient, query: str, **params: str) -> dict[str, object]:
    first = client.get("/sparql/cite", query_string={"query": query, **params}, headers=JSON)
    assert first.status_code == 303
    target = first.headers["Location"]
    assert "/r/" in target and "/sparql/cite?" in target
    answer = client.get(target, headers=JSON)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    data: dict[str, object] = answer.get_json()
    return data


def test_a_pinned_answer_has_a_checksum_that_ignores_row_order(app: Flask) -> None:
    client = app.test_client()
    up = _cite(client, MUSEUMS.format(order="ASC"))
    down = _cite(client, MUSEUMS.format(order="DESC"))
    assert up["checksum"] == down["checksum"] and len(str(up["checksum"])) == 64
    assert int(str(up["rows"])) > 0 and up["form"] == "SELECT"
    other = _cite(client, "SELECT ?s WHERE { ?s a <https://w3id.org/museumkg/ontology#City> }")
    assert other["checksum"] != up["checksum"]
    graph = _cite(client, "CONSTRUCT { ?m a ?t } WHERE { ?m a ?t } LIMIT 3")
    assert graph["form"] == "CONSTRUCT" and len(str(graph["checksum"])) == 64


def test_the_citations_name_the_release_the_query_and_the_checksum(app: Flask) -> None:
    client = app.test_client()
    data = _cite(client, MUSEUMS.format(order="ASC"))
    release, digest = str(data["release"]), str(data["checksum"])
    citation = data["citation"]
    assert isinstance(citation, dict)
    bibtex = citation["bibtex"]
    assert bibtex.startswith(f"@misc{{museumkg-{release}-{digest[:8]},")
    assert f"version = {{{release}}}" in bibtex and digest in bibtex
    assert f"/r/{release}/sparql/cite?query=" in bibtex
    ris = citation["ris"].splitlines()
    assert ris[0] == "TY  - DATA" and ris[-1] == "ER  -" and f"ET  - {release}" in ris
    csl = json.loads(citation["csl"])[0]
    assert csl["type"] == "dataset" and csl["version"] == release and digest in csl["note"]
    url = urlsplit(csl["URL"])
    assert parse_qs(url.query)["query"] == [MUSEUMS.format(order="ASC")]
    links = data["links"]
    assert isinstance(links, dict)
    download = client.get(links["bibtex"])
    assert download.mimetype == "application/x-bibtex" and download.get_data(as_text=True) == bibtex
    page = client.get(links["this_release"]).get_data(as_text=True)
    assert digest in page and "Cite this" in page and "@misc{" in page


def test_a_rerun_says_whether_the_answer_is_unchanged_after_the_catalog_moves_on(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    query = MUSEUMS.format(order="ASC")
    before = _cite(client, query)
    links = before["links"]
    assert isinstance(links, dict)
    add_record(settings, "cited-museum", "Cited Museum")  # a new release with one more museum

    same = client.get(links["rerun_this_release"], headers=JSON).get_json()
    assert same["release"] == before["release"] and same["unchanged"] is True
    assert same["checksum"] == before["checksum"]
    html = client.get(links["rerun_this_release"]).get_data(as_text=True)
    assert "Unchanged" in html

    latest = client.get(links["rerun_latest"], headers=JSON)
    assert latest.status_code == 303
    moved = client.get(latest.headers["Location"], headers=JSON).get_json()
    assert moved["release"] != before["release"] and moved["unchanged"] is False
    assert int(moved["rows"]) == int(str(before["rows"])) + 1


def test_every_release_has_a_citation_on_home_downloads_and_in_dcat(app: Flask) -> None:
    client = app.test_client()
    home = client.get("/", headers=JSON)
    release = home.headers["X-Museumkg-Release"]
    citation = home.get_json()["citation"]
    assert f"(release {release})" in citation["text"] and f"/r/{release}/" in citation["text"]
    assert citation["bibtex"].startswith(f"@misc{{museumkg-{release},")
    assert "Cite this release" in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    downloads = client.get("/downloads/", headers=JSON).get_json()
    assert downloads["citation"] == citation
    assert "Cite this release" in client.get("/downloads/").get_data(as_text=True)
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "bibliographicCitation" in void and f"release {release}" in void


def test_the_editor_shares_latest_and_pinned_links(app: Flask) -> None:
    page = app.test_client().get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/html"}
    )
    html = page.get_data(as_text=True)
    release = page.headers["X-Museumkg-Release"]
    assert 'id="share-latest" href="/sparql?query=ASK%20%7B%7D"' in html
    assert f'id="share-pinned" href="/r/{release}/sparql?query=ASK%20%7B%7D"' in html
    assert f'id="share-cite" href="/r/{release}/sparql/cite?query=ASK%20%7B%7D"' in html


def test_the_software_has_a_citation_file() -> None:
    cff = yaml.safe_load((Path(__file__).resolve().parents[2] / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["title"].startswith("museumkg") and cff["authors"]
