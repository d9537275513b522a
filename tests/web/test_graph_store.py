"""``/graph-store``: Graph Store Protocol updates of source graphs, only with the update token.

Updates are validated like `museumkg import` and land whole; without a configured token the
server stays read-only (405), a missing token is 401 and a wrong one 403.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from seed import seed_data

from museumkg.build.curation import content_checksum
from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.store import catalog
from webapp import create_app

TOKEN = "s3cret-token-for-tests"
NEWS = """\
source:
  title: {en: A news item about a new museum}
  publisher: unesco-almaty
  issued: 2024-05-01
  permanentLink: https://example.org/news/gsp
institutions:
  gsp-museum:
    type: Museum
    prefLabel: {en: Graph Store Museum}
    location: almaty
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("gsp")
    built = Settings(
        data_dir=seed_data(root / "data"),
        var_dir=root / "var",
        check_owl=False,
        update_token=TOKEN,
    )
    build_catalog(built)
    return built


def _client(settings: Settings) -> FlaskClient:
    return create_app(store=catalog.open_current(settings), settings=settings).test_client()


def _graph(settings: Settings, slug: str) -> str:
    return f"{settings.base_iri}id/source/{slug}"


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_get_returns_a_source_graph_as_turtle(settings: Settings) -> None:
    seed = "unesco-almaty-2005-museum-management-training"
    response = _client(settings).get("/graph-store", query_string={"graph": _graph(settings, seed)})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "Museums in a Changing World" in response.get_data(as_text=True)


def test_without_a_configured_token_the_server_is_read_only(settings: Settings) -> None:
    read_only = settings.with_overrides(update_token="")
    client = _client(read_only)
    query = {"graph": _graph(settings, "news")}
    for method in (client.put, client.delete):
        response = method("/graph-store", query_string=query, data=NEWS, headers=AUTH)
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD"


def test_a_missing_or_wrong_token_is_refused(settings: Settings) -> None:
    client = _client(settings)
    query = {"graph": _graph(settings, "news")}
    missing = client.put("/graph-store", query_string=query, data=NEWS, content_type="text/yaml")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.put(
        "/graph-store",
        query_string=query,
        data=NEWS,
        content_type="text/yaml",
        headers={"Authorization": "Bearer not-the-token"},
    )
    assert wrong.status_code == 403


def test_an_invalid_record_is_refused_with_every_problem(settings: Settings) -> None:
    before = content_checksum(settings)
    bad = NEWS.replace("issued: 2024-05-01", "issued: May 2024").replace(
        "location: almaty", "location: atlantis"
    )
    response = _client(settings).put(
        "/graph-store",
        query_string={"graph": _graph(settings, "bad-news")},
        data=bad,
        content_type="application/yaml",
        headers=AUTH,
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False
    assert {e["rule"] for e in body["errors"]} >= {"bad-value", "reference"}
    # the record is named as the client sent it, never by a path on the server
    files = {e["file"] for e in body["errors"] if "file" in e}
    assert "bad-news.yaml" in files and not any(f.startswith("/") for f in files)
    assert all(e.get("line") for e in body["errors"] if e["rule"] == "bad-value")
    assert "/tmp" not in response.get_data(as_text=True)
    assert str(settings.data_dir) not in response.get_data(as_text=True)
    assert content_checksum(settings) == before
    assert not (settings.data_dir / "sources" / "bad-news.yaml").exists()


def test_put_then_delete_a_source(settings: Settings) -> None:
    client = _client(settings)
    query = {"graph": _graph(settings, "gsp-news")}
    created = client.put(
        "/graph-store", query_string=query, data=NEWS, content_type="text/yaml", headers=AUTH
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    assert (settings.data_dir / "sources" / "gsp-news.yaml").read_text() == NEWS
    # the app answers from the new store at once
    got = client.get("/graph-store", query_string=query)
    assert got.status_code == 200 and "Graph Store Museum" in got.get_data(as_text=True)
    replaced = client.put(
        "/graph-store",
        query_string=query,
        data=NEWS.replace("Graph Store Museum}", "'Graph Store Museum, renamed'}"),
        content_type="text/yaml",
        headers=AUTH,
    )
    assert replaced.status_code == 204
    assert "renamed" in client.get("/graph-store", query_string=query).get_data(as_text=True)
    deleted = client.delete("/graph-store", query_string=query, headers=AUTH)
    assert deleted.status_code == 204
    assert not (settings.data_dir / "sources" / "gsp-news.yaml").exists()
    assert client.get("/graph-store", query_string=query).status_code == 404


def test_deleting_what_others_need_or_what_is_not_there(settings: Settings) -> None:
    client = _client(settings)
    places = client.delete(
        "/graph-store", query_string={"graph": _graph(settings, "places")}, headers=AUTH
    )
    assert places.status_code == 400  # the seed's Kazakhstan would lose its ISO code
    assert any(e["record"] == "id/place/kz" for e in places.get_json()["errors"])
    assert (settings.data_dir / "vocabularies" / "places.ttl").exists()
    missing = client.delete(
        "/graph-store", query_string={"graph": _graph(settings, "no-such-source")}, headers=AUTH
    )
    assert missing.status_code == 404


def test_the_graph_must_be_a_source_of_this_catalog(settings: Settings) -> None:
    response = _client(settings).put(
        "/graph-store",
        query_string={"graph": "http://elsewhere.example/g"},
        data=NEWS,
        content_type="text/yaml",
        headers=AUTH,
    )
    assert response.status_code == 400
    unsupported = _client(settings).put(
        "/graph-store",
        query_string={"graph": _graph(settings, "x")},
        data="x",
        content_type="text/csv",
        headers=AUTH,
    )
    assert unsupported.status_code == 415


def test_the_token_never_shows_in_settings_repr(settings: Settings) -> None:
    assert TOKEN not in repr(settings)
