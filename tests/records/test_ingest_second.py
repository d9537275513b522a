"""The second delivery (catalog-sources-2).

- on small tables: it refers to the first delivery's rows, corrects them without editing them,
  and is refused, naming table, line and column, when a reference, a type or a correction is
  wrong;
- in the full catalog: the new institutions, programs and people in their tables' graphs with
  their pages, cross-delivery references to the same entities, a correction as a statement of
  the corrections source, a conflicting correction as two disputed claims, identities resting
  on a name as probable, and search finding new institutions by English and Russian names.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from ingest_catalog import (
    BASE,
    CATALOG_SOURCES_2,
    DELIVERIES,
    GRAPH,
    ID,
    PREFIXES,
    edit_table,
    full,
    full_store,
    needs_tables,
    refusals,
    select,
    small_tables,
    triples_of,
)

from museumkg.config import PROJECT_DIR, Settings
from museumkg.records.ingest import generate
from museumkg.store import EmbeddedStore, catalog

__all__ = ["full", "full_store"]  # the full catalog's fixtures, built once per module

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
    texts = generate([small_tables(tmp_path), _second(tmp_path)], data_dir, BASE)
    triples = triples_of(texts)
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
    alone = generate(small_tables(tmp_path), data_dir, BASE)
    assert "foundingDate: '1935'" in alone["sources/catalog-sources-organisations.yaml"]


def test_a_correction_of_an_unknown_row(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    edit_table(second / "corrections.csv", "people,someone,", "people,nobody,")
    assert refusals([small_tables(tmp_path), second], data_dir) == [("reference", "id", 4)]


def test_a_correction_of_a_field_that_cannot_be_corrected(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    edit_table(second / "corrections.csv", "people,someone,role,", "people,someone,affiliations,")
    assert refusals([small_tables(tmp_path), second], data_dir) == [("unmapped-value", "field", 4)]


def test_an_unknown_id_across_deliveries(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    edit_table(second / "programs.csv", ",museum-x;museum-y,", ",museum-z;museum-y,")
    # (once as an organiser, once as a party of the memorandum the decisions name)
    assert set(refusals([small_tables(tmp_path), second], data_dir)) == {
        ("reference", "organisers", 2)
    }


def test_an_id_defined_by_both_deliveries(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    edit_table(second / "organisations.csv", "\nmuseum-y,", "\nmuseum-x,")
    refused = refusals([small_tables(tmp_path), second], data_dir)
    assert ("duplicate-id", "id", 2) in refused


def test_an_unknown_type_text_names_its_row(tmp_path: Path, data_dir: Path) -> None:
    second = _second(tmp_path)
    edit_table(second / "organisations.csv", ",national museum,", ",national museum (new),")
    assert refusals([small_tables(tmp_path), second], data_dir) == [("unmapped-value", "type", 2)]


# ---------------------------------------------------------------------------------------------
# The second delivery in the full catalog
# ---------------------------------------------------------------------------------------------

GRAPH2 = {
    table: f"{ID}source/catalog-sources-2-{table}"
    for table in ("organisations", "programs", "people", "corrections")
}


def _count(store: EmbeddedStore, cls: str) -> int:
    rows = select(
        store,
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT (COUNT(DISTINCT ?e) AS ?n) "
        f"WHERE {{ ?e a/rdfs:subClassOf* {cls} ; dcterms:source ?page }}",
    )
    return int(rows[0]["n"])


def test_the_catalog_has_both_deliveries(full_store: EmbeddedStore) -> None:
    assert _count(full_store, "mkg:Institution") >= 290
    assert _count(full_store, "mkg:Program") >= 180
    assert _count(full_store, "mkg:Person") >= 135
    links = select(
        full_store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?a mkg:partnerOf ?b FILTER(STR(?a) < STR(?b)) }",
    )
    assert int(links[0]["n"]) >= 3 * 94
    for table, entity, page in [
        ("organisations", "org/tretyakov-gallery", "https://society.uz/news/detail/news/152"),
        ("programs", "program/golden-man-tianjin-2024", None),
        ("people", "person/piotrovsky-mikhail", None),
    ]:
        pattern = f"dcterms:source <{page}>" if page else "dcterms:source ?page"
        assert select(
            full_store,
            f"SELECT ?l WHERE {{ GRAPH <{GRAPH2[table]}> {{ <{ID}{entity}> skos:prefLabel ?l ; "
            f"{pattern} }} }}",
        ), entity


def test_second_delivery_references_are_the_first_deliverys_entities(
    full_store: EmbeddedStore,
) -> None:
    # a program of the second delivery organised by an institution of the first
    program, kasteyev = (
        f"<{ID}program/tansykbayev-retrospective-2025>",
        f"<{ID}org/kasteyev-museum>",
    )
    assert bool(
        full_store.query(
            PREFIXES + f"ASK {{ GRAPH <{GRAPH2['programs']}> {{ {program} mkg:organizer "
            f"{kasteyev} }} GRAPH <{GRAPH['organisations']}> {{ {kasteyev} a ?c }} }}"
        )
    )
    stop, tour = f"<{ID}program/golden-man-ankara-2019>", f"<{ID}program/golden-man-procession>"
    assert bool(full_store.query(PREFIXES + f"ASK {{ {stop} mkg:partOfProgram {tour} }}"))
    meeting = f"<{ID}program/turksoy-museums-meeting-baku-2023>"
    assert bool(
        full_store.query(
            PREFIXES + f"ASK {{ <{ID}program/beauty-of-patterns-baku-2023> mkg:heldDuring "
            f"{meeting} }}"
        )
    )


def test_a_correction_is_a_statement_of_the_second_source(full_store: EmbeddedStore) -> None:
    rows = select(
        full_store,
        f"SELECT ?g ?page WHERE {{ GRAPH ?g {{ <{ID}org/kasteyev-museum> skos:prefLabel "
        '"Национальный музей искусств Республики Казахстан имени Абылхана Кастеева"@ru ; '
        "dcterms:source ?page } }",
    )
    assert {r["g"] for r in rows} == {GRAPH2["corrections"]}
    assert "https://baikal-news.ru/culture/2025/10/11/203728.html" in {r["page"] for r in rows}
    # the first delivery's own graph is as the first table gives it: no Russian name there
    assert not bool(
        full_store.query(
            PREFIXES + f"ASK {{ GRAPH <{GRAPH['organisations']}> {{ <{ID}org/kasteyev-museum> "
            "skos:prefLabel ?l FILTER(LANG(?l) = 'ru') } }"
        )
    )


def test_a_conflicting_correction_is_two_disputed_claims(full_store: EmbeddedStore) -> None:
    org = f"<{ID}org/antiquities-museum-tj>"
    claims = select(
        full_store,
        f"SELECT ?g ?value ?page WHERE {{ GRAPH ?g {{ ?c mkg:claimSubject {org} ; "
        "mkg:claimProperty mkg:foundingDate ; mkg:claimValue ?value ; "
        "mkg:certainty mkg:Disputed . OPTIONAL { ?c dcterms:source ?page } } }",
    )
    assert {(r["value"], r["g"]) for r in claims} == {
        ("1996", GRAPH["organisations"]),
        ("2001", GRAPH2["corrections"]),
    }
    assert any("mfa.tj" in r.get("page", "") for r in claims)
    assert select(full_store, f"SELECT ?d WHERE {{ {org} mkg:foundingDate ?d }}") == []


def test_identities_resting_on_a_name_are_probable(full_store: EmbeddedStore) -> None:
    amina, melikova = f"<{ID}person/malikova-amina>", f"<{ID}person/melikova-amina>"
    assert bool(full_store.query(PREFIXES + f"ASK {{ {amina} mkg:probablySameAs {melikova} }}"))
    assert bool(
        full_store.query(
            PREFIXES + f"ASK {{ ?c mkg:claimSubject {amina} ; mkg:claimValue {melikova} ; "
            "mkg:certainty mkg:Probable }"
        )
    )
    assert not bool(full_store.query(PREFIXES + "ASK { ?a owl:sameAs ?b }"))


def test_search_finds_new_institutions_in_english_and_russian(full: Settings) -> None:
    from webapp import create_app

    client = create_app(store=catalog.open_current(full), settings=full).test_client()
    for query, found in (
        ("Tretyakov Gallery", "tretyakov-gallery"),
        ("Третьяковская галерея", "tretyakov-gallery"),
        ("Musée Guimet", "guimet"),
        ("Национальный музей искусств Республики Казахстан", "kasteyev-museum"),
    ):
        hits = client.get("/search", query_string={"q": query}, headers={"Accept": "text/html"})
        assert hits.status_code == 200 and f"/id/org/{found}" in hits.get_data(as_text=True)


def test_every_example_query_answers_on_the_full_catalog(full_store: EmbeddedStore) -> None:
    from museumkg.queries import example_queries
    from museumkg.store import select_rows

    for example in example_queries():
        rows = list(select_rows(full_store.query(example.text)))
        assert rows, f"{example.name} returns no row on the full catalog"
        distinct = {tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows}
        assert len(distinct) == len(rows), f"{example.name} repeats rows on the full catalog"


@needs_tables
def test_every_row_of_the_second_delivery_is_in_the_catalog_or_listed() -> None:
    texts = generate(DELIVERIES, PROJECT_DIR / "data", BASE)
    decisions = yaml.safe_load(
        (PROJECT_DIR / "data" / "ingest" / "catalog-sources-2.yaml").read_text(encoding="utf-8")
    )
    left_out = decisions.get("not_included") or {}
    for table, section in (
        ("organisations", "institutions"),
        ("programs", "programs"),
        ("people", "people"),
    ):
        record = yaml.safe_load(texts[f"sources/catalog-sources-2-{table}.yaml"])
        with (CATALOG_SOURCES_2 / f"{table}.csv").open(encoding="utf-8") as rows:
            ids = [row["id"] for row in csv.DictReader(rows)]
        missing = [i for i in ids if i not in record[section] and i not in left_out.get(table, {})]
        assert missing == [], f"{table}: rows neither in the catalog nor listed: {missing}"
    corrections = yaml.safe_load(texts["sources/catalog-sources-2-corrections.yaml"])
    with (CATALOG_SOURCES_2 / "corrections.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            section = {"organisations": "institutions"}.get(row["table"], row["table"])
            slug = {"museums-changing-world-2005": "museums-in-a-changing-world-2005"}.get(
                row["id"], row["id"]
            )
            assert slug in corrections[section], f"the correction of {row['id']} is not in"


def test_the_home_page_gives_the_catalog_in_four_numbers(full: Settings) -> None:
    import re

    from webapp import create_app

    client = create_app(store=catalog.open_current(full), settings=full).test_client()
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(
        r"([\d,]+) institutions, ([\d,]+) programs and ([\d,]+) people; ([\d,]+) strong", html
    )
    assert found, "the home page has no summary line"
    institutions, programs, people, links = (int(n.replace(",", "")) for n in found.groups())
    assert institutions >= 290 and programs >= 180 and people >= 135 and links >= 3 * 94
    ru = client.get("/?lang=ru", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"Учреждений: {institutions:,}" in ru
    twin = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert twin["summary"]["links"] == links
