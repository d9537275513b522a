"""Build the catalog: records + ontology → validation → one graph per source → a new store.

The build is atomic. It writes a fresh store folder next to the serving one and moves the
``current`` pointer only after everything succeeded (see :mod:`museumkg.store.catalog`). Invalid
input raises :class:`~museumkg.problems.ProblemsFound` with every problem, before anything
is written.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from museumkg.build.publish import prepare_for_pages, write_map_files
from museumkg.checks.validate import validate_records
from museumkg.config import PROJECT_DIR, Settings
from museumkg.index.overview import catalog_summary
from museumkg.network.metrics import add_network_metrics
from museumkg.network.model import Network, load_network
from museumkg.network.rederive import ChangedSources, derive_step
from museumkg.problems import Problem, ProblemsFound, errors_only
from museumkg.queries import named_rows
from museumkg.records.country_points import (
    CountryPointsRecord,
    country_points_record,
    fill_country_points,
)
from museumkg.records.files import (
    RecordFile,
    discover,
    inputs_hash,
    parse_record,
    stable_blank_nodes,
)
from museumkg.records.gazetteer import GazetteerRecord, fill_gazetteer, gazetteer_record
from museumkg.release.assemble import dumps_dir, publish_release
from museumkg.store import EmbeddedStore, Store, catalog
from museumkg.store.catalog import Manifest
from museumkg.store.terms import lexical
from museumkg.testhooks import pause_point

Progress = Callable[[str], None]

#: Ontology files that are inputs of a build (their content is part of the version).
ONTOLOGY_FILES = ("museumkg.ttl", "shapes.ttl")
#: The steps after loading, in order (:func:`complete_store`): rules, network metrics, quality
#: graph + catalog index, release dumps.
BUILD_STEPS = ("derive", "metrics", "pages", "release")


def _quiet(_message: str) -> None:
    pass


def read_records(settings: Settings) -> tuple[list[RecordFile], list[Problem]]:
    """Find and parse every record file; return them with all parse-level problems."""
    records = discover(settings.data_dir, settings.base_iri, root=PROJECT_DIR)
    problems: list[Problem] = []
    seen: dict[str, RecordFile] = {}
    for record in records:
        problems += parse_record(record, settings.base_iri, max_bytes=settings.max_record_bytes)
        if record.graph in seen:
            problems.append(
                Problem(
                    "duplicate-source",
                    f"two files fill the same source graph (also {seen[record.graph].display})",
                    file=record.display,
                    hint="rename one of them: the file name is the source's id",
                )
            )
        seen[record.graph] = record
    # the GeoNames source: generated from the reviewed mapping file for the places just read
    gazetteer = gazetteer_record(settings.data_dir, settings.base_iri, root=PROJECT_DIR)
    if gazetteer is not None and records:
        cache = settings.var_dir / "cache" / f"{gazetteer.slug}-places.json"
        problems += fill_gazetteer(gazetteer, records, settings.base_iri, cache=cache)
        records.append(gazetteer)
    # the countries' points (GeoNames gives countries none): from the countryinfo package
    if records:
        points = country_points_record(settings.base_iri)
        problems += fill_country_points(points, records, settings.base_iri)
        if points.quads:  # the records describe countries
            records.append(points)
    if not records:
        problems.append(
            Problem(
                "no-records",
                f"no record files (*.ttl, *.jsonld, *.yaml) under {settings.data_dir}",
                hint="add a source file under data/sources/",
            )
        )
    return records, problems


def ontology_problems(settings: Settings) -> list[Problem]:
    """The ontology files a build needs must exist and parse."""
    problems: list[Problem] = []
    for name in ONTOLOGY_FILES:
        path = settings.ontology_dir / name
        if not path.is_file():
            problems.append(Problem("ontology-missing", f"{path} is missing", file=str(path)))
            continue
        try:
            ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        except SyntaxError as err:
            problems.append(
                Problem(
                    "syntax",
                    f"the ontology file does not parse: {err.args[0] if err.args else err}",
                    file=str(path),
                    line=err.lineno if isinstance(err.lineno, int) else None,
                )
            )
    return problems


def check_catalog(settings: Settings, progress: Progress = _quiet) -> list[RecordFile]:
    """Parse and validate every record.

    Returns:
        the parsed records, when there is no error.

    Raises:
        ProblemsFound: with every problem found (warnings included), when any is an error.
    """
    progress(f"reading records under {settings.data_dir}")
    records, problems = read_records(settings)
    problems += ontology_problems(settings)
    if not errors_only(problems):
        progress(f"validating {len(records)} source(s): references, SHACL shapes, OWL")
        problems += validate_records(
            records,
            base_iri=settings.base_iri,
            ontology_dir=settings.ontology_dir,
            check_owl=settings.check_owl,
        )
    if errors_only(problems):
        raise ProblemsFound(problems)
    for warning in problems:
        progress(str(warning))
    for record in records:
        if isinstance(record, GazetteerRecord | CountryPointsRecord):
            progress(record.summary)
    return records


def current_inputs_hash(settings: Settings) -> str:
    """Hash of everything a build reads, to tell whether the serving store is stale."""
    records = discover(settings.data_dir, settings.base_iri)
    gazetteer = gazetteer_record(settings.data_dir, settings.base_iri)
    if gazetteer is not None:
        records.append(gazetteer)  # the mapping file, under a graph name with the package version
    if records:
        records.append(country_points_record(settings.base_iri))  # the package's version
    extra = [settings.ontology_dir / name for name in ONTOLOGY_FILES]
    extra.append(settings.ontology_dir / "context.jsonld")  # shapes the JSON-LD dump
    extra += sorted((settings.ontology_dir / "rules").glob("*.rq"))
    return inputs_hash(records, [p for p in extra if p.exists()], settings.base_iri)


def is_stale(settings: Settings) -> bool:
    """True when nothing is built yet or the data/ontology changed since the last build."""
    manifest = catalog.current_manifest(settings)
    return manifest is None or manifest.inputs_hash != current_inputs_hash(settings)


def build_catalog(
    settings: Settings,
    *,
    progress: Progress | None = None,
    changed: ChangedSources | None = None,
) -> Manifest:
    """Validate the records and build a new store, then make it the serving one.

    Args:
        settings: where the data, ontology and var folders are, and the base IRI.
        progress: called with one line per step (the CLI prints them).
        changed: the source graphs changed since a built store (an import): derivation is
            then incremental (:mod:`museumkg.network.rederive`).

    Returns:
        the manifest of the new store (version, triples per graph, entities per class, time).

    Raises:
        ProblemsFound: when the input has errors; nothing is written then.
    """
    say = progress or _quiet
    started = time.perf_counter()
    records = check_catalog(settings, say)
    digest = current_inputs_hash(settings)
    built_at = build_time()
    version = f"{built_at:%Y%m%d}-{digest[:12]}"

    settings.stores_dir.mkdir(parents=True, exist_ok=True)
    work_dir = settings.stores_dir / f".building-{os.getpid()}-{int(time.time() * 1000)}"
    try:
        store = EmbeddedStore(work_dir)
        say(f"loading the ontology into {settings.ontology_graph}")
        load_ontology(store, settings)
        for record in records:
            say(f"loading {record.display} → {record.graph} ({len(record.quads)} triples)")
            store.add_quads(record.quads)
        complete_store(
            store,
            work_dir,
            settings,
            version=version,
            records=records,
            progress=say,
            built_at=built_at.isoformat(),
            changed=changed,
        )
        say(_summary(store))
        manifest = Manifest(
            version=version,
            inputs_hash=digest,
            built_at=built_at.isoformat(),
            base_iri=settings.base_iri,
            graphs={g: store.count(g) for g in store.graphs()},
            classes=_class_counts(store),
            triples=store.count(),
        )
        store.flush()
        store.close()
        del store
        pause_point("build:before-landing")
        final_dir = _land(settings, work_dir, manifest)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    manifest.seconds = round(time.perf_counter() - started, 3)
    catalog.manifest_path(final_dir).write_text(manifest.to_json(), encoding="utf-8")
    _prune(settings, keep=final_dir)
    say(f"catalog {version} is serving from {final_dir}")
    return manifest


def complete_store(
    store: Store,
    work_dir: Path,
    settings: Settings,
    *,
    version: str,
    records: list[RecordFile],
    progress: Progress = _quiet,
    built_at: str | None = None,
    steps: Collection[str] = BUILD_STEPS,
    changed: ChangedSources | None = None,
) -> None:
    """The build steps after loading, shared by ``build`` and ``load`` (:mod:`museumkg.build.bulk`).

    Derivation, network metrics, the quality graph and the catalog index, into the store and
    folder being built. A new per-build step belongs here, so that both paths run it.

    Args:
        store: the store being built (writable), holding the ontology and the sources.
        work_dir: its folder (files that land with the store go inside).
        settings: base IRI, graphs, ontology folder, languages.
        version: the version being built.
        records: the validated curated records (the shapes run over them for the quality
            graph); a bulk load passes none: its data is not validated.
        progress: called with one line per step.
        built_at: when the build started (ISO 8601), stamped on the release; default now.
        steps: which of :data:`BUILD_STEPS` to run (all, except when a benchmark times one
            step on its own: ``museumkg load --skip``).
        changed: source graphs changed since a built store: derive incrementally from it.
    """
    say = progress
    if "derive" in steps:
        derive_step(store, settings, changed, say, work_dir)  # incremental when sources changed
    network: Network | None = None  # read once: the metrics step's, with them, for the map
    if "metrics" in steps:
        network = load_network(store, settings.base_iri)
        add_network_metrics(store, work_dir, settings, version, say, network)  # into derived
    extra: list[Path] = []
    if "pages" in steps:
        # the map's data and its GeoJSON (a download of the release), first: from the network
        # in hand, let go before the index is written (the quality graph changes nothing here)
        dumps = dumps_dir(work_dir)
        extra.append(write_map_files(store, work_dir, dumps, settings, version, say, network))
        network = None
        prepare_for_pages(store, work_dir, records, settings, say)  # quality graph, index
    if "release" in steps:
        # last: the dumps, VoID and the diff from the serving release, in work_dir/dumps
        publish_release(store, work_dir, settings, version, built_at, say, extra_files=extra)


def build_time() -> datetime:
    """When this build happens, to the second: now, or ``SOURCE_DATE_EPOCH`` when set (the
    reproducible-builds convention: seconds since 1970), so that two builds of the same data
    give byte-identical release files, dates included."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as err:
            raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from err
    return datetime.now(UTC).replace(microsecond=0)


