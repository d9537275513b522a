"""The partnership network as data: filters, metrics, why-paths and chains on known structure.

Two generated catalogs (never real data): test_derive's random ``synthetic_catalog``, whose
expected partnerships are known by construction, and a small "barbell" (two triangles of
co-organisers joined by a chain) whose metrics and shortest chains can be worked out by hand.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from partners_oracle import partners_of
from synthetic_network import RULES, SYNTH, synthetic_catalog

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF, SKOS, XSD
from museumkg.network.derive import derive
from museumkg.network.export import CSV_COLUMNS, edges_csv, graphml, view_json
from museumkg.network.metrics import (
    BETWEENNESS_SAMPLES,
    EXACT_BETWEENNESS_UP_TO,
    METRICS_FILE,
    NetworkMetrics,
    add_network_metrics,
    compute_metrics,
    metrics_of,
    metrics_quads,
)
from museumkg.network.model import (
    DEFAULT_LIMIT,
    KINDS,
    NETWORK_FILE,
    STRONG_KINDS,
    Evidence,
    Institution,
    Link,
    Network,
    load_network,
    read_network,
)
from museumkg.network.views import NetworkFilter, select
from museumkg.network.why import explain_pair, network_position, partners_in_network
from museumkg.queries import load_query
from museumkg.store import EmbeddedStore, select_rows

STRONG = {"CoOrganised", "ParticipatedInProgramOf", "StatedPartnership"}


def _derived(store: EmbeddedStore) -> EmbeddedStore:
    derive(store, base_iri=SYNTH, derived_graph=f"{SYNTH}graph/derived", rules_dir=RULES)
    return store


def _expected_graph(expected: dict[tuple[str, str, str], dict]) -> nx.Graph:
    """The strong network as the generator planted it, built without the code under test."""
    graph = nx.Graph()
    for (a, b, kind), want in expected.items():
        if kind in STRONG:
            old = graph.get_edge_data(a, b, {"weight": 0})["weight"]
            graph.add_edge(a, b, weight=old + want["strength"])
    return graph


# --- synthetic_catalog: metrics against the expected partnerships --------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_metrics_match_the_planted_partnerships(seed: int, tmp_path: Path) -> None:
    store, expected = synthetic_catalog(seed)
    _derived(store)
    network = load_network(store, SYNTH)
    metrics = compute_metrics(network)
    graph = _expected_graph(expected)
    assert set(metrics.overall) == set(graph.nodes)
    betweenness = nx.betweenness_centrality(graph)
    for org, found in metrics.overall.items():
        assert found["degree"] == graph.degree(org), org
        assert found["weighted_degree"] == pytest.approx(graph.degree(org, weight="weight"))
        assert found["betweenness"] == pytest.approx(betweenness[org], abs=1e-6)
    communities = defaultdict(set)
    for org, found in metrics.overall.items():
        communities[found["community"]].add(org)
    assert sorted(communities) == list(range(1, metrics.communities + 1))
    sizes = [len(communities[n]) for n in sorted(communities)]
    assert sizes == sorted(sizes, reverse=True), "community 1 is the largest"


def test_year_slices_count_only_that_years_evidence() -> None:
    store, expected = synthetic_catalog(3)
    _derived(store)
    years = {
        row["p"].value: row["d"].value[:4]
        for row in select_rows(store.query(f"SELECT ?p ?d {{ ?p <{MKG}startDate> ?d }}"))
    }
    metrics = compute_metrics(load_network(store, SYNTH))
    for year, per_org in metrics.years.items():
        graph = nx.Graph()
        for (a, b, kind), want in expected.items():
            if kind not in STRONG:
                continue
            items = [p for p in want["programs"] if years[p] == str(year)]
            if kind == "StatedPartnership" and year == 2010:
                items = sorted(want["sources"])
            if items:
                weight = want["strength"] / (len(want["programs"]) or len(want["sources"]))
                old = graph.get_edge_data(a, b, {"weight": 0})["weight"]
                graph.add_edge(a, b, weight=old + weight * len(items))
        assert set(per_org) == set(graph.nodes), year
        for org, found in per_org.items():
            assert found["degree"] == graph.degree(org)
            assert found["weighted_degree"] == pytest.approx(graph.degree(org, weight="weight"))


def test_metrics_go_into_the_derived_graph_and_the_store_folder(tmp_path: Path) -> None:
    store, expected = synthetic_catalog(1)
    _derived(store)
    metrics = add_network_metrics(store, tmp_path, Settings(base_iri=SYNTH), "test-version")
    org = next(iter(sorted(metrics.overall)))
    position = network_position(store, org)
    assert position is not None and position["overall"]["degree"] == metrics.overall[org]["degree"]
    assert [y["year"] for y in position["years"]] == sorted(
        str(y) for y, per in metrics.years.items() if org in per
    )
    in_graph = f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SYNTH}graph/derived> {{
        ?org <{MKG}degree> ?d ; <{MKG}community> ?c .
        FILTER NOT EXISTS {{ ?org <{MKG}metricsOf> ?any }} }} }}"""
    assert int(next(select_rows(store.query(in_graph)))["n"].value) == len(metrics.overall)
    published = json.loads((tmp_path / METRICS_FILE).read_text(encoding="utf-8"))
    assert published["dataset_version"] == "test-version"
    assert published["overall"][org] == metrics.overall[org]
    again = read_network(tmp_path / NETWORK_FILE)
    assert (
        select(again, NetworkFilter(limit=None)).edges
        == select(load_network(store, SYNTH), NetworkFilter(limit=None)).edges
    )


