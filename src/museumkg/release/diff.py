"""What changed between two releases: triples added and removed, per named graph.

:func:`diff_stores` compares two pyoxigraph stores graph by graph without loading either into
Python: it walks each graph of one store in index order and asks the other store whether it
holds the same quad (an index lookup), so memory stays flat whatever the size.

Blank nodes have no identity across two stores, so quads with a blank node are set aside per
graph and compared as graphs: if the two blank-node parts are isomorphic nothing changed;
otherwise rdflib's canonical labelling (``rdflib.compare.graph_diff``) names the triples on
each side. Only those quads are held in memory (in the catalog: the ontology's OWL axioms).

The changes are written as RDF Patch (``A``/``D`` rows, one quad each, in a ``TX``/``TC``
transaction) by :func:`write_patch`, or listed as text by the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

import pyoxigraph as ox

from museumkg.store import Store


@dataclass
class DiffSummary:
    """Counts of a diff: per graph ``{"added": n, "removed": n}``, and totals."""

    old: str = ""
    new: str = ""
    added: int = 0
    removed: int = 0
    graphs: dict[str, dict[str, int]] = field(default_factory=dict)
    graphs_added: list[str] = field(default_factory=list)
    graphs_removed: list[str] = field(default_factory=list)

    def count(self, sign: str, graph: str) -> None:
        """Record one added (``+``) or removed (``-``) quad in ``graph``."""
        entry = self.graphs.setdefault(graph, {"added": 0, "removed": 0})
        if sign == "+":
            entry["added"] += 1
            self.added += 1
        else:
            entry["removed"] += 1
            self.removed += 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def lines(self) -> list[str]:
        """A readable summary, one line per changed graph and a total."""
        out = [f"{self.old} -> {self.new}: +{self.added} -{self.removed} triples"]
        for graph, entry in sorted(self.graphs.items()):
            note = ""
            if graph in self.graphs_added:
                note = " (new graph)"
            elif graph in self.graphs_removed:
                note = " (graph removed)"
            out.append(f"  +{entry['added']:<7} -{entry['removed']:<7} {graph}{note}")
        return out


Change = tuple[str, ox.Quad]  # ("+" or "-", quad)


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _named_graphs(store: Store) -> set[str]:
    return set(store.graphs())


def diff_stores(old: Store, new: Store, summary: DiffSummary | None = None) -> Iterator[Change]:
    """Yield ``("-", quad)`` for each quad only in ``old`` and ``("+", quad)`` only in ``new``.

    Graphs are visited in IRI order; within a graph removals come first. ``summary`` (when
    given) is filled as the changes are yielded.

    >>> from museumkg.store import EmbeddedStore
    >>> a, b = EmbeddedStore(), EmbeddedStore()
    >>> g, s, p = ox.NamedNode("http://e/g"), ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    >>> a.add_quads([ox.Quad(s, p, ox.Literal("old"), g)])
    >>> b.add_quads([ox.Quad(s, p, ox.Literal("new"), g)])
    >>> [(sign, q.object.value) for sign, q in diff_stores(a, b)]
    [('-', 'old'), ('+', 'new')]
    """
    summary = summary if summary is not None else DiffSummary()
    old_graphs, new_graphs = _named_graphs(old), _named_graphs(new)
    summary.graphs_added = sorted(new_graphs - old_graphs)
    summary.graphs_removed = sorted(old_graphs - new_graphs)
    for name in sorted(old_graphs | new_graphs):
        graph = ox.NamedNode(name)
        blanks: dict[str, list[ox.Quad]] = {"-": [], "+": []}
        for sign, here, there in (("-", old, new), ("+", new, old)):
            for quad in here.quads(None, None, None, graph):
                if _has_blank(quad):
                    blanks[sign].append(quad)
                elif not there.contains(quad):
                    summary.count(sign, name)
                    yield sign, quad
        for sign, quad in _blank_changes(blanks["-"], blanks["+"], graph):
            summary.count(sign, name)
            yield sign, quad


def _blank_changes(old: list[ox.Quad], new: list[ox.Quad], graph: ox.NamedNode) -> Iterator[Change]:
    """Compare the blank-node parts of one graph as graphs (canonical labels when they differ)."""
    if not old and not new:
        return
    from rdflib.compare import graph_diff, to_isomorphic

    first, second = to_isomorphic(_rdflib_graph(old)), to_isomorphic(_rdflib_graph(new))
    if first == second:
        return
    _both, only_old, only_new = graph_diff(first, second)
    for sign, part in (("-", only_old), ("+", only_new)):
        for s, p, o in sorted(part):
            yield sign, ox.Quad(_ox(s), _ox(p), _ox(o), graph)  # type: ignore[arg-type]


def _rdflib_graph(quads: list[ox.Quad]) -> Any:
    import rdflib

    graph = rdflib.Graph()
    data = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b""
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _ox(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    import rdflib

    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def write_patch(
    changes: Iterator[Change], output: IO[bytes], *, header: dict[str, str] | None = None
) -> int:
    """Write changes as an RDF Patch transaction; return how many rows were written.

    >>> import io
    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"),
    ...             ox.NamedNode("http://e/g"))
    >>> out = io.BytesIO()
    >>> write_patch(iter([("+", q)]), out)
    1
    >>> out.getvalue().decode().splitlines()[1]
    'A <http://e/s> <http://e/p> "x" <http://e/g> .'
    """
    rows = 0
    for key, value in (header or {}).items():
        output.write(f"H {key} {value} .\n".encode())
    output.write(b"TX .\n")
    for sign, quad in changes:
        op = "A" if sign == "+" else "D"
        output.write(
            f"{op} {quad.subject} {quad.predicate} {quad.object} {quad.graph_name} .\n".encode()
        )
        rows += 1
    output.write(b"TC .\n")
    return rows


def read_patch(data: bytes) -> list[Change]:
    """Parse an RDF Patch written by :func:`write_patch` back into changes (for tests and tools)."""
    changes: list[Change] = []
    for line in data.decode("utf-8").splitlines():
        if line[:2] in ("A ", "D "):
            quad = next(iter(ox.parse(line[2:].encode("utf-8"), ox.RdfFormat.N_QUADS)))
            changes.append(("+" if line[0] == "A" else "-", quad))
    return changes
