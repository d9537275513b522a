"""/downloads/, the files, the JSON-LD context and the VoID links, over HTTP on a real server."""

from __future__ import annotations

import hashlib
import json

import pytest
import rdflib
import requests
from rdflib.namespace import DCAT, RDF, VOID

pytestmark = pytest.mark.slow


def test_downloads_page_lists_every_file_with_size_count_checksum_licence(live_server: str) -> None:
    page = requests.get(f"{live_server}/downloads/", timeout=10)
    assert page.status_code == 200
    listing = requests.get(f"{live_server}/downloads/?format=json", timeout=10).json()
    assert listing["licence"]["iri"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in page.text or listing["licence"]["title"] in page.text
    dumps = [f for f in listing["files"] if f["kind"] == "dump"]
    assert {f["format"] for f in dumps} == {"ttl", "nt", "nq", "trig", "jsonld", "rdfxml"}
    for entry in dumps:
        assert entry["name"] in page.text
        assert entry["sha256"] in page.text
        assert f"{entry['triples']:,}" in page.text
    assert "Changes since the previous release" in page.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("museumkg.ttl", "text/turtle"),
        ("museumkg.nt", "application/n-triples"),
        ("museumkg.nq", "application/n-quads"),
        ("museumkg.trig", "application/trig"),
        ("museumkg.jsonld", "application/ld+json"),
        ("museumkg.rdf", "application/rdf+xml"),
        ("museumkg.nq.gz", "application/gzip"),
    ],
)
def test_files_are_sent_with_type_disposition_and_etag(
    live_server: str, name: str, media_type: str
) -> None:
    listing = requests.get(f"{live_server}/downloads/?format=json", timeout=10).json()
    entry = next(f for f in listing["files"] if f["name"] == name)
    response = requests.get(f"{live_server}/downloads/{name}", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    version = listing["release"]["version"]
    stem, _, ext = name.partition(".")
    assert response.headers["Content-Disposition"] == f"attachment; filename={stem}-{version}.{ext}"
    assert response.headers["ETag"] == f'"{entry["sha256"]}"'
    assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
    assert len(response.content) == entry["size"]
    again = requests.get(
        f"{live_server}/downloads/{name}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_unknown_files_are_404(live_server: str) -> None:
    for path in ("/downloads/secret.txt", "/downloads/..%2Fmanifest.json", "/downloads/x/y.nq"):
        assert requests.get(f"{live_server}{path}", timeout=10).status_code == 404


def test_context_is_published_latest_and_versioned(live_server: str) -> None:
    listing = requests.get(f"{live_server}/downloads/?format=json", timeout=10).json()
    latest = requests.get(f"{live_server}/ns/context.jsonld", timeout=10)
    version = listing["release"]["version"]
    frozen = requests.get(f"{live_server}/ns/context-{version}.jsonld", timeout=10)
    for response in (latest, frozen):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/ld+json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "prefLabel" in json.loads(response.content)["@context"]
    assert requests.get(f"{live_server}/ns/context-0-nope.jsonld", timeout=10).status_code == 404


def test_void_names_this_host_and_its_dumps_resolve(live_server: str) -> None:
    response = requests.get(f"{live_server}/.well-known/void", timeout=10)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    (dataset,) = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert str(graph.value(dataset, VOID.sparqlEndpoint)) == f"{live_server}/sparql"
    dumps = [str(d) for d in graph.objects(dataset, VOID.dataDump)]
    assert len(dumps) == 8
    for url in dumps:
        assert url.startswith(f"{live_server}/downloads/")
        assert requests.head(url, timeout=10).status_code == 200


def test_home_page_links_the_downloads_and_the_description(live_server: str) -> None:
    home = requests.get(f"{live_server}/", timeout=10).text
    assert "/downloads/" in home
    assert "/.well-known/void" in home
