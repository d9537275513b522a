"""Shared fixtures: a catalog built once per session, its store, the app, and a real server.

- ``catalog_settings`` (session): Settings whose ``var_dir`` holds a catalog built from the
  seed catalog (the project's ``data/`` without the ingested catalog-sources tables, see
  ``tests/seed.py``) by ``build_catalog`` (OWL reasoner off, for speed).
- ``store`` (session): that catalog's store, opened read-only.
- ``app`` / ``client``: the Flask app over ``store`` and its test client (quick unit checks).
- ``live_server`` (session): base URL (``http://127.0.0.1:<port>``, no trailing slash) of a
  real ``museumkg serve --no-build`` process (granian) over the same catalog, polled on
  ``/health`` until it answers (started by ``testing/servers.py``, the launcher tests and
  bench share); ``live_server_log`` is the file its output goes to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from seed import seed_data
from servers import museumkg_env

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.store import EmbeddedStore
from museumkg.store.catalog import current_store_dir
from testing.servers import museumkg
from webapp import create_app

PROJECT_DIR = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT_S = 30.0


@pytest.fixture(scope="session")
def catalog_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a catalog built from the seed catalog into a temporary var_dir."""
    data = seed_data(tmp_path_factory.mktemp("seed") / "data")
    settings = Settings(data_dir=data, var_dir=tmp_path_factory.mktemp("var"), check_owl=False)
    build_catalog(settings)
    return settings


@pytest.fixture(scope="session")
def store(catalog_settings: Settings) -> Iterator[EmbeddedStore]:
    """The built catalog, opened read-only once for the session."""
    store_dir = current_store_dir(catalog_settings)
    assert store_dir is not None, "the catalog_settings fixture built no store"
    opened = EmbeddedStore(store_dir, read_only=True)
    yield opened
    opened.close()


@pytest.fixture()
def app(store: EmbeddedStore, catalog_settings: Settings) -> Iterator[Flask]:
    """The web app over the session's store; its /sparql worker processes stop afterwards."""
    made = create_app(store=store, settings=catalog_settings)
    yield made
    made.extensions["museumkg"].close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """Flask's test client (no network): for quick unit checks; web tests use live_server."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file the live server's stderr (its request log) is written to."""
    return tmp_path_factory.mktemp("live-server") / "stderr.log"


@pytest.fixture(scope="session")
def live_server(catalog_settings: Settings, live_server_log: Path) -> Iterator[str]:
    """Start a real server process on a free port; yield its base URL; stop it at the end."""
    env = museumkg_env(catalog_settings)
    for attempt in range(3):  # a free port can be taken between probing and binding
        server = museumkg(env=env, threads=4, log=live_server_log)
        try:
            server.start(SERVER_START_TIMEOUT_S)
            break
        except RuntimeError:
            if attempt == 2:
                raise
    try:
        yield server.url
    finally:
        server.stop(grace_s=10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``oxigraph serve`` on 127.0.0.1 with its own folder; yields its base URL."""
    from servers import oxigraph_server as run_oxigraph

    with run_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso on 127.0.0.1 with its own database folder; yields its base URL."""
    from servers import virtuoso_server as run_virtuoso

    with run_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, started once for the whole session (tests/browser.py)."""
    from browser import CHROMIUM, CHROMIUM_ARGS, require

    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    require(CHROMIUM, "scripts/system-deps.sh installs it (as root)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
