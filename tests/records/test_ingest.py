"""The catalog-sources ingest (both deliveries): repeatable, strict, and visible in the catalog.

- the converter gives the same bytes (and triples) from the same tables, and the records
  committed under data/ are exactly what it gives;
- a table with missing or extra columns, an unknown id, a bad date or a claim citing a page its
  row does not cite is refused with its own error, and nothing is written;
- on the full catalog (seed + ingested tables) the institutions, programs and people are in
  the store, each in its table's graph with its pages as ``dcterms:source``; conflicting
  founding dates are side by side as disputed claims; the Lebedev identification is probable;
  the network has the real partnerships; pages, the catalog index and the dumps show them.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from ingest_catalog import (
    BASE,
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
from museumkg.records.ingest import OUTPUTS, all_outputs, generate, write
from museumkg.store import EmbeddedStore, catalog, select_rows


@needs_tables
def test_same_tables_same_records_same_triples(tmp_path: Path) -> None:
    first = generate(DELIVERIES, PROJECT_DIR / "data", BASE)
    second = generate(DELIVERIES, PROJECT_DIR / "data", BASE)
    assert first == second
    assert sorted(first) == sorted(all_outputs())
    assert set(OUTPUTS.values()) < set(first)
    write(first, tmp_path / "a")
    write(second, tmp_path / "b")
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    assert triples_of(first) == triples_of(second)
    assert len(triples_of(first)) > 10000


@needs_tables
def test_the_committed_records_are_what_the_converter_gives() -> None:
    texts = generate(DELIVERIES, PROJECT_DIR / "data", BASE)
    for relative, text in texts.items():
        committed = (PROJECT_DIR / "data" / relative).read_text(encoding="utf-8")
        assert committed == text, f"data/{relative} differs: run museumkg ingest-catalog-sources"


__all__ = ["full", "full_store"]  # the full catalog's fixtures, built once per module

# ---------------------------------------------------------------------------------------------
# Bad tables
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data/ folder with the seed and decisions that only speak about the small tables."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", data, ignore=shutil.ignore_patterns("catalog-sources-*"))
    decisions = (data / "ingest" / "catalog-sources.yaml").read_text(encoding="utf-8")
    head = decisions.split("\nnames:")[0]  # types, places, table texts; no row-specific parts
    tail = "\nprogram_types: {p-2020: Exhibition}\n"
    (data / "ingest" / "catalog-sources.yaml").write_text(head + tail, encoding="utf-8")
    return data


def test_small_tables_convert(tmp_path: Path, data_dir: Path) -> None:
    texts = generate(small_tables(tmp_path), data_dir, BASE)
    triples = triples_of(texts)
    assert f"<{ID}org/museum-x> <http://purl.org/dc/terms/source> <https://example.org/y>" in (
        triples
    )
    assert f'<{ID}org/museum-x> <http://www.w3.org/2004/02/skos/core#altLabel> "MX"@en' in triples


def test_a_missing_column(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    rows = list(csv.reader(io.StringIO((tables / "people.csv").read_text(encoding="utf-8"))))
    kept = [[cell for i, cell in enumerate(row) if i != 3] for row in rows]  # drop "role"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    (tables / "people.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert refusals(tables, data_dir) == [("csv-columns", "role", 1)]


def test_an_extra_column(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    edit_table(tables / "programs.csv", "source_urls,notes\n", "source_urls,notes,budget\n")
    assert refusals(tables, data_dir) == [("csv-columns", "budget", 1)]


def test_an_unknown_organisation_id(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    edit_table(tables / "programs.csv", ",museum-x,unesco-almaty,", ",museum-z,unesco-almaty,")
    assert refusals(tables, data_dir) == [("reference", "organisers", 2)]


def test_a_duplicate_row_id(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    text = (tables / "people.csv").read_text(encoding="utf-8")
    (tables / "people.csv").write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")
    assert refusals(tables, data_dir) == [("duplicate-id", "id", 3)]


def test_a_bad_date_and_an_unmapped_type_at_once(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    edit_table(tables / "programs.csv", ",2020-05,", ",May 2020,")
    edit_table(tables / "organisations.csv", ",art,", ",art (private),")
    assert set(refusals(tables, data_dir)) == {
        ("bad-value", "start_date", 2),
        ("unmapped-value", "type", 3),
    }


def test_a_claim_may_only_cite_its_own_row(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    decisions = data_dir / "ingest" / "catalog-sources.yaml"
    decisions.write_text(
        decisions.read_text(encoding="utf-8")
        + "claims:\n  - {table: organisations, about: museum-x, property: foundingDate, "
        "value: '1936', certainty: Disputed, sources: ['https://example.org/elsewhere']}\n",
        encoding="utf-8",
    )
    assert refusals(tables, data_dir) == [("claim-source", "source_urls", 3)]


def test_nothing_is_written_when_a_table_is_wrong(tmp_path: Path, data_dir: Path) -> None:
    tables = small_tables(tmp_path)
    edit_table(tables / "programs.csv", ",museum-x,unesco-almaty,", ",museum-z,unesco-almaty,")
    env = dict(os.environ, MUSEUMKG_DATA_DIR=str(data_dir), MUSEUMKG_VAR_DIR=str(tmp_path / "v"))
    import subprocess
    import sys

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "museumkg.cli.main", "ingest-catalog-sources", str(tables)]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "programs.csv:2: error [reference]" in done.stderr and "museum-z" in done.stderr
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# The full catalog
# ---------------------------------------------------------------------------------------------


def test_institutions_programs_and_people_are_in_their_tables_graphs(
    full_store: EmbeddedStore,
) -> None:
    for table, entity, page in [
        ("organisations", "org/kasteyev-museum", "https://gmirk.kz/en/otdel-khraneniya"),
        (
            "programs",
            "program/louvre-splendours-2022",
            "https://seechac.org/the-splendours-of-uzbekistans-oases/?lang=en",
        ),
        (
            "people",
            "person/umerova-gayane",
            "https://www.euronews.com/culture/2023/01/23/the-"
            "splendours-of-uzbekistans-oases-on-display-at-the-louvre-in-paris",
        ),
    ]:
        rows = select(
            full_store,
            f"SELECT ?label WHERE {{ GRAPH <{GRAPH[table]}> {{ <{ID}{entity}> a ?class ; "
            f"skos:prefLabel ?label ; dcterms:source <{page}> }} }}",
        )
        assert rows, f"{entity} with its source {page} is not in {GRAPH[table]}"


def test_the_network_has_real_central_asian_partnerships(full_store: EmbeddedStore) -> None:
    pairs = {
        (r["a"].rsplit("/", 1)[-1], r["b"].rsplit("/", 1)[-1])
        for r in select(
            full_store,
            "SELECT ?a ?b WHERE { ?p a mkg:Partnership ; mkg:partnershipMember ?a , ?b . "
            "FILTER(STR(?a) < STR(?b)) }",
        )
    }
    assert ("kasteyev-museum", "savitsky-museum") in pairs  # the Savitsky collection in Almaty
    assert ("natcom-kg-unesco", "unesco-almaty") in pairs  # felt carpets, Bishkek 2019
    assert ("acdf", "louvre") in pairs  # the Splendours of Uzbekistan's Oases
    assert len(pairs) > 80


def test_conflicting_founding_dates_stay_side_by_side(full_store: EmbeddedStore) -> None:
    org = f"<{ID}org/kasteyev-museum>"
    claims = select(
        full_store,
        f"SELECT ?value ?source WHERE {{ ?c mkg:claimSubject {org} ; mkg:claimProperty "
        "mkg:foundingDate ; mkg:claimValue ?value ; mkg:certainty mkg:Disputed . "
        "OPTIONAL { ?c dcterms:source ?source } }",
    )
    assert {r["value"] for r in claims} == {"1935", "1976-06-10"}
    assert any("qazaqculture.com" in r.get("source", "") for r in claims)
    assert select(full_store, f"SELECT ?d WHERE {{ {org} mkg:foundingDate ?d }}") == []


def test_lebedev_is_only_probably_the_seeds_dr_lebedev(full_store: EmbeddedStore) -> None:
    alexey, dr = f"<{ID}person/lebedev-alexey>", f"<{ID}person/dr-lebedev>"
    assert bool(full_store.query(PREFIXES + f"ASK {{ {alexey} mkg:probablySameAs {dr} }}"))
    assert bool(
        full_store.query(
            PREFIXES + f"ASK {{ ?c mkg:claimSubject {alexey} ; mkg:claimValue {dr} ; "
            "mkg:certainty mkg:Probable ; dcterms:source ?page }"
        )
    )
    assert not bool(full_store.query(PREFIXES + "ASK { ?a owl:sameAs ?b }"))
    # and the seed's own graph is as it was: no first name, no link
    seed = f"{ID}source/unesco-almaty-2005-museum-management-training"
    assert not bool(
        full_store.query(PREFIXES + f"ASK {{ GRAPH <{seed}> {{ {dr} mkg:probablySameAs ?x }} }}")
    )


def test_roles_and_topics_from_the_tables(full_store: EmbeddedStore) -> None:
    curators = select(
        full_store,
        "SELECT ?person WHERE { ?r mkg:roleType mkg:Curator ; mkg:agent ?person ; "
        f"mkg:inProgram <{ID}program/lost-paradise-9000> }}",
    )
    assert {r["person"].rsplit("/", 1)[-1] for r in curators} == {
        "kasmalieva-gulnara",
        "djumaliev-muratbek",
    }
    topics = select(
        full_store,
        f"SELECT ?t WHERE {{ <{ID}program/museums-in-a-changing-world-2005> mkg:topic ?t }}",
    )
    # the table's topics of the seed's training meet the seed's own topic concepts
    assert f"{ID}topic/museums-and-tourism" in {r["t"] for r in topics}
    assert f"{ID}topic/fundraising" in {r["t"] for r in topics}


def test_pages_network_and_dumps_show_the_ingested_catalog(full: Settings) -> None:
    from webapp import create_app

    store = catalog.open_current(full)
    client = create_app(store=store, settings=full).test_client()
    page = client.get("/id/org/kasteyev-museum", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kasteyev" in html and "https://gmirk.kz/en/otdel-khraneniya" in html
    person = client.get("/id/person/lebedev-alexey", headers={"Accept": "text/html"})
    assert person.status_code == 200 and "Алексей Валентинович Лебедев" in person.get_data(
        as_text=True
    )
    for query, found in (("Kasteyev", "kasteyev-museum"), ("Лебедев", "lebedev-alexey")):
        hits = client.get("/search", query_string={"q": query}, headers={"Accept": "text/html"})
        assert hits.status_code == 200 and found in hits.get_data(as_text=True), query
    network = client.get("/network/data.json").get_data(as_text=True)
    assert "savitsky-museum" in network and "kasteyev-museum" in network
    store_dir = catalog.current_store_dir(full)
    assert store_dir is not None
    dump = gzip.decompress((store_dir / "dumps" / "museumkg.nq.gz").read_bytes()).decode("utf-8")
    assert f"<{ID}org/kasteyev-museum>" in dump and f"<{GRAPH['organisations']}>" in dump
    quads = list(ox.parse(dump.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    sources = {
        q.object.value
        for q in quads
        if q.subject.value == f"{ID}org/kasteyev-museum"
        and q.predicate.value == "http://purl.org/dc/terms/source"
    }
    assert "https://gmirk.kz/en/otdel-khraneniya" in sources


def test_the_uncertain_and_disputed_facts_example(full_store: EmbeddedStore) -> None:
    from museumkg.queries import example_queries

    [example] = [q for q in example_queries() if q.name == "uncertain-and-disputed-facts"]
    rows = list(select_rows(full_store.query(example.text)))
    certainties = {row["certainty"].value for row in rows}
    assert certainties == {"Disputed", "Probable"}
    lebedev = [r for r in rows if r["entity"].value == f"{ID}person/lebedev-alexey"]
    assert [r["certainty"].value for r in lebedev] == ["Probable"]
    assert "ideasformuseums.com" in lebedev[0]["pages"].value
    kasteyev = [r["value"].value for r in rows if r["entity"].value == f"{ID}org/kasteyev-museum"]
    assert sorted(kasteyev) == ["1935", "1976-06-10"]


def test_the_map_of_the_full_catalog(full: Settings, full_store: EmbeddedStore) -> None:
    """Every institution placed in a city or a country is on the map, and the editor's map
    examples answer on the whole catalog (GeoNames' coordinates)."""
    from museumkg.network.geomap import MAP_FILE, read_map
    from museumkg.queries import example_queries

    folder = catalog.current_store_dir(full)
    assert folder is not None
    data = read_map(folder / MAP_FILE)
    for org in data.institutions.values():
        if org.place in data.places:  # a city or a country (not a region)
            assert data.point(org)[0] is not None, f"{org.iri} is not on the map"
    view = data.default
    assert view is not None and view["stats"]["institutions"] > 250 and view["arcs"]
    assert any(arc["border"] for arc in view["arcs"])

    def rows(name: str) -> list[dict[str, str]]:
        [query] = [q for q in example_queries() if q.name == name]
        found = full_store.query(query.text)
        return [{k: v.value for k, v in row.items()} for row in select_rows(found)]

    near = rows("institutions-near-a-city")
    unesco = [r for r in near if r["institution"] == f"{ID}org/unesco-almaty"]
    assert unesco and unesco[0]["approxKm"] == "0"
    assert all(0 <= float(r["approxKm"]) <= 500 for r in near)
    across = rows("partnerships-across-borders")
    assert across and all(r["aCountry"] != r["bCountry"] for r in across)
    cities = rows("cities-by-international-partners")
    assert f"{ID}place/almaty" in [r["city"] for r in cities[:3]]
