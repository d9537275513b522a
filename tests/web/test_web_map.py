"""/map, /map/data.json and /map/data.geojson through HTTP, over a generated catalog with
coordinates (tests/map_catalog.py), and the GeoJSON among the downloads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from map_catalog import build_map_catalog

from museumkg.config import Settings
from museumkg.network.geojson import GEOJSON_FILE
from museumkg.store import EmbeddedStore
from museumkg.store.catalog import current_store_dir
from webapp import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    built, _planted = build_map_catalog(tmp_path_factory.mktemp("map-web"))
    return built


@pytest.fixture(scope="module")
def map_app(settings: Settings) -> Iterator[Flask]:
    store_dir = current_store_dir(settings)
    assert store_dir is not None
    store = EmbeddedStore(store_dir, read_only=True)
    app = create_app(store=store, settings=settings)
    yield app
    app.extensions["museumkg"].close()
    store.close()


@pytest.fixture()
def web(map_app: Flask) -> FlaskClient:
    return map_app.test_client()


def test_the_page_has_the_map_and_its_table(web: FlaskClient) -> None:
    response = web.get("/map")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    data = web.get("/map?format=json").get_json()
    # the table: one row per place, every institution linked, partners abroad listed
    rows = re.findall(r'<tr id="place-[^"]+" data-place="([^"]+)"', html)
    assert rows == [p["id"] for p in data["places"]] and len(rows) >= 5
    for place in data["places"]:
        for org in place["institutions"]:
            assert f'href="/{org["path"]}"' in html
    assert any(p["partners_abroad"] for p in data["places"])
    # what the script draws is in the page as JSON, with no inline script
    config = re.search(
        r'<script type="application/json" id="map-config">(.*?)</script>', html, re.S
    )
    assert config is not None
    drawn = json.loads(config.group(1))
    assert [p["id"] for p in drawn["places"]] == rows
    assert len(drawn["arcs"]) == data["stats"]["arcs"] > 0
    for tag in re.findall(r"<script[^>]*>", html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    for library in (
        "leaflet/leaflet.js",
        "leaflet.markercluster/leaflet.markercluster.js",
        "topojson-client/topojson-client.min.js",
    ):
        assert f"/vendor/{library}" in html
    assert "/vendor/world-atlas/countries-50m.json" in html


def test_the_libraries_and_outlines_are_served_from_node_modules(web: FlaskClient) -> None:
    for path in (
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/vendor/leaflet.markercluster/MarkerCluster.css",
        "/vendor/topojson-client/topojson-client.min.js",
    ):
        assert web.get(path).status_code == 200, path
    outlines = web.get("/vendor/world-atlas/countries-50m.json").get_json()
    assert (
        outlines["type"] == "Topology" and len(outlines["objects"]["countries"]["geometries"]) > 200
    )
    assert web.get("/vendor/world-atlas/package.json").status_code == 404


def test_filters_and_errors(web: FlaskClient) -> None:
    everything = web.get("/map/data.json").get_json()
    kg = web.get("/map/data.json?country=kg").get_json()
    assert kg["stats"]["institutions"] < everything["stats"]["institutions"]
    assert "country=kg" in kg["filters"]
    none = web.get("/map/data.json?kind=none").get_json()
    assert (
        none["arcs"] == [] and none["stats"]["institutions"] == everything["stats"]["institutions"]
    )
    bad = web.get("/map?from=2010&to=2001")
    assert bad.status_code == 400 and "before it starts" in bad.get_data(as_text=True)
    assert web.get("/map/data.json?kind=friendship").status_code == 400


def test_geojson_of_a_view(web: FlaskClient, tmp_path: Path) -> None:
    response = web.get("/map/data.geojson?country=kz")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    document = response.get_json()
    view = web.get("/map/data.json?country=kz").get_json()
    kinds = [f["properties"]["feature"] for f in document["features"]]
    assert kinds.count("institution") == view["stats"]["institutions"]
    assert kinds.count("partnership") == view["stats"]["pairs"]
    assert "country=kz" in document["filters"]
    assert "GeoNames" in document["attribution"] and "countryinfo" in document["attribution"]
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.fail("ogrinfo (Debian's gdal-bin) is missing: scripts/system-deps.sh installs it")
    path = tmp_path / "view.geojson"
    path.write_bytes(response.data)
    out = subprocess.run(
        [ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True
    )
    assert f"Feature Count: {len(kinds)}" in out.stdout


def test_the_downloads_list_the_map(web: FlaskClient) -> None:
    html = web.get("/downloads/").get_data(as_text=True)
    assert f">{GEOJSON_FILE}</a>" in html and 'href="/map"' in html
    response = web.get(f"/downloads/{GEOJSON_FILE}")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert json.loads(response.data)["type"] == "FeatureCollection"


def test_entity_pages_show_a_small_map(web: FlaskClient) -> None:
    everything = web.get("/map/data.json").get_json()
    place = everything["places"][0]
    org = place["institutions"][0]
    # an institution: its point at city level, a link to the big map on its city
    html = web.get("/" + org["path"]).get_data(as_text=True)
    assert 'id="small-map"' in html and "at city level" in html
    assert f"{place['lat']:.4f}, {place['lon']:.4f}" in html
    assert f'href="/map#place={place["path"].rsplit("/", 1)[-1]}"' in html
    twin = web.get("/" + org["path"] + "?format=json").get_json()
    assert (twin["map"]["lat"], twin["map"]["lon"]) == (place["lat"], place["lon"])
    assert twin["map"]["precision"] == "city"
    # a city: what is there, every institution of the map's marker
    city = web.get("/" + place["path"] + "?format=json").get_json()["map"]
    assert [o["href"] for o in city["here"]] == sorted(
        ("/" + o["path"] for o in place["institutions"]),
        key=lambda h: next(
            o["label"] for o in place["institutions"] if "/" + o["path"] == h
        ).casefold(),
    )
    html = web.get("/" + place["path"]).get_data(as_text=True)
    assert f"Institutions here ({place['count']})" in html
    # a country lists the institutions of its cities, each with its city
    country = web.get("/id/place/kz?format=json").get_json()["map"]
    in_kz = [
        o for p in everything["places"] if p["country"].endswith("/kz") for o in p["institutions"]
    ]
    assert len(country["here"]) == len(in_kz) + 1  # and the archive of the town without coordinates
    assert all(o["place"] for o in country["here"])
    # a country's own point: the country points source's, flagged country level
    kg = web.get("/id/place/kg").get_data(as_text=True)
    assert 'id="small-map"' in kg and "41.0000, 75.0000 · at country level" in kg
    assert web.get("/id/place/kg?format=json").get_json()["map"]["precision"] == "country"
    # in Russian, too
    ru = web.get("/" + place["path"] + "?lang=ru").get_data(as_text=True)
    assert "На карте" in ru and "Учреждения здесь" in ru
    # the town without coordinates: no map, but what is there
    town = web.get("/id/place/unmapped-town").get_data(as_text=True)
    assert 'id="small-map"' not in town and "No coordinates are known" in town
    assert "Nowhere Archive" in town


def test_the_page_bounds_its_lists(web: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hub city's thousands of institutions do not all go into the page: the page lists the
    first few and links to the place's page; /map/data.json keeps them all."""
    from webapp.views import map as map_view

    monkeypatch.setattr(map_view, "PAGE_LIST", 2)
    full = web.get("/map/data.json").get_json()
    page = web.get("/map?format=json").get_json()
    for whole, shown in zip(full["places"], page["places"], strict=True):
        assert shown["institutions"] == whole["institutions"][:2]
        assert shown.get("more_institutions", 0) == max(0, whole["count"] - 2)
    big = next(p for p in page["places"] if p.get("more_institutions"))
    html = web.get("/map").get_data(as_text=True)
    assert f"and {big['more_institutions']} more</a>" in html
    for whole, shown in zip(full["arcs"], page["arcs"], strict=True):
        assert len(shown["pairs"]) + shown.get("more_pairs", 0) == len(whole["pairs"])
