"""Great circles on the WGS84 sphere: the arcs the map draws between two cities.

Points are ``(lon, lat)`` in degrees, as GeoJSON orders them. :func:`great_circle` gives the
points of the shorter great-circle arc (spherical linear interpolation on the unit sphere:
near enough for drawing, the ellipsoid differs by well under a pixel at world scale), split
into parts where it crosses the antimeridian so no part jumps across the whole map (RFC 7946,
section 3.1.9). :func:`distance_km` is the haversine distance the example queries also use.
"""

from __future__ import annotations

import math

#: The mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]


def distance_km(a: Point, b: Point) -> float:
    """The great-circle (haversine) distance between two ``(lon, lat)`` points, in km.

    >>> round(distance_km((76.95, 43.25), (69.24, 41.31)))
    670
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _vector(point: Point) -> tuple[float, float, float]:
    lon, lat = map(math.radians, point)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def _interpolate(a: Point, b: Point, steps: int) -> list[Point]:
    va, vb = _vector(a), _vector(b)
    dot = max(-1.0, min(1.0, sum(x * y for x, y in zip(va, vb, strict=True))))
    omega = math.acos(dot)
    if omega < 1e-7 or math.pi - omega < 1e-7:
        # the same point (a zero-length arc), or antipodes (no single shortest arc)
        return [a, b]
    sin_omega = math.sin(omega)
    points: list[Point] = []
    for i in range(steps + 1):
        t = i / steps
        f, g = math.sin((1 - t) * omega) / sin_omega, math.sin(t * omega) / sin_omega
        x, y, z = (f * p + g * q for p, q in zip(va, vb, strict=True))
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        points.append((round(lon, 4), round(lat, 4)))
    points[0], points[-1] = a, b
    return points


def great_circle(a: Point, b: Point, steps: int | None = None) -> list[list[Point]]:
    """The great-circle arc from ``a`` to ``b`` as one or more parts of ``(lon, lat)`` points.

    Args:
        a, b: the ends, ``(lon, lat)`` in degrees.
        steps: segments to draw; by default one per ~100 km, between 4 and 64.

    Returns:
        the parts: one list of points, or two when the arc crosses the antimeridian (the
        crossing point ends the first part at ±180 and starts the second at ∓180).

    >>> great_circle((76.95, 43.25), (76.95, 43.25))
    [[(76.95, 43.25), (76.95, 43.25)]]
    >>> parts = great_circle((170.0, 0.0), (-170.0, 0.0), steps=4)
    >>> [(p[0][0], p[-1][0]) for p in parts]
    [(170.0, 180.0), (-180.0, -170.0)]
    """
    if steps is None:
        steps = max(4, min(64, round(distance_km(a, b) / 100)))
    points = _interpolate(a, b, steps)
    parts: list[list[Point]] = [[points[0]]]
    for prev, here in zip(points, points[1:], strict=False):
        if abs(here[0] - prev[0]) > 180:
            # crossing the antimeridian: cut at ±180, at the latitude interpolated there
            east = prev[0] > 0
            to_edge = (180 - prev[0]) if east else (prev[0] + 180)
            span = to_edge + ((here[0] + 180) if east else (180 - here[0]))
            lat = prev[1] + (here[1] - prev[1]) * (to_edge / span if span else 0.5)
            edge = 180.0 if east else -180.0
            parts[-1].append((edge, round(lat, 4)))
            parts.append([(-edge, round(lat, 4))])
        parts[-1].append(here)
    return parts
