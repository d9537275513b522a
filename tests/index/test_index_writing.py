"""Writing the catalog index: names folded in a child process give the same file."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from museumkg.config import Settings
from museumkg.index import index_names, name_folding
from museumkg.index.index_writer import build_index
from museumkg.store import EmbeddedStore


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored table's rows (the full-text tables through their shadow tables)."""
    db = sqlite3.connect(path)
    found: dict[str, list[tuple[Any, ...]]] = {}
    for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        if "VIRTUAL" not in (sql or "").upper():
            found[name] = db.execute(f"SELECT * FROM '{name}'").fetchall()
    db.close()
    return found


def test_names_folded_in_a_child_process_give_the_same_index(
    store: EmbeddedStore,
    catalog_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def build(path: Path) -> None:
        build_index(
            store,
            path,
            base_iri=catalog_settings.base_iri,
            languages=catalog_settings.languages,
            ontology_graph=catalog_settings.ontology_graph,
        )

    build(tmp_path / "here.sqlite")
    started: list[int] = []

    class Pool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(name_folding, "CHILD_FROM", 1)
    monkeypatch.setattr(name_folding, "AHEAD", 1)
    monkeypatch.setattr(index_names, "FETCH", 50)  # many batches, in flight two at a time
    monkeypatch.setattr(name_folding, "ProcessPoolExecutor", Pool)
    build(tmp_path / "child.sqlite")
    assert started == [1]
    here, child = _tables(tmp_path / "here.sqlite"), _tables(tmp_path / "child.sqlite")
    assert len(here["labels"]) > 200 and here["name_keys"] and here["labels_fts_data"]
    assert here.keys() == child.keys()
    for name, rows in here.items():
        assert child[name] == rows, name
