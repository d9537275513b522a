"""Build steps timed on their own, in a child process (so they can be capped and measured).

``python -m bench.build_step steps STORE_DIR VAR_DIR STEP...`` runs build steps left out of a
``museumkg load --skip`` on the landed store (:func:`museumkg.build.bulk.run_steps`).

``python -m bench.build_step rebuild STORE_DIR VAR_DIR PROGRAM PARTNER`` changes one source
(the graph stating PROGRAM gets ``PROGRAM mkg:partner PARTNER``) and brings the derived graph
up to date incrementally (:func:`museumkg.network.rederive.rederive`): what a rebuild after one
changed
source costs. ``rebuild-full`` does the same with a full derivation, for comparison.

Both print the seconds taken on their last line. The store must not be served meanwhile.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyoxigraph as ox

from museumkg.build.bulk import run_steps
from museumkg.config import Settings
from museumkg.namespaces import MKG
from museumkg.network.derive import derive
from museumkg.network.rederive import rederive
from museumkg.store import EmbeddedStore, select_rows
from museumkg.store.catalog import read_manifest


def _settings(store_dir: Path, var_dir: Path) -> Settings:
    manifest = read_manifest(store_dir)
    base = manifest.base_iri if manifest else Settings().base_iri
    return Settings(base_iri=base, var_dir=var_dir, check_owl=False)


def rebuild(
    store_dir: Path, settings: Settings, program: str, partner: str, *, full: bool = False
) -> float:
    """Replace the graph of ``program``'s source with one more partner; re-derive; seconds."""
    store = EmbeddedStore(store_dir)
    try:
        found = store.query(
            "SELECT ?g ?program WHERE { GRAPH ?g { ?program a ?type } } LIMIT 1",
            bindings={"program": ox.NamedNode(program)},
        )
        graph = next(select_rows(found))["g"]
        old = list(store.quads(None, None, None, graph))  # type: ignore[arg-type]
        new = [
            *old,
            ox.Quad(
                ox.NamedNode(program), ox.NamedNode(MKG + "partner"), ox.NamedNode(partner), graph
            ),
        ]
        rules_dir = settings.ontology_dir / "rules"
        started = time.perf_counter()
        store.drop_graph(graph.value)
        store.add_quads(new)
        if full:
            derive(
                store,
                base_iri=settings.base_iri,
                derived_graph=settings.derived_graph,
                rules_dir=rules_dir,
            )
        else:
            report = rederive(
                store,
                old + new,
                base_iri=settings.base_iri,
                derived_graph=settings.derived_graph,
                rules_dir=rules_dir,
            )
            print(report, file=sys.stderr)
        store.flush()
        return time.perf_counter() - started
    finally:
        store.close()


def main(argv: list[str]) -> int:
    """See the module docstring."""
    mode, store_dir, var_dir, *rest = argv
    settings = _settings(Path(store_dir), Path(var_dir))
    started = time.perf_counter()

    def say(line: str) -> None:  # the progress format of the museumkg commands
        print(f"[{time.perf_counter() - started:7.2f}s] {line}", file=sys.stderr, flush=True)

    if mode == "steps":
        seconds = run_steps(Path(store_dir), settings, rest, progress=say)
    elif mode in ("rebuild", "rebuild-full"):
        full = mode == "rebuild-full"
        seconds = rebuild(Path(store_dir), settings, rest[0], rest[1], full=full)
    else:
        raise SystemExit(f"unknown mode {mode!r}: steps, rebuild or rebuild-full")
    print(f"{seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