def test_partners_of_ranks_by_summed_strength() -> None:
    store, expected = synthetic_catalog(2)
    _derived(store)
    org = f"{SYNTH}id/org/synthetic-00"
    found = partners_of(store, org, "en", SYNTH)
    want: dict[str, float] = defaultdict(float)
    kinds: dict[str, set[str]] = defaultdict(set)
    for (a, b, kind), link in expected.items():
        if org in (a, b):
            other = b if a == org else a
            want[other] += link["strength"]
            kinds[other].add(next(s for s, name in KINDS.items() if name == kind))
    assert {p["iri"]: p["strength"] for p in found} == pytest.approx(dict(want))
    assert [p["strength"] for p in found] == sorted((p["strength"] for p in found), reverse=True)
    for partner in found:
        assert {k["kind"] for k in partner["kinds"]} == kinds[partner["iri"]]
        assert partner["slug"].startswith("synthetic-") and partner["evidence"] >= 1


@pytest.mark.parametrize("seed", [1, 2])
def test_partners_from_the_network_are_those_from_the_store(seed: int) -> None:
    """The institution panel reads the loaded network; it says what the store's queries say."""
    store, _expected = synthetic_catalog(seed)
    _derived(store)
    network = load_network(store, SYNTH)
    assert network.institutions
    for org in sorted(network.institutions):
        for langs in (["en"], ["ru", "en"]):
            assert partners_in_network(network, org, langs) == partners_of(
                store, org, langs, SYNTH
            ), org
    assert partners_in_network(network, f"{SYNTH}id/org/nobody") == []


def test_why_lists_the_planted_evidence_of_a_pair() -> None:
    store, expected = synthetic_catalog(1)
    _derived(store)
    network = load_network(store, SYNTH)
    (a, b, kind), want = next(
        (key, link) for key, link in sorted(expected.items()) if key[2] == "CoOrganised"
    )
    answer = explain_pair(store, network, a, b)
    assert answer["linked"] and answer["chains"] == [] and answer["distance"] == 1
    co = [p for p in answer["paths"] if p["kind"] == "co-organised"]
    assert {p["program"]["iri"] for p in co} == want["programs"]
    for path in co:
        assert {r["member"] for r in path["roles"] if r["role"] == "organiser"} == {a, b}
        assert {r["source"]["iri"] for r in path["roles"]} <= want["sources"]
        assert path["rule"] == f"{SYNTH}rule/co-organised"
    total = sum(link["strength"] for (x, y, _k), link in expected.items() if (x, y) == (a, b))
    assert answer["strength"] == pytest.approx(total)


# --- the barbell: chains and centrality worked out by hand ---------------------------------


