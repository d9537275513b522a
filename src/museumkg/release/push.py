"""Copy a built catalog into another store (a production SPARQL server), graph by graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import pyoxigraph as ox

from museumkg.store import Store, StoreError

#: Triples per request. A graph up to this size is replaced in one Graph Store ``PUT``; a larger
#: one (the derived graph: 1.28 million triples in a catalog of 10^6) as a ``PUT`` of its first
#: chunk then a ``POST`` per further chunk, so each request stays well inside the push's
#: per-request time limit and the push holds one chunk in memory, not the whole graph.
CHUNK_TRIPLES = 100_000


def push_catalog(
    source: Store, target: Store, chunk_triples: int = CHUNK_TRIPLES
) -> Iterator[tuple[str, int]]:
    """Replace each of ``source``'s named graphs in ``target``; yield (graph, triples) as it goes.

    A graph of at most ``chunk_triples`` is sent whole in one Graph Store PUT, so a reader of the
    server sees either the old or the new version of it, never half. A larger graph is replaced
    by its first chunk, then completed chunk by chunk: while it is pushed, a reader sees part of
    the new version (push, then point the apps at the new build; docs/deploy.md).

    Raises:
        StoreError: naming the graph that failed; graphs before it are already replaced.
    """
    if chunk_triples < 1:
        raise ValueError(f"chunk_triples must be at least 1: {chunk_triples}")
    for graph in source.graphs():
        try:
            _push_graph(source, target, graph, chunk_triples)
        except StoreError as err:
            raise StoreError(f"pushing {graph} failed: {err}") from err
        yield graph, target.count(graph)


def _push_graph(source: Store, target: Store, graph: str, chunk_triples: int) -> None:
    chunks = _chunks(source.quads(graph=ox.NamedNode(graph)), chunk_triples)
    first = next(chunks, [])
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in first]
    target.replace_graph(
        graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt"
    )
    for chunk in chunks:
        target.add_quads(chunk)


def _chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    iterator = iter(quads)
    while chunk := list(islice(iterator, size)):
        yield chunk
