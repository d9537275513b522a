"""A network view as files: edge list CSV, GraphML (for Gephi, via networkx) and JSON.

Each export states the dataset version and the filters it was made with: the CSV in two
companion columns on every row (``dataset_version``, ``filters``), so any CSV reader keeps
them; GraphML as graph attributes; JSON as top-level fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any, TypedDict

import networkx as nx

from museumkg.network.views import NetworkView, TimelineYear, ViewEdge, ViewNode

#: Columns of the edge list. ``source``/``target``/``weight`` are what Gephi's importer expects.
CSV_COLUMNS = (
    "source",
    "target",
    "source_label",
    "target_label",
    "weight",
    "kinds",
    "first_year",
    "last_year",
    "evidence",
    "why",
    "dataset_version",
    "filters",
)

LinkMaker = Callable[[ViewNode, ViewNode], str]


def _labels(view: NetworkView) -> dict[str, ViewNode]:
    return {node["id"]: node for node in view.nodes}


def edges_csv(view: NetworkView, version: str | None, why: LinkMaker | None = None) -> str:
    """The view's edges as CSV (RFC 4180, header row first), strongest first.

    Args:
        view: the filtered view.
        version: the dataset version, stated on every row.
        why: makes the URL of the "why" page of two nodes (empty column when ``None``).

    >>> from museumkg.network.views import NetworkFilter
    >>> edges_csv(NetworkView(NetworkFilter(), [], [], 0, 0, False, "", []), "v1").split()[0]
    'source,target,source_label,target_label,weight,kinds,first_year,last_year,evidence,why,dataset_version,filters'
    """
    nodes = _labels(view)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    filters = view.filter.describe()
    for edge in view.edges:
        a, b = nodes[edge["source"]], nodes[edge["target"]]
        writer.writerow(
            [
                edge["source"],
                edge["target"],
                a["label"],
                b["label"],
                edge["strength"],
                " ".join(k["kind"] for k in edge["kinds"]),
                edge["first"] or "",
                edge["last"] or "",
                edge["evidence"],
                why(a, b) if why else "",
                version or "",
                filters,
            ]
        )
    return out.getvalue()


def to_networkx(view: NetworkView, version: str | None) -> nx.Graph[str]:
    """The view as a networkx graph with node, edge and graph attributes (GraphML-ready).

    Graph attributes: ``dataset_version``, ``filters``, ``note``, ``total_edges``,
    ``truncated``. Nodes: ``label``, ``types``, ``countries``, ``degree``,
    ``weighted_degree`` (in this view), and the overall build-time metrics prefixed
    ``network_``. Edges: ``weight``, ``kinds``, ``first_year``, ``last_year``, ``evidence``.
    """
    graph: nx.Graph[str] = nx.Graph(
        dataset_version=version or "",
        filters=view.filter.describe(),
        note=view.note,
        total_edges=view.total_edges,
        truncated=view.truncated,
    )
    for node in view.nodes:
        attributes: dict[str, Any] = {
            "label": node["label"],
            "types": " ".join(node["types"]),
            "countries": " ".join(node["countries"]),
            "degree": node["degree"],
            "weighted_degree": float(node["weighted_degree"]),
        }
        for name, value in node["metrics"].items():
            attributes[f"network_{name}"] = value
        graph.add_node(node["id"], **attributes)
    for edge in view.edges:
        graph.add_edge(
            edge["source"],
            edge["target"],
            weight=float(edge["strength"]),
            kinds=" ".join(k["kind"] for k in edge["kinds"]),
            first_year=edge["first"] or 0,
            last_year=edge["last"] or 0,
            evidence=edge["evidence"],
        )
    return graph


def graphml(view: NetworkView, version: str | None) -> bytes:
    """The view as GraphML (UTF-8), as Gephi, Cytoscape desktop and networkx read it."""
    out = io.BytesIO()
    nx.write_graphml(to_networkx(view, version), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


class ViewJSON(TypedDict):
    """A network view as JSON (``/network/data.json``)."""

    ok: bool
    dataset_version: str | None
    filters: dict[str, str]
    filters_used: str
    note: str
    truncated: bool
    total_edges: int
    total_nodes: int
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    timeline: list[TimelineYear]


def view_json(view: NetworkView, version: str | None) -> ViewJSON:
    """The view as a JSON-ready dict: version, filters, note, nodes, edges, timeline."""
    return {
        "ok": True,
        "dataset_version": version,
        "filters": view.filter.as_params(),
        "filters_used": view.filter.describe(),
        "note": view.note,
        "truncated": view.truncated,
        "total_edges": view.total_edges,
        "total_nodes": view.total_nodes,
        "nodes": view.nodes,
        "edges": view.edges,
        "timeline": view.timeline,
    }
