"""Network metrics of the strong partnerships, computed with NetworKit at build time.

The graph: one node per institution in a strong partnership (co-organised, participated,
stated; not the weak shared-topic kind), one edge per pair, weighted by the pair's strength
(the sum over its strong partnership nodes). Per institution:

- ``degree``: how many partners;
- ``weighted_degree``: the sum of the strengths of its pairs;
- ``betweenness``: normalised betweenness centrality over hops (unweighted shortest paths),
  exact (Brandes) up to :data:`EXACT_BETWEENNESS_UP_TO` institutions, else estimated from
  :data:`BETWEENNESS_SAMPLES` sampled source institutions (seeded, so builds are
  reproducible); an estimate is stated beside the value (``mkg:betweennessSources`` in RDF,
  ``betweenness_sources`` in the JSON);
- ``community``: Louvain communities on the weighted graph (seed 0), numbered 1, 2, ... from
  the largest.

The same four are computed for each year slice: the graph of the evidence dated that year
(strength recomputed from that year's programs, as :func:`museumkg.network.views.select` does; all
slices are made in one pass over the partnerships).

Cost, known in advance: one breadth-first search per source, O(n + m) each, so at most
``max(EXACT_BETWEENNESS_UP_TO, BETWEENNESS_SAMPLES)`` searches per graph; Louvain is near
linear in the edges. The algorithms are NetworKit's (C++, run on one thread so that results
are reproducible): the same Brandes betweenness networkx computes, some fifty times faster.

:func:`write_metrics` puts them into the derived graph as RDF (``mkg:degree`` ... on each
institution; ``mkg:YearMetrics`` nodes ``{base}metrics/<year>/<slug>`` for the slices) and
writes ``network-metrics.json`` (and the network itself, ``network.json``, which the web app
reads instead of scanning the derived graph) into the store folder, so all land with the store.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF, XSD
from museumkg.network.model import (
    NETWORK_FILE,
    STRONG_KINDS,
    Network,
    load_network,
    save_network,
)
from museumkg.network.views import NetworkView
from museumkg.store import Store

#: Exact betweenness up to this many nodes; above, estimated from sampled sources.
EXACT_BETWEENNESS_UP_TO = 1000
#: Sampled source institutions of an estimated betweenness.
BETWEENNESS_SAMPLES = 500
#: The file beside the store (inside its folder) that publishes the metrics as JSON.
METRICS_FILE = "network-metrics.json"

Metrics = dict[str, dict[str, float]]


@dataclass
class NetworkMetrics:
    """Metrics per institution IRI, overall and per year, and how they were computed."""

    overall: Metrics = field(default_factory=dict)
    years: dict[int, Metrics] = field(default_factory=dict)
    communities: int = 0
    betweenness_sample: int | None = None
    year_samples: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``overall`` and ``years`` keyed by institution IRI."""
        return {
            "graph": "strong partnerships (kinds: " + ", ".join(STRONG_KINDS) + ")",
            "weight": "pair strength (sum over the pair's strong partnership nodes)",
            "betweenness": (
                "normalised, over hops; exact"
                if self.betweenness_sample is None
                else f"normalised, over hops; estimated from {self.betweenness_sample} sources"
            ),
            "betweenness_sources": {
                "overall": self.betweenness_sample,
                "years": {str(year): k for year, k in sorted(self.year_samples.items())},
                "note": (
                    f"exact up to {EXACT_BETWEENNESS_UP_TO} institutions, else estimated from "
                    f"{BETWEENNESS_SAMPLES} sampled sources (seeded); null or absent: exact"
                ),
            },
            "communities": self.communities,
            "overall": self.overall,
            "years": {str(year): metrics for year, metrics in sorted(self.years.items())},
        }


def graph_of(view: NetworkView) -> nx.Graph[str]:
    """The undirected weighted graph of a network view (edge attribute ``weight``)."""
    graph: nx.Graph[str] = nx.Graph()
    for edge in view.edges:
        graph.add_edge(edge["source"], edge["target"], weight=edge["strength"])
    return graph


@contextmanager
def _reproducible() -> Iterator[None]:
    """NetworKit seeded (0) and on one thread for the duration: the same input, the same output."""
    import networkit as nk

    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.setSeed(0, False)
    try:
        yield
    finally:
        nk.setNumberOfThreads(threads)


