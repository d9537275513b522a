"""Where the built catalog lives: versioned store folders and the ``current`` pointer.

Layout under ``settings.var_dir``::

    stores/<version-id>/          one pyoxigraph store per build, never modified after it lands
    stores/<version-id>/../<version-id>.json   its manifest (version, inputs hash, counts)
    current -> stores/<version-id>   symlink, replaced atomically (os.replace) by each build
    releases.log                 every release id that was made current, one a line (so the
                                 server can tell a pruned release, 410, from an unknown one)

A build writes a new folder and only then moves ``current``; a failed or killed build leaves
``current`` pointing at the previous, complete store.

:func:`open_serving` opens what the app and the CLI answer from: that embedded store, or, when
``settings.endpoint`` names a SPARQL server, a remote store over it paired with the local build
folder (whose index, network files and dumps go with the catalog pushed to the server).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, Store, StoreUnavailable, open_store


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


def open_remote(
    settings: Settings, *, read_only: bool = True, timeout_s: float | None = None
) -> Store:
    """A store over the SPARQL server of ``settings.endpoint`` (credentials from settings).

    Its ``path`` is the local build folder when there is one (``None`` otherwise).

    Raises:
        StoreUnavailable: when no endpoint is configured.
    """
    if not settings.endpoint:
        raise StoreUnavailable("no SPARQL server configured (MUSEUMKG_ENDPOINT or --endpoint)")
    return open_store(
        settings.endpoint,
        read_only=read_only,
        update_url=settings.update_endpoint or None,
        store_url=settings.store_endpoint or None,
        user=settings.endpoint_user or None,
        password=settings.endpoint_password or None,
        timeout_s=settings.query_timeout_s if timeout_s is None else timeout_s,
        dialect=settings.endpoint_dialect or None,
        path=current_store_dir(settings),
    )


def open_serving(settings: Settings) -> Store:
    """The store to answer from: the SPARQL server of ``settings.endpoint`` if set, else the
    embedded ``current`` store, read-only.

    Raises:
        StoreUnavailable: when nothing was built (remote mode needs the local build folder too:
            search, listings, the network and the downloads are read from it).
    """
    if not settings.endpoint:
        return open_current(settings)
    if current_store_dir(settings) is None:
        raise StoreUnavailable(
            f"serving from {settings.endpoint} needs the catalog's local build folder under "
            f"{settings.var_dir} (index, network, downloads): run `museumkg build` first"
        )
    return open_remote(settings)


def release_log(settings: Settings) -> Path:
    """The file listing every release id that was made current, oldest first."""
    return settings.var_dir / "releases.log"


def landed_releases(settings: Settings) -> list[str]:
    """Every release id that was made current here, oldest first (empty if none was logged)."""
    try:
        text = release_log(settings).read_text(encoding="utf-8")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def point_current_at(settings: Settings, store_dir: Path) -> None:
    """Atomically make ``current`` point at ``store_dir`` (a symlink swapped by rename), and
    log its release id (:func:`release_log`)."""
    with release_log(settings).open("a", encoding="utf-8") as log:
        log.write(store_dir.name + "\n")
    link = settings.current_store_link
    tmp = link.with_name(f".current-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(store_dir, link.parent))
    os.replace(tmp, link)
