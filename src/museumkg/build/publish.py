"""What a build adds for the pages, in the new store folder before it lands.

1. the SHACL results as data, in the graph ``{base}graph/quality`` (:mod:`museumkg.checks.quality`);
2. the catalog index ``museumkg-index.sqlite`` (:mod:`museumkg.index.catalog_index`): search,
   class listings, facets;
3. the map's data ``map.json`` (:mod:`museumkg.network.geomap`: institutions with their
   places and coordinates, the default view) and its GeoJSON, ``dumps/museumkg-map.geojson``,
   which the release lists among its files.

Both happen inside the folder the build is writing, so they land (or are thrown away) with the
store in one ``os.replace``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from museumkg.checks.quality import quality_graph, write_quality_graph
from museumkg.config import Settings
from museumkg.index.catalog_index import index_path
from museumkg.index.index_writer import build_index
from museumkg.network.geojson import GEOJSON_FILE, write_geojson
from museumkg.network.mapview import write_map
from museumkg.network.model import NETWORK_FILE, Network, load_network, read_network
from museumkg.records.files import RecordFile
from museumkg.store import Store


def prepare_for_pages(
    store: Store,
    store_dir: Path,
    records: Sequence[RecordFile],
    settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write the quality graph into ``store`` and the catalog index into ``store_dir``.

    Args:
        store: the store being built (writable), already holding ontology and records.
        store_dir: its folder (the index file goes inside).
        records: the validated records (the shapes run over them).
        settings: base IRI, languages, ontology folder.
        progress: called with one line per step.
    """
    say = progress or (lambda _line: None)
    found = write_quality_graph(
        store, records, base_iri=settings.base_iri, ontology_dir=settings.ontology_dir
    )
    say(f"data quality: {found} SHACL result(s) kept in {quality_graph(settings.base_iri)}")
    stats = build_index(
        store,
        index_path(store_dir),
        base_iri=settings.base_iri,
        languages=settings.languages,
        ontology_graph=settings.ontology_graph,
    )
    say(f"catalog index: {stats.entities} entities, {stats.labels} names, {stats.facets} facets")


def _network(store: Store, store_dir: Path, base_iri: str) -> Network:
    """The network the metrics step wrote beside the store, else read from the store."""
    path = store_dir / NETWORK_FILE
    if path.is_file():
        return read_network(path)
    return load_network(store, base_iri)


def write_map_files(
    store: Store,
    store_dir: Path,
    dumps: Path,
    settings: Settings,
    version: str | None = None,
    progress: Callable[[str], None] | None = None,
    network: Network | None = None,
) -> Path:
    """Write ``map.json`` into ``store_dir`` and the map's GeoJSON into ``dumps``; return the
    GeoJSON file's path. ``network``: the store's network with its metrics, when the build
    holds it (else read from the metrics step's file, or from the store)."""
    started = time.perf_counter()
    if network is None:
        network = _network(store, store_dir, settings.base_iri)
    data = write_map(store, network, store_dir, languages=settings.languages, version=version)
    dumps.mkdir(parents=True, exist_ok=True)
    path = write_geojson(data, dumps / GEOJSON_FILE, version)
    if progress is not None:
        stats = data.default["stats"] if data.default else {}
        progress(
            f"map: {stats.get('institutions', 0)} institutions in {stats.get('places', 0)} "
            f"places, {stats.get('arcs', 0)} arcs; "
            f"{stats.get('unplaced_institutions', 0)} without coordinates "
            f"({time.perf_counter() - started:.2f}s)"
        )
    return path
