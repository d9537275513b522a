"""Derivation in slices: each rule run over bounded parts of the data, so its memory is bounded.

A rule's evaluation (its joins and groups, in the engine) takes memory that grows with the data
it runs over: 1.7 GB for the shared-topic rule at 10^6 catalog triples. When the statements a
derivation reads are more than a memory budget allows (:func:`slice_count`), each rule runs
not on the whole scratch store but on a series of small stores in memory, one per *slice*,
and its output is the union of theirs.

A slice is a set of *anchors*: the resources one solution of the rule is about (a program for
the co-organised rule, a topic for the shared-topic rule, a partnership node for the strength
rule; :data:`SLICE_PLANS`), put in slices by a hash of their IRI. A slice's store holds every
statement with a predicate the rule names that it can read about its anchors:

- the statements of the anchor predicate whose anchor is in the slice (and no others, so that
  no solution is found for an anchor outside the slice, on part of its data);
- every statement whose subject is an anchor (the subject of an anchor statement, when the
  anchor is its object), or one step away from it along the plan's ``hops``;
- for the rules that read them, the statements about the graphs those statements are in (a
  source's type) and the types of what they name (with ``rdfs:subClassOf``, whole); all graphs
  kept.

Each solution of the rule needs one anchor and only such statements, so the slices together
find every solution, each in the slice of its anchor: the derived graph is the same as one
evaluation over everything (``tests/network/test_derive_slices.py`` checks it triple by
triple). The anchors' slices are written into the whole scratch store in one pass over the
anchor statements (:func:`assign_slices`), and each slice's store filled by pattern lookups on
it (in memory or on disk); the memory held at once is one slice's.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from museumkg.namespaces import MKG, RDF, RDFS

#: A rule's evaluation peak is at most about this many bytes per statement the derivation
#: reads (the shared-topic rule: +1.75 GB for 433,000 statements at 10^6 catalog triples).
RULE_BYTES_PER_STATEMENT = 4_000
#: A slice's evaluation peak is at most about this many bytes per statement read into its
#: store (the shared-topic rule: +0.7 GB for a slice of 70,000 statements at 10^6 catalog
#: triples, +0.8 GB for 110,000 at 3x10^6; its joins pair the programs of a topic and year),
#: unless its plan says less: :func:`slice_statement_cap`.
SLICE_BYTES_PER_STATEMENT = 10_000
#: No slice is planned for fewer statements than this (on average): below it the passes over
#: the anchors and the slices' own stores would cost more than they save.
MIN_SLICE_STATEMENTS = 20_000

_TYPE = ox.NamedNode(f"{RDF}type")
#: Where :func:`assign_slices` writes each anchor's slice (in the scratch store only).
_SLICES_GRAPH = ox.NamedNode("urn:museumkg:derive:slices")
_IN_SLICE = ox.NamedNode("urn:museumkg:derive:slice")
_SUBCLASS = ox.NamedNode(f"{RDFS}subClassOf")
#: A resource a slice is about, or meets: programs, roles and institutions may be blank nodes.
Node = ox.NamedNode | ox.BlankNode
#: A pyoxigraph store's ``quads_for_pattern``.
Match = Callable[..., Iterator[ox.Quad]]


@dataclass(frozen=True)
class SlicePlan:
    """How to cut a rule's input into slices.

    Attributes:
        anchor: the predicate whose statements name the anchors.
        anchor_is_object: the anchor is the statement's object (else its subject).
        hops: predicates followed one step from the anchors' nodes, ``True`` for inbound
            (``?x predicate ?node``), ``False`` for outbound (``?node predicate ?x``).
        graphs: the rule reads statements about the graphs its statements are in (a source's
            type).
        types: the rule reads the types of the resources its statements name.
        bytes_per_statement: the rule's evaluation peak per statement read by the derivation
            (:data:`RULE_BYTES_PER_STATEMENT` unless measured lower): the slices planned.
        slice_bytes: a slice's evaluation peak per statement read into its store
            (:data:`SLICE_BYTES_PER_STATEMENT` unless measured lower): the most statements a
            slice may read (:func:`slice_statement_cap`).
    """

    anchor: str
    anchor_is_object: bool = False
    hops: tuple[tuple[str, bool], ...] = ()
    graphs: bool = True
    types: bool = False
    bytes_per_statement: int = RULE_BYTES_PER_STATEMENT
    slice_bytes: int | None = None


#: One plan per rule (its file name without the order prefix); a rule without a plan runs
#: whole (``tests/network/test_derive_slices.py`` holds every rule of ``ontology/rules/`` to
#: one). Each plan's anchor is a variable every solution of the rule binds, read through its
#: anchor predicate, and the hops reach every resource whose statements the rule reads. The
#: rules' costs per statement read, measured at 10^6 catalog triples (the larger of the
#: scratch in memory and on disk), rounded up: co-organised +0.21 GB, participated +0.74 GB,
#: strength-and-years +0.07 GB, the others less; shared-topic +1.75 GB. Their slices' costs per
#: statement read into a slice, measured at 3x10^6: participated +0.8 GB for 500,000 (2,000
#: bytes); co-organised, city-location, strength-and-years, partner-of ran whole there within
#: +0.7 GB for 1.3 million statements (1,000 bytes); shared-topic as the default.
SLICE_PLANS: dict[str, SlicePlan] = {
    "co-organised": SlicePlan(f"{MKG}organizer", bytes_per_statement=1_000, slice_bytes=1_000),
    "participated": SlicePlan(
        f"{MKG}organizer",
        hops=((f"{MKG}inProgram", True),),
        types=True,
        bytes_per_statement=2_000,
        slice_bytes=2_000,
    ),
    "stated-partnership": SlicePlan(
        f"{MKG}statedPartner", bytes_per_statement=1_000, slice_bytes=1_000
    ),
    "shared-topic": SlicePlan(f"{MKG}topic", anchor_is_object=True),
    "city-location": SlicePlan(
        f"{MKG}location",
        hops=((f"{MKG}location", False),),
        graphs=False,
        bytes_per_statement=1_000,
        slice_bytes=1_000,
    ),
    "strength-and-years": SlicePlan(
        f"{MKG}partnershipKind",
        hops=((f"{MKG}evidenceProgram", False), (f"{MKG}evidenceSource", False)),
        graphs=False,
        bytes_per_statement=1_000,
        slice_bytes=1_000,
    ),
    "partner-of": SlicePlan(
        f"{MKG}partnershipKind", graphs=False, bytes_per_statement=1_000, slice_bytes=1_000
    ),
}


def slice_count(statements: int, budget: int, per_statement: int = RULE_BYTES_PER_STATEMENT) -> int:
    """How many slices keep a rule's evaluation (``statements`` read) within ``budget`` bytes.

    At most one slice per :data:`MIN_SLICE_STATEMENTS` statements.

    >>> slice_count(1_000, 10**9), slice_count(10**6, 10**9), slice_count(10**6, 0)
    (1, 4, 50)
    """
    wanted = math.ceil(statements * per_statement / max(budget, 1))
    return max(1, min(wanted, statements // MIN_SLICE_STATEMENTS))


def slice_statement_cap(budget: int, plan: SlicePlan | None = None) -> int:
    """The most statements one slice of a rule may read for its evaluation to stay within
    ``budget``: by its plan's :attr:`SlicePlan.slice_bytes`, else :data:`SLICE_BYTES_PER_STATEMENT`.

    >>> slice_statement_cap(1_500_000_000), slice_statement_cap(10**9, SLICE_PLANS["participated"])
    (150000, 500000)
    """
    per_statement = SLICE_BYTES_PER_STATEMENT
    if plan is not None and plan.slice_bytes is not None:
        per_statement = plan.slice_bytes
    return max(1, budget // max(per_statement, 1))


def resliced(slices: int, statements: int, cap: int, anchored: int) -> int:
    """How many slices to deal the anchors into, after a slice of ``slices`` read ``statements``:
    enough for a slice to read at most ``cap`` (as many as the ``anchored`` statements at most).

    >>> resliced(3, 600_000, 150_000, 10**6), resliced(3, 600_000, 150_000, 5)
    (12, 5)
    """
    wanted = math.ceil(slices * statements / max(cap, 1))
    return max(slices, min(wanted, anchored))


def slice_of(node: ox.NamedNode | ox.BlankNode | ox.Literal, slices: int) -> int:
    """The slice of an anchor: a stable hash of its N-Triples form.

    >>> slice_of(ox.NamedNode("http://x/a"), 1)
    0
    """
    return zlib.crc32(str(node).encode("utf-8")) % slices


def assign_slices(scratch: ox.Store, plan: SlicePlan, slices: int) -> int:
    """Write each anchor's slice into the scratch store (graph :data:`SLICES_GRAPH`); how many
    anchor statements there are.

    One pass over the anchor statements; the store, not Python, holds the assignment, so that
    :func:`anchors` reads a slice's anchors by one lookup. :func:`clear_slices` removes it.
    """
    predicate = ox.NamedNode(plan.anchor)
    named = [_slice_node(number) for number in range(slices)]
    seen = 0

    def assigned() -> Iterator[ox.Quad]:
        nonlocal seen
        for quad in scratch.quads_for_pattern(None, predicate, None, None):
            term = quad.object if plan.anchor_is_object else quad.subject
            if isinstance(term, Node | ox.Literal):
                seen += 1
                yield ox.Quad(named[slice_of(term, slices)], _IN_SLICE, term, _SLICES_GRAPH)

    scratch.bulk_extend(assigned())
    return seen


def clear_slices(scratch: ox.Store) -> None:
    """Remove what :func:`assign_slices` wrote."""
    if scratch.contains_named_graph(_SLICES_GRAPH):
        scratch.remove_graph(_SLICES_GRAPH)


def anchors(match: Match, number: int) -> set[Node | ox.Literal]:
    """The anchors :func:`assign_slices` put in slice ``number``."""
    found: set[Node | ox.Literal] = set()
    for quad in match(_slice_node(number), _IN_SLICE, None, _SLICES_GRAPH):
        if isinstance(quad.object, Node | ox.Literal):
            found.add(quad.object)
    return found


def _slice_node(number: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:museumkg:derive:slice:{number}")


# Complexity: the slice's statements gathered kind by kind, as the module docstring lists them
def slice_quads(  # noqa: C901
    match: Match,
    plan: SlicePlan,
    members: set[Node | ox.Literal],
    predicates: frozenset[str],
    subclass: list[ox.Quad],
) -> list[ox.Quad]:
    """The statements with ``predicates`` a rule can read about ``members`` (module docstring)."""
    anchor = ox.NamedNode(plan.anchor)
    wanted = {ox.NamedNode(p) for p in predicates} - {_IN_SLICE}

    def kept(quad: ox.Quad) -> bool:
        if quad.predicate not in wanted:
            return False
        if quad.predicate != anchor:
            return True
        return (quad.object if plan.anchor_is_object else quad.subject) in members

    nodes: set[Node] = set()
    if plan.anchor_is_object:
        for member in members:
            for quad in match(None, anchor, member, None):
                if isinstance(quad.subject, Node):
                    nodes.add(quad.subject)
    else:
        nodes.update(m for m in members if isinstance(m, Node))
    for predicate, inbound in plan.hops:
        hop = ox.NamedNode(predicate)
        for node in list(nodes):
            pattern = (None, hop, node, None) if inbound else (node, hop, None, None)
            for quad in match(*pattern):
                found = quad.subject if inbound else quad.object
                if isinstance(found, Node):
                    nodes.add(found)
    quads: set[ox.Quad] = set()
    for node in nodes:
        quads.update(q for q in match(node, None, None, None) if kept(q))
    more: set[ox.Quad] = set()
    if plan.graphs:
        for graph in {q.graph_name for q in quads if isinstance(q.graph_name, Node)} - nodes:
            more.update(q for q in match(graph, None, None, None) if kept(q))
    if plan.types:
        named = {q.object for q in quads if isinstance(q.object, Node) and q.predicate != _TYPE}
        for thing in named - nodes:
            more.update(match(thing, _TYPE, None, None))
    quads |= more
    return [*quads, *(subclass if f"{RDFS}subClassOf" in predicates else ())]


def subclass_statements(match: Match) -> list[ox.Quad]:
    """Every ``rdfs:subClassOf`` statement (the ontology's: copied into every slice)."""
    return list(match(None, _SUBCLASS, None, None))
