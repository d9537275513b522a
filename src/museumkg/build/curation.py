"""Adding sources: check new files against the catalog, and import them atomically.

``check_files`` validates new record files together with the catalog (syntax, self-description,
references, unknown terms, SHACL, OWL) and warns about likely duplicates. ``import_files``
adds them so that the import lands whole or not at all, even if the process is killed:

1. check everything; on any error raise :class:`~museumkg.problems.ProblemsFound` (nothing is
   written);
2. *stage*: copy ``data/`` into ``var/imports/<tx>/data`` and put the new files there, then
   write the journal ``var/imports/<tx>/journal.json`` (atomically: temporary file, fsync,
   rename) with the files to add and remove and the inputs hash the new store will carry;
3. *build* the catalog from the staged data; the build writes a new store folder and swaps the
   ``var/current`` link with one ``rename`` (:mod:`museumkg.build.pipeline`): that rename is the
   commit
   point of the whole import;
4. *roll forward*: copy each new file into ``data/sources/`` (temporary name, fsync, rename),
   then delete the journal, then the staging folder.

Crash consistency: if the process dies before step 3's rename, ``current`` still points at the
previous store and ``data/`` is untouched; the next start finds the journal, sees that the
serving store does not carry the journal's inputs hash, and deletes the staging folder (roll
back). If it dies after the rename, the next start sees the serving store carrying the
journal's hash and finishes step 4 (roll forward; every step of it can be repeated). Either
way the store and ``data/`` agree again. :func:`recover` does this; the CLI runs it before
``build``, ``import`` and ``serve``. One lock file (``var/.curation.lock``, ``flock``) keeps
two imports (or an import and a recovery) from running at once; the kernel releases it when a
process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from museumkg.build.pipeline import (
    build_catalog,
    current_inputs_hash,
    ontology_problems,
    read_records,
)
from museumkg.checks.duplicates import likely_duplicates
from museumkg.checks.validate import validate_records
from museumkg.config import Settings
from museumkg.network.rederive import ChangedSources
from museumkg.problems import Problem, ProblemsFound, errors_only
from museumkg.records.files import RECORD_FORMATS, RecordFile, parse_record, record_file
from museumkg.store import catalog
from museumkg.store.catalog import Manifest
from museumkg.testhooks import pause_point

Progress = Callable[[str], None]
JOURNAL = "journal.json"
#: Problems after which a file has no usable triples (the other checks are then skipped).
FATAL = frozenset(
    {"syntax", "encoding", "empty-file", "file-size", "file-format", "file-missing", "no-records"}
    | {"ontology-missing", "file-name", "duplicate-source"}
)


def _quiet(_message: str) -> None:
    pass


@dataclass
class Checked:
    """The outcome of checking new files against the catalog."""

    new: list[RecordFile]
    replaced: list[RecordFile]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings allowed)."""
        return not errors_only(self.problems)


