"""What a build adds for the pages, in the new store folder before it lands.

1. the SHACL results as data, in the graph ``{base}graph/quality`` (:mod:`museumkg.checks.quality`);
2. the catalog index ``museumkg-index.sqlite`` (:mod:`museumkg.index.catalog_index`): search,
   class listings, facets.

Both happen inside the folder the build is writing, so they land (or are thrown away) with the
store in one ``os.replace``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from museumkg.checks.quality import quality_graph, write_quality_graph
from museumkg.config import Settings
from museumkg.index.catalog_index import index_path
from museumkg.index.index_writer import build_index
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
