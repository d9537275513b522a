"""Derivation in slices (museumkg.network.slices): the same derived graph as in one piece."""

from __future__ import annotations

import io
from dataclasses import replace

import pyoxigraph as ox
import pytest
from synthetic_network import RULES, SYNTH, synthetic_catalog

from museumkg.config import Settings
from museumkg.network import derive as derive_module
from museumkg.network import slices as slices_module
from museumkg.network.derive import derive
from museumkg.network.rules import load_rules
from museumkg.network.slices import SLICE_PLANS, slice_count
from museumkg.store import EmbeddedStore
from museumkg.synth.generate import generate

#: Budgets (bytes) small enough that every planned rule of these test catalogs runs in slices.
SLICED = 1


def _derived(store: EmbeddedStore, derived: str, budget: int) -> tuple[set[str], list[int]]:
    """Derive with ``budget``; the derived graph (N-Triples lines) and each rule's slices.

    The first count is 0 when the scratch store was on disk, else 1.
    """
    reports = derive(
        store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES, memory_budget=budget
    )
    graph = ox.NamedNode(derived)
    found = {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in store.native.quads_for_pattern(None, None, None, graph)
    }
    return found, [int("on disk" not in reports[0].summary), *(r.slices for r in reports[1:])]


def _both_ways(quads: list[ox.Quad], derived: str) -> tuple[set[str], set[str], list[int]]:
    """The derived graph of the same statements, whole (a large budget) and in slices."""
    whole_store, sliced_store = EmbeddedStore(), EmbeddedStore()
    whole_store.add_quads(quads)
    sliced_store.add_quads(quads)
    whole, counts = _derived(whole_store, derived, 10**12)
    assert set(counts) == {1}, "a large budget: the scratch in memory, every rule whole"
    sliced, counts = _derived(sliced_store, derived, SLICED)
    return whole, sliced, counts


def test_every_rule_has_a_slice_plan() -> None:
    """A new rule must say how it is sliced (else it would run whole on any catalog)."""
    assert {rule.name for rule in load_rules(RULES)} == set(SLICE_PLANS)


def test_the_number_of_slices_follows_the_budget_and_the_data() -> None:
    small = slice_count(100_000, 10**9)
    assert small == 1
    assert slice_count(10**6, 10**9) == 4 and slice_count(10**7, 10**9) == 40
    assert slice_count(10**6, 10**9 // 2) == 2 * slice_count(10**6, 10**9)


@pytest.mark.parametrize(("seed", "on_disk"), [(1, True), (2, True), (3, True), (1, False)])
def test_sliced_derivation_of_a_synthetic_catalog_is_the_whole_one(
    seed: int, on_disk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Known partnerships of every kind (synthetic_network), derived in slices: same triples.

    The slices are read from a scratch store on disk (the budget is too small for it) or, with
    the scratch's own cost set to nothing, in memory.
    """
    monkeypatch.setattr(slices_module, "MIN_SLICE_STATEMENTS", 20)
    if not on_disk:
        monkeypatch.setattr(derive_module, "SCRATCH_BYTES_PER_STATEMENT", 0)
    store, _expected = synthetic_catalog(seed)
    quads = list(store.native.quads_for_pattern(None, None, None, None))
    derived = f"{SYNTH}graph/derived"
    whole, sliced, counts = _both_ways(quads, derived)
    assert whole and sliced == whole
    assert min(counts[1:-1]) > 1, counts  # every rule ran in several slices
    assert counts[0] == (not on_disk)


def test_sliced_derivation_of_a_generated_catalog_is_the_whole_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A generated catalog of 10^4 triples (hubs, roles, memoranda, shared topics)."""
    monkeypatch.setattr(slices_module, "MIN_SLICE_STATEMENTS", 300)
    out = io.StringIO()
    catalog = generate(10_000, 3, out)
    quads = list(ox.parse(out.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    ontology = ox.NamedNode(f"{catalog.base_iri}graph/ontology")
    onto = ox.parse(path=str(RULES.parent / "museumkg.ttl"), format=ox.RdfFormat.TURTLE)
    quads += [ox.Quad(t.subject, t.predicate, t.object, ontology) for t in onto]
    whole, sliced, counts = _both_ways(quads, f"{SYNTH}graph/derived")
    assert len(whole) > 5_000 and sliced == whole
    assert min(counts[1:-1]) >= 4, counts


def test_sliced_derivation_of_the_seed_catalog_is_the_whole_one(
    store: EmbeddedStore, catalog_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed catalog (real sources, several sources per program, blank-node roles)."""
    monkeypatch.setattr(slices_module, "MIN_SLICE_STATEMENTS", 10)
    derived = catalog_settings.derived_graph
    quads = [
        q
        for q in store.native.quads_for_pattern(None, None, None, None)
        if q.graph_name != ox.NamedNode(derived)
    ]
    whole_store, sliced_store = EmbeddedStore(), EmbeddedStore()
    whole_store.add_quads(quads)
    sliced_store.add_quads(quads)
    base, rules = catalog_settings.base_iri, catalog_settings.ontology_dir / "rules"
    found = []
    for target, budget in ((whole_store, 10**12), (sliced_store, SLICED)):
        reports = derive(
            target, base_iri=base, derived_graph=derived, rules_dir=rules, memory_budget=budget
        )
        graph = ox.NamedNode(derived)
        found.append({str(q) for q in target.native.quads_for_pattern(None, None, None, graph)})
        assert (max(r.slices for r in reports) > 1) == (budget == SLICED)
    assert found[0] and found[0] == found[1]


def test_a_first_slice_over_the_budget_deals_the_anchors_into_more_slices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slices sized by what the first one reads (a measured ceiling), not by the planned count:
    every rule planned in 2 slices stays in 2 under a large budget; when a slice may read only
    one statement, a rule whose first slice read more runs in more slices (as many as it has
    anchors at most); the derived graph is the whole one either way."""
    store, _expected = synthetic_catalog(1)
    quads = list(store.native.quads_for_pattern(None, None, None, None))
    derived = f"{SYNTH}graph/derived"
    whole_store = EmbeddedStore()
    whole_store.add_quads(quads)
    whole, counts = _derived(whole_store, derived, 10**12)
    assert set(counts) == {1}
    monkeypatch.setattr(derive_module, "slice_count", lambda *_args: 2)
    for budget in (10**12, SLICED):
        if budget == SLICED:
            monkeypatch.setattr(slices_module, "SLICE_BYTES_PER_STATEMENT", 10**12)
            for plan in list(SLICE_PLANS):
                monkeypatch.setitem(SLICE_PLANS, plan, replace(SLICE_PLANS[plan], slice_bytes=None))
        sliced_store = EmbeddedStore()
        sliced_store.add_quads(quads)
        said: list[str] = []
        reports = derive(
            sliced_store,
            base_iri=SYNTH,
            derived_graph=derived,
            rules_dir=RULES,
            memory_budget=budget,
            progress=said.append,
        )
        graph = ox.NamedNode(derived)
        found = {
            str(ox.Triple(q.subject, q.predicate, q.object))
            for q in sliced_store.native.quads_for_pattern(None, None, None, graph)
        }
        assert found == whole
        over = {  # rule: the slices it was dealt into again
            line.split(":")[0][5:]: int(line.split()[-2]) for line in said if "allows" in line
        }
        for report in reports[1:-1]:
            assert report.slices == over.get(report.rule, 2), (report, said)
        assert sum(n > 2 for n in over.values()) >= (4 if budget == SLICED else 0), said
