"""create_app(): an injected store and settings versus the defaults read from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, StoreUnavailable
from museumkg.store.catalog import current_store_dir
from webapp import WebState, create_app


def test_injected_store_and_settings(tmp_path: Path) -> None:
    store = EmbeddedStore()
    settings = Settings(base_iri="http://example.org/", var_dir=tmp_path)
    app = create_app(store=store, settings=settings)
    state = app.extensions["museumkg"]
    assert isinstance(state, WebState)
    assert state.store is store
    assert state.settings is settings
    assert not app.debug and not app.testing

    response = app.test_client().get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "ok": True,
        "store": "embedded",
        "path": None,
        "read_only": False,
        "endpoint": None,
        "version": None,
        "triples": 0,
        "built_at": None,
    }


def test_defaults_without_a_catalog_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSEUMKG_VAR_DIR", str(tmp_path))
    with pytest.raises(StoreUnavailable, match="museumkg build"):
        create_app()


def test_defaults_open_the_current_catalog_read_only(
    catalog_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSEUMKG_VAR_DIR", str(catalog_settings.var_dir))
    app = create_app()
    state = app.extensions["museumkg"]
    assert state.settings.var_dir == catalog_settings.var_dir
    assert isinstance(state.store, EmbeddedStore)
    assert state.store.capabilities.read_only
    assert state.store.path == current_store_dir(catalog_settings)

    body = app.test_client().get("/health").get_json()
    assert body["ok"] is True
    assert body["read_only"] is True
    store_dir = current_store_dir(catalog_settings)
    assert store_dir is not None
    # the store folder relative to the var folder: no absolute path of the machine is shown
    assert body["path"] == f"stores/{store_dir.name}"
    assert str(catalog_settings.var_dir) not in json.dumps(body)
    assert body["triples"] > 0


def test_bad_environment_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSEUMKG_MAX_ROWS", "many")
    with pytest.raises(ValueError, match="MUSEUMKG_MAX_ROWS"):
        create_app(store=EmbeddedStore())
