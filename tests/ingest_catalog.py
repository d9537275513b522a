"""Shared by the ingest tests (tests/records/test_ingest*.py): where the two deliveries are,
small hand-made tables, the refusal and edit helpers, and the full catalog built once per module.

A test module takes the fixtures by importing them (``from ingest_catalog import full,
full_store``); each importing module builds its own full catalog once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from museumkg.build.pipeline import build_catalog
from museumkg.config import PROJECT_DIR, Settings
from museumkg.problems import ProblemsFound
from museumkg.records.ingest import generate
from museumkg.records.yaml_records import convert
from museumkg.store import EmbeddedStore, catalog, select_rows

CATALOG_SOURCES = Path(
    os.environ.get("MUSEUMKG_CATALOG_SOURCES", PROJECT_DIR.parent / "shared" / "catalog-sources")
)
CATALOG_SOURCES_2 = Path(
    os.environ.get(
        "MUSEUMKG_CATALOG_SOURCES_2", PROJECT_DIR.parent / "shared" / "catalog-sources-2"
    )
)
DELIVERIES = [CATALOG_SOURCES, CATALOG_SOURCES_2]
BASE = "https://w3id.org/museumkg/"
ID = f"{BASE}id/"
GRAPH = {table: f"{ID}source/catalog-sources-{table}" for table in ("organisations", "programs")}
GRAPH["people"] = f"{ID}source/catalog-sources-people"
PREFIXES = """
PREFIX mkg: <https://w3id.org/museumkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

needs_tables = pytest.mark.skipif(
    not all((folder / "organisations.csv").is_file() for folder in DELIVERIES),
    reason=f"catalog-sources not found at {DELIVERIES} (set MUSEUMKG_CATALOG_SOURCES and "
    "MUSEUMKG_CATALOG_SOURCES_2)",
)


def triples_of(texts: dict[str, str]) -> set[str]:
    found: set[str] = set()
    for relative, text in texts.items():
        out = convert(text, slug=Path(relative).stem, base_iri=BASE)
        assert out.problems == [], out.problems
        found |= {str(t) for t in out.triples}
    return found


def small_tables(tmp_path: Path) -> Path:
    """A small copy of catalog-sources: the seed's organisations, one program, one person."""
    folder = tmp_path / "catalog-sources"
    folder.mkdir()
    org_header = (
        "id,name_en,name_ru,name_local,local_lang,type,city,country,founded,website,wikidata,"
        "source_urls,notes\n"
    )
    (folder / "organisations.csv").write_text(
        org_header + "unesco-almaty,UNESCO Almaty Cluster Office,,,,intergovernmental field office,"
        "Almaty,Kazakhstan,1994,,,https://example.org/u,\n"
        + 'museum-x,"Museum X (MX)",Музей X,,,art,Almaty,Kazakhstan,1935,,,'
        "https://example.org/x ; https://example.org/y,A note.\n",
        encoding="utf-8",
    )
    (folder / "programs.csv").write_text(
        "id,title_en,title_ru,start_date,end_date,city,country,organisers,partners,topics,"
        "source_urls,notes\n"
        "p-2020,An exhibition,,2020-05,,Almaty,Kazakhstan,museum-x,unesco-almaty,"
        "museum storage;fundraising,https://example.org/p,\n",
        encoding="utf-8",
    )
    (folder / "people.csv").write_text(
        "id,name_en,name_ru,role,affiliation,source_urls,notes\n"
        "someone,Some One,,Director,museum-x,https://example.org/x,\n",
        encoding="utf-8",
    )
    return folder


def refusals(tables: Path | list[Path], data_dir: Path) -> list[tuple[str, str | None, int | None]]:
    with pytest.raises(ProblemsFound) as caught:
        generate(tables, data_dir, BASE)
    return [(p.rule, p.field, p.line) for p in caught.value.problems]


def edit_table(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's whole catalog (seed and ingested tables), built once (OWL off)."""
    root = tmp_path_factory.mktemp("full")
    shutil.copytree(PROJECT_DIR / "data", root / "data")
    settings = Settings(data_dir=root / "data", var_dir=root / "var", check_owl=False)
    build_catalog(settings)
    return settings


@pytest.fixture(scope="module")
def full_store(full: Settings) -> EmbeddedStore:
    return catalog.open_current(full)


def select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + query)
    return [{k: v.value for k, v in row.items()} for row in select_rows(result)]
