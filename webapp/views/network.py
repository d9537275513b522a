"""Blueprint: the partnership network page, its data and exports, and "why are these linked?".

- ``/network``: filters, the interactive graph (Cytoscape.js from ``/vendor/``), a timeline of
  programs per year, the strongest institutions and a table of links (which is the page
  without JavaScript); ``?format=json`` is its twin.
- ``/network/data.json``, ``/network/edges.csv``, ``/network/graph.graphml``: one filtered
  view (``kind``, ``from``, ``to``, ``country``, ``type``, ``topic``, ``limit``), each stating
  the dataset version and the filters used.
- ``/network/metrics.json``: the build-time metrics file of the served store.
- ``/why/<a>/<b>``: evidence paths between two institutions, or the shortest chains.

The network is the request's release snapshot's (:meth:`webapp.http.state.Snapshot.network`:
read once per release; a remote store without a build is re-read after a while). Views only
parse parameters and render; the work is in :mod:`museumkg.network.model`,
:mod:`museumkg.network.why` and
:mod:`museumkg.network.export`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypedDict, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request, send_file
from werkzeug.exceptions import BadRequest, NotFound

from museumkg.iris import entity_iri, is_slug
from museumkg.network.export import ViewJSON, edges_csv, graphml, view_json
from museumkg.network.metrics import METRICS_FILE
from museumkg.network.model import DEFAULT_LIMIT, MAX_LIMIT, NETWORK_FILE, STRONG_KINDS, Network
from museumkg.network.shapes import Institution, NetworkPosition, Partner
from museumkg.network.views import (
    NetworkFilter,
    NetworkView,
    ViewEdge,
    ViewNode,
    facets,
    select,
)
from museumkg.network.why import (
    describe_institution,
    explain_pair,
    network_position,
    partners_in_network,
)
from webapp.http.state import preload_in_background, web_state
from webapp.http.twins import render_twin

bp = Blueprint("network", __name__)
T = TypeVar("T")
log = logging.getLogger("museumkg.web")

#: Views (one filter, one language chain) and encoded answers kept per loaded network, least
#: recently used dropped first: a view is a pure function of the network, which does not
#: change under a running process, so the full edge list is computed once per version.
VIEW_CACHE = 32
_VIEWS_LOCK = threading.Lock()


def current_network() -> Network:
    """The network of the release this request reads (loaded once per release)."""
    return web_state().network()


def _kept(network: Network, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, kept with ``network`` under ``key`` (at most :data:`VIEW_CACHE` kept)."""
    views: OrderedDict[Hashable, Any] = network.memo("web_views", OrderedDict)
    computing: dict[Hashable, threading.Lock] = network.memo("web_computing", dict)
    with _VIEWS_LOCK:
        if key in views:
            views.move_to_end(key)
            found: T = views[key]
            return found
        lock = computing.setdefault(key, threading.Lock())
    # one request computes a view; others asking for the same one wait for it rather than
    # computing it again side by side (a first full edge list costs seconds at 10^6)
    with lock:
        with _VIEWS_LOCK:
            if key in views:
                views.move_to_end(key)
                found = views[key]
                return found
        value = make()
        with _VIEWS_LOCK:
            views[key] = value
            while len(views) > VIEW_CACHE:
                views.popitem(last=False)
            computing.pop(key, None)
    return value


def current_view(flt: NetworkFilter, langs: Sequence[str]) -> NetworkView:
    """The filtered view of the served network, computed once per network, filter and
    languages (treat it as read-only: it is shared between requests)."""
    network = current_network()
    return _kept(network, ("view", flt, tuple(langs)), lambda: select(network, flt, langs))


def languages() -> tuple[str, ...]:
    """Label languages for this request: ``?lang=``, then ``Accept-Language``, then settings."""
    asked = [request.args.get("lang", "")] + [tag for tag, _q in request.accept_languages]
    tags = [t.strip().lower() for t in asked if t and t.strip() and t != "*"]
    return tuple(dict.fromkeys([*tags, *web_state().settings.languages]))


