"""HTTP caching: answers of a release carry a strong ETag and Cache-Control; conditional requests
get 304; pinned URLs are immutable; after a swap the current URLs change their ETag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from news_release import add_record
from seed import seed_data

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from webapp import create_app

PAGE = "/id/org/unesco-almaty"
QUERY = {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}
RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("caching")
    built = Settings(
        data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False, cache_max_age_s=30
    )
    build_catalog(built)
    return built


@pytest.fixture()
def app(settings: Settings) -> Iterator[Flask]:
    made = create_app(settings=settings)
    yield made
    made.extensions["museumkg"].close()


def test_current_pages_and_get_queries_revalidate_with_304(app: Flask) -> None:
    client = app.test_client()
    for url, headers in ((PAGE, {}), ("/sparql", RESULTS), ("/browse", {"Accept-Language": "ru"})):
        query = QUERY if url == "/sparql" else None
        first = client.get(url, query_string=query, headers=headers)
        assert first.status_code == 200, url
        etag, weak = first.get_etag()
        assert etag and weak is False  # strong
        assert first.cache_control.public and first.cache_control.max_age == 30
        assert not first.cache_control.immutable
        assert {"accept", "accept-language"} <= {v.lower() for v in first.vary}
        again = client.get(
            url, query_string=query, headers={**headers, "If-None-Match": f'"{etag}"'}
        )
        assert again.status_code == 304 and again.data == b""
        assert again.get_etag()[0] == etag
        since = client.get(
            url,
            query_string=query,
            headers={**headers, "If-Modified-Since": first.headers["Last-Modified"]},
        )
        assert since.status_code == 304


def test_representations_have_their_own_etags(app: Flask) -> None:
    client = app.test_client()
    html = client.get(PAGE, headers={"Accept": "text/html"}).get_etag()[0]
    turtle = client.get(PAGE, headers={"Accept": "text/turtle"}).get_etag()[0]
    russian = client.get(PAGE, headers={"Accept": "text/html", "Accept-Language": "ru"})
    assert len({html, turtle, russian.get_etag()[0]}) == 3
    csv = client.get("/sparql", query_string={**QUERY, "format": "csv"}).get_etag()[0]
    json = client.get("/sparql", query_string=QUERY, headers=RESULTS).get_etag()[0]
    assert csv != json


def test_post_health_and_errors_are_not_cacheable(app: Flask) -> None:
    client = app.test_client()
    post = client.post("/sparql", data=QUERY, headers=RESULTS)
    assert post.status_code == 200 and post.get_etag() == (None, None)
    assert not post.cache_control.public
    assert client.get("/health").headers["Cache-Control"] == "no-store"
    missing = client.get("/id/org/no-such-museum")
    assert missing.status_code == 404 and not missing.cache_control.public


def test_pinned_urls_are_immutable_and_a_swap_changes_current_etags(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    before = client.get(PAGE)
    release = before.headers["X-Museumkg-Release"]
    pinned = client.get(f"/r/{release}{PAGE}")
    assert pinned.status_code == 200
    cc = pinned.cache_control
    assert cc.public and cc.immutable and cc.max_age == 31_536_000
    assert pinned.get_etag()[1] is False  # strong
    nq = client.get(f"/r/{release}/downloads/museumkg.nq")
    assert nq.status_code == 200 and nq.cache_control.immutable

    add_record(settings, "caching-museum", "Caching Museum")
    after = client.get(PAGE, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200  # the old copy is not current any more
    assert after.headers["X-Museumkg-Release"] != release
    assert after.get_etag()[0] != before.get_etag()[0]
    still = client.get(f"/r/{release}{PAGE}", headers={"If-None-Match": pinned.headers["ETag"]})
    assert still.status_code == 304
