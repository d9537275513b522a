"""A release: the dumps, the dataset description and the diff, written at build time.

The build calls :func:`write_release` on the store it has just filled, before it lands, with
``<store folder>/dumps`` as the target; the files therefore land (or are thrown away) with the
store in the same ``os.replace``. The folder holds::

    museumkg.{ttl,nt,nq,trig,jsonld,rdf}   every format (export.py)
    museumkg.nq.gz, museumkg.nt.gz         compressed, for bulk loaders (the written file,
                                           gzipped: the store is read once per format)
    context.jsonld                         the JSON-LD context of this release, frozen
    void.ttl                               VoID + DCAT (URLs under the base IRI)
    changes.rdfp                           RDF Patch from the previous release, if there was one
    release.json                           all of the above: format, size, triples, sha256,
                                           licence, counts for VoID, the diff's summary

The formats are written concurrently, :data:`DUMP_WORKERS` at a time (pyoxigraph's serializers
and zlib run outside the GIL for much of their work; for a large store on disk each file is
written in a child process: :mod:`museumkg.release.dump_processes`), each gzipped copy as soon
as its file is complete. The VoID counts come first: when the named graphs hold no triple
twice (distinct triples = quads), the union formats need no search for repeated triples; with
an empty default graph, the N-Triples are the N-Quads without their graph names (and
repeats), cut line by line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.config import Settings
from museumkg.release.diff import DiffSummary, diff_stores, write_patch
from museumkg.release.dump_processes import dump_processes, export_in_child, quads_text
from museumkg.release.export import (
    FORMATS,
    export_file,
    has_default_graph,
    load_context,
    ntriples_from_nquads,
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
from museumkg.store import EmbeddedStore, Store, catalog

RELEASE_FILE = "release.json"
DUMPS_DIR = "dumps"
#: The name every dump file starts with (``museumkg.ttl``, ...).
STEM = "museumkg"
#: Formats also written gzip-compressed.
GZIPPED = ("nq", "nt")
#: gzip level of the compressed dumps (6, zlib's default: most of 9's size at twice its speed).
GZIP_LEVEL = 6
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
    started = time.perf_counter()
    stats = collect_stats(store, base_iri)
    say(f"VoID counts: {stats.triples} distinct triples in {time.perf_counter() - started:.2f}s")
    if stats.triples == sum(stats.graphs.values()):
        skip: set[ox.Quad] = set()  # no triple in two named graphs: nothing to skip
    else:  # only properties with more statements than distinct triples have repeats
        quads = property_quads(store)
        repeats = [p for p, n in stats.properties.items() if quads.get(p, n) > n]
        skip = repeated_quads(store, repeats)
    files = _write_dumps(store, target, context, skip, say)
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


def _write_dumps(
    store: Store,
    target: Path,
    context: dict[str, Any],
    skip: set[ox.Quad],
    say: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every format into ``target``, concurrently; the entries of release.json, in order.

    Threads, except for a large store on disk, whose files are written in child processes
    (:mod:`museumkg.release.dump_processes`); the threads then wait for them.
    """

    children = dump_processes(store, DUMP_WORKERS)
    try:
        return _write_dump_files(store, target, context, skip, say, children)
    finally:
        if children is not None:
            children.shutdown()


def _export(
    store: Store,
    path: Path,
    name: str,
    context: dict[str, Any],
    skip: set[ox.Quad],
    children: Executor | None,
    skip_text: bytes,
) -> int:
    """One dump file, in a child process when there are some (a large store on disk)."""
    if children is None:
        return export_file(store, path, name, context=context, skip=skip)
    job = children.submit(export_in_child, str(store.location), str(path), name, context, skip_text)
    return job.result()


def _write_dump_files(
    store: Store,
    target: Path,
    context: dict[str, Any],
    skip: set[ox.Quad],
    say: Callable[[str], None],
    children: Executor | None,
) -> list[dict[str, Any]]:
    skip_text = quads_text(skip) if children is not None and skip else b""

    def dump(name: str, path: Path) -> tuple[int, float]:
        begun = time.perf_counter()
        count = _export(store, path, name, context, skip, children, skip_text)
        seconds = time.perf_counter() - begun
        say(f"dump {path.name}: {count} statements, {path.stat().st_size} bytes, {seconds:.2f}s")
        return count, seconds

    def pack(source: Path, path: Path) -> None:
        begun = time.perf_counter()
        gzip_file(source, path)
        seconds = time.perf_counter() - begun
        say(f"dump {path.name}: {path.stat().st_size} bytes, {seconds:.2f}s")

    def nt_from_nq(source: Path, path: Path) -> tuple[int, float]:
        begun = time.perf_counter()
        count = ntriples_from_nquads(source, path, skip)
        seconds = time.perf_counter() - begun
        say(f"dump {path.name}: {count} statements (from {source.name}), {seconds:.2f}s")
        return count, seconds

    paths = {name: target / f"{STEM}.{fmt.extension}" for name, fmt in FORMATS.items()}
    # with no triple in the default graph, the N-Triples are the N-Quads without graph names
    # (and without the repeats)
    derive_nt = not has_default_graph(store)
    with ThreadPoolExecutor(max_workers=DUMP_WORKERS, thread_name_prefix="dump") as pool:
        first = sorted(paths, key=lambda name: name != "nq")  # N-Quads first: others follow it
        written = {
            name: pool.submit(dump, name, paths[name])
            for name in first
            if not (derive_nt and name == "nt")
        }
        packed: dict[str, Future[None]] = {}
        for name in ("nq", "nt"):
            if name == "nt" and derive_nt:
                written["nq"].result()
                written["nt"] = pool.submit(nt_from_nq, paths["nq"], paths["nt"])
            if name in GZIPPED:
                written[name].result()
                packed[name] = pool.submit(pack, paths[name], _gz(paths[name]))
        counts = {name: future.result()[0] for name, future in written.items()}
        for future in packed.values():
            future.result()
        every = [
            path
            for name in FORMATS
            for path in ((paths[name], _gz(paths[name])) if name in GZIPPED else (paths[name],))
        ]
        digests = {path: pool.submit(sha256_of, path) for path in every}
    files: list[dict[str, Any]] = []
    for name, fmt in FORMATS.items():
        for path in (paths[name], _gz(paths[name])) if name in GZIPPED else (paths[name],):
            files.append(
                _entry(
                    path,
                    "dump",
                    digests[path].result(),
                    format=fmt.name,
                    label=fmt.label,
                    media_type=fmt.media_type,
                    gzip=path.suffix == ".gz",
                    triples=counts[name],
                    dataset=fmt.dataset,
                )
            )
    return files


def _gz(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


def gzip_file(source: Path, target: Path) -> None:
    """Compress ``source`` into ``target``, reproducibly (no name, mtime 0)."""
    with source.open("rb") as data, target.open("wb") as raw:
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL
        ) as packed:
            shutil.copyfileobj(data, packed, 1 << 20)


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
