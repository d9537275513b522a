"""Blueprint: the map of institutions and partnerships, its data and its GeoJSON.

- ``/map``: the filters of ``/network`` (kinds, years, country, type, topic), a Leaflet map
  (``static/map.js``: one marker per place, arcs between places, drawn over Natural Earth's
  country outlines from ``/vendor/``: no tile server) and the same data as a table (places,
  institutions, partners abroad; the page without JavaScript); ``?format=json`` is its twin.
- ``/map/data.json``: one filtered view as JSON (what the page draws).
- ``/map/data.geojson``: the same view as GeoJSON (institutions as Points, partnerships as
  LineStrings), for GIS tools.

The map's data is read once per store version: from ``map.json``, which the build writes
beside ``network.json`` with the default view computed (so the default answers without
computing), else from the store (a remote store, re-read with the network). Views are pure
functions of the data, the network, the filter and the languages (:mod:`museumkg.network.mapview`),
kept per loaded network.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, request, url_for
from werkzeug.exceptions import BadRequest

from museumkg.lang import pick_value as pick_label
from museumkg.network.geojson import MEDIA_TYPE, map_geojson
from museumkg.network.geomap import MAP_FILE, MapData, load_map, read_map
from museumkg.network.mapview import map_filter, map_params, map_view
from museumkg.network.model import STRONG_KINDS
from museumkg.network.views import NetworkFilter, facets
from webapp.http.state import Snapshot, preload_in_background, web_state
from webapp.http.twins import render_twin
from webapp.views.network import current_network, languages

bp = Blueprint("map", __name__)
log = logging.getLogger("museumkg.web")

#: Views kept per loaded map, least recently used dropped first.
VIEW_CACHE = 32
_LOCK = threading.Lock()


def current_map() -> MapData:
    """The map data of the release this request reads (read once per release)."""
    state = web_state()
    return state.part("map", lambda: _read_map(state))


def _read_map(state: Snapshot) -> MapData:
    folder = state.folder
    if folder is not None and (folder / MAP_FILE).is_file():
        try:
            data = read_map(folder / MAP_FILE)
            if data.base_iri == state.settings.base_iri:
                return data
        except (OSError, ValueError) as err:
            log.warning("map file unreadable, reading the store instead: %s", err)
    return load_map(state.store, state.settings.base_iri)


def _filter() -> NetworkFilter:
    try:
        return map_filter(request.args.to_dict(flat=False))
    except ValueError as err:
        raise BadRequest(str(err)) from err


def current_map_view(flt: NetworkFilter, langs: Sequence[str]) -> dict[str, Any]:
    """One view of the served map (shared between requests: treat it as read-only)."""
    data = current_map()
    if (
        data.default is not None
        and flt == map_filter({})
        and tuple(langs) == tuple(data.default_languages[: len(langs)])
    ):
        return data.default
    network = current_network()
    key = (flt, tuple(langs))
    with _LOCK:
        views: OrderedDict[Any, dict[str, Any]] = network.memo("map_views", OrderedDict)
        if key in views:
            views.move_to_end(key)
            return views[key]
    view = map_view(data, network, flt, langs)
    with _LOCK:
        views[key] = view
        while len(views) > VIEW_CACHE:
            views.popitem(last=False)
    return view


def _version() -> str | None:
    manifest = web_state().manifest()
    return manifest.version if manifest else None


def _links(flt: NetworkFilter) -> dict[str, str]:
    query = urlencode(map_params(flt))
    suffix = f"?{query}" if query else ""
    root = request.script_root
    return {
        "page": f"{root}/map{suffix}",
        "json": f"{root}/map/data.json{suffix}",
        "geojson": f"{root}/map/data.geojson{suffix}",
        "network": f"{root}/network{suffix}",
    }


#: The most institutions, partners abroad and pairs the page lists per place or arc (a hub
#: city of a 10^6-triple catalog has thousands): the place's own page lists them all.
PAGE_LIST = 60


def _bounded_place(place: dict[str, Any]) -> dict[str, Any]:
    institutions, abroad = place["institutions"], place["partners_abroad"]
    if len(institutions) <= PAGE_LIST and len(abroad) <= PAGE_LIST:
        return place
    return {
        **place,
        "institutions": institutions[:PAGE_LIST],
        "more_institutions": len(institutions) - min(len(institutions), PAGE_LIST),
        "partners_abroad": abroad[:PAGE_LIST],
        "more_partners_abroad": len(abroad) - min(len(abroad), PAGE_LIST),
    }


def _bounded_arc(arc: dict[str, Any]) -> dict[str, Any]:
    if len(arc["pairs"]) <= PAGE_LIST:
        return arc
    return {**arc, "pairs": arc["pairs"][:PAGE_LIST], "more_pairs": len(arc["pairs"]) - PAGE_LIST}


@bp.get("/map")
def page() -> Response:
    """The map page (HTML with the map and its table; JSON twin)."""
    flt, langs = _filter(), languages()
    network = current_network()
    view = current_map_view(flt, langs)
    data = {
        "ok": True,
        "dataset_version": _version(),
        "root": request.script_root,
        **{k: v for k, v in view.items() if k != "pairs"},
        # the page (HTML and the script's data) lists at most PAGE_LIST of each place's
        # institutions and partners abroad and of each arc's pairs; /map/data.json has all
        "places": [_bounded_place(p) for p in view["places"]],
        "arcs": [_bounded_arc(a) for a in view["arcs"]],
        "facets": facets(network, langs),
        "links": _links(flt),
        "filters": flt.describe(),
        "selected": {
            "kinds": list(flt.kinds),
            "from": flt.year_from,
            "to": flt.year_to,
            "country": flt.country,
            "type": flt.type,
            "topic": flt.topic,
        },
        "defaults": {"kinds": list(STRONG_KINDS)},
    }
    return render_twin(["html", "json"], "map.html", data)


@bp.get("/map/data.json")
def data_json() -> Response:
    """One filtered view as JSON: places, arcs (with their pairs), types, stats."""
    flt, langs = _filter(), languages()
    key = ("data.json", flt, tuple(langs), request.script_root, _version())
    network = current_network()
    with _LOCK:
        bodies: OrderedDict[Any, bytes] = network.memo("map_bodies", OrderedDict)
        body = bodies.get(key)
    if body is None:
        # encoded once per view (the default one is megabytes at 10^6 triples)
        view = current_map_view(flt, langs)
        document = {
            "dataset_version": _version(),
            "root": request.script_root,
            "filters": flt.describe(),
            **{k: v for k, v in view.items() if k != "pairs"},
        }
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        with _LOCK:
            bodies[key] = body
            while len(bodies) > VIEW_CACHE:
                bodies.popitem(last=False)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/map/data.geojson")
def data_geojson() -> Response:
    """One filtered view as GeoJSON (RFC 7946): institutions and partnerships."""
    flt, langs = _filter(), languages()
    document = map_geojson(
        current_map(), current_map_view(flt, langs), version=_version(), filters=flt.describe()
    )
    response = Response(json.dumps(document, ensure_ascii=False), mimetype=MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'inline; filename="museumkg-map.geojson"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def small_map(iri: str, langs: Sequence[str] | None = None) -> dict[str, Any] | None:
    """What ``templates/_small_map.html`` needs on the page of a place or an institution.

    Returns ``None`` when the entity is neither, or has no coordinates. For an institution:
    its point and precision; for a place: its point and the institutions there (a country
    lists those in its cities too), each with its path.
    """
    data = current_map()
    chain = list(langs) if langs else list(languages())
    root = request.script_root
    org = data.institutions.get(iri)
    if org is not None:
        point, precision = data.point(org)
        if point is None:
            return None
        place = data.places.get(org.place)
        return {
            "kind": "institution",
            "lon": point[0],
            "lat": point[1],
            "precision": precision,
            "place": org.place,
            "place_href": f"{root}/{data.path(org.place)}",
            "map_href": f"{root}/map#place={place.slug if place else ''}",
            "here": [],
        }
    place = data.places.get(iri)
    if place is None:
        return None
    here = [
        o
        for o in data.institutions.values()
        if o.place == iri or (place.kind == "country" and data.country_of(o) == iri)
    ]
    listed = sorted(
        (
            {
                "label": pick_label(o.labels, chain, o.slug),
                "href": f"{root}/{data.path(o.iri)}",
                "place": pick_label(data.places[o.place].labels, chain, o.place)
                if o.place != iri and o.place in data.places
                else "",
            }
            for o in here
        ),
        key=lambda item: item["label"].casefold(),
    )
    if place.lon is None or place.lat is None:
        point = None
    else:
        point = (place.lon, place.lat)
    return {
        "kind": place.kind,
        "lon": point[0] if point else None,
        "lat": point[1] if point else None,
        "precision": "country" if point and place.kind == "country" else None,
        "map_href": url_for("map.page", country=place.slug)
        if place.kind == "country"
        else f"{root}/map#place={place.slug}",
        "here": listed,
    }


def setup(app: Flask) -> None:
    """Read the build's map file in the background as the app starts (megabytes at 10^6
    triples); a store without one is read from the store on first use."""
    preload_in_background(app, MAP_FILE, current_map)
