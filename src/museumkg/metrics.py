"""Network metrics of the strong partnerships, computed with networkx at build time.

The graph: one node per institution in a strong partnership (co-organised, participated,
stated; not the weak shared-topic kind), one edge per pair, weighted by the pair's strength
(the sum over its strong partnership nodes). Per institution:

- ``degree``: how many partners;
- ``weighted_degree``: the sum of the strengths of its pairs;
- ``betweenness``: normalised betweenness centrality over hops (unweighted shortest paths),
  exact up to :data:`EXACT_BETWEENNESS_UP_TO` institutions, else estimated from that many
  sampled sources (seeded, so builds are reproducible);
- ``community``: Louvain communities on the weighted graph (seed 0), numbered 1, 2, ... from
  the largest.

The same four are computed for each year slice: the graph of the evidence dated that year
(strength recomputed from that year's programs, as :func:`museumkg.network.select` does).

:func:`write_metrics` puts them into the derived graph as RDF (``mkg:degree`` ... on each
institution; ``mkg:YearMetrics`` nodes ``{base}metrics/<year>/<slug>`` for the slices) and
writes ``network-metrics.json`` (and the network itself, ``network.json``, which the web app
reads instead of scanning the derived graph) into the store folder, so all land with the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF, XSD
from museumkg.network import (
    NETWORK_FILE,
    STRONG_KINDS,
    Network,
    NetworkFilter,
    NetworkView,
    load_network,
    save_network,
    select,
)
from museumkg.store import Store

#: Exact betweenness up to this many nodes; above, this many sampled sources.
EXACT_BETWEENNESS_UP_TO = 1000
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
            "communities": self.communities,
            "overall": self.overall,
            "years": {str(year): metrics for year, metrics in sorted(self.years.items())},
        }


def graph_of(view: NetworkView) -> nx.Graph:
    """The undirected weighted graph of a network view (edge attribute ``weight``)."""
    graph = nx.Graph()
    for edge in view.edges:
        graph.add_edge(edge["source"], edge["target"], weight=edge["strength"])
    return graph


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
    if graph.number_of_nodes() == 0:
        return {}, 0, None
    sample = None
    if graph.number_of_nodes() > EXACT_BETWEENNESS_UP_TO:
        sample = EXACT_BETWEENNESS_UP_TO
    between = nx.betweenness_centrality(graph, k=sample, normalized=True, seed=0)
    groups = nx.community.louvain_communities(graph, weight="weight", seed=0)
    ordered = sorted(groups, key=lambda members: (-len(members), min(members)))
    community = {node: number for number, members in enumerate(ordered, 1) for node in members}
    found: Metrics = {}
    for node in sorted(graph.nodes):
        found[node] = {
            "degree": graph.degree(node),
            "weighted_degree": round(graph.degree(node, weight="weight"), 3),
            "betweenness": round(between[node], 6),
            "community": community[node],
        }
    return found, len(ordered), sample


def compute_metrics(network: Network) -> NetworkMetrics:
    """Metrics of the strong partnership network, overall and for every year with evidence."""
    everything = NetworkFilter(kinds=STRONG_KINDS, limit=None)
    overall, communities, sample = metrics_of(graph_of(select(network, everything)))
    result = NetworkMetrics(overall, {}, communities, sample)
    for year in network.years():
        slice_filter = NetworkFilter(kinds=STRONG_KINDS, year_from=year, year_to=year, limit=None)
        metrics, _count, _sample = metrics_of(graph_of(select(network, slice_filter)))
        if metrics:
            result.years[year] = metrics
    return result


def _values(subject: ox.NamedNode, values: dict[str, float], graph: ox.NamedNode) -> list[ox.Quad]:
    integer, decimal = ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "decimal")
    return [
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
        yield from _values(ox.NamedNode(iri), values, target)
    for year, per_org in metrics.years.items():
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
            yield from _values(node, values, target)


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
        network: its network (:func:`museumkg.network.load_network`).
        derived_graph: the graph the metrics go into.
        store_dir: the store's folder; ``network-metrics.json`` is written inside it.
        version: the dataset version the JSON states.

    Returns:
        the metrics.
    """
    metrics = compute_metrics(network)
    store.add_quads(list(metrics_quads(metrics, network, derived_graph)))
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
) -> NetworkMetrics:
    """The build step: metrics of the freshly derived network into the store and its folder."""
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
