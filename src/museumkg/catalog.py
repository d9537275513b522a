"""Where the built catalog lives: versioned store folders and the ``current`` pointer.

Layout under ``settings.var_dir``::

    stores/<version-id>/          one pyoxigraph store per build, never modified after it lands
    stores/<version-id>/../<version-id>.json   its manifest (version, inputs hash, counts)
    current -> stores/<version-id>   symlink, replaced atomically (os.replace) by each build

A build writes a new folder and only then moves ``current``; a failed or killed build leaves
``current`` pointing at the previous, complete store.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, StoreUnavailable


@dataclass
class Manifest:
    """What a built store holds and what it was built from."""

    version: str
    inputs_hash: str
    built_at: str
    base_iri: str
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0

    def to_json(self) -> str:
        """Serialize as pretty JSON."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)


def manifest_path(store_dir: Path) -> Path:
    """The manifest file that sits beside a store folder."""
    return store_dir.with_suffix(".json")


def current_store_dir(settings: Settings) -> Path | None:
    """The folder of the store that is serving, or ``None`` if nothing was built yet."""
    link = settings.current_store_link
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def read_manifest(store_dir: Path) -> Manifest | None:
    """Read the manifest of a store folder (``None`` when absent or unreadable)."""
    try:
        data = json.loads(manifest_path(store_dir).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def current_manifest(settings: Settings) -> Manifest | None:
    """The manifest of the serving store, if any."""
    store_dir = current_store_dir(settings)
    return read_manifest(store_dir) if store_dir else None


def open_current(settings: Settings) -> EmbeddedStore:
    """Open the serving store read-only.

    Raises:
        StoreUnavailable: when no catalog has been built yet.
    """
    store_dir = current_store_dir(settings)
    if store_dir is None:
        raise StoreUnavailable(f"no catalog built under {settings.var_dir}: run `museumkg build`")
    return EmbeddedStore(store_dir, read_only=True)


def point_current_at(settings: Settings, store_dir: Path) -> None:
    """Atomically make ``current`` point at ``store_dir`` (a symlink swapped by rename)."""
    link = settings.current_store_link
    tmp = link.with_name(f".current-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(store_dir, link.parent))
    os.replace(tmp, link)
