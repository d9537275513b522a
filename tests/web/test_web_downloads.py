"""/downloads/, the files, the JSON-LD context and the VoID links, over HTTP on a real server."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import subprocess
from typing import Any
from urllib.parse import urlsplit

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
    # every format plain (kept compressed, in "stored") and gzipped
    assert len(dumps) == 12
    assert {f["name"] + ".gz" for f in dumps if f.get("stored")} == {
        f["name"] for f in dumps if f["gzip"]
    }
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
        ("museumkg.ttl.gz", "application/gzip"),
        ("context.jsonld", "application/ld+json"),
    ],
)
def test_files_are_sent_with_type_disposition_and_etag(
    live_server: str, name: str, media_type: str
) -> None:
    """Asked without gzip (``identity``): the bytes of the file, plain."""
    listing = requests.get(f"{live_server}/downloads/?format=json", timeout=10).json()
    entry = next(f for f in listing["files"] if f["name"] == name)
    response = requests.get(f"{live_server}/downloads/{name}", headers=IDENTITY, timeout=10)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Type"].split(";")[0] == media_type
    version = listing["release"]["version"]
    stem, _, ext = name.partition(".")
    assert response.headers["Content-Disposition"] == f"attachment; filename={stem}-{version}.{ext}"
    assert response.headers["ETag"] == f'"{entry["sha256"]}"'
    assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
    assert len(response.content) == entry["size"]
    assert int(response.headers["Content-Length"]) == entry["size"]
    again = requests.get(
        f"{live_server}/downloads/{name}",
        headers={**IDENTITY, "If-None-Match": response.headers["ETag"]},
        timeout=10,
    )
    assert again.status_code == 304
    since = {**IDENTITY, "If-Modified-Since": response.headers["Last-Modified"]}
    assert requests.get(f"{live_server}/downloads/{name}", headers=since).status_code == 304


IDENTITY = {"Accept-Encoding": "identity"}


def _entries(live_server: str) -> dict[str, dict[str, Any]]:
    listing = requests.get(f"{live_server}/downloads/?format=json", timeout=10).json()
    return {f["name"]: f for f in listing["files"]}


def _raw_get(url: str, headers: dict[str, str], method: str = "GET") -> http.client.HTTPResponse:
    """A request as curl sends it: no header but those given (no ``Accept-Encoding``)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    connection.request(method, parts.path, headers=headers)
    return connection.getresponse()


def test_a_client_taking_gzip_gets_the_compressed_file_as_the_plain_one(
    live_server: str,
) -> None:
    entries = _entries(live_server)
    for name in ("museumkg.ttl", "museumkg.nq", "museumkg.jsonld"):
        entry, packed = entries[name], entries[name + ".gz"]
        response = _raw_get(f"{live_server}/downloads/{name}", {"Accept-Encoding": "gzip"})
        body = response.read()
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Type"].split(";")[0] == entry["media_type"]
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["ETag"] == f'"{packed["sha256"]}"'  # the encoded bytes' tag
        assert len(body) == packed["size"] == int(response.headers["Content-Length"])
        assert hashlib.sha256(body).hexdigest() == packed["sha256"]
        content = gzip.decompress(body)
        assert (len(content), hashlib.sha256(content).hexdigest()) == (
            entry["size"],
            entry["sha256"],
        )
        again = _raw_get(
            f"{live_server}/downloads/{name}",
            {"Accept-Encoding": "gzip, deflate", "If-None-Match": response.headers["ETag"]},
        )
        assert again.status == 304 and again.read() == b""
    # requests takes gzip and decodes it: the plain content, as if sent plain
    decoded = requests.get(f"{live_server}/downloads/museumkg.nt", timeout=10)
    assert decoded.headers["Content-Encoding"] == "gzip"
    assert hashlib.sha256(decoded.content).hexdigest() == entries["museumkg.nt"]["sha256"]


def test_a_client_without_accept_encoding_gets_the_plain_bytes_decompressed(
    live_server: str,
) -> None:
    entries = _entries(live_server)
    for name in ("museumkg.nt", "museumkg.rdf"):
        entry = entries[name]
        response = _raw_get(f"{live_server}/downloads/{name}", {})
        body = response.read()
        assert response.status == 200
        assert "Content-Encoding" not in response.headers
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Accept-Ranges"] == "bytes"
        assert response.headers["ETag"] == f'"{entry["sha256"]}"'
        assert len(body) == entry["size"] == int(response.headers["Content-Length"])
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        head = _raw_get(f"{live_server}/downloads/{name}", {}, method="HEAD")
        assert head.status == 200 and head.read() == b""
        assert int(head.headers["Content-Length"]) == entry["size"]
        assert head.headers["ETag"] == response.headers["ETag"]
    # the .gz URL stays a plain download of the compressed file, whatever the client takes
    packed = entries["museumkg.nt.gz"]
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        response = _raw_get(f"{live_server}/downloads/museumkg.nt.gz", headers)
        body = response.read()
        assert response.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in response.headers
        assert hashlib.sha256(body).hexdigest() == packed["sha256"]


def test_curl_gets_the_plain_file_and_with_compressed_the_same_bytes(
    live_server: str, tmp_path: Any
) -> None:
    entry = _entries(live_server)["museumkg.ttl"]
    url = f"{live_server}/downloads/museumkg.ttl"
    plain, decoded = tmp_path / "plain.ttl", tmp_path / "decoded.ttl"
    subprocess.run(["curl", "-sSf", "-o", str(plain), url], check=True, timeout=60)
    subprocess.run(
        ["curl", "-sSf", "--compressed", "-o", str(decoded), url], check=True, timeout=60
    )
    for path in (plain, decoded):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]


def test_range_requests_on_the_plain_and_the_encoded_file(live_server: str) -> None:
    entries = _entries(live_server)
    entry, packed = entries["museumkg.nq"], entries["museumkg.nq.gz"]
    url = f"{live_server}/downloads/museumkg.nq"
    content = requests.get(url, headers=IDENTITY, timeout=10).content
    compressed = requests.get(url + ".gz", timeout=10).content
    start, end = entry["size"] // 3, entry["size"] // 3 + 999
    part = _raw_get(url, {"Range": f"bytes={start}-{end}"})
    assert part.status == 206
    assert part.headers["Content-Range"] == f"bytes {start}-{end}/{entry['size']}"
    assert part.read() == content[start : end + 1]
    tail = _raw_get(url, {"Range": "bytes=-100"})
    assert tail.status == 206 and tail.read() == content[-100:]
    # a range of the gzip-encoded representation is a range of the compressed bytes
    encoded = _raw_get(url, {"Range": "bytes=10-99", "Accept-Encoding": "gzip"})
    assert encoded.status == 206 and encoded.headers["Content-Encoding"] == "gzip"
    assert encoded.read() == compressed[10:100]
    # If-Range with an ETag that is no longer the file's: the whole file
    stale = _raw_get(url, {"Range": "bytes=0-9", "If-Range": '"0000"'})
    assert stale.status == 200 and len(stale.read()) == entry["size"]
    assert len(compressed) == packed["size"]


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
    assert len(dumps) == 12
    for url in dumps:
        assert url.startswith(f"{live_server}/downloads/")
        assert requests.head(url, timeout=10).status_code == 200


def test_home_page_links_the_downloads_and_the_description(live_server: str) -> None:
    home = requests.get(f"{live_server}/", timeout=10).text
    assert "/downloads/" in home
    assert "/.well-known/void" in home
