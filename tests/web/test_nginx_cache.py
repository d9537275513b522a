"""A real HTTP cache in front: nginx (Debian) with ``proxy_cache`` before ``museumkg serve``.

Repeated pages and GET queries are cache hits; a stale copy is revalidated with a conditional
request that museumkg answers 304; after a swap the new release is served once the short
``max-age`` of current URLs has passed; release-pinned URLs are kept as immutable.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from news_release import add_record
from seed import seed_data
from servers import ServerProcess, museumkg_server, nginx_cache

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings

#: The max-age of current URLs for these tests (seconds): short, so a swap shows quickly.
MAX_AGE = 1
PAGE = "/id/org/unesco-almaty"
JSON = {"Accept": "application/json"}
RESULTS = {"Accept": "application/sparql-results+json"}
QUERY = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("nginx")
    built = Settings(data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False)
    build_catalog(built)
    return built


@pytest.fixture(scope="module")
def upstream(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("nginx-upstream") / "server.log"
    with museumkg_server(settings, log=log, MUSEUMKG_CACHE_MAX_AGE_S=str(MAX_AGE)) as running:
        yield running


@pytest.fixture(scope="module")
def cache(upstream: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with nginx_cache(upstream.url, tmp_path_factory.mktemp("nginx-cache")) as url:
        yield url


def _expire() -> None:
    """Let the cached copies of current URLs pass their max-age (the thing under test is
    expiry, so this waits for time to pass; nothing is asserted about how long anything took)."""
    threading.Event().wait(MAX_AGE + 1.0)


def _status(response: requests.Response) -> str:
    return response.headers.get("X-Cache-Status", "")


def test_repeated_pages_and_get_queries_are_hits(cache: str) -> None:
    for url, params, headers in (
        (PAGE, None, JSON),
        (PAGE, None, {"Accept": "text/html", "Accept-Language": "ru"}),
        ("/sparql", QUERY, RESULTS),
        ("/browse", None, {"Accept": "text/html"}),
    ):
        first = requests.get(cache + url, params=params, headers=headers, timeout=30)
        assert first.status_code == 200
        second = requests.get(cache + url, params=params, headers=headers, timeout=30)
        assert second.status_code == 200 and second.content == first.content
        assert _status(second) == "HIT", (url, headers, second.headers)
    # POST is never answered from the cache
    posts = [
        requests.post(cache + "/sparql", data=QUERY, headers=RESULTS, timeout=30) for _ in "ab"
    ]
    assert [p.status_code for p in posts] == [200, 200]
    assert "HIT" not in {_status(p) for p in posts}


def test_a_stale_copy_is_revalidated_with_a_304(cache: str) -> None:
    url = cache + "/browse/topics"
    requests.get(url, timeout=30)
    _expire()
    again = requests.get(url, timeout=30)
    assert again.status_code == 200
    assert _status(again) == "REVALIDATED"  # museumkg answered nginx's conditional GET with 304


def test_a_new_release_is_served_after_the_max_age(cache: str, settings: Settings) -> None:
    before = requests.get(cache + PAGE, headers=JSON, timeout=30)
    old = before.headers["X-Museumkg-Release"]
    pinned_url = f"{cache}/r/{old}{PAGE}"
    pinned = requests.get(pinned_url, headers=JSON, timeout=30)
    assert "immutable" in pinned.headers["Cache-Control"]
    assert _status(requests.get(pinned_url, headers=JSON, timeout=30)) == "HIT"

    new = add_record(settings, "nginx-museum", "Nginx Museum")
    _expire()
    after = requests.get(cache + PAGE, headers=JSON, timeout=30)
    assert after.headers["X-Museumkg-Release"] == new  # nothing stale beyond the max-age
    assert requests.get(cache + "/id/org/nginx-museum", headers=JSON, timeout=30).status_code == 200
    counted = requests.get(cache + "/sparql", params=QUERY, headers=RESULTS, timeout=30)
    assert counted.headers["X-Museumkg-Release"] == new
    # the pinned copy of the old release is still right, and still a hit
    again = requests.get(pinned_url, headers=JSON, timeout=30)
    assert again.headers["X-Museumkg-Release"] == old and _status(again) == "HIT"


def _get(url: str, headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
    """A GET as curl sends it: only the headers given (no ``Accept-Encoding`` unless given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    connection.request("GET", parts.path, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def test_a_dump_is_cached_apart_for_clients_with_and_without_gzip(cache: str) -> None:
    """The release keeps the dump compressed; nginx keeps the gzip-encoded answer and the
    decompressed one apart (``Vary: Accept-Encoding``), each a hit the second time."""
    listing = requests.get(f"{cache}/downloads/?format=json", timeout=30).json()
    entry = next(f for f in listing["files"] if f["name"] == "museumkg.ttl")
    version = listing["release"]["version"]
    for url in (f"{cache}/downloads/museumkg.ttl", f"{cache}/downloads/{version}/museumkg.ttl"):
        for _ in "ab":  # each variant once, then each again: the second round is all hits
            plain, plain_body = _get(url, {})
            packed, packed_body = _get(url, {"Accept-Encoding": "gzip"})
            assert plain.status == packed.status == 200
            assert plain.headers.get("Content-Encoding") is None
            assert packed.headers["Content-Encoding"] == "gzip"
            assert hashlib.sha256(plain_body).hexdigest() == entry["sha256"]
            assert hashlib.sha256(gzip.decompress(packed_body)).hexdigest() == entry["sha256"]
        assert plain.headers["X-Cache-Status"] == packed.headers["X-Cache-Status"] == "HIT", url


def test_the_configuration_is_the_documented_one(cache: str) -> None:
    from servers import NGINX_CONFIG

    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text("utf-8")
    for line in (
        "proxy_cache_revalidate on;",
        "proxy_cache_methods GET HEAD;",
        "proxy_cache_lock on;",
    ):
        assert line in NGINX_CONFIG and line in deploy