def _version() -> str | None:
    manifest = web_state().manifest()
    return manifest.version if manifest else None


def _filter() -> NetworkFilter:
    try:
        return NetworkFilter.from_params(request.args.to_dict(flat=False))
    except ValueError as err:
        raise BadRequest(str(err)) from err


def local_href(iri: str) -> str:
    """The path of a dataset IRI on this server (IRIs resolve on any host), else the IRI."""
    base = web_state().settings.base_iri
    if iri.startswith(base):
        return request.script_root + "/" + iri[len(base) :]
    return iri


def why_href(a_slug: str, b_slug: str) -> str:
    """The path of the why page of two institutions (by slug)."""
    return f"{request.script_root}/why/{a_slug}/{b_slug}"


class NetworkPage(ViewJSON):
    """The network page's data (and its JSON twin): a view, the filters' choices and links."""

    facets: dict[str, list[dict[str, str]]]
    exports: dict[str, str]
    selected: dict[str, Any]
    defaults: dict[str, Any]


def _with_links(view_data: ViewJSON) -> ViewJSON:
    """Add page and why links to nodes and edges (paths on this server), on copies (the
    view's own nodes and edges are shared between requests)."""
    slugs = {node["id"]: node["slug"] for node in view_data["nodes"]}
    nodes: list[ViewNode] = [
        {**node, "href": local_href(node["id"])} for node in view_data["nodes"]
    ]
    edges: list[ViewEdge] = [
        {**edge, "why": why_href(slugs[edge["source"]], slugs[edge["target"]])}
        for edge in view_data["edges"]
    ]
    view_data["nodes"], view_data["edges"] = nodes, edges
    return view_data


def _export_links(flt: NetworkFilter) -> dict[str, str]:
    query = urlencode(flt.as_params())
    suffix = f"?{query}" if query else ""
    root = request.script_root
    return {
        "json": f"{root}/network/data.json{suffix}",
        "csv": f"{root}/network/edges.csv{suffix}",
        "graphml": f"{root}/network/graph.graphml{suffix}",
        "metrics": f"{root}/network/metrics.json",
    }


