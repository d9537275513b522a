"""The synthetic catalog generator: deterministic, sized, valid, and its partnerships known.

A small generated catalog is loaded with the ontology into an in-memory store, the rules of
ontology/rules/ are run, and every partnership node must be exactly the expected one: kind,
strength, evidence programs and sources, first and last year, and ``mkg:partnerOf`` links.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from museumkg.build.bulk import load_catalog
from museumkg.checks.validate import validate_records
from museumkg.config import PROJECT_DIR, Settings
from museumkg.namespaces import MKG, RDF, RDFS, SKOS
from museumkg.network.derive import derive
from museumkg.records.files import RecordFile
from museumkg.store import EmbeddedStore, select_rows
from museumkg.synth import generate as synth

ONTOLOGY = PROJECT_DIR / "ontology"
BASE = synth.SYNTH_BASE
DERIVED = f"{BASE}graph/derived"

PARTNERSHIPS = """
PREFIX mkg: <https://w3id.org/museumkg/ontology#>
SELECT ?a ?b ?kind ?strength ?first ?last
       (GROUP_CONCAT(DISTINCT STR(?program); separator=" ") AS ?programs)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE { GRAPH ?derived {
  ?p a mkg:Partnership ; mkg:partnershipMember ?a , ?b ; mkg:partnershipKind ?kind ;
     mkg:strength ?strength ; mkg:firstYear ?first ; mkg:lastYear ?last .
  OPTIONAL { ?p mkg:evidenceProgram ?program } OPTIONAL { ?p mkg:evidenceSource ?source }
  FILTER(STR(?a) < STR(?b)) } }
