"""Likely duplicates: names compared across case, accents, punctuation, languages and scripts."""

from __future__ import annotations

from pathlib import Path

from museumkg.checks.duplicates import likely_duplicates
from museumkg.config import PROJECT_DIR
from museumkg.records.files import RecordFile, parse_record, record_file

BASE = "https://w3id.org/museumkg/"
ONTOLOGY = PROJECT_DIR / "ontology" / "museumkg.ttl"
HEAD = """\
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def _record(tmp_path: Path, slug: str, body: str) -> RecordFile:
    path = tmp_path / f"{slug}.ttl"
    path.write_text(HEAD + f"<id/source/{slug}> a mkg:SourceDocument .\n" + body, encoding="utf-8")
    record = record_file(path, BASE)
    assert parse_record(record, BASE) == []
    return record


def test_a_cyrillic_name_meets_its_transliteration(tmp_path: Path) -> None:
    old = _record(
        tmp_path,
        "old",
        '<id/org/scca> a mkg:ContemporaryArtCentre ; skos:prefLabel "SCCA"@en , '
        '"Центр Современного Искусства Сороса"@ru .\n',
    )
    new = _record(
        tmp_path,
        "new",
        "<id/org/soros-centre> a mkg:Foundation ;\n"
        '    skos:prefLabel "Tsentr sovremennogo iskusstva Sorosa"@en .\n',
    )
    [warning] = likely_duplicates([new], [old], base_iri=BASE, ontology_path=ONTOLOGY)
    assert warning.rule == "likely-duplicate" and warning.severity == "warning"
    assert warning.record == "id/org/soros-centre" and "id/org/scca" in warning.message
    assert warning.line == 5


def test_spelling_variants_and_accents_do_not_hide_a_duplicate(tmp_path: Path) -> None:
    old = _record(tmp_path, "old", '<id/org/a> a mkg:Museum ; skos:altLabel "Kyrgyz Museum"@en .\n')
    new = _record(
        tmp_path, "new", '<id/org/b> a mkg:Museum ; skos:prefLabel "KIRGIZ MUSÉUM"@fr .\n'
    )
    [warning] = likely_duplicates([new], [old], base_iri=BASE, ontology_path=ONTOLOGY)
    assert "id/org/a" in warning.message


def test_the_same_id_is_not_a_duplicate_and_people_are_checked_too(tmp_path: Path) -> None:
    old = _record(
        tmp_path,
        "old",
        '<id/org/a> a mkg:Museum ; skos:prefLabel "Kasteyev Museum"@en .\n'
        '<id/person/p> a mkg:Person ; skos:prefLabel "Алексей Лебедев"@ru .\n',
    )
    new = _record(
        tmp_path,
        "new",
        '<id/org/a> a mkg:Museum ; skos:prefLabel "Kasteyev Museum"@en .\n'
        '<id/person/q> a mkg:Person ; skos:prefLabel "Aleksei Lebedev"@en .\n',
    )
    problems = likely_duplicates([new], [old], base_iri=BASE, ontology_path=ONTOLOGY)
    assert [p.record for p in problems] == ["id/person/q"]


def test_different_names_are_not_reported(tmp_path: Path) -> None:
    old = _record(tmp_path, "old", '<id/org/a> a mkg:Museum ; skos:prefLabel "Louvre"@fr .\n')
    new = _record(tmp_path, "new", '<id/org/b> a mkg:Museum ; skos:prefLabel "Hermitage"@en .\n')
    assert likely_duplicates([new], [old], base_iri=BASE, ontology_path=ONTOLOGY) == []
