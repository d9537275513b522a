"""A release: the dumps, the dataset description and the diff, written at build time.

The build calls :func:`write_release` on the store it has just filled, before it lands, with
``<store folder>/dumps`` as the target; the files therefore land (or are thrown away) with the
store in the same ``os.replace``. The folder holds::

    museumkg.{ttl,nt,nq,trig,jsonld,rdf}.gz  every format (export.py, nquads_dumps.py),
                                           gzip-compressed only (packed.py); the web app
                                           serves the plain files from them
    context.jsonld                         the JSON-LD context of this release, frozen
    void.ttl                               VoID + DCAT (URLs under the base IRI)
    changes.rdfp                           RDF Patch from the previous release, if there was one
    release.json                           all of the above: format, size, triples, sha256,
                                           licence, counts for VoID, the diff's summary

The store is read once for the dumps: into ``museumkg.nq`` (:meth:`pyoxigraph.Store.dump`, in
Rust, outside the GIL), while the VoID counts run. The counts tell whether any triple is in two
named graphs (distinct triples < quads); only then are the repeats looked for, which the union
formats leave out. With an empty default graph (every built catalog), every other format is
written from the N-Quads file (:mod:`museumkg.release.nquads_dumps`: parsing it back costs a
tenth of reading the store), for a large release in child processes
(:mod:`museumkg.release.dump_processes`, :data:`DUMP_WORKERS` of them); otherwise each from
the store, in threads. Each format is written through gzip (its plain size and SHA-256
counted as it is written, for release.json); the plain N-Quads file, which the others are
written from, is compressed as soon as it is complete and removed once they are all written.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.config import Settings
from museumkg.release.diff import DiffSummary, diff_stores, write_patch
from museumkg.release.dump_processes import dump_in_child, dump_processes, quads_text
from museumkg.release.export import (
    FORMATS,
    export_file,
    export_packed,
    has_default_graph,
    load_context,
    repeated_quads,
)
from museumkg.release.metadata import (
    LICENCE,
    DatasetStats,
    Site,
    collect_stats,
    describe_dataset,
    property_quads,
    serialize_description,
)
from museumkg.release.nquads_dumps import dump_from_nquads
from museumkg.release.packed import Content, Dumped, pack_file
from museumkg.store import EmbeddedStore, Store, catalog

RELEASE_FILE = "release.json"
DUMPS_DIR = "dumps"
#: The name every dump file starts with (``museumkg.ttl``, ...).
STEM = "museumkg"
#: Dump files written at the same time.
DUMP_WORKERS = max(2, min(4, os.cpu_count() or 1))
PATCH_FILE = "changes.rdfp"
CONTEXT_FILE = "context.jsonld"
VOID_FILE = "void.ttl"
#: Media types of the files other build steps add to a release, by suffix.
EXTRA_MEDIA_TYPES = {".geojson": "application/geo+json", ".json": "application/json"}


def dumps_dir(store_dir: Path) -> Path:
    """Where the release files of the store in ``store_dir`` are."""
    return store_dir / DUMPS_DIR


def read_release(store_dir: Path) -> dict[str, Any] | None:
    """The ``release.json`` of a store folder, or ``None`` when it has none."""
    try:
        data = json.loads((dumps_dir(store_dir) / RELEASE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(path: Path, kind: str, digest: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "name": path.name,
        "kind": kind,
        "size": path.stat().st_size,
        "sha256": digest or sha256_of(path),
        **extra,
    }


def write_release(
    store: Store,
    target: Path,
    *,
    version: str,
    built_at: str,
    base_iri: str,
    title: str,
    ontology_dir: Path,
    previous: Path | None = None,
    progress: Callable[[str], None] | None = None,
    extra_files: Sequence[Path] = (),
) -> dict[str, Any]:
    """Write every dump, the description and the diff into ``target``; return release.json.

    Args:
        store: the store of the release (the build's, still open).
        target: the folder to write (created).
        version: the release's version id.
        built_at: when it was built (ISO 8601).
        base_iri: the dataset base.
        title: the dataset title.
        ontology_dir: where ``context.jsonld`` is.
        previous: the previous release's store folder, to diff against.
        progress: called with one line per file.
        extra_files: files already written into ``target`` by other build steps (the map's
            GeoJSON), listed in release.json by their media type (:data:`EXTRA_MEDIA_TYPES`).
    """
    say = progress or (lambda _line: None)
    target.mkdir(parents=True, exist_ok=True)
    context = load_context(ontology_dir)
    paths = {name: target / f"{STEM}.{fmt.extension}" for name, fmt in FORMATS.items()}
    try:
        with ThreadPoolExecutor(max_workers=len(paths) + 4, thread_name_prefix="dump") as pool:
            # the one read of the whole store (Rust, outside the GIL), beside the VoID counts,
            # into the plain N-Quads file the other formats are written from
            dump_nq = partial(export_file, store, paths["nq"], "nq")
            nquads = pool.submit(_timed, say, paths["nq"], dump_nq)
            started = time.perf_counter()
            stats = collect_stats(store, base_iri)
            took = time.perf_counter() - started
            say(f"VoID counts: {stats.triples} distinct triples in {took:.2f}s")
            skip = _repeats(store, stats)
            files = _write_dumps(store, paths, context, skip, say, pool, nquads)
    finally:
        paths["nq"].unlink(missing_ok=True)  # only its compressed copy is kept
    context_path = target / CONTEXT_FILE
    context_path.write_text(json.dumps(context, ensure_ascii=False, indent=2) + "\n", "utf-8")
    files.append(_entry(context_path, "context", media_type="application/ld+json"))
    for path in extra_files:
        media_type = EXTRA_MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        files.append(_entry(path, "extra", media_type=media_type))

    release: dict[str, Any] = {
        "version": version,
        "built_at": built_at,
        "base_iri": base_iri,
        "title": title,
        "licence": LICENCE,
        "stats": stats.as_dict(),
        "diff": None,
        "files": files,
    }
    if previous is not None:
        release["diff"] = _write_diff(store, previous, target, version)
        files.append(_entry(target / PATCH_FILE, "diff", media_type="text/rdf-patch"))
        say(f"diff from {previous.name}: +{release['diff']['added']} -{release['diff']['removed']}")
    void_path = target / VOID_FILE
    triples = describe_dataset(
        base_iri=base_iri, title=title, stats=stats, release=release, site=Site(base_iri)
    )
    void_path.write_bytes(serialize_description(triples, "ttl"))
    files.append(_entry(void_path, "description", media_type="text/turtle", triples=len(triples)))
    (target / RELEASE_FILE).write_text(
        json.dumps(release, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
    )
    return release


def _repeats(store: Store, stats: DatasetStats) -> set[ox.Quad]:
    """The quads the union formats leave out: none when no triple is in two named graphs."""
    if stats.triples == sum(stats.graphs.values()):
        return set()
    # only properties with more statements than distinct triples have repeats
    quads = property_quads(store)
    return repeated_quads(store, [p for p, n in stats.properties.items() if quads.get(p, n) > n])


def _timed(say: Callable[[str], None], path: Path, write: Callable[[], int], note: str = "") -> int:
    """Run ``write`` (it writes ``path``), report the file, return its statement count."""
    begun = time.perf_counter()
    count = write()
    seconds = time.perf_counter() - begun
    size = path.stat().st_size
    say(f"dump {path.name}: {count} statements{note}, {size} bytes, {seconds:.2f}s")
    return count


def _timed_packed(
    say: Callable[[str], None], path: Path, write: Callable[[], Dumped], note: str = ""
) -> Dumped:
    """Run ``write`` (it writes ``path`` compressed), report the file, return what it wrote."""
    begun = time.perf_counter()
    dumped = write()
    seconds = time.perf_counter() - begun
    size, plain = path.stat().st_size, dumped.content.size
    say(
        f"dump {path.name}: {dumped.statements} statements{note}, {size} bytes"
        f" ({plain} uncompressed), {seconds:.2f}s"
    )
    return dumped


#: The formats written from the N-Quads file by a child process (when there are some), the
#: longest first.
FROM_NQUADS = ("jsonld", "rdfxml", "ttl", "trig")


def _write_dumps(
    store: Store,
    paths: dict[str, Path],
    context: dict[str, Any],
    skip: set[ox.Quad],
    say: Callable[[str], None],
    pool: Executor,
    nquads: Future[int],
) -> list[dict[str, Any]]:
    """Every format, gzip-compressed (the N-Quads being written plain by ``nquads``, then
    compressed), and the checksums; the entries of release.json, in order: each format's
    plain file (kept only compressed: its size and SHA-256 are the content's), then its
    compressed file.

    With no triple in the default graph (every built catalog), each format is written from
    the N-Quads file (:mod:`museumkg.release.nquads_dumps`), in a child process for a large
    release (:mod:`museumkg.release.dump_processes`); else from the store, in threads.
    """
    from_nq = not has_default_graph(store)
    children = dump_processes(store.count(), DUMP_WORKERS) if from_nq else None
    try:
        return _write_dump_files(store, paths, context, skip, say, pool, nquads, children, from_nq)
    finally:
        if children is not None:
            children.shutdown()


def _write_dump_files(
    store: Store,
    paths: dict[str, Path],
    context: dict[str, Any],
    skip: set[ox.Quad],
    say: Callable[[str], None],
    pool: Executor,
    nquads: Future[int],
    children: Executor | None,
    from_nq: bool,
) -> list[dict[str, Any]]:
    source = paths["nq"]
    packed = {name: packed_path(path) for name, path in paths.items()}
    skip_text = quads_text(skip) if children is not None and skip else b""

    def write(name: str) -> Dumped:
        if not from_nq:
            return export_packed(store, packed[name], name, context=context, skip=skip)
        nquads.result()
        if children is None or name not in FROM_NQUADS:
            return dump_from_nquads(source, packed[name], name, context=context, skip=skip)
        args = (str(source), str(packed[name]), name, context, skip_text)
        return children.submit(dump_in_child, *args).result()

    def pack_nquads() -> Dumped:
        count = nquads.result()
        return Dumped(count, pack_file(source, packed["nq"]))

    note = f" (from {source.name})" if from_nq else ""
    written = {"nq": pool.submit(_timed_packed, say, packed["nq"], pack_nquads)} | {
        name: pool.submit(_timed_packed, say, packed[name], partial(write, name), note)
        for name in (*FROM_NQUADS, "nt")
    }
    dumped = {name: future.result() for name, future in written.items()}
    digests = {name: pool.submit(sha256_of, path) for name, path in packed.items()}
    files: list[dict[str, Any]] = []
    for name, fmt in FORMATS.items():
        about = {
            "format": fmt.name,
            "label": fmt.label,
            "media_type": fmt.media_type,
            "triples": dumped[name].statements,
            "dataset": fmt.dataset,
        }
        files.append(_plain_entry(paths[name], packed[name], dumped[name].content, about))
        files.append(_entry(packed[name], "dump", digests[name].result(), gzip=True, **about))
    return files


def _plain_entry(
    path: Path, stored: Path, content: Content, about: dict[str, Any]
) -> dict[str, Any]:
    """The release.json entry of a plain dump kept only compressed, in ``stored``: its size
    and SHA-256 are the uncompressed content's."""
    return {
        "name": path.name,
        "kind": "dump",
        "size": content.size,
        "sha256": content.sha256,
        "stored": stored.name,
        "gzip": False,
        **about,
    }


def packed_path(path: Path) -> Path:
    """The compressed file of a dump (``museumkg.ttl`` → ``museumkg.ttl.gz``)."""
    return path.with_name(path.name + ".gz")


def _write_diff(store: Store, previous: Path, target: Path, version: str) -> dict[str, Any]:
    old = EmbeddedStore(previous, read_only=True)
    summary = DiffSummary(old=previous.name, new=version)
    header = {"id": f'"{version}"', "prev": f'"{previous.name}"'}
    with (target / PATCH_FILE).open("wb") as out:
        write_patch(diff_stores(old, store, summary), out, header=header)
    old.close()
    data = summary.as_dict()
    data["previous"] = previous.name
    data["file"] = PATCH_FILE
    return data


def stats_of(release: dict[str, Any] | None) -> DatasetStats | None:
    """The VoID counts kept in a release, if any."""
    if not release or not isinstance(release.get("stats"), dict):
        return None
    return DatasetStats.from_dict(release["stats"])


def publish_release(
    store: Store,
    work_dir: Path,
    settings: Settings,
    version: str,
    built_at: str | None = None,
    progress: Callable[[str], None] | None = None,
    extra_files: Sequence[Path] = (),
) -> dict[str, Any]:
    """The build's release step: :func:`write_release` into ``work_dir/dumps``, listing
    ``extra_files`` (written there by earlier steps) among its files.

    The previous release is the store serving now (``current``, before this build lands).
    """
    current = catalog.current_store_dir(settings)
    stamp = built_at or datetime.now(UTC).replace(microsecond=0).isoformat()
    return write_release(
        store,
        dumps_dir(work_dir),
        version=version,
        built_at=stamp,
        base_iri=settings.base_iri,
        title=settings.dataset_title,
        ontology_dir=settings.ontology_dir,
        previous=current if current is not None and current != work_dir else None,
        progress=progress,
        extra_files=extra_files,
    )