GROUP BY ?a ?b ?kind ?strength ?first ?last
"""


def _nquads(triples: int, seed: int) -> tuple[str, synth.SynthCatalog]:
    out = io.StringIO()
    made = synth.generate(triples, seed, out)
    return out.getvalue(), made


@pytest.fixture(scope="module")
def small() -> tuple[str, synth.SynthCatalog]:
    return _nquads(3000, 11)


@pytest.fixture(scope="module")
def quads(small: tuple[str, synth.SynthCatalog]) -> list[ox.Quad]:
    return list(ox.parse(small[0].encode(), format=ox.RdfFormat.N_QUADS))


def _derived_store(text: str) -> EmbeddedStore:
    store = EmbeddedStore()
    store.native.bulk_load(text.encode(), ox.RdfFormat.N_QUADS)
    store.load(ONTOLOGY / "museumkg.ttl", format="ttl", graph=f"{BASE}graph/ontology")
    derive(store, base_iri=BASE, derived_graph=DERIVED, rules_dir=ONTOLOGY / "rules")
    return store


def test_same_size_and_seed_give_the_same_bytes() -> None:
    first, _ = _nquads(5000, 3)
    again, _ = _nquads(5000, 3)
    other, _ = _nquads(5000, 4)
    assert first == again
    assert first != other


def test_generate_command_writes_the_same_bytes_as_the_library(tmp_path: Path) -> None:
    output = tmp_path / "synthetic.nq"
    command = [sys.executable, "-m", "museumkg.cli.main", "generate", "--triples", "2000"]
    done = subprocess.run(
        [*command, "--seed", "5", "-o", str(output)], capture_output=True, text=True, check=True
    )
    assert "triples" in done.stdout
    assert output.read_text(encoding="utf-8") == _nquads(2000, 5)[0]


@pytest.mark.parametrize("triples", [1000, 2000, 20_000, 100_000])
def test_triple_count_is_within_5_percent_of_the_request(triples: int) -> None:
    text, made = _nquads(triples, 1)
    lines = text.count("\n")
    assert lines == made.triples
    assert abs(lines - triples) <= 0.05 * triples


def test_too_small_or_real_base_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        synth.generate(10, 1)
    with pytest.raises(ValueError, match="synthetic base"):
        synth.generate(2000, 1, base_iri="https://w3id.org/museumkg/")


def test_one_graph_per_source_document_and_a_flagged_dataset(
    quads: list[ox.Quad], small: tuple[str, synth.SynthCatalog]
) -> None:
    graphs = {q.graph_name.value for q in quads}
    sources = {
        q.subject.value
        for q in quads
        if q.predicate.value == RDF + "type"
        and q.object.value == MKG + "SourceDocument"
        and q.subject == q.graph_name
    }
    assert graphs == sources
    assert len(graphs) == small[1].graphs
    flag = [q for q in quads if q.predicate.value == MKG + "synthetic"]
    assert [(q.subject.value, q.object.value) for q in flag] == [(synth.dataset_iri(), "true")]
    for quad in quads:
        for term in (quad.subject, quad.graph_name):
            assert term.value.startswith(BASE), term
        assert "w3id.org/museumkg/id/" not in str(quad)


def test_synthetic_flag_is_found_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.nq"
    synth.generate_file(path, 1000, 2)
    assert synth.synthetic_base(path) == BASE
    plain = tmp_path / "plain.nq"
    plain.write_text("<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> <http://ex.org/g> .\n")
    assert synth.synthetic_base(plain) is None


def test_every_class_is_present_with_en_ru_kk_names(quads: list[ox.Quad]) -> None:
    types = Counter(
        q.object.value.removeprefix(MKG) for q in quads if q.predicate.value == RDF + "type"
    )
    institution_classes = {
        "Museum", "Gallery", "ContemporaryArtCentre", "Library", "Theatre", "MediaOutlet",
        "ResearchInstitute", "ResearchUnit", "University", "Foundation",
        "IntergovernmentalOffice", "GovernmentBody",
    }  # fmt: skip
    program_classes = {"Training", "Exhibition", "JointProject", "EducationalProgram", "Conference"}
    others = {"Person", "Role", "Topic", "City", "Country", "ProgramPart", "SourceDocument"}
    assert institution_classes | program_classes | others <= set(types)
    languages = Counter(q.object.language for q in quads if q.predicate.value == SKOS + "prefLabel")
    assert {"en", "ru", "kk"} <= set(languages)
    alt = {q.object.language for q in quads if q.predicate.value == SKOS + "altLabel"}
    assert "en" in alt
    countries = {q.subject.value for q in quads if q.object.value == MKG + "Country"}
    assert len(countries) >= 3


def test_small_catalog_is_valid_against_the_shapes(quads: list[ox.Quad]) -> None:
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    records = [
        RecordFile(
            path=Path("synthetic.nq"),
            slug=graph.rsplit("/", 1)[-1],
            graph=graph,
            display=f"synthetic.nq <{graph}>",
            quads=graph_quads,
        )
        for graph, graph_quads in by_graph.items()
    ]
    problems = validate_records(records, base_iri=BASE, ontology_dir=ONTOLOGY, check_owl=False)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("triples,seed", [(3000, 11), (6000, 2)])
def test_derived_partnerships_are_exactly_the_expected_ones(triples: int, seed: int) -> None:
    text, made = _nquads(triples, seed)
    expected = synth.expected_partnerships(made)
    assert {kind for _a, _b, kind in expected} == set(synth.WEIGHTS), "every rule is exercised"
    store = _derived_store(text)
    found = {}
    for row in select_rows(store.query(PARTNERSHIPS.replace("?derived", f"<{DERIVED}>"))):
        key = (row["a"].value, row["b"].value, row["kind"].value.removeprefix(MKG))
        found[key] = {k: v.value for k, v in row.items()}
    assert set(found) == set(expected)
    for key, want in expected.items():
        got = found[key]
        assert float(got["strength"]) == want.strength, key
        assert set(got.get("programs", "").split()) == set(want.programs), key
        assert set(got["sources"].split()) == set(want.sources), key
        assert (got["first"], got["last"]) == (want.first_year, want.last_year), key
    linked = f"SELECT ?a ?b WHERE {{ GRAPH <{DERIVED}> {{ ?a <{MKG}partnerOf> ?b }} }}"
    pairs = {(r["a"].value, r["b"].value) for r in select_rows(store.query(linked))}
    assert pairs == synth.expected_partner_pairs(expected)


def test_institutions_are_typed_under_the_ontology(quads: list[ox.Quad]) -> None:
    """Organisers are institutions through rdfs:subClassOf (what the participated rule needs)."""
    store = EmbeddedStore()
    store.add_quads(quads)
    store.load(ONTOLOGY / "museumkg.ttl", format="ttl", graph=f"{BASE}graph/ontology")
    query = f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?p <{MKG}organizer> ?o . FILTER NOT EXISTS {{ ?o a/<{RDFS}subClassOf>* <{MKG}Institution> }}
    }}"""
    assert next(select_rows(store.query(query)))["n"].value == "0"


