"""Whole-dataset exports in six RDF formats, streamed from the embedded store.

What is streamed, per format (``store`` is a ``pyoxigraph.Store``):

- N-Quads and TriG of the whole dataset: ``Store.dump`` writes straight from the store's
  indexes to the file (Rust, nothing held in Python). Every source keeps its named graph.
- Turtle, N-Triples and RDF/XML hold one graph: the *union* of the named graphs (what SPARQL
  sees as the default graph). Quads are read graph by graph from the store's index and passed
  as an iterator to ``pyoxigraph.serialize``, which writes as it reads (no Python code per
  quad). A triple stated in several graphs is written once; the repeats are found by one
  SPARQL aggregate before writing (memory: the repeated triples only). A release writes
  these from its N-Quads file instead (:mod:`museumkg.release.nquads_dumps`).
- JSON-LD 1.1: compacted with the catalog's context (``ontology/context.jsonld``, given as a
  dict, never fetched), one named graph after the other, written one subject at a time. Each
  subject's quads (contiguous in the store's GSPO index) become one expanded node object,
  compacted on its own and written out, so memory is bounded by the largest single subject,
  never by the dataset. Compaction is :class:`museumkg.release.jsonld_compact.Compactor` (pyld's
  algorithm with every context-only decision cached, ~20x faster, same output); a context
  it does not support is compacted by pyld, in chunks of :data:`JSONLD_CHUNK` subjects.
  Named graphs survive as ``{"id": <graph>, "@graph": [...]}`` objects.

With ``graph=``, one named graph is exported: as quads (N-Quads, TriG, JSON-LD keep its name)
or as its triples (Turtle, N-Triples, RDF/XML).

This module is also the one table of dump formats (:data:`FORMATS`): names, media types and
file extensions, shared by the CLI, the build and the web app's downloads.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from museumkg.formats import dumps
from museumkg.namespaces import PREFIXES, XSD
from museumkg.queries import named_rows
from museumkg.release.jsonld_compact import Compactor, UnsupportedContext
from museumkg.release.packed import Dumped, gzip_writer, packed_writer
from museumkg.store import Store
from museumkg.store.terms import lexical

#: Subjects compacted per pyld call: large enough to amortise processing the context,
#: small enough that memory stays flat (pyld slows down on very large arrays).
JSONLD_CHUNK = 100

_FIRST = operator.itemgetter(0)
_TRIPLE = operator.attrgetter("triple")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = f"{XSD}string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: A graph name as pyoxigraph gives it.
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class DumpFormat:
    """One export format.

    Attributes:
        name: the CLI and URL name (``ttl``, ``nq``, ...).
        label: a human name.
        media_type: the IANA media type it is served with.
        extension: the file extension, without the dot.
        dataset: whether it keeps named graphs (quads) or holds one graph (triples).
        rdf_format: pyoxigraph's format, for parsing the file back.
    """

    name: str
    label: str
    media_type: str
    extension: str
    dataset: bool
    rdf_format: ox.RdfFormat


#: The dump formats, in the order the downloads page lists them (from :mod:`museumkg.formats`).
FORMATS: dict[str, DumpFormat] = {
    f.dump: DumpFormat(f.dump, f.label, f.media_type, f.suffixes[0], f.dataset, f.rdf)
    for f in dumps()
    if f.dump and f.rdf
}


def dump_format(name: str) -> DumpFormat:
    """The format called ``name`` (or with that file extension).

    Raises:
        ValueError: naming the known formats.

    >>> dump_format("rdf").name
    'rdfxml'
    """
    key = name.lower().lstrip(".")
    for fmt in FORMATS.values():
        if key in (fmt.name, fmt.extension):
            return fmt
    raise ValueError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}")


def load_context(ontology_dir: Path) -> dict[str, Any]:
    """The catalog's JSON-LD context as ``{"@context": {...}}`` (comments left out).

    Raises:
        OSError: when ``context.jsonld`` cannot be read.
        ValueError: when it is not JSON or has no ``@context``.
    """
    data = json.loads((ontology_dir / "context.jsonld").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("@context"), dict):
        raise ValueError(f"{ontology_dir / 'context.jsonld'} has no @context object")
    return {"@context": data["@context"]}


def refuse_network(url: str, options: object = None) -> Any:
    """A pyld document loader that never loads anything: contexts are given inline."""
    from pyld import jsonld

    raise jsonld.JsonLdError(
        f"museumkg never fetches JSON-LD documents over the network (asked for {url})",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


class _Counter:
    """Counts what passes through an iterator (the dump's triple or quad count).

    Counted by ``zip`` with :func:`itertools.count`, so no Python code runs per item.
    """

    def __init__(self) -> None:
        self._counted = itertools.count()
        self._n: int | None = None

    def wrap(self, items: Iterable[Any]) -> Iterator[Any]:
        return map(_FIRST, zip(items, self._counted, strict=False))  # the count never ends

    @property
    def n(self) -> int:
        """How many items passed (read once the iterator is exhausted)."""
        if self._n is None:
            self._n = next(self._counted)
        return self._n


def graph_names(store: Store) -> list[ox.NamedNode]:
    """The store's named graphs, sorted by IRI (the order every dump writes them in)."""
    return sorted((ox.NamedNode(g) for g in store.graphs()), key=str)


def repeated_quads(store: Store, properties: Iterable[str] | None = None) -> set[ox.Quad]:
    """Quads whose triple is also in a named graph sorting before theirs (skipped in unions).

    One SPARQL aggregate per property (a triple's repeats share its property) finds the
    triples stated more than once, so the groups held are one property's statements, never
    the whole dataset's; then their graphs are looked up. The result holds only repeated
    triples.

    Args:
        properties: the properties that may have repeats (default: every property); the
            release passes those whose statements outnumber their distinct triples.
    """
    if properties is None:
        rows = named_rows(store, "void_property_quads")
        properties = [lexical(row["property"]) for row in rows]
    skip: set[ox.Quad] = set()
    for prop in properties:
        for row in named_rows(store, "repeated_triples", property=prop):
            s, p, o = row["s"], row["property"], row["o"]
            if not isinstance(s, ox.NamedNode | ox.BlankNode | ox.Triple):
                continue  # cannot happen: a subject is never a literal
            if not isinstance(p, ox.NamedNode):
                continue  # cannot happen: a predicate is an IRI
            graphs = sorted(
                (
                    q.graph_name
                    for q in store.quads(s, p, o)
                    if not isinstance(q.graph_name, ox.DefaultGraph)
                ),
                key=str,
            )
            skip.update(ox.Quad(s, p, o, g) for g in graphs[1:])
    return skip


def has_default_graph(store: Store) -> bool:
    """Whether the store's default graph holds any triple (a built catalog's holds none)."""
    return any(True for _ in store.quads(None, None, None, ox.DefaultGraph()))


def union_triples(store: Store, skip: set[ox.Quad] | None = None) -> Iterator[ox.Triple]:
    """Every distinct triple of the dataset: the default graph, then each named graph.

    Args:
        store: the store.
        skip: :func:`repeated_quads` of ``store``, when already known.
    """
    skip = repeated_quads(store) if skip is None else skip
    if not has_default_graph(store):
        # graph after graph, the repeats (usually none) dropped by a set lookup: no Python
        # code runs per quad
        quads: Iterator[ox.Quad] = itertools.chain.from_iterable(
            store.quads(None, None, None, graph) for graph in graph_names(store)
        )
        if skip:
            quads = itertools.filterfalse(skip.__contains__, quads)
        return map(_TRIPLE, quads)
    return _checked_union(store, skip)


def _checked_union(store: Store, skip: set[ox.Quad]) -> Iterator[ox.Triple]:
    default = ox.DefaultGraph()
    has_default = has_default_graph(store)
    yield from (q.triple for q in store.quads(None, None, None, default))
    for graph in graph_names(store):
        for quad in store.quads(None, None, None, graph):
            if quad in skip:
                continue
            if has_default and store.contains(
                ox.Quad(quad.subject, quad.predicate, quad.object, default)
            ):
                continue
            yield quad.triple


def export(
    store: Store,
    output: IO[bytes],
    fmt: str,
    *,
    graph: str | None = None,
    context: dict[str, Any] | None = None,
    skip: set[ox.Quad] | None = None,
) -> int:
    """Write the dataset (or one named graph) to ``output`` in format ``fmt``.

    Args:
        store: the store to export.
        output: a binary file object, written sequentially (a gzip stream works).
        fmt: a name of :data:`FORMATS`.
        graph: export only this named graph.
        context: the JSON-LD context (``{"@context": {...}}``); required for ``jsonld``.
        skip: :func:`repeated_quads`, to compute it once for several union exports.

    Returns:
        the number of statements written: quads for dataset formats, triples otherwise.

    Raises:
        ValueError: for an unknown format, an unknown graph, or JSON-LD without a context.

    >>> import io
    >>> from museumkg.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.add_quads([ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"),
    ...                      ox.Literal("x"), ox.NamedNode("http://e/g"))])
    >>> out = io.BytesIO()
    >>> export(s, out, "nt")
    1
    >>> out.getvalue()
    b'<http://e/a> <http://e/p> "x" .\\n'
    """
    spec = dump_format(fmt)
    target = ox.NamedNode(graph) if graph is not None else None
    if graph is not None and graph not in store.graphs():
        raise ValueError(f"the store has no named graph {graph}")
    if spec.name == "jsonld":
        if context is None:
            raise ValueError("a JSON-LD export needs the catalog's context")
        graphs = [target] if target is not None else graph_names(store)
        return write_jsonld(store, output, context, graphs, default_graph=target is None)
    prefixes = PREFIXES if spec.name in ("ttl", "trig", "rdfxml") else None
    counter = _Counter()
    if spec.dataset and target is None:
        store.dump(output, format=spec.name, prefixes=prefixes)
        return store.count()
    if spec.dataset:
        quads = store.quads(None, None, None, target)
        ox.serialize(counter.wrap(quads), output, spec.rdf_format, prefixes=prefixes)
    else:
        triples: Iterator[ox.Triple] = (
            (q.triple for q in store.quads(None, None, None, target))
            if target is not None
            else union_triples(store, skip)
        )
        ox.serialize(counter.wrap(triples), output, spec.rdf_format, prefixes=prefixes)
    return counter.n


def export_file(
    store: Store,
    path: Path,
    fmt: str,
    *,
    gzipped: bool = False,
    graph: str | None = None,
    context: dict[str, Any] | None = None,
    skip: set[ox.Quad] | None = None,
) -> int:
    """:func:`export` into a file (gzip-compressed, reproducibly, when ``gzipped``)."""
    with path.open("wb") as raw:
        if not gzipped:
            return export(store, raw, fmt, graph=graph, context=context, skip=skip)
        with gzip_writer(raw) as packed:
            return export(store, packed, fmt, graph=graph, context=context, skip=skip)


def export_packed(
    store: Store,
    path: Path,
    fmt: str,
    *,
    context: dict[str, Any] | None = None,
    skip: set[ox.Quad] | None = None,
) -> Dumped:
    """:func:`export` of the whole dataset into ``path``, gzip-compressed as a release keeps
    its dumps (:func:`~museumkg.release.packed.packed_writer`)."""
    with packed_writer(path) as packed:
        count = export(store, packed.output, fmt, context=context, skip=skip)
    return Dumped(count, packed.content())


# --- JSON-LD ---------------------------------------------------------------------------


def _node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    """An RDF object as an expanded JSON-LD value (lexical forms kept exactly)."""
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": term.datatype.value}
    if isinstance(term, ox.Triple):
        raise ValueError("RDF-star triples cannot be written as JSON-LD 1.1")
    return {"@id": _node_id(term)}


def expanded_nodes(quads: Iterable[ox.Quad]) -> Iterator[dict[str, Any]]:
    """Group consecutive quads by subject into expanded JSON-LD node objects."""
    subject: Any = None
    node: dict[str, Any] = {}
    for quad in quads:
        if quad.subject != subject:
            if node:
                yield node
            subject = quad.subject
            node = {"@id": _node_id(quad.subject)}  # type: ignore[arg-type]
        obj = quad.object
        if quad.predicate.value == _RDF_TYPE and not isinstance(obj, ox.Literal | ox.Triple):
            node.setdefault("@type", []).append(_node_id(obj))
        else:
            node.setdefault(quad.predicate.value, []).append(_value(obj))
    if node:
        yield node


def _chunks(nodes: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for node in nodes:
        chunk.append(node)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_COMPACTORS: dict[str, Compactor | None] = {}


def compactor_for(context: dict[str, Any]) -> Compactor | None:
    """The fast compactor of ``context`` (``{"@context": {...}}``), or ``None`` if unsupported.

    Made once per distinct context and kept.
    """
    key = json.dumps(context, sort_keys=True)
    if key not in _COMPACTORS:
        try:
            _COMPACTORS[key] = Compactor(context["@context"])
        except UnsupportedContext:
            _COMPACTORS[key] = None
    return _COMPACTORS[key]


def compact_nodes(nodes: list[dict[str, Any]], context: dict[str, Any]) -> list[dict[str, Any]]:
    """Compact expanded node objects with ``context`` (no network); one output per node.

    :class:`~museumkg.release.jsonld_compact.Compactor` when it supports the context, else pyld.
    """
    fast = compactor_for(context)
    if fast is not None:
        return [fast.compact_node(node) for node in nodes]
    return compact_nodes_pyld(nodes, context)


def compact_nodes_pyld(
    nodes: list[dict[str, Any]], context: dict[str, Any]
) -> list[dict[str, Any]]:
    """Compact expanded node objects with pyld (the reference implementation), no network."""
    from pyld import jsonld

    options = {"documentLoader": refuse_network, "skipExpansion": True, "graph": True}
    compacted = jsonld.compact(nodes, context, options)
    graph: list[dict[str, Any]] = compacted["@graph"]
    return graph


def write_jsonld(
    store: Store,
    output: IO[bytes],
    context: dict[str, Any],
    graphs: list[ox.NamedNode],
    *,
    default_graph: bool = True,
) -> int:
    """Write compacted JSON-LD of the store: its default graph (unless ``default_graph`` is
    false), then ``graphs``, one subject at a time (:func:`write_jsonld_groups`).

    Returns:
        the number of quads written.
    """
    groups: list[tuple[GraphName, Iterable[ox.Quad]]] = []
    if default_graph:
        groups.append((ox.DefaultGraph(), store.quads(None, None, None, ox.DefaultGraph())))
    groups.extend((graph, store.quads(None, None, None, graph)) for graph in graphs)
    return write_jsonld_groups(output, context, groups)


def write_jsonld_groups(
    output: IO[bytes],
    context: dict[str, Any],
    groups: Iterable[tuple[GraphName, Iterable[ox.Quad]]],
) -> int:
    """Write compacted JSON-LD: the context, then each group of quads (a graph's, in subject
    order), one subject at a time; the default graph's nodes at the top level (first), each
    named graph's in a ``{"id": <graph>, "@graph": [...]}`` object.

    Returns:
        the number of quads written.
    """
    ctx = context["@context"]
    id_key = next((k for k, v in ctx.items() if v == "@id"), "@id")
    counter = _Counter()

    def write(text: str) -> None:
        output.write(text.encode("utf-8"))

    fast = compactor_for(context)
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def write_nodes(quads: Iterable[ox.Quad], first: bool) -> bool:
        nodes = expanded_nodes(counter.wrap(quads))
        if fast is not None:
            for node in nodes:
                write(("" if first else ",\n") + dumps(fast.compact_node(node)))
                first = False
            return first
        for chunk in _chunks(nodes, JSONLD_CHUNK):
            for compacted in compact_nodes_pyld(chunk, context):
                write(("" if first else ",\n") + dumps(compacted))
                first = False
        return first

    write('{"@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1) + ',\n"@graph": [\n')
    first = True
    for graph, quads in groups:
        if isinstance(graph, ox.DefaultGraph):
            first = write_nodes(quads, first)
            continue
        if not first:
            write(",\n")
        write("{" + json.dumps(id_key) + ": " + json.dumps(_node_id(graph)) + ', "@graph": [\n')
        write_nodes(quads, True)
        write("\n]}")
        first = False
    write("\n]}\n")
    return counter.n
