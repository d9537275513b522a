"""Releases served side by side: the app follows ``var/current`` without restart, every answer
names its release, and kept releases stay readable at ``/r/<release>/...``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from news_release import add_record
from seed import seed_data

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.store.catalog import current_store_dir
from webapp import create_app
from webapp.http.state import WebState

RELEASE = "X-Museumkg-Release"
JSON = {"Accept": "application/json"}
RESULTS = {"Accept": "application/sparql-results+json"}


def ask(slug: str, settings: Settings) -> str:
    return f"ASK {{ <{settings.base_iri}id/org/{slug}> ?p ?o }}"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("releases")
    built = Settings(
        data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False, keep_releases=2
    )
    build_catalog(built)
    return built


@pytest.fixture()
def app(settings: Settings) -> Flask:
    made = create_app(settings=settings)  # no store given: it serves and follows var/current
    yield made
    made.extensions["museumkg"].close()


def test_a_new_release_is_served_without_restart_and_old_ones_stay_readable(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    first = client.get("/health")
    r1 = first.headers[RELEASE]
    assert first.status_code == 200 and r1 == current_store_dir(settings).name  # type: ignore[union-attr]
    assert client.get("/id/org/release-museum", headers=JSON).status_code == 404
    state: WebState = app.extensions["museumkg"]
    old = state.current()
    old_pool = old.executor()
    started = client.get("/sparql", query_string={"query": "ASK {}"}, headers=RESULTS)
    assert started.status_code == 200

    r2 = add_record(settings, "release-museum", "Release Museum")
    assert r2 != r1
    page = client.get("/id/org/release-museum", headers=JSON)
    assert page.status_code == 200 and page.headers[RELEASE] == r2
    assert "Release Museum" in page.get_data(as_text=True)
    # no request uses the old release any more: its workers are gone
    assert old.wait_retired(30) and old_pool.pids() == []

    # the old release answers exactly as it did: pages, /sparql and downloads
    pinned = client.get(f"/r/{r1}/id/org/release-museum", headers=JSON)
    assert pinned.status_code == 404 and pinned.headers[RELEASE] == r1
    for release, expected in ((r1, False), (r2, True)):
        answer = client.get(
            f"/r/{release}/sparql",
            query_string={"query": ask("release-museum", settings)},
            headers=RESULTS,
        )
        assert answer.status_code == 200 and answer.headers[RELEASE] == release
        assert answer.get_json()["boolean"] is expected
    downloads = client.get(f"/r/{r1}/downloads/", headers=JSON).get_json()
    assert downloads["release"]["version"] == state.pinned(r1).manifest().version  # type: ignore[union-attr]
    nq = next(f for f in downloads["files"] if f["name"] == "museumkg.nq")
    assert nq["url"] == f"/r/{r1}/downloads/museumkg.nq"
    assert client.get(nq["url"]).status_code == 200
    # links on a pinned page stay in the release
    html = client.get(f"/r/{r1}/browse").get_data(as_text=True)
    assert f'href="/r/{r1}/search' in html or f'action="/r/{r1}/search' in html


def test_an_unknown_release_is_404_and_a_pruned_one_410(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    unknown = client.get("/r/20000101-000000000000/sparql", headers=JSON)
    assert unknown.status_code == 404
    assert unknown.headers[RELEASE] == current_store_dir(settings).name  # type: ignore[union-attr]
    assert "no release" in unknown.get_json()["error"]

    before = current_store_dir(settings)
    assert before is not None
    first_kept = sorted(p.name for p in settings.stores_dir.iterdir() if p.is_dir())
    add_record(settings, "pruning-museum-a", "Pruning Museum A")
    add_record(settings, "pruning-museum-b", "Pruning Museum B")  # keep_releases=2
    assert not (settings.stores_dir / before.name).exists()
    gone = client.get(f"/r/{before.name}/id/org/release-museum", headers=JSON)
    assert gone.status_code == 410
    kept = sorted(p.name for p in settings.stores_dir.iterdir() if p.is_dir())
    assert len(kept) == 2 and set(kept).isdisjoint(first_kept)
    assert before.name in gone.get_json()["error"]
    assert "oldest kept release is" in gone.get_json()["error"]


def test_a_pinned_release_is_read_only(app: Flask, settings: Settings) -> None:
    release = Path(str(current_store_dir(settings))).name
    response = app.test_client().put(
        f"/r/{release}/graph-store",
        query_string={"graph": f"{settings.base_iri}id/source/news"},
        data="x",
        headers={"Authorization": "Bearer t", **JSON},
    )
    assert response.status_code == 405


def test_a_pinned_release_is_retired_after_its_linger(
    app: Flask, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.http import state as served

    monkeypatch.setattr(served, "PINNED_LINGER_S", 0.1)
    client = app.test_client()
    current = client.get("/health").headers[RELEASE]
    older = sorted(
        p.name for p in settings.stores_dir.iterdir() if p.is_dir() and p.name != current
    )
    assert older, "the earlier tests leave older releases"
    answer = client.get(f"/r/{older[0]}/sparql", query_string={"query": "ASK {}"}, headers=RESULTS)
    assert answer.status_code == 200 and answer.headers[RELEASE] == older[0]
    pinned = app.extensions["museumkg"].pinned(older[0])
    pool = pinned.executor()
    assert pinned.pinned and pool.pids()
    # no request comes: the linger's timer retires it and stops its worker
    assert pinned.wait_retired(30) and pool.pids() == []
