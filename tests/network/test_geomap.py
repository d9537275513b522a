"""The map's data, built by the real build over a generated catalog with coordinates.

Checks what the map promises: every institution with coordinates in exactly one marker, arcs
only between two places with their pairs' strengths summed, the filters of /network, partners
abroad, and a GeoJSON that GDAL's ogrinfo (a real GIS reader) opens with the right counts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from map_catalog import COUNTRY_ONLY, UNPLACED, build_map_catalog

from museumkg.config import Settings
from museumkg.network.geojson import GEOJSON_FILE, map_geojson
from museumkg.network.geomap import MAP_FILE, MapData, read_map
from museumkg.network.greatcircle import distance_km, great_circle
from museumkg.network.mapview import map_filter, map_view
from museumkg.network.model import NETWORK_FILE, Network, read_network
from museumkg.records.country_points import country_point
from museumkg.store.catalog import current_store_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    settings, _planted = build_map_catalog(tmp_path_factory.mktemp("map-catalog"))
    store_dir = current_store_dir(settings)
    assert store_dir is not None
    return settings, store_dir


@pytest.fixture(scope="module")
def data(built: tuple[Settings, Path]) -> MapData:
    return read_map(built[1] / MAP_FILE)


@pytest.fixture(scope="module")
def network(built: tuple[Settings, Path]) -> Network:
    return read_network(built[1] / NETWORK_FILE)


def test_great_circle_splits_at_the_antimeridian() -> None:
    parts = great_circle((170.0, 60.0), (-170.0, 60.0))
    assert len(parts) == 2
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0
    assert parts[0][-1][1] == parts[1][0][1] > 60.0  # the great circle bulges towards the pole
    assert all(-180 <= lon <= 180 for part in parts for lon, _lat in part)
    whole = great_circle((76.95, 43.25), (2.35, 48.86))  # Almaty to Paris: no crossing
    assert len(whole) == 1 and whole[0][0] == (76.95, 43.25) and whole[0][-1] == (2.35, 48.86)
    assert 5000 < distance_km((76.95, 43.25), (2.35, 48.86)) < 6000


def test_every_placed_institution_is_in_one_marker(data: MapData, network: Network) -> None:
    view = data.default
    assert view is not None
    shown = [org["id"] for place in view["places"] for org in place["institutions"]]
    assert len(shown) == len(set(shown))
    placed = {iri for iri, org in data.institutions.items() if data.point(org)[0] is not None}
    assert set(shown) == placed and len(placed) >= 31
    for place in view["places"]:
        assert place["count"] == len(place["institutions"]) == sum(place["types"].values())
        assert all(data.institutions[o["id"]].place == place["id"] for o in place["institutions"])
        assert all(o["precision"] == place["kind"] for o in place["institutions"])
    # placed only in a country: drawn at the country's point (the country points source's
    # wgs:lat/long of the country, the one source of it), at country level
    [kg] = [p for p in view["places"] if p["institutions"][0]["id"].endswith(COUNTRY_ONLY)]
    point = country_point("KG")
    assert point is not None and (kg["lat"], kg["lon"]) == point[:2] == (41.0, 75.0)
    assert kg["kind"] == "country" and kg["institutions"][0]["precision"] == "country"
    # the institution whose city has no coordinates is counted, not drawn
    unplaced = next(o for o in data.institutions.values() if o.slug == UNPLACED)
    assert data.point(unplaced) == (None, None)
    assert view["stats"]["unplaced_institutions"] == 1
    assert "1 institution has a place without coordinates" in view["note"]


def test_arcs_join_two_places_and_sum_their_pairs(data: MapData) -> None:
    view = data.default
    assert view is not None and view["arcs"]
    places = {p["id"]: p for p in view["places"]}
    paired = 0
    for arc in view["arcs"]:
        assert arc["a"] != arc["b"] and arc["a"] < arc["b"]
        assert arc["strength"] == pytest.approx(sum(p["strength"] for p in arc["pairs"]))
        for pair in arc["pairs"]:
            ends = {data.institutions[pair["a"]].place, data.institutions[pair["b"]].place}
            assert ends == {arc["a"], arc["b"]}
            assert re.fullmatch(r"why/[a-z0-9-]+/[a-z0-9-]+", pair["why"])
        assert arc["border"] == (places[arc["a"]]["country"] != places[arc["b"]]["country"])
        first, last = arc["parts"][0][0], arc["parts"][-1][-1]
        assert (first[0], first[1]) == (places[arc["a"]]["lon"], places[arc["a"]]["lat"])
        assert (last[0], last[1]) == (places[arc["b"]]["lon"], places[arc["b"]]["lat"])
        paired += len(arc["pairs"])
    assert paired + view["stats"]["local_pairs"] == view["stats"]["pairs"] == len(view["pairs"])
    assert any(arc["border"] for arc in view["arcs"])


def test_partners_abroad_are_in_another_country(data: MapData) -> None:
    view = data.default
    assert view is not None
    found = 0
    for place in view["places"]:
        for partner in place["partners_abroad"]:
            assert partner["country_label"] != place["country_label"]
            found += 1
    assert found
    # each border-crossing pair puts each end among the other place's partners abroad
    for pair in view["pairs"]:
        a, b = data.institutions[pair["a"]], data.institutions[pair["b"]]
        if data.country_of(a) != data.country_of(b):
            abroad = next(p for p in view["places"] if p["id"] == a.place)["partners_abroad"]
            assert b.iri in {p["id"] for p in abroad}


def test_filters_are_the_network_filters(data: MapData, network: Network) -> None:
    kg = map_view(data, network, map_filter({"country": ["kg"]}))
    matched = [o for p in kg["places"] for o in p["institutions"] if o["match"]]
    assert matched and all(
        data.country_of(data.institutions[o["id"]]).endswith("/kg") for o in matched
    )
    # the others drawn are partners of the selected institutions
    others = {o["id"] for p in kg["places"] for o in p["institutions"] if not o["match"]}
    ends = {end for pair in kg["pairs"] for end in (pair["a"], pair["b"])}
    assert others <= ends
    assert len(matched) < data.default["stats"]["institutions"]  # type: ignore[index]
    years = map_view(data, network, map_filter({"from": ["2003"], "to": ["2005"]}))
    assert 0 < years["stats"]["pairs"] < data.default["stats"]["pairs"]  # type: ignore[index]
    assert all(2003 <= p["first"] <= p["last"] <= 2005 for p in years["pairs"])
    museums = map_view(data, network, map_filter({"type": ["Museum"], "kind": ["none"]}))
    assert museums["pairs"] == [] and museums["arcs"] == []
    assert {o["type"] for p in museums["places"] for o in p["institutions"]} == {"Museum"}
    with pytest.raises(ValueError, match="ends .* before it starts"):
        map_filter({"from": ["2010"], "to": ["2001"]})


def test_geojson_opens_in_ogrinfo_with_the_right_counts(
    built: tuple[Settings, Path], data: MapData
) -> None:
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.fail("ogrinfo (Debian's gdal-bin) is missing: scripts/system-deps.sh installs it")
    path = built[1] / "dumps" / GEOJSON_FILE
    view = data.default
    assert view is not None
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == json.loads(
        json.dumps(map_geojson(data, view, version=document["dataset_version"]))
    )

    def count(where: str) -> int:
        out = subprocess.run(
            [ogrinfo, "-ro", "-al", "-so", "-where", where, str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = re.search(r"Feature Count: (\d+)", out)
        assert found, out
        return int(found.group(1))

    assert count("feature = 'institution'") == view["stats"]["institutions"]
    assert count("feature = 'partnership'") == view["stats"]["pairs"] > 0
    out = subprocess.run(
        [
            ogrinfo,
            "-ro",
            "-al",
            "-where",
            f"slug = '{next(iter(data.institutions.values())).slug}'",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "POINT (" in out and "precision (String) = city" in out
    release = json.loads((built[1] / "dumps" / "release.json").read_text(encoding="utf-8"))
    entry = next(f for f in release["files"] if f["name"] == GEOJSON_FILE)
    assert entry["media_type"] == "application/geo+json" and entry["size"] == path.stat().st_size


def _example(store_dir: Path, name: str) -> list[dict[str, str]]:
    from museumkg.queries import example_queries
    from museumkg.store import EmbeddedStore, select_rows

    [query] = [q for q in example_queries() if q.name == name]
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        return [
            {k: v.value for k, v in row.items()} for row in select_rows(store.query(query.text))
        ]
    finally:
        store.close()


def test_the_map_examples_agree_with_the_map(built: tuple[Settings, Path], data: MapData) -> None:
    """The editor's three map examples, on a catalog with coordinates, against the map data."""
    view = data.default
    assert view is not None
    places = {p["id"]: p for p in view["places"]}
    almaty = next(p for p in data.places.values() if p.slug == "almaty")
    # institutions within 500 km of Almaty, by SPARQL arithmetic: the haversine distance agrees
    near = _example(built[1], "institutions-near-a-city")
    expected = set()
    for org in data.institutions.values():
        point, precision = data.point(org)
        # (the query reads cities' coordinates: one placed only in a country is not asked)
        if (
            point is not None
            and precision == "city"
            and distance_km(point, (almaty.lon, almaty.lat)) <= 495
        ):  # type: ignore[arg-type]
            expected.add(org.iri)
    assert expected and expected <= {row["institution"] for row in near}
    for row in near:
        org = data.institutions[row["institution"]]
        km = distance_km(data.point(org)[0], (almaty.lon, almaty.lat))  # type: ignore[arg-type]
        assert abs(float(row["approxKm"]) - km) <= max(1.0, 0.01 * km)
        assert km <= 505
    # partnerships across a border: the map's pairs between two countries
    across = _example(built[1], "partnerships-across-borders")
    pairs = {
        tuple(sorted((p["a"], p["b"])))
        for p in view["pairs"]
        if data.country_of(data.institutions[p["a"]]) != data.country_of(data.institutions[p["b"]])
    }
    assert pairs and {(row["a"], row["b"]) for row in across} == pairs
    # cities ranked by partners abroad: the counts of the map's table
    ranked = _example(built[1], "cities-by-international-partners")
    counts = {row["city"]: int(row["partnersAbroad"]) for row in ranked}
    assert counts == {
        iri: len(place["partners_abroad"])
        for iri, place in places.items()
        if place["partners_abroad"]
    }
    assert [int(r["partnersAbroad"]) for r in ranked] == sorted(counts.values(), reverse=True)