def test_every_synthetic_city_has_generated_coordinates_and_institutions_a_city_point(
    small: tuple[str, synth.SynthCatalog],
) -> None:
    store = _derived_store(small[0])
    rows = list(
        select_rows(
            store.query(
                """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            PREFIX geo: <http://www.opengis.net/ont/geosparql#>
            SELECT ?city ?lat ?long ?wkt ?graph WHERE {
              ?city a mkg:City .
              OPTIONAL { GRAPH ?graph { ?city wgs:lat ?lat ; wgs:long ?long ;
                                          geo:hasGeometry/geo:asWKT ?wkt } }
            }
            """
            )
        )
    )
    assert rows and all("lat" in row for row in rows), "a synthetic city has no coordinates"
    for row in rows:
        lat, long = float(row["lat"].value), float(row["long"].value)
        assert 27 <= lat <= 58 and 37 <= long <= 93
        assert row["wkt"].value == f"POINT({row['long'].value} {row['lat'].value})"
        assert row["graph"].value.startswith(BASE)  # the synthetic gazetteer, never the real one
    placed = list(
        select_rows(
            store.query(
                """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {
              ?org mkg:location ?city ; mkg:locationPrecision mkg:CityLevel .
            }
            """
            )
        )
    )
    assert int(placed[0]["n"].value) > 0
    # countries: an invented centre, at country level, in the synthetic gazetteer too
    countries = list(
        select_rows(
            store.query(
                """
            PREFIX mkg: <https://w3id.org/museumkg/ontology#>
            PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
            SELECT ?country ?lat ?long ?precision ?graph WHERE {
              ?country a mkg:Country .
              OPTIONAL { GRAPH ?graph { ?country wgs:lat ?lat ; wgs:long ?long ;
                                           mkg:locationPrecision ?precision } }
            }
            """
            )
        )
    )
    assert countries and all("lat" in row for row in countries), "a country has no point"
    for row in countries:
        assert 30 <= float(row["lat"].value) <= 55 and 40 <= float(row["long"].value) <= 90
        assert row["precision"].value == f"{MKG}CountryLevel"
        assert row["graph"].value.startswith(BASE)


def test_a_bulk_load_counts_every_triple_default_graph_included(tmp_path: Path) -> None:
    """The manifest's total is the graphs' counts plus the default graph's (no second pass
    over the store): a triple without a graph name is counted too."""
    text, _made = _nquads(2000, 1)
    extra = "<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n"
    path = tmp_path / "catalog.nq"
    path.write_text(text + extra, encoding="utf-8")
    settings = Settings(var_dir=tmp_path / "var", check_owl=False)
    loaded = load_catalog(path, settings, skip=("metrics", "pages", "release"))
    store = EmbeddedStore(loaded.store_dir, read_only=True)
    try:
        assert loaded.manifest.triples == len(store.native) == store.count()
        assert loaded.manifest.triples == sum(loaded.manifest.graphs.values()) + 1
    finally:
        store.close()