def _barbell() -> EmbeddedStore:
    """Triangles A-B-C and E-F-G (each co-organised one program) joined by C - D - E.

    C organised a program D took part in (as a partner), D and E co-organised one: the only
    chain from A to G is A, C, D, E, G.
    """
    store = EmbeddedStore()
    store.load(RULES.parent / "museumkg.ttl", format="ttl", graph=f"{SYNTH}graph/ontology")
    org = {x: ox.NamedNode(f"{SYNTH}id/org/bar-{x.lower()}") for x in "ABCDEFG"}
    quads = []
    programs = [("ABC", "", 2001), ("C", "D", 2002), ("DE", "", 2003), ("EFG", "", 2004)]
    for number, (organisers, partners, year) in enumerate(programs):
        source = ox.NamedNode(f"{SYNTH}id/source/bar-{number}")
        program = ox.NamedNode(f"{SYNTH}id/program/bar-{number}")
        triples = [
            (source, RDF + "type", ox.NamedNode(MKG + "SourceDocument")),
            (program, RDF + "type", ox.NamedNode(MKG + "Training")),
            (program, SKOS + "prefLabel", ox.Literal(f"Program {number}", language="en")),
            (
                program,
                MKG + "startDate",
                ox.Literal(f"{year}-01-01", datatype=ox.NamedNode(XSD + "date")),
            ),
        ]
        triples += [(program, MKG + "organizer", org[x]) for x in organisers]
        triples += [(program, MKG + "partner", org[x]) for x in partners]
        triples += [(org[x], RDF + "type", ox.NamedNode(MKG + "Museum")) for x in org]
        triples += [
            (org[x], SKOS + "prefLabel", ox.Literal(f"Museum {x}", language="en")) for x in org
        ]
        quads += [ox.Quad(s, ox.NamedNode(p), o, source) for s, p, o in triples]
    store.add_quads(quads)
    return _derived(store)


def test_barbell_centrality_and_communities() -> None:
    network = load_network(_barbell(), SYNTH)
    metrics = compute_metrics(network).overall
    by = {iri.rsplit("-", 1)[-1].upper(): values for iri, values in metrics.items()}
    degrees = {x: by[x]["degree"] for x in "ABCDEFG"}
    assert degrees == {"A": 2, "B": 2, "C": 3, "D": 2, "E": 3, "F": 2, "G": 2}
    # D is on every shortest chain between the two triangles: 3 x 3 pairs plus those with C, E
    # as ends; normalised by (n-1)(n-2)/2 = 15.
    assert by["D"]["betweenness"] == pytest.approx(9 / 15)
    assert by["C"]["betweenness"] == pytest.approx(8 / 15)
    assert all(by[x]["betweenness"] == 0 for x in "ABFG")
    assert by["A"]["community"] == by["B"]["community"] == by["C"]["community"]
    assert by["E"]["community"] == by["F"]["community"] == by["G"]["community"]
    assert by["A"]["community"] != by["G"]["community"]


def test_why_gives_the_shortest_chain_when_not_linked() -> None:
    store = _barbell()
    network = load_network(store, SYNTH)
    a, g = f"{SYNTH}id/org/bar-a", f"{SYNTH}id/org/bar-g"
    answer = explain_pair(store, network, a, g)
    assert not answer["linked"] and not answer["weakly_linked"] and answer["paths"] == []
    assert answer["distance"] == 4 and len(answer["chains"]) == 1
    hops = answer["chains"][0]
    assert [h["from"]["slug"] for h in hops] == ["bar-a", "bar-c", "bar-d", "bar-e"]
    assert hops[-1]["to"]["slug"] == "bar-g"
    assert [h["kinds"] for h in hops] == [
        ["co-organised"],
        ["participated"],
        ["co-organised"],
        ["co-organised"],
    ]
    assert hops[1]["programs"] == [f"{SYNTH}id/program/bar-1"] and hops[1]["strength"] == 2.0
    # the participation path names how each took part
    path = explain_pair(store, network, f"{SYNTH}id/org/bar-c", f"{SYNTH}id/org/bar-d")
    roles = {(r["member"].rsplit("-", 1)[-1], r["role"]) for r in path["paths"][0]["roles"]}
    assert roles == {("c", "organiser"), ("d", "named partner")}


def test_unconnected_institutions_have_no_chain() -> None:
    store = _barbell()
    lonely = ox.NamedNode(f"{SYNTH}id/org/bar-lonely")
    store.add_quads([ox.Quad(lonely, ox.NamedNode(RDF + "type"), ox.NamedNode(MKG + "Museum"))])
    answer = explain_pair(store, load_network(store, SYNTH), f"{SYNTH}id/org/bar-a", lonely.value)
    assert answer["chains"] == [] and answer["distance"] is None


