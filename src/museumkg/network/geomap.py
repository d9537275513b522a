"""The map's data: where the institutions are, and the partnerships as arcs between places.

Read from a built store by :func:`load_map` in three named queries (``map_institutions``,
``map_institution_names``, ``map_places``): every institution that has a place (its own
``mkg:location``, or its parent's for a unit), the coordinates of cities and countries
(``wgs:lat``/``wgs:long``, GeoNames' via the gazetteer graph) and an institution's own where a
source or rule gives them, with their precision (``mkg:locationPrecision``).

:func:`map_view` answers one filtered view, with the network's filters
(:class:`~museumkg.network.model.NetworkFilter`, the same rules as ``/network``): the
institutions grouped per place (a marker per city, its count and the types in it), the pairs
of the network view between two different places aggregated per pair of places (an arc, as
wide as the summed strength, drawn along the great circle), and per place the partners
abroad (in another country). Institutions shown: those passing the country/type filters, and
the partners they are linked to in the view (``match`` false on those). Links are paths
relative to the site root (``id/org/<slug>``, ``why/<a>/<b>``), so a view is the same on
every host and can be computed at build: the build writes the data and the default view to
:data:`MAP_FILE` beside ``network.json`` (:func:`write_map`), and the GeoJSON of the default
view as GeoJSON for the release (:mod:`museumkg.network.geojson`).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.iris import parse_entity_iri
from museumkg.lang import pick_value as pick_label
from museumkg.namespaces import MKG
from museumkg.network.greatcircle import Point, great_circle
from museumkg.network.model import MAX_LIMIT, Network, add_label
from museumkg.network.views import NetworkFilter, select
from museumkg.queries import named_rows
from museumkg.store import Store, Term

#: The map's data inside the store folder (beside ``network.json``), written by the build.
MAP_FILE = "map.json"
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


@dataclass
class Place:
    """A city or country: names, the country it lies in, its coordinates (when known)."""

    iri: str
    slug: str
    kind: str  # "city" or "country"
    labels: dict[str, str] = field(default_factory=dict)
    country: str | None = None
    lon: float | None = None
    lat: float | None = None

    @property
    def country_iri(self) -> str | None:
        """The country: the place itself when it is one."""
        return self.iri if self.kind == "country" else self.country


@dataclass
class Located:
    """An institution with a place; ``lon``/``lat`` only when it has coordinates of its own."""

    iri: str
    slug: str
    place: str
    labels: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    lon: float | None = None
    lat: float | None = None
    precision: str | None = None

    def primary_type(self) -> str:
        """The class the map colours it by: the first specific one (local name)."""
        specific = sorted(t for t in self.types if t != MKG + "Institution")
        return (specific[0] if specific else MKG + "Institution").removeprefix(MKG)


@dataclass
class MapData:
    """Institutions with a place and the places, as read by :func:`load_map`."""

    base_iri: str
    places: dict[str, Place]
    institutions: dict[str, Located]
    #: The default view (default filter, the build's languages), computed at build.
    default: dict[str, Any] | None = None
    default_languages: tuple[str, ...] = ()

    def point(self, org: Located) -> tuple[Point | None, str | None]:
        """Where ``org`` is drawn, ``(lon, lat)``, and at what precision (``None``: nowhere)."""
        if org.lon is not None and org.lat is not None:
            return (org.lon, org.lat), org.precision or "exact"
        place = self.places.get(org.place)
        if place is None or place.lon is None or place.lat is None:
            return None, None
        return (place.lon, place.lat), place.kind

    def country_of(self, org: Located) -> str | None:
        """The country ``org``'s place is (in)."""
        place = self.places.get(org.place)
        return place.country_iri if place else None

    def path(self, iri: str) -> str:
        """The path of a dataset IRI relative to the site root (the IRI itself otherwise)."""
        return iri[len(self.base_iri) :] if iri.startswith(self.base_iri) else iri


def _number(term: Term | None) -> float | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def _precision(term: Term | None) -> str | None:
    if not isinstance(term, ox.NamedNode | ox.Literal):
        return None
    local = term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return local.removesuffix("Level").lower() or None


def _slug(base_iri: str, iri: str) -> str:
    ref = parse_entity_iri(base_iri, iri)
    return ref.slug if ref else iri.rsplit("/", 1)[-1]


