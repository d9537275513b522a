"""Incremental derivation gives exactly the derived graph a full derivation gives."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from seed import seed_data

from museumkg.build.curation import import_files
from museumkg.build.pipeline import build_catalog
from museumkg.config import PROJECT_DIR, Settings
from museumkg.namespaces import GEO, MKG, RDF, WGS, XSD
from museumkg.network.derive import derive
from museumkg.network.rederive import rederive
from museumkg.network.rules import DERIVED_BY, LOCATION_RULE
from museumkg.queries import load_query
from museumkg.store import EmbeddedStore, catalog
from museumkg.synth import generate as synth
from museumkg.synth.generate import SHARED_TOPIC_CAP

RULES = PROJECT_DIR / "ontology" / "rules"
BASE = synth.SYNTH_BASE
ORGANIZER = ox.NamedNode(f"{MKG}organizer")
PARTNER = ox.NamedNode(f"{MKG}partner")
TOPIC = ox.NamedNode(f"{MKG}topic")
START = ox.NamedNode(f"{MKG}startDate")
STATED = ox.NamedNode(f"{MKG}statedPartner")


def _derived(store: EmbeddedStore, derived: str) -> set[str]:
    return {str(q) for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(derived))}


def _graph(store: EmbeddedStore, graph: ox.NamedNode) -> list[ox.Quad]:
    return list(store.native.quads_for_pattern(None, None, None, graph))


def _replace(store: EmbeddedStore, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad]:
    """Replace a graph's statements (none: remove it); return the old and new statements."""
    old = _graph(store, graph)
    if store.native.contains_named_graph(graph):
        store.native.remove_graph(graph)
    store.native.extend(quads)
    return old + quads


def _check(store: EmbeddedStore, changed: list[ox.Quad], base: str, derived: str) -> None:
    """Rederive, then compare with a full derivation of the same store."""
    report = rederive(store, changed, base_iri=base, derived_graph=derived, rules_dir=RULES)
    incremental = _derived(store, derived)
    derive(store, base_iri=base, derived_graph=derived, rules_dir=RULES)
    full = _derived(store, derived)
    assert incremental == full, (
        f"{len(incremental - full)} statements too many, {len(full - incremental)} missing: "
        f"{sorted(incremental - full)[:3]} {sorted(full - incremental)[:3]}"
    )
    assert report.touched > 0


@pytest.fixture()
def synthetic() -> EmbeddedStore:
    out = io.StringIO()
    synth.generate(6000, 2, out)
    store = EmbeddedStore()
    store.native.bulk_load(out.getvalue().encode(), ox.RdfFormat.N_QUADS)
    store.load(PROJECT_DIR / "ontology" / "museumkg.ttl", format="ttl", graph=f"{BASE}graph/o")
    derive(store, base_iri=BASE, derived_graph=f"{BASE}graph/derived", rules_dir=RULES)
    return store


def _program_graphs(store: EmbeddedStore, predicate: ox.NamedNode) -> list[ox.NamedNode]:
    graphs = {q.graph_name for q in store.native.quads_for_pattern(None, predicate, None, None)}
    return sorted((g for g in graphs if isinstance(g, ox.NamedNode)), key=lambda g: g.value)


def _rename(quads: list[ox.Quad], suffix: str) -> list[ox.Quad]:
    """The statements with the source, programs and roles given new IRIs (another source)."""

    def new(
        term: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.NamedNode) and any(
            f"/id/{kind}/" in term.value for kind in ("source", "program", "role")
        ):
            return ox.NamedNode(term.value + suffix)
        return term

    return [
        ox.Quad(new(q.subject), q.predicate, new(q.object), new(q.graph_name))  # type: ignore[arg-type]
        for q in quads
    ]


