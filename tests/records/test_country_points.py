"""Country points: the countries' coordinates, a source of their own, read from countryinfo.

The real countryinfo package is read (offline, no stand-in data), over the catalog's own records
and over a built store: every country of the catalog gets a point, at country level, and "who
says so?" answers the countryinfo source document.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from museumkg.build.pipeline import read_records
from museumkg.config import PROJECT_DIR, Settings
from museumkg.namespaces import DCTERMS, GEO, MKG, RDF, WGS, XSD
from museumkg.records import geonames
from museumkg.records.country_points import (
    CountryPointsRecord,
    country_point,
    package_version,
    source_slug,
)
from museumkg.store import EmbeddedStore, select_rows

BASE = "https://w3id.org/museumkg/"


def test_a_country_point_is_the_package_s_point_of_its_iso_code() -> None:
    assert country_point("KZ") == (48.0, 68.0, "Kazakhstan")
    assert country_point("kg") == (41.0, 75.0, "Kyrgyzstan")
    lat, long, _name = country_point("RU") or (0, 0, "")
    assert (lat, long) == (60.0, 100.0)
    assert country_point("US") == (38.0, -97.0, "United States")
    # no ISO alpha-2 code: nothing, not a guess by name
    assert country_point("ZZ") is None and country_point("XK") is None


@pytest.fixture(scope="module")
def catalog_records() -> list:
    records, problems = read_records(Settings(check_owl=False))
    assert not [p for p in problems if p.severity == "error"], problems
    assert not [p for p in problems if p.rule.startswith("country-point")], problems
    return records


def _points(records: list) -> CountryPointsRecord:
    found = [r for r in records if isinstance(r, CountryPointsRecord)]
    assert len(found) == 1, "the build makes the countries' points as one source"
    return found[0]


def test_every_country_of_the_catalog_has_a_point_at_country_level(catalog_records: list) -> None:
    points = _points(catalog_records)
    assert points.graph == f"{BASE}id/source/{source_slug(package_version())}"
    assert {q.graph_name.value for q in points.quads} == {points.graph}
    quads = [q for r in catalog_records if r is not points for q in r.quads]
    countries = [p for p in geonames.catalog_places(quads, BASE) if p.kind == "country"]
    assert len(countries) >= 30
    said: dict[str, dict[str, list[ox.Term]]] = {}
    for quad in points.quads:
        said.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(
            quad.object
        )
    for country in countries:
        facts = said[country.iri]
        [lat], [long] = facts[f"{WGS}lat"], facts[f"{WGS}long"]
        assert isinstance(lat, ox.Literal) and lat.datatype.value == f"{XSD}decimal"
        expected = country_point(country.country or "")
        assert expected is not None  # to 5 decimals (a metre), as the GeoNames graph writes
        assert (float(lat.value), float(long.value)) == pytest.approx(expected[:2], abs=1e-5)
        [geometry] = facts[f"{GEO}hasGeometry"]
        [wkt] = said[geometry.value][f"{GEO}asWKT"]
        assert wkt.value == f"POINT({long.value} {lat.value})"
        assert [t.value for t in facts[f"{MKG}locationPrecision"]] == [f"{MKG}CountryLevel"]
    n = len(countries)
    assert points.summary == f"Country points (countryinfo): {n} of {n} countries"
    kg = said[f"{BASE}id/place/kg"]
    assert (kg[f"{WGS}lat"][0].value, kg[f"{WGS}long"][0].value) == ("41", "75")


def test_the_source_document_cites_the_package_its_licence_and_its_origin(
    catalog_records: list,
) -> None:
    points = _points(catalog_records)
    facts = {
        (q.predicate.value, q.object.value) for q in points.quads if q.subject.value == points.graph
    }
    version = package_version()
    assert (f"{RDF}type", f"{MKG}SourceDocument") in facts
    assert (f"{DCTERMS}title", f"Country points (via countryinfo {version})") in facts
    assert (f"{DCTERMS}license", "https://opensource.org/license/mit") in facts
    assert (f"{DCTERMS}source", f"https://pypi.org/project/countryinfo/{version}/") in facts
    assert (f"{DCTERMS}issued", "2026-03") in facts
    [about] = [value for key, value in facts if key == f"{DCTERMS}description"]
    assert "CIA World Factbook" in about and "Wikipedia" in about


def test_who_says_so_answers_the_country_points_source(store: EmbeddedStore) -> None:
    rows = list(
        select_rows(
            store.query(
                """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT ?country ?lat ?title ?precision WHERE {
              GRAPH ?source { ?country wgs:lat ?lat ; mkg:locationPrecision ?precision }
              ?country a mkg:Country .
              ?source dcterms:title ?title .
            }
            """
            )
        )
    )
    assert len(rows) >= 30
    for row in rows:
        assert row["title"].value.startswith("Country points (via countryinfo ")
        assert row["precision"].value == f"{MKG}CountryLevel"
    # and nobody else gives a country coordinates: one source of truth for the map
    other = list(
        select_rows(
            store.query(
                """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            SELECT ?g WHERE { GRAPH ?g { ?country a mkg:Country } GRAPH ?h { ?country wgs:lat ?lat }
              FILTER(!STRSTARTS(STR(?h), "https://w3id.org/museumkg/id/source/countryinfo-")) }
            """
            )
        )
    )
    assert other == []


def test_a_country_the_package_lacks_is_a_warning_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "vocabularies").mkdir(parents=True)
    places = data / "vocabularies" / "places.ttl"
    shutil.copy(PROJECT_DIR / "data" / "vocabularies" / "places.ttl", places)
    with places.open("a", encoding="utf-8") as out:  # ISO code in no countryinfo record
        out.write(
            '\nplace:zz a mkg:Country ; skos:prefLabel "Nowhereland"@en ; mkg:isoCode "ZZ" .\n'
        )
    records, problems = read_records(Settings(data_dir=data, check_owl=False))
    [warning] = [p for p in problems if p.rule == "country-point-missing"]
    assert warning.severity == "warning" and warning.record == f"{BASE}id/place/zz"
    assert "Nowhereland" in str(warning) and "ISO code ZZ" in str(warning)
    points = _points(records)
    assert points.summary.endswith("; none for zz")
    assert not [q for q in points.quads if q.subject.value == f"{BASE}id/place/zz"]
    assert [q for q in points.quads if q.subject.value == f"{BASE}id/place/kz"]
