"""What a build prepares for the pages: the SHACL results as data and the catalog index."""

from __future__ import annotations

from pathlib import Path

import pytest

from museumkg.build.pipeline import build_catalog
from museumkg.checks.quality import entity_findings, quality_graph
from museumkg.config import Settings
from museumkg.index.catalog_index import INDEX_FILE, CatalogIndex
from museumkg.index.search import search
from museumkg.store.catalog import current_store_dir, open_current

DATA = Path(__file__).resolve().parents[1] / "data" / "quality"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(var_dir=tmp_path_factory.mktemp("var"), data_dir=DATA, check_owl=False)
    build_catalog(settings)
    return settings


def test_build_keeps_shacl_warnings_in_the_quality_graph(built: Settings) -> None:
    store = open_current(built)
    assert quality_graph(built.base_iri) in store.graphs()
    topic = f"{built.base_iri}id/topic/orphan-topic"
    findings = entity_findings(store, topic, ("en",))
    assert [f.severity for f in findings] == ["warning"]
    assert findings[0].path == "http://www.w3.org/2004/02/skos/core#inScheme"
    assert "topic scheme" in findings[0].message
    assert entity_findings(store, f"{built.base_iri}id/org/test-museum", ("en",)) == []


def test_build_writes_the_index_into_the_store_folder(built: Settings) -> None:
    store_dir = current_store_dir(built)
    assert store_dir is not None and (store_dir / INDEX_FILE).is_file()
    index = CatalogIndex(store_dir / INDEX_FILE)
    for query in ("Алматы", "Almaty", "Alma-Ata", "алма-ата", "ALMATY"):
        hits = search(index, query, ("en",))["hits"]
        assert hits and hits[0]["iri"] == f"{built.base_iri}id/place/almaty", query
        assert hits[0]["match"] == "exact"
    museum = f"{built.base_iri}id/org/test-museum"
    for query in ("Орталық", "orталык", "tsentralnyi gosudarstvennyi", "central state"):
        assert [h["iri"] for h in search(index, query, ("en",))["hits"]] == [museum], query
    ranked = search(index, "alma", ("ru", "en"))["hits"]
    assert ranked[0]["match"] == "prefix" and ranked[0]["label"] == "Алматы"
    typed = search(index, "museum", ("en",), type_iri="https://w3id.org/museumkg/ontology#Museum")
    assert [h["iri"] for h in typed["hits"]] == [museum]


def test_a_build_runs_the_shapes_once_for_validation_and_the_quality_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import museumkg.checks.validate as validate

    runs: list[int] = []
    real = validate.run_shapes

    def counted(*args: object) -> object:
        runs.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "run_shapes", counted)
    settings = Settings(var_dir=tmp_path / "var", data_dir=DATA, check_owl=False)
    build_catalog(settings)
    assert len(runs) == 1
    store = open_current(settings)
    topic = f"{settings.base_iri}id/topic/orphan-topic"
    assert [f.severity for f in entity_findings(store, topic, ("en",))] == ["warning"]