@pytest.mark.parametrize("change", ["organisers", "topic-and-year", "partner", "type"])
def test_a_changed_source_rederives_like_a_full_derivation(
    synthetic: EmbeddedStore, change: str
) -> None:
    rng = random.Random(change)
    graphs = _program_graphs(synthetic, ORGANIZER)
    changed: list[ox.Quad] = []
    for graph in rng.sample(graphs, 3):
        quads = _graph(synthetic, graph)
        organised = [q for q in quads if q.predicate == ORGANIZER]
        organisers = sorted(
            {
                q.object.value
                for q in synthetic.native.quads_for_pattern(None, ORGANIZER, None, None)
            }
        )
        if change == "organisers":  # one organiser less, another one more
            other = ox.NamedNode(rng.choice(organisers))
            quads = [q for q in quads if q != organised[0]]
            quads.append(ox.Quad(organised[0].subject, ORGANIZER, other, graph))
        elif change == "topic-and-year":  # the topic and the start date of another program
            donor = _graph(synthetic, rng.choice(graphs))
            topic = next(q.object for q in donor if q.predicate == TOPIC)
            start = next(q.object for q in donor if q.predicate == START)
            quads = [q for q in quads if q.predicate not in (TOPIC, START)]
            program = organised[0].subject
            quads += [ox.Quad(program, TOPIC, topic, graph), ox.Quad(program, START, start, graph)]
        elif change == "partner":  # partners dropped, an organiser of elsewhere named one
            quads = [q for q in quads if q.predicate != PARTNER]
            partner = ox.NamedNode(rng.choice(organisers))
            quads.append(ox.Quad(organised[0].subject, PARTNER, partner, graph))
        else:  # the source is no longer a source document
            quads = [
                q for q in quads if not (q.subject == graph and q.predicate.value == RDF + "type")
            ]
        changed += _replace(synthetic, graph, quads)
    _check(synthetic, changed, BASE, f"{BASE}graph/derived")


def test_added_and_removed_sources_rederive_like_a_full_derivation(
    synthetic: EmbeddedStore,
) -> None:
    graphs = _program_graphs(synthetic, ORGANIZER)
    stated = _program_graphs(synthetic, STATED)
    changed = _replace(synthetic, graphs[0], [])  # removed
    changed += _replace(synthetic, stated[0], [])  # a memorandum removed
    added = _rename(_graph(synthetic, graphs[1]), "-again")
    changed += _replace(synthetic, added[0].graph_name, added)  # type: ignore[arg-type]
    _check(synthetic, changed, BASE, f"{BASE}graph/derived")


def test_a_changed_registry_entry_rederives_like_a_full_derivation(
    synthetic: EmbeddedStore,
) -> None:
    """An institution that stops being one: every participation it had goes."""
    partner = next(synthetic.native.quads_for_pattern(None, PARTNER, None, None)).object
    for quad in list(synthetic.native.quads_for_pattern(partner, None, None, None)):
        if quad.predicate.value == RDF + "type" and quad.graph_name.value != f"{BASE}graph/derived":
            graph = quad.graph_name
            break
    quads = [q for q in _graph(synthetic, graph) if q.subject != partner]  # type: ignore[arg-type]
    changed = _replace(synthetic, graph, quads)  # type: ignore[arg-type]
    _check(synthetic, changed, BASE, f"{BASE}graph/derived")


def test_seed_source_changes_rederive_like_a_full_derivation(
    store: EmbeddedStore, catalog_settings: Settings
) -> None:
    base, derived = catalog_settings.base_iri, catalog_settings.derived_graph
    copy = EmbeddedStore()
    copy.native.bulk_extend(list(store.native.quads_for_pattern(None, None, None, None)))
    derive(copy, base_iri=base, derived_graph=derived, rules_dir=RULES)
    training = ox.NamedNode(f"{base}id/source/unesco-almaty-2005-museum-management-training")
    quads = _graph(copy, training)
    organised = [q for q in quads if q.predicate == ORGANIZER]
    assert len(organised) == 3
    changed = _replace(copy, training, [q for q in quads if q != organised[0]])
    _check(copy, changed, base, derived)
    changed = _replace(copy, training, [])
    _check(copy, changed, base, derived)
    changed = _replace(copy, training, quads)
    _check(copy, changed, base, derived)