def load_ontology(store: Store, settings: Settings) -> None:
    """The ontology (``museumkg.ttl``) into its graph, its blank nodes (OWL restrictions and
    lists) labelled stably (:func:`museumkg.records.files.stable_blank_nodes`), so that two
    builds of the same data give the same store and the same dump bytes."""
    path = settings.ontology_dir / "museumkg.ttl"
    graph = ox.NamedNode(settings.ontology_graph)
    parsed = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed)
    store.add_quads(stable_blank_nodes(quads, settings.ontology_graph))


def _summary(store: Store) -> str:
    """One line: institutions, programs and people (every subclass), and strong links."""
    n = catalog_summary(store)
    return (
        f"catalog: {n.get('institutions', 0)} institutions, {n.get('programs', 0)} programs, "
        f"{n.get('people', 0)} people; partnership network: {n.get('links', 0)} strong links "
        "(mkg:partnerOf pairs)"
    )


def _class_counts(store: Store) -> dict[str, int]:
    rows = named_rows(store, "class_counts")
    return {lexical(row["class"]): int(lexical(row["count"])) for row in rows}


def _land(settings: Settings, work_dir: Path, manifest: Manifest) -> Path:
    """Move a finished store into place and point ``current`` at it (the atomic step)."""
    final_dir = settings.stores_dir / manifest.version
    if final_dir.exists():
        # Same inputs built again: keep a fresh copy under a unique name rather than touching
        # a folder a running server may have open.
        final_dir = settings.stores_dir / f"{manifest.version}-{work_dir.name.rsplit('-', 1)[-1]}"
    catalog.manifest_path(final_dir).write_text(manifest.to_json(), encoding="utf-8")
    os.replace(work_dir, final_dir)
    catalog.point_current_at(settings, final_dir)
    return final_dir


