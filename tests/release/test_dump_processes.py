"""Dumps of a large release are written in child processes: the same files as threads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from synthetic_network import synthetic_catalog

from museumkg.release import dump_processes
from museumkg.release.assemble import write_release
from museumkg.store import EmbeddedStore

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


def _release(store: EmbeddedStore, target: Path, said: list[str]) -> dict[str, str]:
    release = write_release(
        store,
        target,
        version="v",
        built_at="2026-01-01T00:00:00+00:00",
        base_iri="https://synthetic.museumkg.example/",
        title="t",
        ontology_dir=ONTOLOGY,
        progress=said.append,
    )
    return {f["name"]: f["sha256"] for f in release["files"] if f["kind"] == "dump"}


def test_dumps_written_in_child_processes_equal_those_of_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, _expected = synthetic_catalog(3)
    store = EmbeddedStore(tmp_path / "store")
    store.add_quads(catalog.native)
    repeated = next(iter(catalog.native))  # one triple in a second graph: the union skips it
    store.add_quads(
        [ox.Quad(*repeated.triple, ox.NamedNode("https://synthetic.museumkg.example/x"))]
    )
    found = []
    for threshold in (10**12, 0):
        monkeypatch.setattr(dump_processes, "PROCESS_DUMPS_FROM", threshold)
        children = dump_processes.dump_processes(store.count(), 2)
        assert (children is None) == (threshold > 0)
        if children is not None:
            children.shutdown()
        said: list[str] = []
        found.append(_release(store, tmp_path / f"dumps-{threshold}", said))
        assert any(line.startswith("dump museumkg.jsonld.gz:") for line in said)
    assert len(found[0]) == 12  # six formats, each plain (kept compressed) and gzipped
    assert found[0] == found[1]


def test_a_small_release_uses_no_child_process() -> None:
    assert dump_processes.dump_processes(dump_processes.PROCESS_DUMPS_FROM - 1, 2) is None
