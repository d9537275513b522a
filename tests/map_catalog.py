"""A generated catalog with coordinates, for the map's tests, and a live server over it.

The planted network of ``network_catalog.py`` (made-up institutions in real Central Asian
cities, their cities given rounded real coordinates), plus one generated city without
coordinates and one institution there, so the map has something it cannot draw.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import PROJECT_DIR, _server_env, _wait_until_ready
from network_catalog import PlantedCatalog, write_catalog
from servers import free_port

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings

#: How many institutions the map's catalog has (besides the one without coordinates).
INSTITUTIONS = 30
#: The institution whose city has no coordinates.
UNPLACED = "nowhere-archive"


def build_map_catalog(
    root: Path, institutions: int = INSTITUTIONS
) -> tuple[Settings, PlantedCatalog]:
    """Write and build the map's catalog under ``root``; return its settings and plan."""
    planted = write_catalog(root / "data", institutions, seed=11, coordinates=True)
    directory = root / "data" / "vocabularies" / "synthetic-directory.ttl"
    with directory.open("a", encoding="utf-8") as out:
        out.write(
            '<id/place/unmapped-town> a mkg:City ; skos:prefLabel "Unmapped Town"@en ; '
            "mkg:country <id/place/kz> .\n"
            f'<id/org/{UNPLACED}> a mkg:Library ; skos:prefLabel "Nowhere Archive"@en ; '
            "mkg:location <id/place/unmapped-town> .\n"
        )
    settings = Settings(var_dir=root / "var", data_dir=root / "data", check_owl=False)
    build_catalog(settings)
    return settings, planted


@contextmanager
def serve(settings: Settings, log_path: Path) -> Iterator[str]:
    """A real ``museumkg serve`` over ``settings``' catalog; yields its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "museumkg.cli.main", "serve", "--no-build"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", "4"]
    with log_path.open("wb") as stderr:
        proc = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=_server_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    if not _wait_until_ready(proc, url, log_path):
        raise RuntimeError(log_path.read_text(encoding="utf-8", errors="replace"))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
