"""The links round trip, as a curator runs it: `museumkg links --format csv`, review, `import`.

Real processes over a copy of the seed catalog. The Wikidata ids are test fixtures: the import
goes into a temporary catalog, never into the project's data.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from seed import seed_data

from museumkg.authorities import AUTHORITIES


def museumkg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "museumkg.cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("links")
    seed_data(root / "data")
    variables = dict(os.environ)
    variables.update(MUSEUMKG_VAR_DIR=str(root / "var"), MUSEUMKG_DATA_DIR=str(root / "data"))
    done = museumkg("build", "--no-owl", env=variables)
    assert done.returncode == 0, done.stderr
    return variables


def _sheet(env: dict[str, str]) -> list[dict[str, str]]:
    done = museumkg("links", "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_the_links_sheet_lists_every_entity_with_place_and_links(env: dict[str, str]) -> None:
    rows = {row["id"]: row for row in _sheet(env)}
    header = ["id", "type", "label_en", "label_ru", "country", "city"]
    assert list(next(iter(rows.values()))) == header + [a.key for a in AUTHORITIES] + [
        "other_links"
    ]
    rik = rows["org/rik-moscow"]
    assert (rik["city"], rik["country"]) == ("Moscow", "Russia")
    assert rik["type"] and rik["label_en"]
    almaty = rows["place/almaty"]
    assert (almaty["geonames"], almaty["country"], almaty["label_ru"]) == (
        "1526384",
        "Kazakhstan",
        "Алматы",
    )
    assert rows["place/kz"]["geonames"] == "1522867"
    assert "program/museums-in-a-changing-world-2005" in rows


def test_a_reviewed_sheet_imports_as_a_source_of_its_own(
    env: dict[str, str], tmp_path: Path
) -> None:
    sheet = tmp_path / "reviewed.csv"
    sheet.write_text(
        "id,authority,identifier,reviewer,date,note\n"
        "org/rik-moscow,wikidata,Q4115189,Test Reviewer,2026-12-07,fixture id\n"
        "org/scca-almaty,viaf,https://viaf.org/viaf/123456789,Test Reviewer,2026-12-07,\n",
        encoding="utf-8",
    )
    done = museumkg("import", "--no-owl", str(sheet), env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "links-reviewed-2026-12-07-test-reviewer.ttl" in done.stdout
    rows = {row["id"]: row for row in _sheet(env)}
    assert rows["org/rik-moscow"]["wikidata"] == "Q4115189"
    assert rows["org/scca-almaty"]["viaf"] == "123456789"
    query = (
        "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?title WHERE { GRAPH ?g { "
        "<https://w3id.org/museumkg/id/org/rik-moscow> "
        "<http://www.w3.org/2004/02/skos/core#exactMatch> ?link } ?g dcterms:title ?title }"
    )
    answer = museumkg("query", "--format", "csv", query, env=env)
    assert "Links reviewed by Test Reviewer" in answer.stdout


def test_a_bad_row_fails_the_import_with_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "id,authority,identifier,reviewer,date\n"
        "org/rik-moscow,wikidata,Q4115189,Test Reviewer,2026-12-07\n"
        "org/rik-moscow,wikidata,4115189x,Test Reviewer,2026-12-07\n"
        "org/no-such-museum,viaf,123,Test Reviewer,2026-12-07\n",
        encoding="utf-8",
    )
    done = museumkg("import", "--no-owl", str(sheet), env=env)
    assert done.returncode == 1
    assert f"{sheet}:3" in done.stderr and "bad-link" in done.stderr
    assert f"{sheet}:4" in done.stderr and "no-such-museum" in done.stderr
