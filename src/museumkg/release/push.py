"""Copy a built catalog into another store (a production SPARQL server), graph by graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

import pyoxigraph as ox

from museumkg.store import Store, StoreError

#: Triples per request for a large graph. A graph up to this size is replaced in one step; a
#: larger one (the derived graph: 1.28 million triples in a catalog of 10^6) as a ``PUT`` of its
#: first chunk then a ``POST`` per further chunk, so each request stays well inside the push's
#: per-request time limit and the push holds one chunk in memory, not the whole graph. (At
#: 100,000, one POST to Virtuoso took over the 120 s limit at 10^6 on a loaded machine.)
CHUNK_TRIPLES = 25_000
#: Small graphs (a catalog of 10^6 has ~20,000 of ~50 triples) are replaced together, up to
#: this many triples per request (a graph larger than this, up to ``CHUNK_TRIPLES``, alone),
#: and their sizes on the server are read back by one query per batch: one request and one
#: ``COUNT`` per graph made most of the push's time.
BATCH_TRIPLES = 5_000


def push_catalog(
    source: Store,
    target: Store,
    chunk_triples: int = CHUNK_TRIPLES,
    batch_triples: int = BATCH_TRIPLES,
) -> Iterator[tuple[str, int]]:
    """Replace each of ``source``'s named graphs in ``target``; yield (graph, triples on the
    target) as it goes, a batch at a time.

    A graph of at most ``chunk_triples`` is replaced whole in one step (``Store.replace_graphs``:
    on Oxigraph server one SPARQL Update for the batch, one transaction; on Virtuoso one Graph
    Store PUT per graph), so a reader of the server sees either the old or the new version of
    it, never half. A larger graph is replaced by its first chunk, then completed chunk by
    chunk: while it is pushed, a reader sees part of the new version (push, then point the apps
    at the new build; docs/deploy.md).

    Raises:
        StoreError: naming the graph or batch that failed; graphs before it are already
            replaced.
    """
    if chunk_triples < 1 or batch_triples < 1:
        raise ValueError(f"chunk and batch must be at least 1: {chunk_triples}, {batch_triples}")
    batch: dict[str, list[ox.Triple]] = {}
    size = 0
    for graph in source.graphs():
        quads = iter(source.quads(graph=ox.NamedNode(graph)))
        first = list(islice(quads, chunk_triples))
        more = next(quads, None)
        if more is not None:  # a large graph, in chunks, after the batch so far
            yield from _flush(target, batch)
            batch, size = {}, 0
            yield from _push_large(target, graph, first, chain([more], quads), chunk_triples)
            continue
        if batch and size + len(first) > batch_triples:
            yield from _flush(target, batch)
            batch, size = {}, 0
        batch[graph] = [ox.Triple(q.subject, q.predicate, q.object) for q in first]
        size += len(first)
    yield from _flush(target, batch)


def _flush(target: Store, batch: dict[str, list[ox.Triple]]) -> Iterator[tuple[str, int]]:
    if not batch:
        return
    try:
        target.replace_graphs(batch)
        counts = target.counts(list(batch))
    except StoreError as err:
        names = list(batch)
        which = names[0] if len(names) == 1 else f"{len(names)} graphs {names[0]} … {names[-1]}"
        raise StoreError(f"pushing {which} failed: {err}") from err
    yield from counts.items()


def _push_large(
    target: Store, graph: str, first: list[ox.Quad], rest: Iterable[ox.Quad], chunk_triples: int
) -> Iterator[tuple[str, int]]:
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in first]
        target.replace_graph(
            graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt"
        )
        for chunk in _chunks(rest, chunk_triples):
            target.add_quads(chunk)
        yield graph, target.count(graph)
    except StoreError as err:
        raise StoreError(f"pushing {graph} failed: {err}") from err


def _chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    iterator = iter(quads)
    while chunk := list(islice(iterator, size)):
        yield chunk
