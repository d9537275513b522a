"""Render a results file as Markdown (the table in bench/README.md is made with this).

``python -m bench.report [bench/results/latest.json]`` prints the run's header (date, command,
machine, versions), the table of figures and the notes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.figures import as_figure, table
from bench.harness import RESULTS


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    """The Markdown of one results file."""
    machine, versions = report["machine"], report["versions"]
    figures = [as_figure(f, f["size_triples"]) for f in report["figures"]]
    lines = [
        f"Run of {report['date']}: `{report['command']}`, {report['seconds']:.0f} s in all.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, "
        f"{machine['system']}; load average {machine['load_average_at_start']} at the start, "
        f"{machine.get('load_average_at_end')} at the end (other work was running).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v),
        "",
        table(figures, markdown=True),
        "",
        "Notes of the run:",
        "",
        *[f"- {note}" for note in report["notes"]],
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the Markdown of the results file given (default: the latest)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.report", description="A bench results file as Markdown."
    )
    parser.add_argument("results", nargs="?", type=Path, default=RESULTS, help="JSON file")
    path = parser.parse_args(argv).results
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        print(f"cannot read the results file {path}: {err}", file=sys.stderr)
        return 2
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
