"""The map's data: where the institutions are (what :mod:`museumkg.network.mapview` draws).

Read from a built store by :func:`load_map` in three named queries (``map_institutions``,
``map_institution_names``, ``map_places``): every institution that has a place (its own
``mkg:location``, or its parent's for a unit), the coordinates of cities and countries
(``wgs:lat``/``wgs:long`` as the catalog states them: GeoNames' for cities, the country points
source's for countries, :mod:`museumkg.records.country_points`) and an institution's own where a
source or rule gives them, with their precision (``mkg:locationPrecision``). Kept as
:data:`MAP_FILE` in the store folder by the build, with the default view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.iris import parse_entity_iri
from museumkg.namespaces import MKG
from museumkg.network.greatcircle import Point
from museumkg.network.model import add_label
from museumkg.queries import named_rows
from museumkg.store import Store, Term
from museumkg.store.terms import lexical

#: The map's data inside the store folder (beside ``network.json``), written by the build.
MAP_FILE = "map.json"


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


def _closer(lon: float | None, lat: float | None, here: tuple[float | None, float | None]) -> bool:
    """Whether ``(lon, lat)`` replaces ``here``: the smallest pair wins, so that every build
    draws a thing with two stated coordinates (sources disagree) at the same point."""
    if lon is None or lat is None:
        return False
    return here[0] is None or here[1] is None or (lon, lat) < (here[0], here[1])


def _read_places(store: Store, base_iri: str) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for row in named_rows(store, "map_places"):
        iri = lexical(row["place"])
        place = places.get(iri)
        if place is None:
            place = places[iri] = Place(iri, _slug(base_iri, iri), lexical(row["kind"]))
        if "country" in row:
            place.country = lexical(row["country"])
        if "label" in row:
            add_label(place.labels, row["label"])
        lon, lat = _number(row.get("long")), _number(row.get("lat"))
        if _closer(lon, lat, (place.lon, place.lat)):
            place.lon, place.lat = lon, lat
    return places


def _read_institutions(store: Store, base_iri: str) -> dict[str, Located]:
    institutions: dict[str, Located] = {}
    for row in named_rows(store, "map_institutions"):
        iri, place = lexical(row["org"]), lexical(row["place"])
        org = institutions.get(iri)
        if org is None:
            org = institutions[iri] = Located(iri, _slug(base_iri, iri), place)
        org.place = min(org.place, place)  # two places stated: the first, every time
        lon, lat = _number(row.get("long")), _number(row.get("lat"))
        if _closer(lon, lat, (org.lon, org.lat)):
            org.lon, org.lat = lon, lat
        org.precision = _precision(row.get("precision")) or org.precision
    for row in named_rows(store, "map_institution_names"):
        found = institutions.get(lexical(row["org"]))
        if found is not None and "label" in row:
            add_label(found.labels, row["label"])
        if found is not None and "type" in row:
            found.types.add(lexical(row["type"]))
    for org in institutions.values():
        if org.lon is None:
            org.precision = None  # no coordinates of its own: its place's precision applies
    return institutions


def load_map(store: Store, base_iri: str) -> MapData:
    """Read the map's data from a built store (see the module docstring).

    >>> from museumkg.store import EmbeddedStore
    >>> load_map(EmbeddedStore(), "http://ex.org/").institutions
    {}
    """
    return MapData(base_iri, _read_places(store, base_iri), _read_institutions(store, base_iri))


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
    """Read a file written by :func:`museumkg.network.mapview.write_map`.

    Raises:
        OSError: when it cannot be read; ValueError: when it is not a map file.
    """
    try:
        return map_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path} is not a map file: {err}") from err
