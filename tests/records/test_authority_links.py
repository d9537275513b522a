"""Same-as links to authorities: short forms and IRIs in records, checked, with file and line.

The identifiers here are test fixtures attached to invented institutions; no Wikidata or VIAF id
is claimed for a real institution.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from seed import seed_data

from museumkg.authorities import AUTHORITIES, BY_KEY, link_iri
from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.namespaces import SKOS
from museumkg.problems import ProblemsFound
from museumkg.records.yaml_records import convert
from museumkg.store import EmbeddedStore
from museumkg.store.catalog import current_store_dir

BASE = "https://w3id.org/museumkg/"

RECORD = """\
source:
  title: {en: A test note with links}
  publisher: test-linked-museum
  issued: 2024-05-01
  permanentLink: https://example.org/test-note-with-links
institutions:
  test-linked-museum:
    type: Museum
    prefLabel: {en: Test Linked Museum}
    wikidata: Q4115189
    viaf: https://viaf.org/viaf/123456789
    exactMatch: http://www.wikidata.org/entity/Q13406268
places:
  test-linked-town:
    type: City
    prefLabel: {en: Test Linked Town}
    geonames: '1526384'
    tgn: '7006570'
"""


@pytest.mark.parametrize("authority", AUTHORITIES, ids=lambda a: a.key)
def test_the_example_of_every_authority_reads_in_short_and_full_form(authority) -> None:
    iri, problem = link_iri(authority.example, authority.key)
    assert problem == "" and iri == authority.iri(authority.example)
    assert link_iri(iri) == (iri, "")
    for alias in authority.aliases:
        assert link_iri(alias + authority.example + authority.suffix)[0] == iri


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("wikidata", "Q12x"),
        ("wikidata", "P31"),
        ("geonames", "https://example.org/1526384/"),
        ("viaf", "abc"),
        ("isni", "0000 0001 2103 2684"),  # wrong check character
        ("ulan", "400115493"),
        ("tgn", "123"),
    ],
)
def test_a_malformed_identifier_is_refused(key: str, text: str) -> None:
    iri, problem = link_iri(text, key)
    assert iri is None and BY_KEY[key].name in problem


def test_yaml_links_become_exact_matches_with_canonical_iris() -> None:
    out = convert(RECORD, slug="test-note", base_iri=BASE, display="test-note.yaml")
    assert out.problems == []
    links = {
        (t.subject.value.rsplit("/", 1)[-1], t.object.value)
        for t in out.triples
        if t.predicate.value == f"{SKOS}exactMatch"
    }
    assert links == {
        ("test-linked-museum", "http://www.wikidata.org/entity/Q4115189"),
        ("test-linked-museum", "http://viaf.org/viaf/123456789"),
        ("test-linked-museum", "http://www.wikidata.org/entity/Q13406268"),
        ("test-linked-town", "https://sws.geonames.org/1526384/"),
        ("test-linked-town", "http://vocab.getty.edu/tgn/7006570"),
    }


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("wikidata: Q4115189", "wikidata: Q41151x9", 10, "wikidata"),
        (
            "exactMatch: http://www.wikidata.org/entity/Q13406268",
            "exactMatch: http://www.wikidata.org/entity/13406268",
            12,
            "exactMatch",
        ),
        ("tgn: '7006570'", "tgn: '70065'", 18, "tgn"),
    ],
)
def test_a_malformed_link_is_reported_with_its_line(
    old: str, new: str, line: int, field: str
) -> None:
    out = convert(RECORD.replace(old, new), slug="test-note", base_iri=BASE, display="n.yaml")
    assert [(p.rule, p.line, p.field) for p in out.problems] == [("bad-link", line, field)]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_data(tmp_path_factory.mktemp("links") / "data")


def test_a_record_with_a_wikidata_link_builds(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / "sources" / "test-note-with-links.yaml").write_text(RECORD, encoding="utf-8")
    settings = Settings(data_dir=data_dir, var_dir=tmp_path / "var", check_owl=True)
    build_catalog(settings)
    store_dir = current_store_dir(settings)
    assert store_dir is not None
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        museum = ox.NamedNode(f"{BASE}id/org/test-linked-museum")
        found = {q.object.value for q in store.quads(museum, ox.NamedNode(f"{SKOS}exactMatch"))}
    finally:
        store.close()
    assert "http://www.wikidata.org/entity/Q4115189" in found


def test_a_malformed_link_fails_the_build_with_file_and_line(
    data_dir: Path, tmp_path: Path
) -> None:
    turtle = """\
@prefix org: <id/org/> .
@prefix source: <id/source/> .
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

source:test-bad-link a mkg:SourceDocument ;
    dcterms:title "A test note with a bad link"@en ;
    dcterms:issued "2020-01-01"^^xsd:date ;
    dcterms:publisher org:test-bad-link-museum ;
    mkg:permanentLink <https://example.org/test-bad-link> .

org:test-bad-link-museum a mkg:Museum ;
    skos:prefLabel "Test Bad Link Museum"@en ;
    skos:exactMatch <http://www.wikidata.org/entity/Qbad> .
"""
    (data_dir / "sources" / "test-bad-link.ttl").write_text(turtle, encoding="utf-8")
    try:
        settings = Settings(data_dir=data_dir, var_dir=tmp_path / "var", check_owl=False)
        with pytest.raises(ProblemsFound) as failed:
            build_catalog(settings)
    finally:
        (data_dir / "sources" / "test-bad-link.ttl").unlink()
    bad = [p for p in failed.value.problems if p.rule == "bad-link"]
    assert len(bad) == 1
    assert bad[0].file and bad[0].file.endswith("test-bad-link.ttl") and bad[0].line == 16
    assert "Qbad" in str(bad[0]) and current_store_dir(settings) is None
