"""The second delivery (catalog-sources-2) on small tables: it refers to the first delivery's
rows, corrects them without editing them, and is refused, naming table, line and column, when
a reference, a type or a correction is wrong; nothing is written then.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_ingest import BASE, ID, _edit, _refused, _tables, _triples

from museumkg.config import PROJECT_DIR
from museumkg.records.ingest import generate

SOURCE2 = f"{ID}source/catalog-sources-2-"
SOURCE = "<http://purl.org/dc/terms/source>"


def _second(tmp_path: Path) -> Path:
    """A small second delivery: a new museum in Baku, a program organised by the first
    delivery's museum-x with it, a person of it, and corrections of the first's rows."""
    folder = tmp_path / "catalog-sources-2"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "id,name_en,name_ru,name_local,local_lang,type,city,country,founded,website,wikidata,"
        "source_urls,notes\n"
        "museum-y,Museum Y (MY),Музей Y,,,national museum,Baku,Azerbaijan,,,,"
        "https://example.org/y2,\n",
        encoding="utf-8",
    )
    (folder / "programs.csv").write_text(
        "id,title_en,title_ru,start_date,end_date,city,country,organisers,partners,topics,"
        "source_urls,notes\n"
        "p2-2024,A memorandum,,2024-09,,Baku,Azerbaijan,museum-x;museum-y,,"
        "museum cooperation,https://example.org/p2,\n",
        encoding="utf-8",
    )
    (folder / "people.csv").write_text(
        "id,name_en,name_ru,role,affiliation,source_urls,notes\n"
        "other,Other One,,Director,museum-y,https://example.org/p2,\n",
        encoding="utf-8",
    )
    (folder / "corrections.csv").write_text(
        "table,id,field,value,source_urls,note\n"
        "organisations,museum-x,founded,1936,https://example.org/c1,Conflicts with 1935.\n"
        "organisations,museum-x,name_en,Museum X of Almaty,https://example.org/c2,A variant.\n"
        "people,someone,role,Curator (2024),https://example.org/c3,A later role.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """data/ with decisions that speak only about the small tables of both deliveries."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", data, ignore=shutil.ignore_patterns("catalog-sources-*"))
    for name, tail in (
        ("catalog-sources", "\nprogram_types: {p-2020: Exhibition}\n"),
        (
            "catalog-sources-2",
            "\nprogram_types: {p2-2024: Program}\n"
            "stated_partners:\n  - {program: p2-2024, parties: [museum-x, museum-y]}\n"
            "held_during: {p2-2024: p-2020}\n",
        ),
    ):
        text = (PROJECT_DIR / "data" / "ingest" / f"{name}.yaml").read_text(encoding="utf-8")
        head = text.split("\nnames:")[0]  # dates, table texts, types, places
        (data / "ingest" / f"{name}.yaml").write_text(head + tail, encoding="utf-8")
    return data


def test_the_second_delivery_refers_to_and_corrects_the_first(
    tmp_path: Path, data_dir: Path
) -> None:
    texts = generate([_tables(tmp_path), _second(tmp_path)], data_dir, BASE)
    triples = _triples(texts)
    x, y, program = f"<{ID}org/museum-x>", f"<{ID}org/museum-y>", f"<{ID}program/p2-2024>"
    # cross-delivery references are the first delivery's IRIs
    assert f"{program} <https://w3id.org/museumkg/ontology#organizer> {x}" in triples
    assert f"{program} <https://w3id.org/museumkg/ontology#heldDuring> <{ID}program/p-2020>" in (
        triples
    )
    assert f"{x} <https://w3id.org/museumkg/ontology#statedPartner> {y}" in triples
    assert f"{y} <https://w3id.org/museumkg/ontology#location> <{ID}place/baku>" in triples
    corrections = texts["sources/catalog-sources-2-corrections.yaml"]
    assert "Museum X of Almaty" in corrections and "https://example.org/c2" in corrections
    assert "Curator (2024)" in corrections
    # the first delivery keeps its value, now disputed: no plain founding date, two claims
    first = texts["sources/catalog-sources-organisations.yaml"]
    assert "foundingDate: '1935'" not in first and "value: '1935'" in first
    assert "value: '1936'" in corrections and "- https://example.org/c1" in corrections
    assert all(f"{x} <https://w3id.org/museumkg/ontology#foundingDate>" not in t for t in triples)


def test_the_first_delivery_alone_is_unchanged_by_the_second(
    tmp_path: Path, data_dir: Path
) -> None:
    alone = generate(_tables(tmp_path), data_dir, BASE)
    assert "foundingDate: '1935'" in alone["sources/catalog-sources-organisations.yaml"]


def test_a_correction_of_an_unknown_row(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    _edit(second / "corrections.csv", "people,someone,", "people,nobody,")
    assert _refused([_tables(tmp_path), second], data_dir) == [("reference", "id", 4)]


def test_a_correction_of_a_field_that_cannot_be_corrected(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    _edit(second / "corrections.csv", "people,someone,role,", "people,someone,affiliations,")
    assert _refused([_tables(tmp_path), second], data_dir) == [("unmapped-value", "field", 4)]


def test_an_unknown_id_across_deliveries(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    _edit(second / "programs.csv", ",museum-x;museum-y,", ",museum-z;museum-y,")
    # (once as an organiser, once as a party of the memorandum the decisions name)
    assert set(_refused([_tables(tmp_path), second], data_dir)) == {("reference", "organisers", 2)}


def test_an_id_defined_by_both_deliveries(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    _edit(second / "organisations.csv", "\nmuseum-y,", "\nmuseum-x,")
    refused = _refused([_tables(tmp_path), second], data_dir)
    assert ("duplicate-id", "id", 2) in refused


def test_an_unknown_type_text_names_its_row(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    _edit(second / "organisations.csv", ",national museum,", ",national museum (new),")
    assert _refused([_tables(tmp_path), second], data_dir) == [("unmapped-value", "type", 2)]
