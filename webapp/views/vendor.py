"""Blueprint ``/vendor/...``: browser libraries served from ``node_modules``, never copied in.

``make setup`` installs them with ``npm ci`` from ``package.json`` and ``package-lock.json``
(pinned versions, integrity hashes). Only the files named in :data:`FILES` are served, each
from its package's build folder, so no request can reach anything else under
``node_modules``. A missing file answers 404 and logs once that ``make setup`` installs it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from flask.wrappers import Response

from museumkg.config import PROJECT_DIR

log = logging.getLogger("museumkg.web")

#: Where ``npm ci`` puts the packages when run in a checkout (``make setup``).
DEFAULT_NODE_MODULES = PROJECT_DIR / "node_modules"

#: Library → (package folder under node_modules, folder of its built files, files served).
#: YASGUI's build bundles its editor (YASQE), results view (YASR) and their CSS in one file
#: each; the source maps only matter to a browser's developer tools.
FILES: dict[str, tuple[str, str, frozenset[str]]] = {
    "yasgui": (
        "@zazuko/yasgui",
        "build",
        frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}),
    ),
    # The network page (webapp/views/network.py) draws the partnership graph with Cytoscape.js.
    "cytoscape": ("cytoscape", "dist", frozenset({"cytoscape.min.js"})),
    # The map page (webapp/views/map.py): Leaflet and its marker-cluster plugin, over Natural
    # Earth's country outlines (world-atlas, TopoJSON) read with topojson-client. No tiles.
    "leaflet": ("leaflet", "dist", frozenset({"leaflet.js", "leaflet.css"})),
    "leaflet.markercluster": (
        "leaflet.markercluster",
        "dist",
        frozenset({"leaflet.markercluster.js", "MarkerCluster.css"}),
    ),
    "topojson-client": ("topojson-client", "dist", frozenset({"topojson-client.min.js"})),
    "world-atlas": ("world-atlas", "", frozenset({"countries-50m.json", "countries-110m.json"})),
}

#: Browsers may cache a file this long; URLs carry the package version (``?v=``), so an
#: upgrade changes the URL.
CACHE_SECONDS = 24 * 3600


def package_version(node_modules: Path, library: str) -> str | None:
    """The installed version of ``library``'s npm package, or ``None`` when not installed."""
    package, _build, _files = FILES[library]
    try:
        meta = json.loads((node_modules / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = meta.get("version")
    return version if isinstance(version, str) else None


def create_blueprint(node_modules: Path = DEFAULT_NODE_MODULES) -> Blueprint:
    """A blueprint serving the whitelisted files of :data:`FILES` from ``node_modules``."""
    bp = Blueprint("vendor", __name__, url_prefix="/vendor")
    warned: set[str] = set()

    @bp.get("/<library>/<filename>")
    def asset(library: str, filename: str) -> Response:
        """One built file of a browser library; 404 for anything not whitelisted."""
        entry = FILES.get(library)
        if entry is None or filename not in entry[2]:
            abort(404)
        package, build, _files = entry
        folder = node_modules / package / build
        if not (folder / filename).is_file():
            if library not in warned:
                warned.add(library)
                log.error(
                    "browser library %s is not installed (%s missing): run `make setup` "
                    "(npm ci) in the project folder",
                    package,
                    folder / filename,
                )
            abort(404, f"{package} is not installed on this server; run `make setup`.")
        return send_from_directory(folder, filename, max_age=CACHE_SECONDS)

    return bp


#: The blueprint the app registers (``node_modules`` of the project folder).
bp = create_blueprint()
