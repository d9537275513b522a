"""One view of the map: markers per place, arcs between places, partners abroad.

:func:`map_view` answers one filtered view of the map data (:mod:`museumkg.network.geomap`)
with the network's filters (:class:`~museumkg.network.views.NetworkFilter`, the same rules as
``/network``): the institutions grouped per place (a marker per city, its count and the types
in it), the pairs of the network view between two different places aggregated per pair of
places (an arc, as wide as the summed strength, drawn along the great circle), and per place
the partners abroad (in another country). Institutions shown: those passing the country/type
filters, and the partners they are linked to in the view (``match`` false on those). Links
are paths relative to the site root (``id/org/<slug>``, ``why/<a>/<b>``), so a view is the
same on every host and can be computed at build: :func:`write_map` writes the data and the
default view to ``map.json`` beside ``network.json``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from museumkg.lang import pick_value
from museumkg.namespaces import MKG
from museumkg.network.geomap import MAP_FILE, Located, MapData, Place, load_map, map_to_json
from museumkg.network.greatcircle import great_circle
from museumkg.network.model import MAX_LIMIT, Network
from museumkg.network.views import NetworkFilter, ViewEdge, select
from museumkg.store import Store

#: The map draws every pair the network view has, up to the network's largest view (pairs
#: aggregate per pair of places, so arcs stay few).
MAP_LIMIT = MAX_LIMIT
#: Institution types get colours in this order (most frequent first); the rest share one.
TYPE_COLOURS = 10


def map_filter(params: dict[str, list[str]]) -> NetworkFilter:
    """The filter of a map view: the network's, but every pair up to :data:`MAP_LIMIT` unless
    ``limit`` is given.

    Raises:
        ValueError: as :meth:`NetworkFilter.from_params` does.
    """
    if not any(v.strip() for v in params.get("limit", ())):
        params = {**params, "limit": [str(MAP_LIMIT)]}
    return NetworkFilter.from_params(params)


def map_params(flt: NetworkFilter) -> dict[str, str]:
    """The filter as query parameters of a map URL (the map's default limit left out)."""
    params = flt.as_params()
    if flt.limit == MAP_LIMIT:
        params.pop("limit", None)
    return params


def matches(data: MapData, org: Located, flt: NetworkFilter) -> bool:
    """Whether ``org`` passes the country and type filters itself."""
    if flt.country is not None and data.country_of(org) != f"{data.base_iri}id/place/{flt.country}":
        return False
    return flt.type is None or MKG + flt.type in org.types


class _Builder:
    """The parts of one view, made in turn by :func:`map_view`."""

    def __init__(
        self, data: MapData, network: Network, flt: NetworkFilter, languages: Sequence[str]
    ) -> None:
        self.data, self.network, self.flt, self.languages = data, network, flt, languages
        self.view = select(network, flt, languages)
        ends = {end for e in self.view.edges for end in (e["source"], e["target"])}
        self.shown: dict[str, Located] = {}
        self.unplaced = 0
        for iri, org in data.institutions.items():
            if iri not in ends and not matches(data, org, flt):
                continue
            if data.point(org)[0] is None:
                self.unplaced += 1
            else:
                self.shown[iri] = org
        counts = Counter(org.primary_type() for org in self.shown.values())
        self.legend = [t for t, _n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
        self.colour = {t: min(i, TYPE_COLOURS) for i, t in enumerate(self.legend)}

    def label(self, org: Located) -> str:
        return pick_value(org.labels, self.languages, org.slug)

    def places(self) -> dict[str, dict[str, Any]]:
        by_place: dict[str, list[Located]] = defaultdict(list)
        for org in self.shown.values():
            by_place[org.place].append(org)
        return {iri: self._place(iri, orgs) for iri, orgs in by_place.items()}

    def _place(self, iri: str, orgs: list[Located]) -> dict[str, Any]:
        data = self.data
        place = data.places.get(iri) or Place(iri, iri.rsplit("/", 1)[-1], "city")
        lon, lat = place.lon, place.lat
        if lon is None or lat is None:
            lon, lat = data.point(orgs[0])[0] or (None, None)
        country = place.country_iri
        orgs.sort(key=lambda o: self.label(o).casefold())
        return {
            "id": iri,
            "path": data.path(iri),
            "label": pick_value(place.labels, self.languages, place.slug),
            "kind": place.kind,
            "country": country,
            "country_label": self.network.name(country, self.languages) if country else "",
            "lon": lon,
            "lat": lat,
            "count": len(orgs),
            "types": dict(Counter(o.primary_type() for o in orgs)),
            "institutions": [
                {
                    "id": o.iri,
                    "path": data.path(o.iri),
                    "label": self.label(o),
                    "type": o.primary_type(),
                    "colour": self.colour[o.primary_type()],
                    "precision": data.point(o)[1],
                    "match": matches(data, o, self.flt),
                }
                for o in orgs
            ],
            "partners_abroad": [],
        }

    def pair(self, a: Located, b: Located, edge: ViewEdge) -> dict[str, Any]:
        return {
            "a": a.iri,
            "b": b.iri,
            "a_label": self.label(a),
            "b_label": self.label(b),
            "a_path": self.data.path(a.iri),
            "b_path": self.data.path(b.iri),
            "why": f"why/{a.slug}/{b.slug}",
            "strength": edge["strength"],
            "kinds": [k["kind"] for k in edge["kinds"]],
            "first": edge["first"],
            "last": edge["last"],
        }

    def arcs(
        self, places: dict[str, dict[str, Any]]
    ) -> tuple[list[Any], list[Any], dict[str, int]]:
        """The pairs with both ends drawn, the arcs, and counts; fills partners abroad."""
        arcs: dict[tuple[str, str], dict[str, Any]] = {}
        pairs: list[dict[str, Any]] = []
        abroad: dict[str, dict[str, Located]] = defaultdict(dict)
        counts = {"local_pairs": 0, "unplaced_pairs": 0}
        for edge in self.view.edges:
            a, b = self.shown.get(edge["source"]), self.shown.get(edge["target"])
            if a is None or b is None:
                counts["unplaced_pairs"] += 1
                continue
            pair = self.pair(a, b, edge)
            pairs.append(pair)
            if self.data.country_of(a) != self.data.country_of(b):
                abroad[a.place][b.iri] = b
                abroad[b.place][a.iri] = a
            if a.place == b.place:
                counts["local_pairs"] += 1
                continue
            key = (a.place, b.place) if a.place < b.place else (b.place, a.place)
            arc = arcs.get(key) or arcs.setdefault(key, _arc(places[key[0]], places[key[1]]))
            arc["strength"] = round(arc["strength"] + edge["strength"], 3)
            arc["pairs"].append(pair)
        for iri, partners in abroad.items():
            places[iri]["partners_abroad"] = sorted(
                (self._partner(o, places) for o in partners.values()),
                key=lambda p: (p["country_label"].casefold(), p["label"].casefold()),
            )
        ordered = sorted(arcs.values(), key=lambda a: (-a["strength"], a["id"]))
        return pairs, ordered, counts

    def _partner(self, org: Located, places: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": org.iri,
            "path": self.data.path(org.iri),
            "label": self.label(org),
            "place": places[org.place]["label"],
            "country_label": places[org.place]["country_label"],
        }


def _arc(pa: dict[str, Any], pb: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{pa['id']} {pb['id']}",
        "a": pa["id"],
        "b": pb["id"],
        "a_label": pa["label"],
        "b_label": pb["label"],
        "strength": 0.0,
        "pairs": [],
        "border": pa["country"] != pb["country"],
        "parts": great_circle((pa["lon"], pa["lat"]), (pb["lon"], pb["lat"])),
    }


def map_view(
    data: MapData,
    network: Network,
    flt: NetworkFilter,
    languages: Sequence[str] = ("en",),
) -> dict[str, Any]:
    """One filtered view of the map (see the module docstring); JSON-ready.

    Returns a dict with ``places`` (one per marker: ``id``, ``path``, ``label``, ``kind``,
    ``country``, ``country_label``, ``lon``, ``lat``, ``count``, ``types`` and
    ``institutions``, and ``partners_abroad``), ``arcs`` (``a``, ``b`` place IRIs,
    ``strength``, ``pairs``, ``parts``: the great-circle points), ``pairs`` (the network
    view's pairs with both ends placed: for the GeoJSON), ``types`` (legend, most frequent
    first, each with its colour index), ``stats`` and ``note``.
    """
    build = _Builder(data, network, flt, languages)
    places = build.places()
    pairs, arcs, counts = build.arcs(places)
    ordered = sorted(places.values(), key=lambda p: (-p["count"], p["label"].casefold()))
    stats = {
        "institutions": len(build.shown),
        "places": len(ordered),
        "arcs": len(arcs),
        "pairs": len(pairs),
        **counts,
        "unplaced_institutions": build.unplaced,
        "truncated": build.view.truncated,
    }
    return {
        "places": ordered,
        "arcs": arcs,
        "pairs": pairs,
        "types": [
            {"value": t, "label": network.name(MKG + t, languages), "colour": build.colour[t]}
            for t in build.legend
        ],
        "stats": stats,
        "note": _note(stats),
    }


def _note(stats: dict[str, Any]) -> str:
    words = (
        f"{stats['institutions']:,} institutions in {stats['places']:,} places; "
        f"{stats['pairs']:,} partnerships, {stats['arcs']:,} arcs between places"
    )
    if stats["local_pairs"]:
        words += f" ({stats['local_pairs']:,} partnerships within one place have no arc)"
    words += "."
    missing = stats["unplaced_institutions"]
    if missing == 1:
        words += " 1 institution has a place without coordinates and is not drawn."
    elif missing:
        words += f" {missing:,} institutions have a place without coordinates and are not drawn."
    if stats["truncated"]:
        words += " Only the strongest partnerships are drawn: narrow the filters to see more."
    return words


def write_map(
    store: Store,
    network: Network,
    store_dir: Path,
    *,
    languages: Sequence[str],
    version: str | None = None,
) -> MapData:
    """Read the map's data, compute the default view, write ``map.json`` into ``store_dir``;
    return the data (its ``default`` view filled)."""
    data = load_map(store, network.base_iri)
    data.default_languages = tuple(languages)
    data.default = map_view(data, network, map_filter({}), languages)
    data.default["dataset_version"] = version
    (store_dir / MAP_FILE).write_text(json.dumps(map_to_json(data), ensure_ascii=False), "utf-8")
    return data
