"""A release's dump files written from its N-Quads file, not from the store again.

Each is written gzip-compressed (:func:`museumkg.release.packed.packed_writer`): a release
keeps only the compressed files on disk.

Reading the store is most of what a dump costs: each pass over it looks every term up by id
(at 10^5 statements, ~1.5 s of CPU per pass, the same for every format), while parsing the
N-Quads file back costs a tenth of that (pyoxigraph's parser, ``lenient``: the file is the
store's own output, its IRIs already checked). So the release reads the store once, into
``museumkg.nq`` (:meth:`pyoxigraph.Store.dump`, in Rust, outside the GIL), and writes every
other format from that file, when the store has no triple in its default graph (every built
catalog; the union formats are then the named graphs' quads without their graph names):

- TriG: the quads re-serialized, the same bytes as :meth:`pyoxigraph.Store.dump` writes;
- Turtle, RDF/XML: the quads' triples, leaving out the repeated quads (a triple stated in
  several graphs is written once: :func:`museumkg.release.export.repeated_quads`);
- N-Triples: each line of the N-Quads without its graph name (text work, no parsing);
- JSON-LD: each graph's run of quads, subject by subject, compacted by the same writer as the
  store's export (:func:`museumkg.release.export.write_jsonld_groups`).

The statements come in the N-Quads file's order, the store's: graph by graph, in the order of
the graphs' internal ids (not by IRI), subjects in index order within a graph; the same data
gives the same order, so the same bytes.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from museumkg.namespaces import PREFIXES
from museumkg.release.export import dump_format, write_jsonld_groups
from museumkg.release.packed import Dumped, packed_writer

_TRIPLE = operator.attrgetter("triple")
_GRAPH = operator.attrgetter("graph_name")


def read_nquads(source: Path) -> Iterator[ox.Quad]:
    """The quads of an N-Quads file the store wrote (parsed leniently: its terms are valid)."""
    return ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS, lenient=True)


def dump_from_nquads(
    source: Path,
    target: Path,
    fmt: str,
    *,
    context: dict[str, Any] | None = None,
    skip: Collection[ox.Quad] = frozenset(),
) -> Dumped:
    """Write ``target``, gzip-compressed, in format ``fmt`` from the N-Quads file ``source``
    (no default graph): :func:`write_from_nquads` through
    :func:`~museumkg.release.packed.packed_writer`.

    Returns:
        the statement count, and the size and SHA-256 of the uncompressed content.
    """
    with packed_writer(target) as packed:
        count = write_from_nquads(source, packed.output, fmt, context=context, skip=skip)
    return Dumped(count, packed.content())


def write_from_nquads(
    source: Path,
    output: IO[bytes],
    fmt: str,
    *,
    context: dict[str, Any] | None = None,
    skip: Collection[ox.Quad] = frozenset(),
) -> int:
    """Write format ``fmt`` to ``output`` from the N-Quads file ``source`` (no default graph).

    Args:
        source: the release's N-Quads, every quad in a named graph.
        output: a binary file object, written sequentially.
        fmt: ``ttl``, ``trig``, ``rdfxml``, ``nt`` or ``jsonld``.
        context: the JSON-LD context (``{"@context": {...}}``), for ``jsonld``.
        skip: the repeated quads, left out of the union formats.

    Returns:
        the number of statements written: quads for dataset formats, triples otherwise.
    """
    spec = dump_format(fmt)
    if spec.name == "nt":
        return ntriples_from_nquads(source, output, skip)
    if spec.name == "jsonld":
        if context is None:
            raise ValueError("a JSON-LD dump needs the catalog's context")
        groups = itertools.groupby(read_nquads(source), _GRAPH)
        return write_jsonld_groups(output, context, groups)
    prefixes = PREFIXES if spec.name in ("ttl", "trig", "rdfxml") else None
    quads: Iterator[ox.Quad] = read_nquads(source)
    counted = itertools.count()
    if spec.dataset:
        items: Iterator[Any] = quads
    else:
        if skip:
            quads = itertools.filterfalse(set(skip).__contains__, quads)
        items = map(_TRIPLE, quads)
    # counted by zip with itertools.count: no Python code runs per statement
    counting = map(operator.itemgetter(0), zip(items, counted, strict=False))
    ox.serialize(counting, output, spec.rdf_format, prefixes=prefixes)
    return next(counted)


def ntriples_from_nquads(
    source: Path, output: IO[bytes], skip: Collection[ox.Quad] = frozenset()
) -> int:
    """Write the N-Triples of an N-Quads dump (as :meth:`pyoxigraph.Store.dump` writes it) in
    which every line has a graph name: each line without its graph name, leaving out the
    quads of ``skip``. Text work, faster than parsing and serializing again.

    Returns:
        the number of triples written.
    """
    dropped = {ox.serialize([quad], format=ox.RdfFormat.N_QUADS) for quad in skip}
    count = 0
    with source.open("rb") as quads:
        for line in quads:
            end = line.rstrip()
            if not end or (dropped and line in dropped):
                continue
            # the graph name (an IRI or a blank node: no spaces) is the last term before " ."
            output.write(end[: end.rindex(b" ", 0, len(end) - 2)] + b" .\n")
            count += 1
    return count