def metrics_of(graph: nx.Graph) -> tuple[Metrics, int, int | None]:
    """Degree, weighted degree, betweenness and community of every node of ``graph``.

    Returns:
        the metrics per node, the number of communities, and the betweenness sample size
        (``None`` when exact).

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> found, communities, _ = metrics_of(g)
    >>> found["b"]["degree"], found["b"]["betweenness"]
    (2, 1.0)
    """
    import networkit as nk

    if graph.number_of_nodes() == 0:
        return {}, 0, None
    nodes = list(graph.nodes)
    index = {node: number for number, node in enumerate(nodes)}
    hops = nk.Graph(len(nodes), weighted=False)
    weighted = nk.Graph(len(nodes), weighted=True)
    for a, b, data in graph.edges(data=True):
        hops.addEdge(index[a], index[b])
        weighted.addEdge(index[a], index[b], float(data.get("weight", 1.0)))
    sample = None
    if len(nodes) > EXACT_BETWEENNESS_UP_TO:
        sample = BETWEENNESS_SAMPLES
    with _reproducible():
        if len(nodes) <= 2:
            between = [0.0] * len(nodes)  # no pair has a node between them
        else:
            if sample is None:
                centrality = nk.centrality.Betweenness(hops, normalized=True)
            else:
                centrality = nk.centrality.EstimateBetweenness(
                    hops, sample, normalized=True, parallel=False
                )
            centrality.run()
            between = centrality.scores()
        louvain = nk.community.PLM(weighted, refine=False, gamma=1.0)
        louvain.run()
        partition = louvain.getPartition()
    groups: dict[int, set[str]] = defaultdict(set)
    for node, number in zip(nodes, partition.getVector(), strict=True):
        groups[number].add(node)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), min(members)))
    community = {node: number for number, members in enumerate(ordered, 1) for node in members}
    found: Metrics = {}
    for node in sorted(graph.nodes):
        found[node] = {
            "degree": graph.degree(node),
            "weighted_degree": round(graph.degree(node, weight="weight"), 3),
            "betweenness": round(between[index[node]] + 0.0, 6),
            "community": community[node],
        }
    return found, len(ordered), sample


def _graph_of_pairs(pairs: dict[tuple[str, str], float]) -> nx.Graph[str]:
    """Pairs and strengths as a graph, edges in the order a network view ranks them."""
    graph: nx.Graph[str] = nx.Graph()
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))
    for (a, b), strength in ranked:
        graph.add_edge(a, b, weight=round(strength, 3))
    return graph


def strong_graphs(network: Network) -> tuple[nx.Graph, dict[int, nx.Graph]]:
    """The strong-partnership graph overall and per evidence year, in one pass.

    The same graphs as :func:`graph_of` over :func:`museumkg.network.views.select` with the strong
    kinds and no limit (overall), or a one-year range (a slice): a pair's strength is the sum
    over its partnership nodes of ``weight × evidence items`` (in that year), in link order.
    """
    years = network.years()
    overall: dict[tuple[str, str], float] = {}
    slices: dict[int, dict[tuple[str, str], float]] = defaultdict(dict)
    for link in network.links:
        if link.kind not in STRONG_KINDS:
            continue
        key = (link.a, link.b)
        if not link.evidence:  # kept by every year range, at its stored strength
            overall[key] = overall.get(key, 0.0) + link.strength
            for year in years:
                slices[year][key] = slices[year].get(key, 0.0) + link.strength
            continue
        overall[key] = overall.get(key, 0.0) + link.weight * len(link.evidence)
        per_year = Counter(e.year for e in link.evidence if e.year is not None)
        for year, items in per_year.items():
            slices[year][key] = slices[year].get(key, 0.0) + link.weight * items
    return _graph_of_pairs(overall), {
        year: _graph_of_pairs(slices[year]) for year in years if slices.get(year)
    }


def compute_metrics(network: Network) -> NetworkMetrics:
    """Metrics of the strong partnership network, overall and for every year with evidence."""
    whole, per_year = strong_graphs(network)
    overall, communities, sample = metrics_of(whole)
    result = NetworkMetrics(overall, {}, communities, sample)
    for year, graph in per_year.items():
        metrics, _count, year_sample = metrics_of(graph)
        if metrics:
            result.years[year] = metrics
            if year_sample is not None:
                result.year_samples[year] = year_sample
    return result


