"""Releases on disk: the versions kept under ``var/stores`` and how to open one for a diff.

A version is named by its id (the store folder's name, ``<date>-<inputs hash>``), by
``current`` (the serving one) or ``previous`` (the newest other kept folder), or by a path: a
store folder, or an N-Quads / TriG dump (optionally ``.gz``), which is bulk-loaded into a
temporary on-disk store for the comparison.
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, Store, catalog


@dataclass(frozen=True)
class Version:
    """A built store folder and when it was built."""

    id: str
    path: Path
    built_at: str


class UnknownVersion(LookupError):
    """A version reference names nothing that can be opened (the message lists what exists)."""


def list_versions(settings: Settings) -> list[Version]:
    """The store folders kept under ``var/stores``, oldest first."""
    if not settings.stores_dir.is_dir():
        return []
    found = []
    for path in settings.stores_dir.iterdir():
        if not path.is_dir() or path.name.startswith(".") or path.name.endswith(".dumps"):
            continue
        manifest = catalog.read_manifest(path)
        found.append(Version(path.name, path, manifest.built_at if manifest else ""))
    return sorted(found, key=lambda v: (v.built_at, v.path.stat().st_mtime))


def previous_version(settings: Settings) -> Version | None:
    """The newest kept version other than the serving one."""
    current = catalog.current_store_dir(settings)
    others = [v for v in list_versions(settings) if v.path != current]
    return others[-1] if others else None


def resolve(reference: str, settings: Settings) -> Path:
    """The store folder or dump file a reference names.

    Raises:
        UnknownVersion: when it names nothing (the message lists the kept versions).
    """
    path: Path | None = None
    if reference == "current":
        path = catalog.current_store_dir(settings)
    elif reference == "previous":
        previous = previous_version(settings)
        path = previous.path if previous else None
    elif (settings.stores_dir / reference).is_dir() and "/" not in reference:
        path = settings.stores_dir / reference
    elif Path(reference).exists():
        path = Path(reference)
    if path is None:
        kept = ", ".join(v.id for v in list_versions(settings)) or "none"
        raise UnknownVersion(
            f"{reference!r} is not a kept version, 'current', 'previous' or a dump file "
            f"(kept versions: {kept})"
        )
    return path


_DUMP_FORMATS = {".nq": "nq", ".trig": "trig"}


@contextmanager
def open_version(reference: str, settings: Settings) -> Iterator[tuple[str, Store]]:
    """Open a version read-only for comparison; yield its label and a store.

    Raises:
        UnknownVersion: see :func:`resolve`; also for a file that is not N-Quads or TriG.
    """
    path = resolve(reference, settings)
    if path.is_dir():
        yield path.name, EmbeddedStore(path, read_only=True)
        return
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    fmt = _DUMP_FORMATS.get(Path(name).suffix)
    if fmt is None:
        raise UnknownVersion(f"{path}: compare N-Quads (.nq) or TriG (.trig) dumps, or versions")
    with tempfile.TemporaryDirectory(prefix="museumkg-diff-") as tmp:
        store = EmbeddedStore(Path(tmp))
        # GzipFile is a binary file object; typeshed does not declare it an IO[bytes]
        gz = path.name.endswith(".gz")
        data = cast(IO[bytes], gzip.open(path, "rb")) if gz else path.open("rb")
        with data:
            store.load(data, format=fmt, graph=None)
        yield path.name, store
        del store
