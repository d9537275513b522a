"""The map as GeoJSON (RFC 7946): what ``/map/data.geojson`` serves and the release ships.

One FeatureCollection per map view (:func:`museumkg.network.mapview.map_view`):

- each institution drawn, a ``Point`` (its own coordinates, else its place's) with
  ``feature: "institution"``, its IRI, slug, names (``label`` in the view's language,
  ``label_en``, ``label_ru``), ``type`` (the class the map colours it by) and ``types``,
  ``place`` / ``place_label`` (its city, or its country), ``country`` / ``country_label`` and
  ``precision`` (``city``: drawn at its city's coordinates; ``country``; ``exact``);
- each partnership with both ends drawn, a ``LineString`` along the great circle between the
  two institutions (a ``MultiLineString`` where it crosses the antimeridian; two equal points
  when both are in one place) with ``feature: "partnership"``, the two IRIs and names,
  ``strength``, ``kinds``, ``first``/``last`` year and ``why``, the path of the page that
  says why they are linked.

Every property is a string or a number (no nested objects), so GIS tools (QGIS, ogr2ogr) read
the file as one flat table; ``feature`` tells the two kinds apart. The collection also says
where its coordinates come from (``attribution``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from museumkg.network.geomap import MapData
from museumkg.network.greatcircle import great_circle

#: The GeoJSON file among the release's downloads (written by the build beside the dumps).
GEOJSON_FILE = "museumkg-map.geojson"
MEDIA_TYPE = "application/geo+json"
#: Where the points come from (a foreign member of the FeatureCollection, RFC 7946 6.1).
ATTRIBUTION = (
    "Cities' coordinates: GeoNames (https://www.geonames.org/, CC BY 4.0); countries' points: "
    "the PyPI package countryinfo (MIT); precision says which an institution stands at"
)


def _geometry(parts: list[list[tuple[float, float]]]) -> dict[str, Any]:
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": [list(p) for p in parts[0]]}
    return {"type": "MultiLineString", "coordinates": [[list(p) for p in part] for part in parts]}


def map_geojson(
    data: MapData,
    view: dict[str, Any],
    *,
    version: str | None = None,
    filters: str = "",
) -> dict[str, Any]:
    """The FeatureCollection of ``view`` (see the module docstring)."""
    features: list[dict[str, Any]] = []
    points: dict[str, tuple[float, float]] = {}
    for place in view["places"]:
        for shown in place["institutions"]:
            org = data.institutions[shown["id"]]
            point, precision = data.point(org)
            if point is None:
                continue
            points[org.iri] = point
            features.append(
                {
                    "type": "Feature",
                    "id": org.slug,
                    "geometry": {"type": "Point", "coordinates": list(point)},
                    "properties": {
                        "feature": "institution",
                        "iri": org.iri,
                        "slug": org.slug,
                        "label": shown["label"],
                        "label_en": org.labels.get("en", ""),
                        "label_ru": org.labels.get("ru", ""),
                        "type": shown["type"],
                        "types": ",".join(sorted(t.rsplit("#", 1)[-1] for t in org.types)),
                        "place": place["id"],
                        "place_label": place["label"],
                        "country": place["country"] or "",
                        "country_label": place["country_label"],
                        "precision": precision,
                    },
                }
            )
    for pair in view["pairs"]:
        a, b = points.get(pair["a"]), points.get(pair["b"])
        if a is None or b is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(great_circle(a, b)),
                "properties": {
                    "feature": "partnership",
                    "a": pair["a"],
                    "b": pair["b"],
                    "a_label": pair["a_label"],
                    "b_label": pair["b_label"],
                    "strength": pair["strength"],
                    "kinds": ",".join(pair["kinds"]),
                    "first": pair["first"],
                    "last": pair["last"],
                    "why": pair["why"],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "museumkg-map",
        "dataset_version": version,
        "filters": filters,
        "attribution": ATTRIBUTION,
        "features": features,
    }


def write_geojson(data: MapData, path: Path, version: str | None = None) -> Path:
    """Write the GeoJSON of the build's default view (``data.default``) to ``path``."""
    if data.default is None:
        raise ValueError("the map data has no default view (write_map computes it)")
    document = map_geojson(data, data.default, version=version)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