def _rule_statements(store: EmbeddedStore, derived: str) -> set[str]:
    """The derived graph's statements made by the rules (not the metrics)."""
    result = store.query(
        load_query("derived_rule_statements").text, bindings={"derived": ox.NamedNode(derived)}
    )
    return {str(t) for t in result}  # type: ignore[union-attr]


def test_an_import_derives_incrementally_like_a_full_build(tmp_path: Path) -> None:
    data = seed_data(tmp_path / "data")
    settings = Settings(data_dir=data, var_dir=tmp_path / "var", check_owl=False)
    build_catalog(settings)
    name = "unesco-almaty-2005-museum-management-training.ttl"
    text = (data / "sources" / name).read_text(encoding="utf-8")
    organisers = "org:unesco-almaty , org:scca-almaty , org:lab-museum-design-rik"
    assert organisers in text
    changed = tmp_path / name
    changed.write_text(text.replace(organisers, "org:unesco-almaty , org:lab-museum-design-rik"))
    said: list[str] = []
    import_files([changed], settings, replace=True, progress=said.append)
    assert any(line.startswith("rule (incremental):") for line in said), said
    derived = settings.derived_graph
    store = catalog.open_current(settings)
    try:
        incremental = _rule_statements(store, derived)
        copy = EmbeddedStore()
        copy.native.bulk_extend(list(store.native.quads_for_pattern(None, None, None, None)))
    finally:
        store.close()
    derive(copy, base_iri=settings.base_iri, derived_graph=derived, rules_dir=RULES)
    assert incremental == _rule_statements(copy, derived)
    nodes = {line.split(" ")[0] for line in incremental}
    node = f"<{settings.base_iri}id/partnership/{{}}--unesco-almaty/co-organised>"
    assert node.format("lab-museum-design-rik") in nodes
    assert node.format("scca-almaty") not in nodes, "the removed organiser's link is gone"


