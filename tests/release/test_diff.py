"""Two builds that differ by one source: the diff is exactly that source's triples."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest

from museumkg.build.pipeline import build_catalog
from museumkg.config import PROJECT_DIR, Settings
from museumkg.release.assemble import dumps_dir, read_release
from museumkg.release.diff import DiffSummary, diff_stores, read_patch
from museumkg.release.versions import open_version
from museumkg.store import catalog

EXTRA = "test-extra-note"
EXTRA_SOURCE = """\
@prefix org: <id/org/> .
@prefix place: <id/place/> .
@prefix source: <id/source/> .
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

source:test-extra-note a mkg:SourceDocument ;
    dcterms:title "A test note naming one museum"@en ;
    dcterms:issued "2020-01-01"^^xsd:date ;
    dcterms:publisher org:test-extra-museum ;
    mkg:permanentLink <https://example.org/test-extra-note> .

org:test-extra-museum a mkg:Museum ;
    skos:prefLabel "Test Extra Museum"@en , "Тестовый музей"@ru ;
    mkg:location place:almaty .
"""


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str, str]:
    """Build the real data, then the same plus one small source; return both version ids."""
    root = tmp_path_factory.mktemp("two-builds")
    shutil.copytree(PROJECT_DIR / "data", root / "data")
    settings = Settings(data_dir=root / "data", var_dir=root / "var", check_owl=False)
    build_catalog(settings)
    first = catalog.current_store_dir(settings)
    (root / "data" / "sources" / f"{EXTRA}.ttl").write_text(EXTRA_SOURCE, encoding="utf-8")
    build_catalog(settings)
    second = catalog.current_store_dir(settings)
    assert first is not None and second is not None and first != second
    return settings, first.name, second.name


def test_the_diff_is_exactly_the_new_source(two_builds: tuple[Settings, str, str]) -> None:
    settings, first, second = two_builds
    graph = f"{settings.base_iri}id/source/{EXTRA}"
    summary = DiffSummary()
    with open_version(first, settings) as (_, old), open_version(second, settings) as (_, new):
        changes = list(diff_stores(old, new, summary))
        source_quads = set(new.quads(None, None, None, ox.NamedNode(graph)))
        # the museum is placed at its city by the rule city-location: 5 derived statements
        derived = ox.NamedNode(settings.derived_graph)
        museum = ox.NamedNode(f"{settings.base_iri}id/org/test-extra-museum")
        placed = set(new.quads(museum, None, None, derived))
        placed |= set(new.quads(ox.NamedNode(f"{museum.value}/geometry"), None, None))
    assert {sign for sign, _ in changes} == {"+"}
    assert {quad for _, quad in changes} == source_quads | placed
    assert len(source_quads) == 9 and len(placed) == 5
    assert summary.graphs == {
        graph: {"added": 9, "removed": 0},
        settings.derived_graph: {"added": 5, "removed": 0},
    }
    assert summary.graphs_added == [graph]


def test_the_build_keeps_the_diff_in_the_downloads(two_builds: tuple[Settings, str, str]) -> None:
    settings, first, second = two_builds
    release = read_release(settings.stores_dir / second)
    assert release is not None and release["diff"] is not None
    assert release["diff"]["previous"] == first
    assert (release["diff"]["added"], release["diff"]["removed"]) == (14, 0)
    patch = (dumps_dir(settings.stores_dir / second) / release["diff"]["file"]).read_bytes()
    rows = read_patch(patch)
    assert len(rows) == 14 and all(sign == "+" for sign, _ in rows)


def test_reversed_diff_and_dump_files(two_builds: tuple[Settings, str, str]) -> None:
    settings, first, second = two_builds
    new_dump = dumps_dir(settings.stores_dir / second) / "museumkg.nq.gz"
    summary = DiffSummary()
    with (
        open_version(str(new_dump), settings) as (_, new),
        open_version(first, settings) as (
            _,
            old,
        ),
    ):
        changes = list(diff_stores(new, old, summary))
    assert len(changes) == 14 and {sign for sign, _ in changes} == {"-"}
    assert summary.removed == 14 and summary.added == 0


def test_cli_diff_previous_current(two_builds: tuple[Settings, str, str]) -> None:
    settings, first, second = two_builds
    env = {"MUSEUMKG_VAR_DIR": str(settings.var_dir), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "museumkg.cli.main", "diff", "previous", "current"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"graph <{settings.base_iri}id/source/{EXTRA}>" in lines
    assert sum(line.startswith("+ ") for line in lines) == 14
    assert f"{first} -> {second}: +14 -0 triples" in done.stdout
    unknown = subprocess.run(
        [*command[:4], "no-such-version", "current"], capture_output=True, text=True, env=env
    )
    assert unknown.returncode == 1
    assert "kept versions" in unknown.stderr


def test_identical_stores_have_an_empty_diff(two_builds: tuple[Settings, str, str]) -> None:
    settings, _first, second = two_builds
    with open_version(second, settings) as (_, a), open_version("current", settings) as (_, b):
        assert list(diff_stores(a, b)) == []
