"""Curation: `validate FILE…` and `import FILE…`, bad inputs one by one, and atomic imports.

Every bad input must give its own specific error, with file and line (or record) and a hint,
and leave the catalog exactly as it was: same triple count and content checksum of the serving
store, same files in data/, no staging left behind.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from seed import seed_data

from museumkg.build.curation import check_files, content_checksum, import_files, imports_dir
from museumkg.build.pipeline import build_catalog, is_stale
from museumkg.config import PROJECT_DIR, Settings
from museumkg.problems import Problem, ProblemsFound
from museumkg.store import catalog

PREFIXES = """\
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def source_ttl(slug: str, body: str = "", *, issued: str = '"2024-05-01"^^xsd:date') -> str:
    """A Turtle record for source ``slug`` describing itself, plus ``body``."""
    return (
        PREFIXES
        + f"<id/source/{slug}> a mkg:SourceDocument ;\n"
        + f'    dcterms:title "A news item"@en ;\n    dcterms:issued {issued} ;\n'
        + "    dcterms:publisher <id/org/unesco-almaty> ;\n"
        + "    mkg:permanentLink <https://example.org/news> .\n"
        + body
    )


GOOD_YAML = """\
source:
  title: {en: A news item about a new museum}
  publisher: unesco-almaty
  issued: 2024-05-01
  permanentLink: https://example.org/news/new-museum
institutions:
  test-new-museum:
    type: Museum
    prefLabel: {en: Test New Museum, ru: Тестовый новый музей}
    location: almaty
programs:
  test-joint-exhibition-2024:
    type: Exhibition
    prefLabel: {en: Test joint exhibition}
    organizer: [test-new-museum, unesco-almaty]
    startDate: 2024-05
"""


def data_state(settings: Settings) -> dict[str, str]:
    """Every file under data/ with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(settings.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(settings.data_dir.rglob("*"))
        if p.is_file()
    }


def catalog_state(settings: Settings) -> tuple[tuple[int, str], dict[str, str]]:
    return content_checksum(settings), data_state(settings)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A catalog built from a copy of the seed catalog (OWL off: test_ontology covers it)."""
    root = tmp_path_factory.mktemp("curation")
    seed_data(root / "data")
    built = Settings(data_dir=root / "data", var_dir=root / "var", check_owl=False)
    build_catalog(built)
    return built


def refused(settings: Settings, path: Path, **options: object) -> list[Problem]:
    """Import ``path``; it must fail and change nothing. Returns the errors."""
    before = catalog_state(settings)
    with pytest.raises(ProblemsFound) as caught:
        import_files([path], settings, **options)  # type: ignore[arg-type]
    assert catalog_state(settings) == before, "a refused import changed the catalog"
    assert not any(imports_dir(settings).glob("*")), "a refused import left a staging folder"
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors
    for problem in errors:
        assert problem.rule and problem.message
        assert problem.file, problem
        if problem.rule not in FILE_LEVEL:
            assert problem.line or problem.record, f"no line or record: {problem}"
    return errors


#: Problems about a whole file, located by the file alone.
FILE_LEVEL = {"empty-file", "file-size", "file-format"}


def rules(problems: list[Problem]) -> set[str]:
    return {p.rule for p in problems}


# ---------------------------------------------------------------------------------------------
# The battery of bad inputs, one test each
# ---------------------------------------------------------------------------------------------