def _values(
    subject: ox.NamedNode, values: dict[str, float], graph: ox.NamedNode, sample: int | None
) -> list[ox.Quad]:
    integer, decimal = ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "decimal")
    estimate = [
        ox.Quad(
            subject,
            ox.NamedNode(MKG + "betweennessSources"),
            ox.Literal(str(sample), datatype=integer),
            graph,
        )
    ]
    return (estimate if sample is not None else []) + [
        ox.Quad(
            subject,
            ox.NamedNode(MKG + "degree"),
            ox.Literal(str(values["degree"]), datatype=integer),
            graph,
        ),
        ox.Quad(
            subject,
            ox.NamedNode(MKG + "weightedDegree"),
            ox.Literal(f"{values['weighted_degree']:.3f}", datatype=decimal),
            graph,
        ),
        ox.Quad(
            subject,
            ox.NamedNode(MKG + "betweenness"),
            ox.Literal(f"{values['betweenness']:.6f}", datatype=decimal),
            graph,
        ),
        ox.Quad(
            subject,
            ox.NamedNode(MKG + "community"),
            ox.Literal(str(values["community"]), datatype=integer),
            graph,
        ),
    ]


def metrics_quads(metrics: NetworkMetrics, network: Network, graph: str) -> Iterable[ox.Quad]:
    """The metrics as quads in ``graph``: on each institution, and on per-year nodes."""
    target = ox.NamedNode(graph)
    for iri, values in metrics.overall.items():
        yield from _values(ox.NamedNode(iri), values, target, metrics.betweenness_sample)
    for year, per_org in metrics.years.items():
        sample = metrics.year_samples.get(year)
        for iri, values in per_org.items():
            org = network.institutions.get(iri)
            slug = org.slug if org else iri.rsplit("/", 1)[-1]
            node = ox.NamedNode(f"{network.base_iri}metrics/{year}/{slug}")
            yield ox.Quad(
                node, ox.NamedNode(RDF + "type"), ox.NamedNode(MKG + "YearMetrics"), target
            )
            yield ox.Quad(node, ox.NamedNode(MKG + "metricsOf"), ox.NamedNode(iri), target)
            yield ox.Quad(
                node,
                ox.NamedNode(MKG + "metricsYear"),
                ox.Literal(str(year), datatype=ox.NamedNode(XSD + "gYear")),
                target,
            )
            yield from _values(node, values, target, sample)


def write_metrics(
    store: Store,
    network: Network,
    *,
    derived_graph: str,
    store_dir: Path | None = None,
    version: str | None = None,
) -> NetworkMetrics:
    """Compute the metrics, add them to the derived graph and write the JSON file.

    Args:
        store: the store being built (writable), its derived graph already filled.
        network: its network (:func:`museumkg.network.model.load_network`).
        derived_graph: the graph the metrics go into.
        store_dir: the store's folder; ``network-metrics.json`` is written inside it.
        version: the dataset version the JSON states.

    Returns:
        the metrics.
    """
    metrics = compute_metrics(network)
    # in bulk: serialised and bulk-loaded, twice as fast as a transaction of single inserts
    # (the store is being built, nobody reads it meanwhile)
    quads = ox.serialize(
        metrics_quads(metrics, network, derived_graph), format=ox.RdfFormat.N_QUADS
    )
    store.load(quads or b"", format="nq", graph=None)
    for iri, values in metrics.overall.items():
        if iri in network.institutions:
            network.institutions[iri].metrics = dict(values)
    if store_dir is not None:
        save_network(network, store_dir / NETWORK_FILE)
        document = {"dataset_version": version, **metrics.as_dict()}
        path = store_dir / METRICS_FILE
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    return metrics


def add_network_metrics(
    store: Store,
    store_dir: Path,
    settings: Settings,
    version: str,
    progress: Callable[[str], None] | None = None,
    network: Network | None = None,
) -> NetworkMetrics:
    """The build step: metrics of the freshly derived network into the store and its folder.

    Args:
        network: the store's network when the caller has read it already (it gets the
            metrics); else read here.
    """
    if network is None:
        network = load_network(store, settings.base_iri)
    metrics = write_metrics(
        store, network, derived_graph=settings.derived_graph, store_dir=store_dir, version=version
    )
    if progress is not None:
        progress(
            f"network metrics: {len(metrics.overall)} institutions, {metrics.communities} "
            f"communities, {len(metrics.years)} year slices"
        )
    return metrics
