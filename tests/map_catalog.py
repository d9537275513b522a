"""A generated catalog with coordinates, for the map's tests, and a live server over it.

The planted network of ``network_catalog.py`` (made-up institutions in real Central Asian
cities, their cities given rounded real coordinates), plus one generated city without
coordinates and one institution there, so the map has something it cannot draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from network_catalog import PlantedCatalog, write_catalog
from servers import museumkg_server

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings

#: How many institutions the map's catalog has (besides the one without coordinates).
INSTITUTIONS = 30
#: The institution whose city has no coordinates.
UNPLACED = "nowhere-archive"
#: An institution a record places only in a country (drawn at the country's point).
COUNTRY_ONLY = "kyrgyz-fund"


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
            f'<id/org/{COUNTRY_ONLY}> a mkg:Foundation ; skos:prefLabel "Kyrgyz Fund"@en ; '
            "mkg:location <id/place/kg> .\n"
        )
    settings = Settings(var_dir=root / "var", data_dir=root / "data", check_owl=False)
    build_catalog(settings)
    return settings, planted


@contextmanager
def serve(settings: Settings, log_path: Path) -> Iterator[str]:
    """A real ``museumkg serve`` over ``settings``' catalog; yields its base URL."""
    with museumkg_server(settings, "--threads", "4", log=log_path) as server:
        yield server.url