def test_malformed_turtle(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "malformed.ttl"
    path.write_text(source_ttl("malformed", "<id/org/x> a mkg:Museum ;;; skos:prefLabel .\n"))
    [error] = refused(settings, path)
    assert error.rule == "syntax" and error.line == 10 and error.hint


def test_malformed_yaml(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "malformed-yaml.yaml"
    path.write_text(GOOD_YAML.replace("{en: Test joint exhibition}", "{en: Test joint"))
    [error] = refused(settings, path)
    assert error.rule == "syntax" and error.line == 15 and "started on line 14" in error.message


def test_wrong_datatype(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "wrong-datatype.ttl"
    path.write_text(source_ttl("wrong-datatype", issued='"1 May 2024"^^xsd:date'))
    errors = refused(settings, path)
    [error] = [p for p in errors if p.field == "dcterms:issued"]
    assert error.rule.startswith("shacl:") and error.line == 7
    assert "publication date must be typed" in error.message and "1 May 2024" in error.message


def test_wrong_datatype_in_yaml(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "wrong-datatype-yaml.yaml"
    path.write_text(GOOD_YAML.replace("startDate: 2024-05", "startDate: May 2024"))
    [error] = refused(settings, path)
    assert (error.rule, error.line, error.field) == ("bad-value", 16, "startDate")
    assert error.record == "id/program/test-joint-exhibition-2024"


def test_missing_label(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "missing-label.yaml"
    path.write_text(
        GOOD_YAML.replace("    prefLabel: {en: Test New Museum, ru: Тестовый новый музей}\n", "")
    )
    [error] = refused(settings, path)
    assert (error.rule, error.field, error.line) == ("shacl:MinCount", "skos:prefLabel", 7)
    assert error.record == "id/org/test-new-museum" and "needs a name" in error.message


def test_dangling_reference(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "dangling.yaml"
    path.write_text(GOOD_YAML.replace("organizer: [test-new-museum,", "organizer: [no-such-org,"))
    errors = refused(settings, path)
    [error] = [p for p in errors if p.rule == "reference"]
    assert "id/org/no-such-org" in error.message and error.field == "mkg:organizer"
    assert error.line == 15 and error.hint


def test_duplicate_id_in_a_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "duplicate-id.yaml"
    path.write_text(GOOD_YAML + "  test-joint-exhibition-2024:\n    type: Training\n")
    [error] = refused(settings, path)
    assert (error.rule, error.line) == ("duplicate-id", 17) and "line 12" in error.message


def test_duplicate_source_id(settings: Settings, tmp_path: Path) -> None:
    seed = "unesco-almaty-2005-museum-management-training"
    path = tmp_path / f"{seed}.yaml"
    shutil.copy(PROJECT_DIR / "docs" / "examples" / f"{seed}.yaml", path)
    [error] = refused(settings, path)
    assert error.rule == "duplicate-source" and "--replace" in (error.hint or "")


def test_wrong_file_encoding(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(
        source_ttl("latin1", '<id/org/x> skos:altLabel "Musée"@fr .\n').encode("latin-1")
    )
    [error] = refused(settings, path)
    assert (error.rule, error.line) == ("encoding", 10) and "UTF-8" in (error.hint or "")


def test_empty_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n\n")
    [error] = refused(settings, path)
    assert error.rule == "empty-file"


def test_huge_file(settings: Settings, tmp_path: Path) -> None:
    # the limit sits just above the largest file of the catalog; the new file is beyond it
    limit = max(p.stat().st_size for p in settings.data_dir.rglob("*.*")) + 1_000
    path = tmp_path / "huge.ttl"
    path.write_text(source_ttl("huge") + "# padding\n" * (limit // 10))
    [error] = refused(settings.with_overrides(max_record_bytes=limit), path)
    assert error.rule == "file-size" and f"{limit:,}" in error.message


def test_yaml_with_an_extra_field(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "extra-field.yaml"
    path.write_text(
        GOOD_YAML.replace("    location: almaty\n", "    location: almaty\n    city: x\n")
    )
    [error] = refused(settings, path)
    assert (error.rule, error.field, error.line) == ("unknown-field", "city", 11)


def test_yaml_with_a_missing_field(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "missing-field.yaml"
    path.write_text(GOOD_YAML.replace("    type: Exhibition\n", ""))
    [error] = refused(settings, path)
    assert (error.rule, error.field, error.line) == ("missing-field", "type", 12)


def test_an_iri_outside_the_dataset_base(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "outsider.ttl"
    path.write_text(
        source_ttl("outsider", '<http://elsewhere.example/thing> skos:prefLabel "y"@en .\n')
    )
    [error] = refused(settings, path)
    assert (error.rule, error.line) == ("iri-outside-dataset", 10)
    assert error.record == "http://elsewhere.example/thing"


def test_a_table_is_not_a_record(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text("id,name_en\nx,X\n")
    [error] = refused(settings, path)
    assert error.rule == "file-format" and "ingest-catalog-sources" in (error.hint or "")


def test_every_problem_at_once(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "many-problems.yaml"
    text = GOOD_YAML.replace("organizer: [test-new-museum,", "organizer: [no-such-org,")
    text = text.replace("    prefLabel: {en: Test New Museum, ru: Тестовый новый музей}\n", "")
    path.write_text(text)
    assert {"reference", "shacl:MinCount"} <= rules(refused(settings, path))


# ---------------------------------------------------------------------------------------------
# Likely duplicates, and a good import
# ---------------------------------------------------------------------------------------------


def test_a_new_id_for_a_known_institution_is_a_warning_naming_it(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "again.yaml"
    path.write_text(
        GOOD_YAML.replace("test-new-museum", "soros-again").replace(
            "{en: Test New Museum, ru: Тестовый новый музей}",
            "{en: 'SOROS CENTER OF CONTEMPORARY ART — ALMATY'}",
        )
    )
    checked = check_files([path], settings)
    assert checked.ok
    [warning] = [p for p in checked.problems if p.rule == "likely-duplicate"]
    assert warning.severity == "warning" and warning.line == 7
    assert "id/org/scca-almaty" in warning.message and "id/org/soros-again" in warning.message


def test_validate_checks_files_without_writing(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "good-news.yaml"
    path.write_text(GOOD_YAML)
    before = catalog_state(settings)
    checked = check_files([path], settings)
    assert checked.ok, checked.problems
    assert catalog_state(settings) == before


def test_a_good_import_lands_whole(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "landed-news.yaml"
    path.write_text(GOOD_YAML)
    (count, _digest), files = catalog_state(settings)
    done = import_files([path], settings)
    assert done.files == ["sources/landed-news.yaml"]
    assert (settings.data_dir / "sources" / "landed-news.yaml").read_bytes() == path.read_bytes()
    (after, _), after_files = catalog_state(settings)
    assert after > count and set(after_files) == set(files) | {"sources/landed-news.yaml"}
    assert not is_stale(settings)
    store = catalog.open_current(settings)
    graph = f"{settings.base_iri}id/source/landed-news"
    assert store.count(graph) > 10
    # the partnership is derived: the new museum co-organised with the UNESCO office
    org = f"{settings.base_iri}id/org/"
    ask = (
        "PREFIX mkg: <https://w3id.org/museumkg/ontology#> ASK { ?p mkg:partnershipMember "
        f"<{org}test-new-museum> , <{org}unesco-almaty> }}"
    )
    assert bool(store.query(ask))
    assert not any(imports_dir(settings).glob("*"))


# ---------------------------------------------------------------------------------------------
# Killed imports
# ---------------------------------------------------------------------------------------------


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MUSEUMKG_VAR_DIR=str(settings.var_dir),
        MUSEUMKG_DATA_DIR=str(settings.data_dir),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "museumkg.cli.main", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _run_until_paused(args: list[str], env: dict[str, str], step: str) -> subprocess.Popen[str]:
    """Start the CLI, wait until it says it paused at ``step``, and return the process."""
    env = dict(env, MUSEUMKG_PAUSE_AT=step, MUSEUMKG_PAUSE_SECONDS="300")
    proc = subprocess.Popen(
        [sys.executable, "-m", "museumkg.cli.main", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True).start()
    deadline = time.monotonic() + 180
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if f"paused at {step}" in line:
            return proc
    proc.kill()
    raise AssertionError(f"never paused at {step}:\n{''.join(seen)}")


def _sigkill(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_an_import_killed_while_building_leaves_the_previous_catalog(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "killed-news.yaml"
    path.write_text(GOOD_YAML.replace("test-new-museum", "killed-museum"))
    before = catalog_state(settings)
    proc = _run_until_paused(
        ["import", "--no-owl", str(path)], _env(settings), "build:before-landing"
    )
    _sigkill(proc)
    # the store still serves the previous catalog, data/ is untouched
    assert catalog_state(settings) == before
    assert not (settings.data_dir / "sources" / "killed-news.yaml").exists()
    assert any(imports_dir(settings).glob("*/journal.json")), "the journal should survive"
    # the rerun rolls the dead import back first, then succeeds
    done = _cli("import", "--no-owl", str(path), env=_env(settings))
    assert done.returncode == 0, done.stderr
    assert "had not landed: rolling it back" in done.stderr
    assert (settings.data_dir / "sources" / "killed-news.yaml").read_bytes() == path.read_bytes()
    assert content_checksum(settings)[0] > before[0][0]
    assert not any(imports_dir(settings).glob("*"))
    assert not is_stale(settings)


def test_a_build_stopped_by_sigterm_removes_its_half_built_folder(settings: Settings) -> None:
    """SIGTERM (a service manager's stop, `kill`, a benchmark's time cap) unwinds the build:
    exit status 143, no `stores/.building-*` folder left, the previous catalog serving."""
    before = catalog_state(settings)
    proc = _run_until_paused(["build", "--no-owl"], _env(settings), "build:before-landing")
    assert any(settings.stores_dir.glob(".building-*")), "the build should be writing its folder"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert not any(settings.stores_dir.glob(".building-*"))
    assert catalog_state(settings) == before


def test_an_import_killed_after_landing_is_finished_by_the_next_start(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "late-news.yaml"
    path.write_text(GOOD_YAML.replace("test-new-museum", "late-museum"))
    before = catalog_state(settings)
    proc = _run_until_paused(["import", "--no-owl", str(path)], _env(settings), "import:landed")
    _sigkill(proc)
    landed = content_checksum(settings)
    assert landed != before[0], "the new store had landed before the kill"
    assert not (settings.data_dir / "sources" / "late-news.yaml").exists()
    # any start (here a build) rolls the landed import forward: data/ and store agree again
    done = _cli("build", "--no-owl", env=_env(settings))
    assert done.returncode == 0, done.stderr
    assert "had landed: installing its files" in done.stderr
    assert (settings.data_dir / "sources" / "late-news.yaml").read_bytes() == path.read_bytes()
    assert content_checksum(settings) == landed
    assert not is_stale(settings)
    assert not any(imports_dir(settings).glob("*"))


def test_cli_validate_files_reports_all_problems_and_exits_non_zero(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "cli-problems.yaml"
    text = GOOD_YAML.replace("organizer: [test-new-museum,", "organizer: [no-such-org,")
    path.write_text(text.replace("startDate: 2024-05", "startDate: soon"))
    done = _cli("validate", "--no-owl", str(path), env=_env(settings))
    assert done.returncode == 1
    assert "cli-problems.yaml:16: error [bad-value] id/program/test-joint-exhibition-2024" in (
        done.stderr
    )
    assert "error [reference]" in done.stderr and "id/org/no-such-org" in done.stderr
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