def _attachment(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/network")
def page() -> Response:
    """The network page (HTML with the graph, timeline and table; JSON twin)."""
    flt = _filter()
    network = current_network()
    langs = languages()
    data: NetworkPage = {
        **_with_links(view_json(current_view(flt, langs), _version())),
        "facets": _kept(network, ("facets", langs), lambda: facets(network, langs)),
        "exports": _export_links(flt),
        "selected": {
            "kinds": list(flt.kinds),
            "from": flt.year_from,
            "to": flt.year_to,
            "country": flt.country,
            "type": flt.type,
            "topic": flt.topic,
            "limit": flt.limit,
        },
        "defaults": {"kinds": list(STRONG_KINDS), "limit": DEFAULT_LIMIT, "max": MAX_LIMIT},
    }
    response = render_twin(["html", "json"], "network.html", data)
    return response


@bp.get("/network/data.json")
def data_json() -> Response:
    """One filtered view as JSON: nodes, edges, timeline, version and filters."""
    flt, langs = _filter(), languages()

    def encode() -> bytes:
        view = current_view(flt, langs)
        encoded = current_app.json.response(_with_links(view_json(view, _version())))
        assert isinstance(encoded, Response)  # the provider answers with the app's response class
        return encoded.data

    key = ("data.json", flt, langs, request.script_root, _version())
    response = Response(_kept(current_network(), key, encode), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/network/edges.csv")
def edges() -> Response:
    """The edge list of one filtered view as CSV (version and filters on every row)."""
    view = current_view(_filter(), languages())
    host = request.host_url.rstrip("/")
    body = edges_csv(view, _version(), lambda a, b: host + why_href(a["slug"], b["slug"]))
    return _attachment(body, "text/csv", "museumkg-network-edges.csv")


@bp.get("/network/graph.graphml")
def graph_ml() -> Response:
    """One filtered view as GraphML (opens in Gephi), version and filters as graph data."""
    view = current_view(_filter(), languages())
    return _attachment(graphml(view, _version()), "application/xml", "museumkg-network.graphml")


@bp.get("/network/metrics.json")
def metrics_json() -> Response:
    """The metrics file the build wrote beside the served store."""
    folder = web_state().folder
    path = folder / METRICS_FILE if folder else None
    if path is None or not path.is_file():
        raise NotFound(
            "this server's store has no metrics file (it is written by `museumkg build` "
            "beside an embedded store); the same metrics are in the derived graph as "
            "mkg:degree, mkg:weightedDegree, mkg:betweenness and mkg:community"
        )
    return send_file(path, mimetype="application/json", max_age=300)


def _institution(slug: str) -> Institution:
    state = web_state()
    if not is_slug(slug):
        raise NotFound(f"{slug!r} is not an institution's id")
    iri = entity_iri(state.settings.base_iri, "org", slug)
    found = describe_institution(state.store, state.settings.base_iri, iri, languages())
    if found is None:
        raise NotFound(f"no institution with the id {slug!r}")
    found["href"] = local_href(iri)
    return found


@bp.get("/why/<a>/<b>")
def why(a: str, b: str) -> Response:
    """Why are two institutions linked? (HTML; ``?format=json`` for the twin)."""
    first, second = _institution(a), _institution(b)
    if first["iri"] == second["iri"]:
        raise BadRequest("pick two different institutions")
    network = current_network()
    answer = explain_pair(web_state().store, network, first["iri"], second["iri"], languages())
    langs = languages()
    for path in answer["paths"]:
        path["shared_topics"] = [
            {"iri": t, "label": network.name(t, langs)} for t in path["shared_topics"]
        ]
    for chain in answer["chains"]:
        for hop in chain:
            hop["why"] = why_href(hop["from"]["slug"], hop["to"]["slug"])
            for end in (hop["from"], hop["to"]):
                end["href"] = local_href(end["iri"])
    data = {"ok": True, "a": first, "b": second, "dataset_version": _version(), **answer}
    response = render_twin(["html", "json"], "why.html", data)
    return response


class PartnerPanel(TypedDict):
    """What ``templates/_partners.html`` reads for one institution."""

    partners: list[Partner]
    total: int
    network_position: NetworkPosition | None
    network_href: str


def partner_panel(
    iri: str, langs: Sequence[str] | None = None, limit: int | None = None
) -> PartnerPanel:
    """What ``templates/_partners.html`` needs for one institution (for the entity page).

    Args:
        iri: the institution.
        langs: label languages, best first (else the request's).
        limit: list only the strongest ``limit`` partners (``None``: all of them).

    Returns ``{"partners": [...], "total": n, "network_position": {...} | None,
    "network_href": ...}``; the entity view passes it to its template as ``partner_panel``.
    """
    state = web_state()
    chain = list(langs) if langs else list(languages())
    # from the network loaded once per store version (the build's network file): a hub's
    # thousands of partnership nodes are not re-read from the store on every page
    found = partners_in_network(current_network(), iri, chain)
    partners = found if limit is None else found[:limit]
    self_slug = iri.rsplit("/", 1)[-1]
    for partner in partners:
        partner["href"] = local_href(partner["iri"])
        partner["why"] = why_href(self_slug, partner["slug"])
    return {
        "partners": partners,
        "total": len(found),
        "network_position": network_position(state.store, iri),
        "network_href": f"{request.script_root}/network",
    }


def setup(app: Flask) -> None:
    """Give templates ``local_href``; read the network file in the background.

    A built store's network file (seconds to read at 10^6 triples) is read in the background
    as the app starts; a store without one is read from the store on first use.
    """
    app.jinja_env.globals.setdefault("local_href", local_href)
    preload_in_background(app, NETWORK_FILE, current_network)
