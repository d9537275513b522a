"""Derivation's scratch folder, its progress lines and the derived graph landed in chunks."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from synthetic_network import RULES, SYNTH, synthetic_catalog

from museumkg.network import derive as derive_module
from museumkg.network import slices as slices_module
from museumkg.network.derive import LAND_STEP, READ_STEP, derive, land_in_chunks
from museumkg.network.rules import load_rules
from museumkg.store import EmbeddedStore, StoreError

DERIVED = f"{SYNTH}graph/derived"


def _graph(store: EmbeddedStore, graph: str = DERIVED) -> set[str]:
    found = store.native.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in found}


@pytest.mark.parametrize("chunk_bytes", [1, 150, 4096, 10**9])
def test_a_file_lands_the_same_in_chunks_of_any_size(tmp_path: Path, chunk_bytes: int) -> None:
    """Chunks end at whole lines; a line longer than a chunk is read on, not cut."""
    lines = [f'<http://x/s{i}> <http://x/p> "{"long " * (i % 7) * 20}{i}" .\n' for i in range(500)]
    path = tmp_path / "derived.nt"
    path.write_text("".join(lines), encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store", read_only=False)
    chunks = land_in_chunks(store, path, "http://x/g", chunk_bytes)
    assert len(_graph(store, "http://x/g")) == 500
    expected = {line.rstrip(" .\n") for line in lines}
    assert {t.rstrip(" .") for t in _graph(store, "http://x/g")} == expected
    size = path.stat().st_size
    assert chunks == 1 if chunk_bytes >= size else chunks > 1


def test_a_file_without_a_last_newline_lands_whole(tmp_path: Path) -> None:
    path = tmp_path / "derived.nt"
    path.write_bytes(
        b"<http://x/a> <http://x/p> <http://x/b> .\n<http://x/c> <http://x/p> <http://x/d> ."
    )
    store = EmbeddedStore()
    assert land_in_chunks(store, path, "http://x/g", 10) == 2
    assert len(_graph(store, "http://x/g")) == 2


def test_the_derived_graph_lands_the_same_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rule's output goes into the scratch, and the derived graph into the store, in
    chunks of this size: the same graph."""
    found = []
    for chunk in (10**9, 2_000):
        monkeypatch.setattr(derive_module, "LAND_CHUNK_BYTES", chunk)
        said: list[str] = []
        store, _expected = synthetic_catalog(1)
        derive(store, base_iri=SYNTH, derived_graph=DERIVED, rules_dir=RULES, progress=said.append)
        found.append(_graph(store))
        landed = [line for line in said if line.startswith(f"rule {LAND_STEP}")]
        assert len(landed) == 1
        assert (" 1 chunks " in landed[0]) == (chunk == 10**9), landed
    assert found[0] and found[0] == found[1]


def test_the_scratch_folder_is_in_the_folder_given_and_gone_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scratch store on disk and the spool live beside the store being built, for as long
    as the derivation runs (seen from its progress lines), and are removed when it ends."""
    monkeypatch.setattr(derive_module, "SCRATCH_MEMORY_BUDGET", 0)  # the scratch on disk
    store, _expected = synthetic_catalog(2)
    seen: list[list[str]] = []

    def look(_line: str) -> None:
        seen.append(sorted(p.name for p in tmp_path.glob("museumkg-derive-*/*")))

    derive(
        store,
        base_iri=SYNTH,
        derived_graph=DERIVED,
        rules_dir=RULES,
        scratch_dir=tmp_path,
        progress=look,
    )
    assert len(seen) == len(load_rules(RULES)) + 2
    assert all("scratch" in names for names in seen), seen
    assert "derived.nt" in seen[-2]  # a rule's output on its way, in the same folder
    assert list(tmp_path.iterdir()) == []
    assert _graph(store)


def test_a_failed_derivation_leaves_no_scratch_folder(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for rule in load_rules(RULES)[:2]:
        (rules / rule.path.name).write_text(rule.text, encoding="utf-8")
    (rules / "15-broken.rq").write_text("# summary: broken\nCONSTRUCT { ?s ?p }", encoding="utf-8")
    scratch = tmp_path / "building"
    scratch.mkdir()
    store, _expected = synthetic_catalog(1)
    with pytest.raises(StoreError, match="15-broken.rq"):
        derive(store, base_iri=SYNTH, derived_graph=DERIVED, rules_dir=rules, scratch_dir=scratch)
    assert list(scratch.iterdir()) == []


def test_each_rule_and_each_slice_says_when_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slices_module, "MIN_SLICE_STATEMENTS", 20)
    store, _expected = synthetic_catalog(3)
    said: list[str] = []
    reports = derive(
        store,
        base_iri=SYNTH,
        derived_graph=DERIVED,
        rules_dir=RULES,
        memory_budget=1,
        progress=said.append,
    )
    names = [r.rule for r in reports]
    assert names[0] == READ_STEP and names[-1] == LAND_STEP
    for report in reports[1:-1]:
        assert report.slices > 1
        ends = [line for line in said if line.startswith(f"rule {report.rule}: ")]
        slices = [line for line in ends if ": slice " in line]
        assert [line.split(": slice ")[1].split(":")[0] for line in slices] == [
            f"{i}/{report.slices}" for i in range(1, report.slices + 1)
        ]
        assert all("statements read" in line and "rss " in line for line in slices)
        made = sum(int(line.split(" statements read, ")[1].split()[0]) for line in slices)
        assert made == report.triples
        assert ends[-1].startswith(f"rule {report.rule}: {report.triples} triples in ")
    assert said[0].startswith(f"rule {READ_STEP}: {reports[0].triples} statements")