def load_map(store: Store, base_iri: str) -> MapData:
    """Read the map's data from a built store (see the module docstring).

    A place or institution with two stated coordinates (sources disagree) is drawn at the
    smallest pair, so that every build draws it at the same point.

    >>> from museumkg.store import EmbeddedStore
    >>> load_map(EmbeddedStore(), "http://ex.org/").institutions
    {}
    """
    places: dict[str, Place] = {}
    for row in named_rows(store, "map_places"):
        iri = row["place"].value
        place = places.get(iri)
        if place is None:
            place = places[iri] = Place(iri, _slug(base_iri, iri), row["kind"].value)
        if "country" in row:
            place.country = row["country"].value
        if "label" in row:
            add_label(place.labels, row["label"])
        lon, lat = _number(row.get("long")), _number(row.get("lat"))
        if lon is not None and lat is not None:
            if place.lon is None or place.lat is None or (lon, lat) < (place.lon, place.lat):
                place.lon, place.lat = lon, lat
    institutions: dict[str, Located] = {}
    for row in named_rows(store, "map_institutions"):
        iri = row["org"].value
        org = institutions.get(iri)
        if org is None:
            org = Located(iri, _slug(base_iri, iri), row["place"].value)
            institutions[iri] = org
        elif row["place"].value < org.place:
            org.place = row["place"].value  # two places stated: the first, every time
        lon, lat = _number(row.get("long")), _number(row.get("lat"))
        if lon is not None and lat is not None:
            if org.lon is None or org.lat is None or (lon, lat) < (org.lon, org.lat):
                org.lon, org.lat = lon, lat
        precision = _precision(row.get("precision"))
        if precision is not None:
            org.precision = precision
    for row in named_rows(store, "map_institution_names"):
        found = institutions.get(row["org"].value)
        if found is None:
            continue
        if "label" in row:
            add_label(found.labels, row["label"])
        if "type" in row:
            found.types.add(row["type"].value)
    for org in institutions.values():
        if org.precision is not None and org.lon is None:
            org.precision = None  # a precision of coordinates borrowed from the place
    return MapData(base_iri, places, institutions)


def map_to_json(data: MapData) -> dict[str, Any]:
    """JSON-ready (read back by :func:`map_from_json`)."""
    return {
        "base_iri": data.base_iri,
        "places": [vars(p) for p in data.places.values()],
        "institutions": [{**vars(o), "types": sorted(o.types)} for o in data.institutions.values()],
        "default": data.default,
        "default_languages": list(data.default_languages),
    }


def map_from_json(raw: dict[str, Any]) -> MapData:
    """Rebuild :class:`MapData` from :func:`map_to_json` output."""
    places = {p["iri"]: Place(**p) for p in raw["places"]}
    institutions = {
        o["iri"]: Located(**{**o, "types": set(o["types"])}) for o in raw["institutions"]
    }
    data = MapData(raw["base_iri"], places, institutions, raw.get("default"))
    data.default_languages = tuple(raw.get("default_languages", ()))
    return data


def read_map(path: Path) -> MapData:
    """Read a file written by :func:`write_map`.

    Raises:
        OSError: when it cannot be read; ValueError: when it is not a map file.
    """
    try:
        return map_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path} is not a map file: {err}") from err


