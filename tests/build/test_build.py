"""The build: valid records land as one graph per source; bad records fail whole and loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from seed import seed_data

from museumkg.build.pipeline import build_catalog, is_stale
from museumkg.config import Settings
from museumkg.problems import ProblemsFound
from museumkg.store import catalog, select_rows

SEED = "unesco-almaty-2005-museum-management-training"
SEED_FILE = f"sources/{SEED}.ttl"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A catalog built from a copy of the seed catalog (OWL check off; test_owl covers it)."""
    root = tmp_path_factory.mktemp("catalog")
    seed_data(root / "data")
    settings = Settings(data_dir=root / "data", var_dir=root / "var", check_owl=False)
    build_catalog(settings)
    return settings


def _count(settings: Settings) -> tuple[int, str]:
    store = catalog.open_current(settings)
    manifest = catalog.current_manifest(settings)
    assert manifest is not None
    return store.count(), manifest.version


def test_build_makes_one_graph_per_source_plus_ontology(built: Settings) -> None:
    manifest = catalog.current_manifest(built)
    assert manifest is not None
    base = built.base_iri
    assert f"{base}id/source/{SEED}" in manifest.graphs
    assert f"{base}id/source/topics" in manifest.graphs
    assert built.ontology_graph in manifest.graphs
    store = catalog.open_current(built)
    assert store.graphs() == sorted(manifest.graphs)
    assert manifest.triples == store.count() == sum(manifest.graphs.values())
    assert manifest.classes["https://w3id.org/museumkg/ontology#Training"] == 1


def test_manifest_counts_match_sparql(built: Settings) -> None:
    store = catalog.open_current(built)
    manifest = catalog.current_manifest(built)
    assert manifest is not None
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counted = {r["g"].value: int(r["n"].value) for r in select_rows(store.query(query))}
    assert counted == manifest.graphs


def test_rebuild_is_only_needed_when_inputs_change(built: Settings) -> None:
    assert not is_stale(built)
    record = built.data_dir / "vocabularies" / "topics.ttl"
    original = record.read_text(encoding="utf-8")
    try:
        record.write_text(original + "\n# a comment changes the bytes\n", encoding="utf-8")
        assert is_stale(built)
    finally:
        record.write_text(original, encoding="utf-8")
    assert not is_stale(built)


def _break(settings: Settings, old: str, new: str, file: str = SEED_FILE) -> Path:
    path = settings.data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test fixture drifted: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BROKEN_INPUTS = {
    "bad turtle": (
        "mkg:startDate",
        'mkg:startDate "unterminated ;\n    mkg:startDate',
        "syntax",
    ),
    "program without organiser": ("mkg:organizer", "mkg:notAnOrganizer", "shacl:"),
    "date that is not a date": ('"2005-08-18"^^xsd:date', '"18 August 2005"^^xsd:date', ""),
}


@pytest.mark.parametrize("case", sorted(BROKEN_INPUTS))
def test_broken_input_fails_with_located_errors_and_keeps_previous_store(
    built: Settings, case: str
) -> None:
    old, new, rule = BROKEN_INPUTS[case]
    before = _count(built)
    original = (built.data_dir / SEED_FILE).read_text(encoding="utf-8")
    try:
        _break(built, old, new)
        with pytest.raises(ProblemsFound) as caught:
            build_catalog(built)
    finally:
        (built.data_dir / SEED_FILE).write_text(original, encoding="utf-8")
    problems = [p for p in caught.value.problems if p.severity == "error"]
    assert problems, "a broken input must give at least one error"
    assert all(p.file and p.file.endswith(f"{SEED}.ttl") for p in problems), problems
    assert any(p.rule.startswith(rule) for p in problems), problems
    assert all(p.line for p in problems), f"every error should name a line: {problems}"
    # the previous catalog is whole and still answers
    assert _count(built) == before
    assert not list(built.stores_dir.glob(".building-*"))


def test_all_problems_are_reported_at_once(built: Settings) -> None:
    original = (built.data_dir / SEED_FILE).read_text(encoding="utf-8")
    try:
        _break(built, "mkg:organizer", "mkg:notAnOrganizer")
        _break(built, '"2005-08-21"^^xsd:date', '"21 August"^^xsd:date')
        with pytest.raises(ProblemsFound) as caught:
            build_catalog(built)
    finally:
        (built.data_dir / SEED_FILE).write_text(original, encoding="utf-8")
    text = str(caught.value)
    assert "organi" in text.lower()
    assert "21 August" in text


def test_a_record_describing_outside_the_base_is_refused(built: Settings) -> None:
    extra = built.data_dir / "sources" / "outsider.ttl"
    extra.write_text(
        "@prefix mkg: <https://w3id.org/museumkg/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        '<id/source/outsider> a mkg:SourceDocument ; dcterms:title "x"@en .\n'
        '<http://elsewhere.example/thing> dcterms:title "y"@en .\n',
        encoding="utf-8",
    )
    try:
        with pytest.raises(ProblemsFound) as caught:
            build_catalog(built)
    finally:
        extra.unlink()
    outside = [p for p in caught.value.problems if p.rule == "iri-outside-dataset"]
    assert outside and outside[0].line == 4 and outside[0].file.endswith("outsider.ttl")


def test_missing_ontology_is_a_problem_not_a_traceback(built: Settings, tmp_path: Path) -> None:
    settings = built.with_overrides(ontology_dir=tmp_path)
    with pytest.raises(ProblemsFound) as caught:
        build_catalog(settings)
    assert {p.rule for p in caught.value.problems} >= {"ontology-missing"}
