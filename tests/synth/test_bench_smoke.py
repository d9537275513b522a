"""CI smoke test of the benchmark harness: it runs end to end at a tiny size.

Figures are never asserted (timings are the bench's business, not the tests'): only that the
command works, starts and stops its servers, cleans up, and writes the JSON with the right keys.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from museumkg.config import PROJECT_DIR

FIGURE_KEYS = [
    "name",
    "size_triples",
    "value",
    "unit",
    "reference",
    "reference_value",
    "ratio",
    "budget",
    "budget_on",
]


@pytest.mark.slow
def test_bench_runs_end_to_end_at_a_tiny_size(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    command = [sys.executable, "-m", "bench", "--triples", "2000", "--quick"]
    command += ["--json", str(output), "--workdir", str(scratch), "--minutes", "10"]
    done = subprocess.run(
        command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(output.read_text(encoding="utf-8"))
    assert {"date", "command", "machine", "versions", "figures", "notes"} <= set(report)
    assert report["versions"]["pyoxigraph"]
    assert report["figures"], "no figure at all"
    for figure in report["figures"]:
        assert list(figure) == FIGURE_KEYS
        assert figure["size_triples"] == 2000
        assert figure["budget_on"] in (None, "value", "ratio")
        assert figure["value"] is None or isinstance(figure["value"], int | float)
    names = {f["name"] for f in report["figures"]}
    for expected in ("load step (bulk load + ontology)", "build peak RSS", "export nq"):
        assert expected in names
    on_disk = {f["name"]: f for f in report["figures"] if f["name"].startswith("on disk: ")}
    whole = on_disk["on disk: store + index + release (whole store folder)"]
    assert whole["budget"] == 3.0 and whole["budget_on"] == "ratio"
    parts = ("store (engine files)", "catalog index", "release dumps")
    for part in parts:  # each part is measured, a positive size beside the raw store's
        figure = on_disk[f"on disk: {part}"]
        assert figure["value"] > 0 and figure["reference_value"] > 0
    assert whole["value"] >= sum(on_disk[f"on disk: {p}"]["value"] for p in parts)
    assert any(name.startswith("/sparql ") for name in names)
    cpu = [f for f in report["figures"] if f["name"].endswith(": server CPU per query")]
    assert cpu, "no CPU per query of the served /sparql"
    assert all(f["value"] > 0 and f["reference_value"] > 0 for f in cpu)
    assert any(name.startswith("page entity page") for name in names)
    assert "size" in done.stdout and "figure" in done.stdout, "the table is printed"
    assert list(scratch.iterdir()) == [], "the scratch folder is cleaned up"