# --- filters ---------------------------------------------------------------------------------


def test_filters_from_parameters() -> None:
    assert NetworkFilter.from_params({}) == NetworkFilter()
    assert NetworkFilter.from_params({"kind": ["all"]}).kinds == tuple(KINDS)
    assert NetworkFilter.from_params({"kind": ["none"]}).kinds == ()
    assert NetworkFilter.from_params({"kind": ["stated", "co-organised"]}).kinds == (
        "co-organised",
        "stated",
    )
    for bad, message in [
        ({"kind": ["friends"]}, "unknown partnership kind friends"),
        ({"from": ["2005x"]}, "from must be a whole number"),
        ({"from": ["2006"], "to": ["2005"]}, "ends (2005) before it starts (2006)"),
        ({"limit": ["0"]}, "limit must be between 1"),
    ]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            NetworkFilter.from_params(bad)


def test_year_kind_and_limit_filters_change_the_view() -> None:
    network = load_network(_barbell(), SYNTH)
    everything = select(network, NetworkFilter(limit=None))
    assert len(everything.edges) == 3 + 1 + 1 + 3 and not everything.truncated
    only_2004 = select(network, NetworkFilter(year_from=2004, year_to=2004))
    assert {n["slug"] for n in only_2004.nodes} == {"bar-e", "bar-f", "bar-g"}
    assert [t["year"] for t in only_2004.timeline if t["selected"]] == [2004]
    assert len(only_2004.timeline) == 4, "the timeline keeps every year, marking the range"
    participated = select(network, NetworkFilter(kinds=("participated",)))
    assert [(e["source"][-1], e["target"][-1]) for e in participated.edges] == [("c", "d")]
    cut = select(network, NetworkFilter(limit=2))
    assert cut.truncated and len(cut.edges) == 2 and cut.total_edges == 8
    assert "the 2 strongest of 8 links" in cut.note


def test_a_large_network_is_cut_to_the_strongest_links() -> None:
    """2,000 institutions: the server sends the top links, never the whole graph."""
    base = "http://ex.org/"
    links = []
    institutions = {
        f"{base}id/org/o{i}": Institution(f"{base}id/org/o{i}", f"o{i}") for i in range(2000)
    }
    for i in range(2000):
        for j in (i + 1, i + 7):
            a, b = sorted((f"{base}id/org/o{i}", f"{base}id/org/o{j % 2000}"))
            items = tuple(
                Evidence(f"{base}id/program/p{i}-{k}", 2000 + k, True) for k in range(1 + i % 5)
            )
            links.append(Link(f"{a}{b}", a, b, "co-organised", 3.0 * len(items), items))
    network = Network(base, institutions, links, {}, {})
    view = select(network, NetworkFilter())
    assert len(view.edges) == DEFAULT_LIMIT and view.truncated and view.total_edges == 4000
    assert min(e["strength"] for e in view.edges) == 15.0, "the strongest links are kept"
    assert len(view.nodes) < 2000


# --- exports ---------------------------------------------------------------------------------


