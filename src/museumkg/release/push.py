"""Copy a built catalog into another store (a production SPARQL server), graph by graph."""

from __future__ import annotations

import io
from collections.abc import Iterator

from museumkg.store import Store, StoreError


def push_catalog(source: Store, target: Store) -> Iterator[tuple[str, int]]:
    """Replace each of ``source``'s named graphs in ``target``; yield (graph, triples) as it goes.

    Each graph is sent whole in one Graph Store PUT, so a reader of the server sees either the
    old or the new version of a graph, never half of one.

    Raises:
        StoreError: naming the graph that failed; graphs before it are already replaced.
    """
    for graph in source.graphs():
        buffer = io.BytesIO()
        source.dump(buffer, format="nt", graph=graph)
        try:
            target.replace_graph(graph, buffer.getvalue(), format="nt")
        except StoreError as err:
            raise StoreError(f"pushing {graph} failed: {err}") from err
        yield graph, target.count(graph)