def _matches(data: MapData, org: Located, flt: NetworkFilter) -> bool:
    if flt.country is not None and data.country_of(org) != f"{data.base_iri}id/place/{flt.country}":
        return False
    return flt.type is None or MKG + flt.type in org.types


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
    view = select(network, flt, languages)
    edges = view.edges
    ends = {end for e in edges for end in (e["source"], e["target"])}
    shown: dict[str, Located] = {}
    unplaced = 0
    for iri, org in data.institutions.items():
        if iri in ends or _matches(data, org, flt):
            if data.point(org)[0] is None:
                unplaced += 1
            else:
                shown[iri] = org

    def label(org: Located) -> str:
        return pick_label(org.labels, languages, org.slug)

    type_counts = Counter(org.primary_type() for org in shown.values())
    legend = [t for t, _n in sorted(type_counts.items(), key=lambda item: (-item[1], item[0]))]
    colour = {t: min(i, TYPE_COLOURS) for i, t in enumerate(legend)}
    by_place: dict[str, list[Located]] = defaultdict(list)
    for org in shown.values():
        by_place[org.place].append(org)
    places: dict[str, dict[str, Any]] = {}
    for iri, orgs in by_place.items():
        place = data.places.get(iri) or Place(iri, iri.rsplit("/", 1)[-1], "city")
        first = data.point(orgs[0])[0]
        lon, lat = (place.lon, place.lat) if place.lon is not None else (first or (None, None))
        country = place.country_iri
        orgs.sort(key=lambda o: label(o).casefold())
        places[iri] = {
            "id": iri,
            "path": data.path(iri),
            "label": pick_label(place.labels, languages, place.slug),
            "kind": place.kind,
            "country": country,
            "country_label": network.name(country, languages) if country else "",
            "lon": lon,
            "lat": lat,
            "count": len(orgs),
            "types": dict(Counter(o.primary_type() for o in orgs)),
            "institutions": [
                {
                    "id": o.iri,
                    "path": data.path(o.iri),
                    "label": label(o),
                    "type": o.primary_type(),
                    "colour": colour[o.primary_type()],
                    "precision": data.point(o)[1],
                    "match": _matches(data, o, flt),
                }
                for o in orgs
            ],
            "partners_abroad": [],
        }
    arcs: dict[tuple[str, str], dict[str, Any]] = {}
    pairs: list[dict[str, Any]] = []
    abroad: dict[str, dict[str, Located]] = defaultdict(dict)
    local_pairs = unplaced_pairs = 0
    for edge in edges:
        a, b = shown.get(edge["source"]), shown.get(edge["target"])
        if a is None or b is None:
            unplaced_pairs += 1
            continue
        pair = {
            "a": a.iri,
            "b": b.iri,
            "a_label": label(a),
            "b_label": label(b),
            "a_path": data.path(a.iri),
            "b_path": data.path(b.iri),
            "why": f"why/{a.slug}/{b.slug}",
            "strength": edge["strength"],
            "kinds": [k["kind"] for k in edge["kinds"]],
            "first": edge["first"],
            "last": edge["last"],
        }
        pairs.append(pair)
        if data.country_of(a) != data.country_of(b):
            abroad[a.place][b.iri] = b
            abroad[b.place][a.iri] = a
        if a.place == b.place:
            local_pairs += 1
            continue
        key = (a.place, b.place) if a.place < b.place else (b.place, a.place)
        arc = arcs.get(key)
        if arc is None:
            pa, pb = places[key[0]], places[key[1]]
            arc = arcs[key] = {
                "id": f"{key[0]} {key[1]}",
                "a": key[0],
                "b": key[1],
                "a_label": pa["label"],
                "b_label": pb["label"],
                "strength": 0.0,
                "pairs": [],
                "border": pa["country"] != pb["country"],
                "parts": great_circle((pa["lon"], pa["lat"]), (pb["lon"], pb["lat"])),
            }
        arc["strength"] = round(arc["strength"] + edge["strength"], 3)
        arc["pairs"].append(pair)
    for iri, partners in abroad.items():
        places[iri]["partners_abroad"] = sorted(
            (
                {
                    "id": o.iri,
                    "path": data.path(o.iri),
                    "label": label(o),
                    "place": places[o.place]["label"],
                    "country_label": places[o.place]["country_label"],
                }
                for o in partners.values()
            ),
            key=lambda p: (p["country_label"].casefold(), p["label"].casefold()),
        )
    ordered = sorted(places.values(), key=lambda p: (-p["count"], p["label"].casefold()))
    arc_list = sorted(arcs.values(), key=lambda a: (-a["strength"], a["id"]))
    stats = {
        "institutions": len(shown),
        "places": len(ordered),
        "arcs": len(arc_list),
        "pairs": len(pairs),
        "local_pairs": local_pairs,
        "unplaced_institutions": unplaced,
        "unplaced_pairs": unplaced_pairs,
        "truncated": view.truncated,
    }
    return {
        "places": ordered,
        "arcs": arc_list,
        "pairs": pairs,
        "types": [
            {"value": t, "label": network.name(MKG + t, languages), "colour": colour[t]}
            for t in legend
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
    if missing:
        words += (
            f" {missing:,} institution has a place without coordinates and is not drawn."
            if missing == 1
            else f" {missing:,} institutions have a place without coordinates and are not drawn."
        )
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
    """Read the map's data, compute the default view, write :data:`MAP_FILE` into
    ``store_dir``; return the data (its ``default`` view filled)."""
    data = load_map(store, network.base_iri)
    data.default_languages = tuple(languages)
    data.default = map_view(data, network, map_filter({}), languages)
    data.default["dataset_version"] = version
    (store_dir / MAP_FILE).write_text(json.dumps(map_to_json(data), ensure_ascii=False), "utf-8")
    return data