def test_exports_parse_and_state_version_and_filters() -> None:
    network = load_network(_barbell(), SYNTH)
    flt = NetworkFilter(kinds=STRONG_KINDS, year_from=2001, year_to=2003)
    view = select(network, flt)
    rows = list(csv.DictReader(io.StringIO(edges_csv(view, "v-test", lambda a, b: "why"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(view.edges) == 5
    assert {r["dataset_version"] for r in rows} == {"v-test"}
    assert {r["filters"] for r in rows} == {flt.describe()} and "from=2001; to=2003" in rows[0][
        "filters"
    ]
    graph = nx.read_graphml(io.BytesIO(graphml(view, "v-test")))
    assert graph.graph["dataset_version"] == "v-test" and graph.graph["filters"] == flt.describe()
    assert graph.number_of_edges() == 5 and graph.number_of_nodes() == 5
    c, d = f"{SYNTH}id/org/bar-c", f"{SYNTH}id/org/bar-d"
    assert graph.edges[c, d]["weight"] == 2.0 and graph.edges[c, d]["kinds"] == "participated"
    assert graph.nodes[c]["label"] == "Museum C"
    document = json.loads(json.dumps(view_json(view, "v-test")))
    assert document["dataset_version"] == "v-test"
    assert document["filters"] == {"from": "2001", "to": "2003"}
    assert len(document["edges"]) == 5


def test_every_network_query_has_its_header_and_projects_its_parameters() -> None:

    for name in [
        "network_partnership_nodes",
        "network_partnership_members",
        "network_evidence",
        "network_program_topics",
        "network_institutions",
        "network_vocabulary",
        "network_metrics",
        "institution_metrics",
        "partners_of",
        "partner_names",
        "partnership_kinds",
        "entity_names",
        "why_partnerships",
        "why_programs",
        "why_sources",
        "why_involvement",
    ]:
        query = load_query(name)
        assert query.summary and query.params, name
        # pyoxigraph substitutes only variables of the SELECT projection
        projection = query.text.split("SELECT", 1)[1].split("WHERE", 1)[0]
        for param in re.findall(r"\?(\w+) \(", query.params):
            assert f"?{param}" in projection, (name, param)


# --- the documentation -----------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "partnerships.md"


def test_the_docs_name_every_filter_and_export() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("kind", "from", "to", "country", "type", "topic", "limit"):
        assert f"`{name}`" in text, name
    for url in ("/network/edges.csv", "/network/graph.graphml", "/network/data.json"):
        assert url in text
    for prop in ("mkg:degree", "mkg:weightedDegree", "mkg:betweenness", "mkg:community"):
        assert prop in text
    assert f"default {DEFAULT_LIMIT}" in text


def test_the_docs_queries_answer_on_the_seed(store: EmbeddedStore) -> None:
    blocks = re.findall(r"```sparql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    for block in blocks:
        assert list(select_rows(store.query(block))), block


# --- betweenness: exact on small networks, estimated (and flagged) on large ones ------------


def test_small_networks_get_exact_betweenness_without_a_flag(tmp_path: Path) -> None:
    store, _expected = synthetic_catalog(1)
    _derived(store)
    metrics = add_network_metrics(store, tmp_path, Settings(base_iri=SYNTH), "v")
    assert metrics.betweenness_sample is None and metrics.year_samples == {}
    flagged = f"SELECT * WHERE {{ ?x <{MKG}betweennessSources> ?k }}"
    assert list(select_rows(store.query(flagged))) == []
    published = json.loads((tmp_path / METRICS_FILE).read_text(encoding="utf-8"))
    assert published["betweenness"] == "normalised, over hops; exact"
    assert published["betweenness_sources"]["overall"] is None


def test_large_networks_get_estimated_betweenness_close_to_the_exact_one() -> None:
    size = EXACT_BETWEENNESS_UP_TO + 200
    ring = nx.connected_watts_strogatz_graph(size, 4, 0.05, seed=1)
    graph = nx.relabel_nodes(ring, {n: f"http://e.org/id/org/n{n:05d}" for n in ring})
    found, communities, sample = metrics_of(graph)
    assert sample == BETWEENNESS_SAMPLES
    assert communities > 1
    exact = nx.betweenness_centrality(graph)
    assert max(abs(found[n]["betweenness"] - exact[n]) for n in graph) < 0.02
    assert all(found[n]["degree"] == graph.degree(n) for n in graph)


def test_an_estimated_betweenness_is_stated_in_rdf_and_json() -> None:
    org = "http://e.org/id/org/a"
    values = {"degree": 2, "weighted_degree": 3.0, "betweenness": 0.5, "community": 1}
    metrics = NetworkMetrics({org: values}, {2001: {org: values}}, 1, 500, {2001: 500})
    network = Network("http://e.org/", {}, [], {}, {})
    quads = list(metrics_quads(metrics, network, "http://e.org/graph/derived"))
    flags = {
        (q.subject.value, q.object.value)
        for q in quads
        if q.predicate.value == f"{MKG}betweennessSources"
    }
    assert flags == {(org, "500"), ("http://e.org/metrics/2001/a", "500")}
    data = metrics.as_dict()
    assert "estimated from 500 sources" in data["betweenness"]
    assert data["betweenness_sources"]["overall"] == 500
    assert data["betweenness_sources"]["years"] == {"2001": 500}