# Complexity: one flat pass over the files, each check reporting its own problem and moving on;
# split, the checks would lose their order
def check_files(  # noqa: C901
    paths: Sequence[Path],
    settings: Settings,
    *,
    replace: bool = False,
    remove: Sequence[str] = (),
    progress: Progress = _quiet,
) -> Checked:
    """Validate new record files together with the catalog in ``settings.data_dir``.

    Every check runs on the catalog as it would be after importing the files: parsing (UTF-8,
    size, syntax, the source describing itself, subjects under the base), references to
    entities defined in the catalog or the same files, unknown ontology terms, SHACL shapes and
    OWL consistency. Likely duplicates (a new id whose names match an existing institution or
    person) are warnings.

    Args:
        paths: the files (``.ttl``, ``.jsonld``, ``.yaml``); the file name is the source's id.
        settings: the catalog (data, ontology, base IRI, size limit, OWL on/off).
        replace: allow a file to replace the catalog's source of the same id (an update).
            A file that *is* the catalog's file (same path) always replaces itself.
        remove: IRIs of source graphs to take out of the catalog (their files are removed).
        progress: called with one line per step.

    Returns:
        the parsed new records, the catalog records they replace or remove, and every problem.
    """
    base = settings.base_iri
    progress(f"reading the catalog under {settings.data_dir}")
    existing, catalog_problems = read_records(settings)
    problems: list[Problem] = []
    by_graph = {record.graph: record for record in existing}
    new: list[RecordFile] = []
    replaced: list[RecordFile] = []
    seen: dict[str, RecordFile] = {}
    for path in paths:
        record = record_file(path, base, root=Path.cwd())
        if path.suffix not in RECORD_FORMATS:
            problems.append(
                Problem(
                    "file-format",
                    f"{path.name!r} is not a record file",
                    file=record.display,
                    hint="records are .ttl, .jsonld or .yaml files; tables (CSV) are converted "
                    "into records by `museumkg ingest-catalog-sources`",
                )
            )
            continue
        if not path.is_file():
            problems.append(Problem("file-missing", "no such file", file=record.display))
            continue
        problems += parse_record(record, base, max_bytes=settings.max_record_bytes)
        if record.graph in seen:
            problems.append(
                Problem(
                    "duplicate-source",
                    f"two files fill the same source graph (also {seen[record.graph].display})",
                    file=record.display,
                    record=f"id/source/{record.slug}",
                    hint="one file per source: merge them or rename one",
                )
            )
            continue
        seen[record.graph] = record
        old = by_graph.get(record.graph)
        if old is not None:
            same_file = old.path.resolve() == path.resolve()
            if not (replace or same_file):
                problems.append(
                    Problem(
                        "duplicate-source",
                        f"the catalog already has the source id/source/{record.slug} "
                        f"({old.display})",
                        file=record.display,
                        record=f"id/source/{record.slug}",
                        hint="rename the file if it is another source; to update the existing "
                        "one, use --replace",
                    )
                )
            replaced.append(old)
        new.append(record)
    for graph in remove:
        if graph not in by_graph:
            problems.append(
                Problem(
                    "not-found",
                    f"the catalog has no source <{graph}>",
                    record=graph,
                    hint="name a source graph of the catalog: {base}id/source/<slug>",
                )
            )
        elif by_graph[graph] not in replaced:
            replaced.append(by_graph[graph])
    kept = [r for r in existing if r not in replaced]
    # the catalog's own parse problems matter only for files that stay in it
    problems += [p for p in catalog_problems if p.file not in {r.display for r in replaced}]
    problems += ontology_problems(settings)
    # Go on to the catalog-wide checks unless a file could not be read at all: a YAML record
    # with a bad value still gives its other triples, and every problem is reported at once.
    if not any(p.rule in FATAL for p in errors_only(problems)):
        combined = kept + new
        progress(f"validating {len(new)} file(s) with {len(kept)} catalog source(s)")
        problems += validate_records(
            combined,
            base_iri=base,
            ontology_dir=settings.ontology_dir,
            check_owl=settings.check_owl,
        )
        problems += likely_duplicates(
            new, kept, base_iri=base, ontology_path=settings.ontology_dir / "museumkg.ttl"
        )
    new_files = {r.display for r in new}
    problems.sort(key=lambda p: (p.file not in new_files, p.file or "", p.line or 0, p.rule))
    return Checked(new=new, replaced=replaced, problems=problems)


# ---------------------------------------------------------------------------------------------
# Atomic import
# ---------------------------------------------------------------------------------------------


