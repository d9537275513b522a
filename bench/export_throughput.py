"""Export throughput: ``museumkg.release.export`` per format beside pyoxigraph's own serializer.

``python -m bench.export_throughput [--triples N] [--formats ttl,nq,...]``

Generates a SYNTHETIC dataset of about N quads (default 10^6; simple institutions with labels,
a place, a date and a partner, spread over 50 named graphs under the synthetic base
``http://synthetic.invalid/museumkg-bench/``; never mixed with the real catalog), loads it into
a pyoxigraph store in a temporary folder, then times, per format, writing the whole dataset to
a file:

- museumkg: :func:`museumkg.release.export.export_file`, as the build writes the release;
- pyoxigraph: its own serializer on the same store: ``Store.dump`` of the dataset (N-Quads,
  TriG, JSON-LD: its streaming, uncompacted JSON-LD) or of each graph in turn (Turtle,
  N-Triples, RDF/XML: the triples of every graph, repeats kept, one file per graph).

Both columns are statements written per second (quads for dataset formats, triples
otherwise). The union formats also need the repeated triples found once per release (one
SPARQL join, printed on its own line). A realistic generator comes with a later issue.

``measure(ctx)`` gives the same figures to ``python -m bench`` (bench/harness.py), when present.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from museumkg.config import PROJECT_DIR
from museumkg.release.export import FORMATS, export_file, graph_names, load_context, repeated_quads
from museumkg.store import EmbeddedStore

SYNTHETIC_BASE = "http://synthetic.invalid/museumkg-bench/"
MKG = "https://w3id.org/museumkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GRAPHS = 50


def synthetic_nquads(path: Path, quads: int) -> int:
    """Write about ``quads`` SYNTHETIC quads to ``path`` (6 per institution); return the count."""
    institutions = max(1, quads // 6)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# SYNTHETIC benchmark data under {SYNTHETIC_BASE}: not the museumkg catalog\n")
        for i in range(institutions):
            s = f"<{SYNTHETIC_BASE}id/org/org-{i}>"
            g = f"<{SYNTHETIC_BASE}id/source/synthetic-{i % GRAPHS}>"
            partner = f"<{SYNTHETIC_BASE}id/org/org-{(i * 7 + 1) % institutions}>"
            out.write(
                f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MKG}Museum> {g} .\n"
                f'{s} <{SKOS}prefLabel> "Synthetic museum {i}"@en {g} .\n'
                f'{s} <{SKOS}prefLabel> "Синтетический музей {i}"@ru {g} .\n'
                f"{s} <{MKG}location> <{SYNTHETIC_BASE}id/place/p-{i % 1000}> {g} .\n"
                f'{s} <{MKG}foundingDate> "19{i % 100:02d}-01-01"'
                f"^^<http://www.w3.org/2001/XMLSchema#date> {g} .\n"
                f"{s} <{MKG}statedPartner> {partner} {g} .\n"
            )
            written += 6
    return written


def _pyoxigraph_own(store: EmbeddedStore, fmt: str, path: Path) -> int:
    """pyoxigraph's serializer itself (the baseline measured): its own store, not ours."""
    spec = FORMATS[fmt]
    native = store.native
    if spec.dataset:
        native.dump(str(path), spec.rdf_format)
        return len(native)
    for n, graph in enumerate(graph_names(store)):
        native.dump(
            str(path.with_suffix(f".{n}.{spec.extension}")), spec.rdf_format, from_graph=graph
        )
    return len(native)


def _timed(run: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = run()
    return count, time.perf_counter() - started


def run_formats(store: EmbeddedStore, formats: list[str], workdir: Path) -> list[dict[str, Any]]:
    """Time every format both ways; one row per format (plus the repeated-triples search)."""
    context = load_context(PROJECT_DIR / "ontology")
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    skip = repeated_quads(store)  # once per release, shared by Turtle, N-Triples and RDF/XML
    seconds, found = time.perf_counter() - started, len(skip)
    rows.append(
        {
            "format": "union: find repeated triples",
            "statements": store.count(),
            "ours_s": seconds,
            "theirs_s": None,
            "note": f"{found} repeats",
        }
    )
    for fmt in formats:
        ours_path = workdir / f"ours.{FORMATS[fmt].extension}"
        count, ours = _timed(
            lambda f=fmt, p=ours_path: export_file(store, p, f, context=context, skip=skip)
        )
        size = ours_path.stat().st_size
        ours_path.unlink()
        theirs_dir = workdir / f"theirs-{fmt}"
        theirs_dir.mkdir()
        _n, theirs = _timed(lambda f=fmt, d=theirs_dir: _pyoxigraph_own(store, f, d / "dump"))
        for leftover in theirs_dir.iterdir():
            leftover.unlink()
        theirs_dir.rmdir()
        rows.append(
            {
                "format": fmt,
                "statements": count,
                "ours_s": ours,
                "theirs_s": theirs,
                "bytes": size,
                "note": "",
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]], quads: int) -> None:
    print(f"export throughput, SYNTHETIC dataset of {quads:,} quads in {GRAPHS} graphs")
    print(
        f"{'format':<30} {'statements':>11} {'museumkg/s':>12} {'pyoxigraph/s':>13}"
        f" {'ratio':>6}  note"
    )
    for row in rows:
        ours = row["statements"] / row["ours_s"] if row["ours_s"] else 0
        theirs = row["statements"] / row["theirs_s"] if row["theirs_s"] else None
        ratio = f"{ours / theirs:6.2f}" if theirs else "     -"
        theirs_text = f"{theirs:13,.0f}" if theirs else f"{'-':>13}"
        note = row["note"] or f"{row.get('bytes', 0) / 1e6:.1f} MB"
        print(
            f"{row['format']:<30} {row['statements']:>11,} {ours:>12,.0f} {theirs_text}"
            f" {ratio}  {note}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="quads to generate")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        parser.error(f"unknown formats {unknown}; known: {', '.join(FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="museumkg-bench-export-") as tmp:
        workdir = Path(tmp)
        nquads = workdir / "synthetic.nq"
        quads = synthetic_nquads(nquads, args.triples)
        store = EmbeddedStore(workdir / "store")
        started = time.perf_counter()
        store.load(nquads, format="nq", graph=None)
        load_s = time.perf_counter() - started
        print(f"generated and loaded {quads:,} synthetic quads in {load_s:.1f}s", file=sys.stderr)
        print_table(run_formats(store, formats, workdir), quads)
        del store
    return 0


def measure(ctx: Any) -> list[Any]:
    """Figures for ``python -m bench``: the same runs on the harness's loaded store."""
    from bench.figures import Figure  # only there when the harness is

    store = EmbeddedStore(ctx.store_dir, read_only=True)
    formats = ["nq", "ttl"] if getattr(ctx, "quick", False) else list(FORMATS)
    figures = []
    with tempfile.TemporaryDirectory(prefix="museumkg-bench-export-", dir=ctx.workdir) as tmp:
        for row in run_formats(store, formats, Path(tmp)):
            if row["theirs_s"] is None:
                continue
            figures.append(
                Figure(
                    name=f"export {row['format']}",
                    size_triples=ctx.size,
                    value=row["statements"] / row["ours_s"],
                    unit="statements/s",
                    reference="pyoxigraph serializer",
                    reference_value=row["statements"] / row["theirs_s"],
                )
            )
    return figures


if __name__ == "__main__":
    sys.exit(main())
