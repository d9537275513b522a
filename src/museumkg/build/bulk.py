"""Bulk load: a large N-Quads file (a synthetic catalog, a dump) into a new store, swapped in.

``museumkg build`` is for curated records: it parses, references, SHACL- and OWL-checks every
record before writing anything, which is right for a few hundred files and far too slow for
10^6–10^7 triples. :func:`load_catalog` instead hands the file to pyoxigraph's bulk loader
(the same call as a raw ``Store.bulk_load``), adds the ontology, then runs the very build steps
``build`` runs after loading (:func:`museumkg.build.pipeline.complete_store`: derivation, network
metrics, quality graph, catalog index) and lands the folder atomically, like ``build``.

Not done here, by design: SHACL and OWL validation (bulk data is trusted or synthetic; its
quality graph therefore stays empty), and the staleness hash of ``data/`` (a bulk-loaded
store is not built from ``data/``; serve it with ``museumkg serve --no-build``).

Synthetic data (:mod:`museumkg.synth.generate`) is recognised by its ``mkg:synthetic true`` dataset
document: it is loaded under its own base IRI, and never into the project's own ``var/``
(synthetic data never mixes with the real catalog).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from museumkg.build.pipeline import (
    BUILD_STEPS,
    _class_counts,
    _land,
    _prune,
    build_time,
    complete_store,
    load_ontology,
)
from museumkg.config import PROJECT_DIR, Settings
from museumkg.store import EmbeddedStore, Store, catalog, select_rows
from museumkg.store.catalog import Manifest
from museumkg.store.terms import lexical
from museumkg.synth.generate import synthetic_base

Progress = Callable[[str], None]


@dataclass
class LoadResult:
    """What a bulk load did: the manifest, the seconds of each step, and its progress log."""

    manifest: Manifest
    store_dir: Path
    seconds: dict[str, float] = field(default_factory=dict)
    log: list[tuple[float, str]] = field(default_factory=list)
    synthetic: bool = False

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary (what ``museumkg load --json`` prints)."""
        return {
            "version": self.manifest.version,
            "store_dir": str(self.store_dir),
            "base_iri": self.manifest.base_iri,
            "synthetic": self.synthetic,
            "triples": self.manifest.triples,
            "graphs": len(self.manifest.graphs),
            "seconds": self.seconds,
            "log": [[round(t, 3), line] for t, line in self.log],
        }


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def load_catalog(
    path: Path,
    settings: Settings,
    *,
    progress: Progress | None = None,
    skip: Collection[str] = (),
) -> LoadResult:
    """Bulk-load an N-Quads file and the ontology into a new store; derive; index; swap it in.

    Args:
        path: the N-Quads file (one named graph per source, as ``build`` makes them).
        settings: where the store goes (``var_dir``) and the ontology and rules; the base IRI
            is taken from the file when it is a synthetic catalog.
        progress: called with one line per step.
        skip: build steps (of :data:`~museumkg.build.pipeline.BUILD_STEPS`) left out, for a
            benchmark that times them on their own afterwards (:func:`run_steps`); the store
            is then incomplete.

    Returns:
        the manifest, the folder, and the time of each step (``bulk_load``, ``ontology``,
        ``derive_and_index``, ``land``, ``total``).

    Raises:
        ValueError: when a synthetic catalog would go into the project's own ``var/``.
        SyntaxError: when the file does not parse (nothing is swapped in then).
    """
    started = time.perf_counter()
    log: list[tuple[float, str]] = []

    def say(line: str) -> None:
        log.append((time.perf_counter() - started, line))
        if progress is not None:
            progress(line)

    base = synthetic_base(path)
    if base is not None:
        if settings.var_dir.resolve() == (PROJECT_DIR / "var").resolve():
            raise ValueError(
                "synthetic data never goes into the real catalog's var/: give --var-dir"
            )
        settings = settings.with_overrides(base_iri=base)
        say(f"{path.name} is a synthetic catalog under {base}: no SHACL/OWL validation")
    else:
        say(f"{path.name}: bulk data is loaded as it is, without SHACL/OWL validation")
    digest = file_digest(path)
    built_at = build_time()
    version = f"{built_at:%Y%m%d}-bulk-{digest[:12]}"
    seconds: dict[str, float] = {}

    settings.stores_dir.mkdir(parents=True, exist_ok=True)
    work_dir = settings.stores_dir / f".building-{os.getpid()}-{int(time.time() * 1000)}"
    try:
        store = EmbeddedStore(work_dir)
        step = time.perf_counter()
        store.load(path, format="nq", graph=None)
        seconds["bulk_load"] = round(time.perf_counter() - step, 3)
        say(f"bulk-loaded {path.name} in {seconds['bulk_load']:.2f}s")
        step = time.perf_counter()
        load_ontology(store, settings)
        seconds["ontology"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
        steps = [name for name in BUILD_STEPS if name not in skip]
        if skip:
            say(f"skipping build steps {', '.join(sorted(skip))}: the store is incomplete")
        complete_store(
            store, work_dir, settings, version=version, records=[], progress=say, steps=steps
        )
        seconds["derive_and_index"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
        graphs = _graph_counts(store)
        manifest = Manifest(
            version=version,
            inputs_hash=f"bulk:{digest}",
            built_at=built_at.isoformat(),
            base_iri=settings.base_iri,
            graphs=graphs,
            classes=_class_counts(store),
            # the graphs' counts and the default graph's: not a second pass over the store
            triples=sum(graphs.values()) + _default_graph_count(store),
        )
        store.flush()
        store.close()
        del store
        final_dir = _land(settings, work_dir, manifest)
        seconds["land"] = round(time.perf_counter() - step, 3)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    seconds["total"] = round(time.perf_counter() - started, 3)
    manifest.seconds = seconds["total"]
    catalog.manifest_path(final_dir).write_text(manifest.to_json(), encoding="utf-8")
    _prune(settings, keep=final_dir)
    say(f"catalog {version} ({manifest.triples} triples) is serving from {final_dir}")
    return LoadResult(manifest, final_dir, seconds, log, synthetic=base is not None)


def _graph_counts(store: Store) -> dict[str, int]:
    """Triples per named graph, in one pass (``build`` counts graph by graph; there are few)."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = select_rows(store.query(query, union_default_graph=False))
    counts = {lexical(row["g"]): int(lexical(row["n"])) for row in rows}
    return dict(sorted(counts.items()))


def _default_graph_count(store: Store) -> int:
    """Triples in the default graph: a file's triples without a graph name land there (a
    catalog has none: one named graph per source)."""
    return sum(1 for _quad in store.quads(None, None, None, ox.DefaultGraph()))


def run_steps(
    store_dir: Path,
    settings: Settings,
    steps: Collection[str],
    *,
    progress: Progress | None = None,
) -> float:
    """Run build steps on an existing store folder (not served meanwhile); return the seconds.

    For benchmarks: a step left out of a load (``skip``) is timed on its own afterwards.
    """
    store = EmbeddedStore(store_dir)
    manifest = catalog.read_manifest(store_dir)
    version = manifest.version if manifest else store_dir.name
    started = time.perf_counter()
    try:
        complete_store(
            store,
            store_dir,
            settings.with_overrides(base_iri=manifest.base_iri if manifest else None),
            version=version,
            records=[],
            progress=progress or (lambda _line: None),
            steps=[name for name in BUILD_STEPS if name in steps],
        )
        store.flush()
    finally:
        store.close()
    return time.perf_counter() - started