def test_a_topic_crossing_the_cap_rederives_like_a_full_derivation(
    synthetic: EmbeddedStore,
) -> None:
    """New programs push a (topic, year) over the cap: every shared-topic link of it goes."""
    native = synthetic.native
    program = next(native.quads_for_pattern(None, TOPIC, None, None)).subject
    topic = next(native.quads_for_pattern(program, TOPIC, None, None)).object
    start = next(native.quads_for_pattern(program, START, None, None)).object
    organisers = sorted(
        {q.object.value for q in native.quads_for_pattern(None, ORGANIZER, None, None)}
    )
    source = ox.NamedNode(f"{BASE}id/source/crowd")
    quads = [
        ox.Quad(source, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{MKG}SourceDocument"), source)
    ]
    for number, organiser in enumerate(organisers[: SHARED_TOPIC_CAP + 1]):
        crowd = ox.NamedNode(f"{BASE}id/program/crowd-{number}")
        quads += [
            ox.Quad(crowd, TOPIC, topic, source),
            ox.Quad(crowd, START, start, source),
            ox.Quad(crowd, ORGANIZER, ox.NamedNode(organiser), source),
        ]
    derived = f"{BASE}graph/derived"
    changed = _replace(synthetic, source, quads)
    _check(synthetic, changed, BASE, derived)
    changed = _replace(synthetic, source, [])
    _check(synthetic, changed, BASE, derived)


def test_roles_as_blank_nodes_rederive_like_a_full_derivation() -> None:
    """A touched institution that took part through blank-node roles keeps that evidence."""
    out = io.StringIO()
    synth.generate(6000, 2, out)
    text = re.sub(
        r"<[^>]*/id/role/([^>]*)>", lambda m: "_:" + re.sub(r"\W", "_", m[1]), out.getvalue()
    )
    store = EmbeddedStore()
    store.native.bulk_load(text.encode(), ox.RdfFormat.N_QUADS)
    store.load(PROJECT_DIR / "ontology" / "museumkg.ttl", format="ttl", graph=f"{BASE}graph/o")
    derived = f"{BASE}graph/derived"
    derive(store, base_iri=BASE, derived_graph=derived, rules_dir=RULES)
    on_behalf = ox.NamedNode(f"{MKG}onBehalfOf")
    role = next(store.native.quads_for_pattern(None, on_behalf, None, None))
    assert isinstance(role.subject, ox.BlankNode)
    typed = store.native.quads_for_pattern(role.object, ox.NamedNode(f"{RDF}type"), None, None)
    registry = next(q.graph_name for q in typed if q.graph_name.value != derived)
    quads = _graph(store, registry)  # type: ignore[arg-type]
    before = _derived(store, derived)
    _check(store, quads + quads, BASE, derived)  # the same entry again: nothing may change
    assert _derived(store, derived) == before


LOCATION = ox.NamedNode(f"{MKG}location")
LAT = ox.NamedNode(f"{WGS}lat")
LONG = ox.NamedNode(f"{WGS}long")
DECIMAL = ox.NamedNode(f"{XSD}decimal")


@pytest.mark.parametrize("change", ["city-moved", "institution-moved", "own-coordinates"])
def test_a_location_change_rederives_like_a_full_derivation(
    synthetic: EmbeddedStore, change: str
) -> None:
    """The city-location rule is redone for the institutions a change concerns only: a city
    given other coordinates moves every institution in it, though no statement about them
    changed."""
    native = synthetic.native
    derived = f"{BASE}graph/derived"
    located = list(native.quads_for_pattern(None, LOCATION, None, None))
    org, place = located[0].subject, located[0].object
    placed = {q.subject for q in located if q.object == place}
    assert len(placed) > 1, "the test needs a city with several institutions"
    if change == "city-moved":
        old = next(native.quads_for_pattern(place, LAT, None, None))
        graph = old.graph_name
        quads = [q for q in _graph(synthetic, graph) if q != old]  # type: ignore[arg-type]
        quads.append(ox.Quad(place, LAT, ox.Literal("1.5", datatype=DECIMAL), graph))
    else:
        graph = located[0].graph_name
        quads = _graph(synthetic, graph)  # type: ignore[arg-type]
        if change == "institution-moved":
            other = next(q.object for q in located if q.object != place)
            quads = [q for q in quads if q != located[0]]
            quads.append(ox.Quad(org, LOCATION, other, graph))
        else:
            quads.append(ox.Quad(org, LAT, ox.Literal("2.5", datatype=DECIMAL), graph))
            quads.append(ox.Quad(org, LONG, ox.Literal("3.5", datatype=DECIMAL), graph))
    before = _derived(synthetic, derived)
    changed = _replace(synthetic, graph, quads)  # type: ignore[arg-type]
    _check(synthetic, changed, BASE, derived)
    after = _derived(synthetic, derived)
    differ = {line.split(" ")[0] for line in after ^ before}
    assert f"<{org.value}>" in differ, "the institution's own place changed"
    if change == "city-moved":
        assert {f"<{o.value}>" for o in placed} <= differ, "all in the city moved with it"


def test_an_incremental_derivation_starts_from_every_location_statement() -> None:
    """The previous store's city-level locations are copied (only touched ones are redone)."""
    text = load_query("derived_rule_statements").text
    values = re.search(r"VALUES \?p \{([^}]*)\}", text)
    assert values is not None
    prefixes = {"wgs:": WGS, "geo:": GEO, "mkg:": MKG}
    listed = set()
    for name in values[1].split():
        prefix = name[: name.index(":") + 1]
        listed.add(prefixes[prefix] + name[len(prefix) :])
    assert listed == {p for p, rule in DERIVED_BY.items() if rule == LOCATION_RULE}
