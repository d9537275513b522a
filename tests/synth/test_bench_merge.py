"""``python -m bench --merge``: a size run alone joins the figures of an earlier run's file."""

from __future__ import annotations

import json
from pathlib import Path

from bench.figures import Figure, growth
from bench.harness import merged


def _run(sizes: list[int], date: str, notes: list[str]) -> dict[str, object]:
    return {
        "date": date,
        "command": "python -m bench",
        "sizes": sizes,
        "seconds": 1.0,
        "notes": notes,
    }


def test_a_size_run_alone_replaces_its_own_figures_and_keeps_the_others(tmp_path: Path) -> None:
    earlier = tmp_path / "latest.json"
    old = [Figure("search", 100_000, 8.0, "ms"), Figure("search", 1_000_000, 20.0, "ms")]
    old += [Figure("search", 10_000_000, 99.0, "ms")]  # an older 10^7 figure, to be replaced
    report = {**_run([100_000, 1_000_000], "2026-12-08T01:00", ["small sizes ran"])}
    report["figures"] = [f.as_json() for f in old + growth(old)]
    earlier.write_text(json.dumps(report), encoding="utf-8")

    now = _run([10_000_000], "2026-12-08T05:00", ["10^7 ran alone"])
    joined, figures = merged(now, [Figure("search", 10_000_000, 40.0, "ms")], earlier)
    figures += growth(figures)

    values = {(f.name, f.size_triples): f.value for f in figures}
    assert values[("search", 100_000)] == 8.0
    assert values[("search", 1_000_000)] == 20.0
    assert values[("search", 10_000_000)] == 40.0  # this run's, not the earlier 99
    assert values[("growth 10^6→10^7: search", 10_000_000)] == 2.0
    assert values[("growth 10^5→10^6: search", 1_000_000)] == 2.5
    assert len(figures) == 5  # no growth figure is carried over twice
    assert joined["sizes"] == [100_000, 1_000_000, 10_000_000]
    assert [run["date"] for run in joined["runs"]] == ["2026-12-08T01:00", "2026-12-08T05:00"]
    assert joined["notes"] == ["small sizes ran", "10^7 ran alone"]