def _prune(settings: Settings, *, keep: Path) -> None:
    """Remove the old store folders :func:`releases_to_remove` names, and the leftovers of
    builds whose process is gone."""
    for old in releases_to_remove(settings, keep=keep):
        shutil.rmtree(old, ignore_errors=True)
        catalog.manifest_path(old).unlink(missing_ok=True)
    for leftover in settings.stores_dir.glob(".building-*"):
        pid = leftover.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def releases_to_remove(settings: Settings, *, keep: Path) -> list[Path]:
    """The old store folders a build removes once ``keep`` (the new one) is serving.

    ``keep`` stays, and the releases before it, newest first, while there are at most
    ``settings.keep_releases`` in all and, when ``settings.keep_releases_mb`` is set, while
    all the kept folders together take at most that many MB (10^6 bytes) on disk; the first
    old release that does not fit is removed with every older one (what is kept is always
    the latest releases, without gaps).
    """
    stores = sorted(
        (p for p in settings.stores_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    old = [p for p in stores if p != keep]
    kept = old[: settings.keep_releases - 1]
    if settings.keep_releases_mb:
        budget = settings.keep_releases_mb * 1_000_000 - _folder_bytes(keep)
        for count, folder in enumerate(kept):
            budget -= _folder_bytes(folder)
            if budget < 0:
                kept = kept[:count]
                break
    return old[len(kept) :]


def _folder_bytes(folder: Path) -> int:
    """The bytes of the files under ``folder`` (apparent sizes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
