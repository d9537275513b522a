"""The one error handler: status per failure, one JSON shape, HTML otherwise, no tracebacks."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, NotSupported, StoreUnavailable
from webapp import create_app

JSON = {"Accept": "application/json"}
SECRET = "secret-internal-detail-42"


@pytest.fixture()
def failing_app() -> Flask:
    """An app over an empty in-memory store with routes that fail in each way."""
    app = create_app(store=EmbeddedStore(), settings=Settings(base_iri="http://example.org/"))

    @app.get("/fail/unavailable")
    def unavailable() -> str:
        raise StoreUnavailable(f"cannot open /var/lib/{SECRET}")

    @app.get("/fail/syntax")
    def syntax() -> str:
        app.extensions["museumkg"].store.query("SELECT ?x WHERE {\n  ?x ?y\n}")
        return "unreachable"

    @app.get("/fail/store")
    def store_error() -> str:
        raise NotSupported(SECRET)

    @app.get("/fail/bug")
    def bug() -> str:
        raise RuntimeError(SECRET)

    return app


def _json(app: Flask, path: str) -> tuple[int, dict[str, object]]:
    response = app.test_client().get(path, headers=JSON)
    assert response.content_type == "application/json"
    body = response.get_json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == response.status_code
    return response.status_code, body


def test_store_unavailable_is_503(failing_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="museumkg.web"):
        status, body = _json(failing_app, "/fail/unavailable")
    assert status == 503
    assert SECRET not in str(body)
    assert SECRET in caplog.text


def test_query_syntax_error_is_400_with_position(failing_app: Flask) -> None:
    status, body = _json(failing_app, "/fail/syntax")
    assert status == 400
    [detail] = body["errors"]  # type: ignore[misc]
    assert detail["line"] is not None and detail["column"] is not None
    assert "parse" in str(body["error"])


@pytest.mark.parametrize("path", ["/fail/store", "/fail/bug"])
def test_server_faults_are_500_logged_and_generic(
    failing_app: Flask, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="museumkg.web"):
        status, body = _json(failing_app, path)
        html = failing_app.test_client().get(path)
    assert status == 500 and html.status_code == 500
    for text in (str(body), html.get_data(as_text=True)):
        assert SECRET not in text
        assert "Traceback" not in text
    assert SECRET in caplog.text  # logged with its traceback for the operator
    assert "Traceback" in caplog.text


def test_html_error_page_for_browsers(failing_app: Flask) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = failing_app.test_client().get("/fail/syntax", headers=browser)
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "400 Bad Request" in page and "line" in page
    assert '<main id="main">' in page


def test_format_parameter_also_selects_json_errors(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/no/such/page?format=json")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


class _BrokenStore(EmbeddedStore):
    """A store whose every query fails as if its files had gone away."""

    def query(self, sparql: str, **kwargs: object) -> object:  # type: ignore[override]
        raise StoreUnavailable(f"the store files are gone ({SECRET})")


def test_health_is_503_when_the_store_cannot_answer() -> None:
    app = create_app(store=_BrokenStore(), settings=Settings(base_iri="http://example.org/"))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 503 and body["error"]
    assert body["store"] == "embedded"
    assert response.headers["Cache-Control"] == "no-store"

    home = app.test_client().get("/", headers=JSON)
    assert home.status_code == 503
    assert SECRET not in home.get_data(as_text=True)
