"""The ``museumkg`` command line, run as a real process (the console script)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seed import seed_data

PROGRAM = "https://w3id.org/museumkg/id/program/museums-in-a-changing-world-2005"
ORGANISERS_QUERY = (
    "PREFIX mkg: <https://w3id.org/museumkg/ontology#> "
    f"SELECT ?org WHERE {{ <{PROGRAM}> mkg:organizer ?org }} ORDER BY ?org"
)


def museumkg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the console script in a subprocess and capture its output."""
    command = [sys.executable, "-m", "museumkg.cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli")
    seed_data(root / "data")
    env = dict(os.environ)
    env.update(MUSEUMKG_VAR_DIR=str(root / "var"), MUSEUMKG_DATA_DIR=str(root / "data"))
    done = museumkg("build", "--no-owl", env=env)
    assert done.returncode == 0, done.stderr
    return env


def test_build_prints_a_summary(cli_env: dict[str, str]) -> None:
    done = museumkg("build", "--no-owl", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "triples per graph:" in done.stdout
    assert "entities per class:" in done.stdout
    assert "mkg:Training" in done.stdout
    assert "id/source/unesco-almaty-2005-museum-management-training" in done.stdout
    assert "validating" in done.stderr  # the progress display


def test_query_json_is_sparql_results_json(cli_env: dict[str, str]) -> None:
    done = museumkg("query", "--format", "json", ORGANISERS_QUERY, env=cli_env)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["head"]["vars"] == ["org"]
    orgs = [b["org"]["value"].rsplit("/", 1)[-1] for b in results["results"]["bindings"]]
    assert orgs == ["lab-museum-design-rik", "scca-almaty", "unesco-almaty"]
    assert all(b["org"]["type"] == "uri" for b in results["results"]["bindings"])


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv(cli_env: dict[str, str], fmt: str, delimiter: str) -> None:
    done = museumkg("query", "--format", fmt, ORGANISERS_QUERY, env=cli_env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout), delimiter=delimiter))
    assert rows[0] == (["org"] if fmt == "csv" else ["?org"])
    assert len(rows) == 4


def test_query_table_and_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    query_file = tmp_path / "organisers.rq"
    query_file.write_text(ORGANISERS_QUERY, encoding="utf-8")
    done = museumkg("query", str(query_file), env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "unesco-almaty" in done.stdout and "(3 rows)" in done.stdout


def test_construct_gives_turtle(cli_env: dict[str, str]) -> None:
    query = f"CONSTRUCT {{ <{PROGRAM}> ?p ?o }} WHERE {{ <{PROGRAM}> ?p ?o }}"
    done = museumkg("query", "--format", "ttl", query, env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "@prefix mkg:" in done.stdout and "mkg:organizer" in done.stdout


def test_bad_query_names_the_position(cli_env: dict[str, str]) -> None:
    done = museumkg("query", "SELECT * WHERE { ?s ?p }", env=cli_env)
    assert done.returncode != 0
    assert "does not parse" in done.stderr and "1:" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_reports_all_problems_and_exits_non_zero(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(cli_env["MUSEUMKG_DATA_DIR"], data)
    bad = data / "sources" / "broken.ttl"
    bad.write_text("<id/source/broken> a <x> ;;; .\n", encoding="utf-8")
    env = dict(cli_env, MUSEUMKG_DATA_DIR=str(data))
    done = museumkg("validate", "--no-owl", env=env)
    assert done.returncode == 1
    assert "data/sources/broken.ttl" in done.stderr or "broken.ttl:1" in done.stderr
    assert "nothing was written" in done.stderr