@dataclass
class Journal:
    """What an import is about to do, written before the store can change."""

    tx: str
    inputs_hash: str
    #: path under data/ (``sources/x.yaml``) → SHA-256 of its bytes (the staged copy installs)
    adds: dict[str, str] = field(default_factory=dict)
    #: paths under data/ to remove (sources replaced by a file of another name or folder)
    removes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """Serialize as JSON."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)


@dataclass
class Imported:
    """What an import did."""

    files: list[str]
    manifest: Manifest
    warnings: list[Problem]
    removed: list[str] = field(default_factory=list)


def imports_dir(settings: Settings) -> Path:
    """Where imports stage their data and keep their journals."""
    return settings.var_dir / "imports"


@contextlib.contextmanager
def curation_lock(settings: Settings) -> Iterator[None]:
    """Hold the curation lock (one import or recovery at a time).

    Raises:
        ProblemsFound: (rule ``busy``) when another process holds it.
    """
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / ".curation.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise ProblemsFound(
                [
                    Problem(
                        "busy",
                        "another import is running on this catalog",
                        file=str(path),
                        hint="wait for it to finish, then retry",
                    )
                ]
            ) from err
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def import_files(
    paths: Sequence[Path],
    settings: Settings,
    *,
    replace: bool = False,
    remove: Sequence[str] = (),
    folders: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Imported:
    """Check the files, then add them to ``data/sources/`` and rebuild, all or nothing.

    Args:
        paths: record files to add (``.ttl``, ``.jsonld``, ``.yaml``).
        settings: the catalog.
        replace: allow replacing the catalog's sources of the same ids.
        remove: IRIs of source graphs to take out of the catalog in the same step.
        folders: file name → folder of ``data/`` it goes to (default ``sources``), e.g.
            ``{"topics.yaml": "vocabularies"}``.
        progress: called with one line per step.

    Returns:
        the file names added, the new store's manifest and the warnings.

    Raises:
        ProblemsFound: when a file has errors (nothing is written), or another import runs.
    """
    say = progress or _quiet
    with curation_lock(settings):
        recover(settings, say, locked=True)
        checked = check_files(paths, settings, replace=replace, remove=remove, progress=say)
        if not checked.ok:
            raise ProblemsFound(checked.problems)
        tx = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        staging = imports_dir(settings) / tx
        staged_data = staging / "data"
        try:
            journal = _stage(checked, settings, staging, staged_data, tx, folders or {})
            say(f"staged {len(journal.adds)} file(s) in {staging}; journal written")
            pause_point("import:staged")
            manifest = build_catalog(
                settings.with_overrides(data_dir=staged_data),
                progress=progress,
                changed=changed_sources(settings, checked),
            )
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # roll back: data/ was never touched
            raise
        pause_point("import:landed")
        _roll_forward(settings, staging, journal, say)
    warnings = [p for p in checked.problems if p.severity != "error"]
    return Imported(
        files=sorted(journal.adds),
        manifest=manifest,
        warnings=warnings,
        removed=sorted(journal.removes),
    )


def changed_sources(settings: Settings, checked: Checked) -> ChangedSources | None:
    """What an import changes, so that the build derives incrementally from the serving store.

    ``None`` (derive in full) when nothing is built yet, or the serving store does not match
    data/, the ontology and the rules as they are (then more than the imported files changed).
    """
    manifest = catalog.current_manifest(settings)
    previous = catalog.current_store_dir(settings)
    if manifest is None or previous is None or manifest.base_iri != settings.base_iri:
        return None
    if manifest.inputs_hash != current_inputs_hash(settings):
        return None
    quads = tuple(q for record in (*checked.replaced, *checked.new) for q in record.quads)
    return ChangedSources(previous=previous, quads=quads)


def _stage(
    checked: Checked,
    settings: Settings,
    staging: Path,
    staged_data: Path,
    tx: str,
    folders: dict[str, str],
) -> Journal:
    """Copy data/ with the new files into ``staged_data``; write the journal last."""
    staging.mkdir(parents=True)
    shutil.copytree(settings.data_dir, staged_data, ignore=shutil.ignore_patterns(".*"))
    journal = Journal(tx=tx, inputs_hash="")
    for record in checked.new:
        relative = f"{folders.get(record.path.name, 'sources')}/{record.path.name}"
        data = record.path.read_bytes()
        (staged_data / relative).parent.mkdir(parents=True, exist_ok=True)
        (staged_data / relative).write_bytes(data)
        journal.adds[relative] = hashlib.sha256(data).hexdigest()
    data_dir = settings.data_dir.resolve()
    for old in checked.replaced:
        try:
            relative = str(old.path.resolve().relative_to(data_dir))
        except ValueError:
            continue
        if relative not in journal.adds:
            (staged_data / relative).unlink(missing_ok=True)
            journal.removes.append(relative)
    journal.inputs_hash = current_inputs_hash(settings.with_overrides(data_dir=staged_data))
    _write_atomically(staging / JOURNAL, journal.to_json().encode("utf-8"))
    return journal


def _roll_forward(settings: Settings, staging: Path, journal: Journal, say: Progress) -> None:
    """Install the staged files into data/ (idempotent), then forget the import."""
    for relative in sorted(journal.adds):
        target = settings.data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, (staging / "data" / relative).read_bytes())
    for relative in journal.removes:
        (settings.data_dir / relative).unlink(missing_ok=True)
        _fsync_dir((settings.data_dir / relative).parent)
    (staging / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    say(f"installed {', '.join(sorted(journal.adds))} in {settings.data_dir}")


def recover(settings: Settings, progress: Progress | None = None, *, locked: bool = False) -> None:
    """Finish or undo imports that a crash interrupted (see the module docstring).

    Safe to call at any time; does nothing when there is nothing to recover, or when another
    process holds the curation lock (that import is alive, not interrupted).
    """
    say = progress or _quiet
    folder = imports_dir(settings)
    if not folder.is_dir():
        return
    if not locked:
        try:
            with curation_lock(settings):
                recover(settings, progress, locked=True)
        except ProblemsFound:
            return
        return
    manifest = catalog.current_manifest(settings)
    for staging in sorted(p for p in folder.iterdir() if p.is_dir()):
        journal_path = staging / JOURNAL
        if not journal_path.is_file():
            shutil.rmtree(staging, ignore_errors=True)  # died before the journal: nothing began
            say(f"removed an unfinished import stage {staging.name}")
            continue
        journal = Journal(**json.loads(journal_path.read_text(encoding="utf-8")))
        if manifest is not None and manifest.inputs_hash == journal.inputs_hash:
            say(f"import {journal.tx} had landed: installing its files")
            _roll_forward(settings, staging, journal, say)
        else:
            say(f"import {journal.tx} had not landed: rolling it back")
            shutil.rmtree(staging, ignore_errors=True)


def content_checksum(settings: Settings) -> tuple[int, str]:
    """Triple count and SHA-256 of the content of the serving store.

    The digest is over the sorted N-Quads, with blank nodes given canonical names (RDFC-style,
    by rdflib's canonicalisation, graph by graph), so two stores with the same content have the
    same checksum whatever their folder, version or blank node labels.
    """
    store = catalog.open_current(settings)
    try:
        quads = list(store.quads())
    finally:
        store.close()
    lines: list[str] = []
    with_blanks: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            with_blanks.setdefault(str(quad.graph_name), []).append(quad)
        else:
            lines.append(str(quad))
    for graph, group in with_blanks.items():
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in group)
        data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        canonical = to_canonical_graph(rdflib.Graph().parse(data=data, format="nt"))
        lines += [f"{line} {graph}" for line in canonical.serialize(format="nt").splitlines()]
    digest = hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()
    return len(quads), digest
