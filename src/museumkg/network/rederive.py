"""Incremental derivation: after some source graphs changed, redo only the links they touch.

A partnership node (a pair of institutions and a kind) and the pair's ``mkg:partnerOf`` links
are made from statements about the pair's programs (organisers, partners, roles, topic, start
date), the sources stating them and the two institutions (their types, ``mkg:statedPartner``).
A changed source graph can therefore only change the links of pairs with a member that is
*touched*:

- every IRI the changed graphs mention, in their old or their new version (an institution
  named in them, a program, a role, the source itself);
- the institutions that organise or take part in a program so mentioned (read in the store
  as it is now: a link stated in an unchanged graph is the same before and after);
- the members of the derived graph's nodes (as they were before) that cite a mentioned IRI as
  evidence program or source;
- every organiser of a program on a topic in a start year that a changed program has (or had):
  the shared-topic rule's cap on organisers per topic and year makes their links depend on
  how many they are.

:func:`rederive` collects the touched institutions, copies into a scratch store the source
graphs a derivation of their pairs reads (every graph that mentions one of their programs or
one of the programs sharing a topic and year with those, and their stated partnerships; see
:func:`_neighbourhood`), runs every rule there (:func:`museumkg.network.derive.run_rules`, the same
files as a full derivation) and replaces, in the store's derived graph, the nodes and
``partnerOf`` links of every pair with a touched member by the ones the scratch derived. Pairs
with no touched member keep their statements; nodes of other pairs the scratch derived from
partial evidence are thrown away. The result is the derived graph a full derivation gives
(``tests/network/test_rederive.py`` checks it statement by statement), at the cost of the touched
institutions' neighbourhood rather than of the whole store.

The city-location rule, which depends on no pair, is redone likewise for the institutions a
change is about and those located at a place it is about, in a scratch store of their
locations and their places' coordinates (:func:`_redo_locations`).

Metrics statements (:mod:`museumkg.network.metrics`) in the derived graph are left alone: the
metrics step recomputes them. A change of the ontology or of the rules needs a full derivation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF, RDFS, WGS
from museumkg.network.derive import derive, run_rules
from museumkg.network.rules import DERIVED_BY, LOCATION_RULE, Rule, load_rules, rule_predicates
from museumkg.queries import load_query
from museumkg.store import Store, StoreUnavailable, open_store
from museumkg.store.terms import lexical

_ORGANIZER = ox.NamedNode(f"{MKG}organizer")
_PARTNER = ox.NamedNode(f"{MKG}partner")
_IN_PROGRAM = ox.NamedNode(f"{MKG}inProgram")
_ROLE_LINKS = (ox.NamedNode(f"{MKG}agent"), ox.NamedNode(f"{MKG}onBehalfOf"))
_STATED = ox.NamedNode(f"{MKG}statedPartner")
_TOPIC = ox.NamedNode(f"{MKG}topic")
_START = ox.NamedNode(f"{MKG}startDate")
_MEMBER = ox.NamedNode(f"{MKG}partnershipMember")
_EVIDENCE = (ox.NamedNode(f"{MKG}evidenceProgram"), ox.NamedNode(f"{MKG}evidenceSource"))
_PARTNER_OF = ox.NamedNode(f"{MKG}partnerOf")
_TYPE = ox.NamedNode(f"{RDF}type")
_LOCATION = ox.NamedNode(f"{MKG}location")
_LAT = ox.NamedNode(f"{WGS}lat")
_LONG = ox.NamedNode(f"{WGS}long")
_SUBCLASS = ox.NamedNode(f"{RDFS}subClassOf")
#: The source statements the traversal follows to the touched pairs: each is read by some rule
#: (``tests/network/test_derive.py`` checks them against the rules' text).
SOURCE_LINKS = (_ORGANIZER, _PARTNER, _IN_PROGRAM, *_ROLE_LINKS, _STATED, _TOPIC, _START)
#: The derived statements it reads and replaces: each is made by some rule (checked likewise).
DERIVED_LINKS = (_MEMBER, *_EVIDENCE, _PARTNER_OF)
#: A resource the traversal meets: programs, roles and institutions may be blank nodes.
Node = ox.NamedNode | ox.BlankNode
#: Quads matching (subject, predicate, object, graph), ``None`` for any: a store's ``quads``
#: or a scratch pyoxigraph store's ``quads_for_pattern``.
Match = Callable[..., Iterator[ox.Quad]]


@dataclass(frozen=True)
class Rederived:
    """What an incremental derivation did."""

    touched: int  # institutions (and other IRIs) whose pairs were redone
    graphs: int  # source graphs copied into the scratch store
    scratch: int  # statements copied into it
    removed: int  # derived statements taken out
    added: int  # derived statements put in
    seconds: float


@dataclass(frozen=True)
class ChangedSources:
    """Source graphs changed since a built store: what a build needs to derive incrementally."""

    #: a store folder whose derived graph was derived from the sources before the change
    previous: Path
    #: the statements of the changed graphs, old versions and new ones
    quads: tuple[ox.Quad, ...]


def rederive_from(
    store: Store,
    changed: ChangedSources,
    *,
    base_iri: str,
    derived_graph: str,
    rules_dir: Path,
) -> Rederived:
    """Derive a new store's derived graph from a previous store's, after changed sources.

    Copies the rules' statements of the previous store's derived graph (not the metrics:
    their step recomputes them) into ``store``, then runs :func:`rederive`.

    Raises:
        StoreUnavailable: when the previous store cannot be opened (derive in full then).
        StoreError: naming a rule that failed.
    """
    previous = open_store(changed.previous, read_only=True)
    try:
        result = previous.query(
            load_query("derived_rule_statements").text,
            bindings={"derived": ox.NamedNode(derived_graph)},
        )
        if not isinstance(result, ox.QueryTriples):
            raise StoreUnavailable(f"{changed.previous}: no derived graph to start from")
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    finally:
        previous.close()
    store.drop_graph(derived_graph)
    store.load(data, format="nt", graph=derived_graph)
    return rederive(
        store, changed.quads, base_iri=base_iri, derived_graph=derived_graph, rules_dir=rules_dir
    )


def derive_step(
    store: Store,
    settings: Settings,
    changed: ChangedSources | None,
    say: Callable[[str], None],
    scratch_dir: Path | None = None,
) -> None:
    """The build's derivation step: incremental after changed sources, else in full.

    Falls back to a full derivation when the previous store cannot be read. A full derivation
    keeps its scratch folder in ``scratch_dir`` (the folder of the store being built) and says
    a line as each rule and slice ends.
    """
    base, derived, rules_dir = settings.base_iri, settings.derived_graph, settings.ontology_dir
    rules_dir = rules_dir / "rules"
    if changed is not None:
        try:
            done = rederive_from(
                store, changed, base_iri=base, derived_graph=derived, rules_dir=rules_dir
            )
        except StoreUnavailable as err:
            say(f"incremental derivation impossible ({err}): deriving in full")
        else:
            say(
                f"rule (incremental): {done.touched} touched, {done.graphs} graphs read, "
                f"{done.removed} statements out, {done.added} in, in {done.seconds:.3f}s"
            )
            return
    budget = settings.derive_memory_mb * 1024 * 1024
    derive(
        store,
        base_iri=base,
        derived_graph=derived,
        rules_dir=rules_dir,
        memory_budget=budget,
        scratch_dir=scratch_dir,
        progress=say,
    )


def touched_iris(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The IRIs a set of statements mentions: subjects, objects (not classes) and graphs."""
    found: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                found.add(term)
        if isinstance(quad.object, ox.NamedNode) and quad.predicate != _TYPE:
            found.add(quad.object)
    return found


def rederive(
    store: Store,
    changed: Iterable[ox.Quad],
    *,
    base_iri: str,
    derived_graph: str,
    rules_dir: Path,
) -> Rederived:
    """Bring the derived graph up to date after a change of some source graphs.

    Args:
        store: a writable store holding the sources as they are now and the derived graph as
            it was before the change (at least the rules' statements; metrics may be there).
        changed: the statements of the changed graphs, old versions and new ones (a removed
            graph: its old statements; an added one: its new statements).
        base_iri: the dataset base (rules' relative IRIs resolve against it).
        derived_graph: the derived graph's IRI.
        rules_dir: the folder of ``NN-name.rq`` CONSTRUCT rules.

    Returns:
        counts and time (see :class:`Rederived`).

    Raises:
        StoreError: naming a rule that failed; the store is then unchanged.
    """
    started = time.perf_counter()
    match = store.quads
    derived = ox.NamedNode(derived_graph)
    rules = load_rules(rules_dir)
    changed = list(changed)
    mentioned = touched_iris(changed)
    members = _touched_members(match, mentioned, derived)
    members |= _bucket_organisers(match, changed, derived)
    graphs = _neighbourhood(match, members, derived)
    quads = _scratch_quads(match, graphs, rule_predicates(rules), derived)
    scratch = ox.Store()
    scratch.bulk_extend(quads)
    run_rules(scratch, rules, base_iri=base_iri, derived_graph=derived_graph)
    new = _pair_statements(scratch.quads_for_pattern, members, derived)
    old = _pair_statements(match, members, derived)
    removed, added = old - new, new - old
    store.remove_quads(removed)
    store.add_quads(added)
    out, into = _redo_locations(store, rules, changed, base_iri, derived)
    removed |= out
    added |= into
    return Rederived(
        touched=len(members),
        graphs=len(graphs),
        scratch=len(quads),
        removed=len(removed),
        added=len(added),
        seconds=round(time.perf_counter() - started, 4),
    )


def _redo_locations(
    store: Store, rules: list[Rule], changed: list[ox.Quad], base_iri: str, derived: ox.NamedNode
) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """Redo the city-location rule for the institutions a change may move; return the
    statements out and in.

    The rule places an institution from its own statements only: its ``mkg:location``, its
    coordinates of its own, and its places' type and coordinates. A changed statement can
    therefore move the institutions it is about (its subject) and those located at a place it
    is about. Those institutions, their places and what the rule reads of them go into a
    scratch store, where the rule runs (the same file as a full derivation): the cost of the
    change, not of the store.
    """
    rule = next((r for r in rules if r.name == LOCATION_RULE), None)
    if rule is None:
        return set(), set()
    subjects = {q.subject for q in changed if isinstance(q.subject, Node)}
    institutions: set[Node] = set(subjects)
    for subject in subjects:
        institutions |= _subjects(store.quads, _LOCATION, subject, derived)
    predicates = [ox.NamedNode(p) for p, made in DERIVED_BY.items() if made == LOCATION_RULE]
    geometries = {
        ox.NamedNode(f"{i.value}/geometry") for i in institutions if isinstance(i, ox.NamedNode)
    }
    made_by_rule: set[Node] = {*institutions, *geometries}
    old = {
        quad
        for subject in made_by_rule
        for predicate in predicates
        for quad in store.quads(subject, predicate, None, derived)
    }
    scratch = ox.Store()
    scratch.bulk_extend(_location_inputs(store.quads, institutions))
    result = scratch.query(f"BASE <{base_iri}>\n{rule.text}", use_default_graph_as_union=True)
    new: set[ox.Quad] = set()
    if isinstance(result, ox.QueryTriples):
        new = {
            ox.Quad(t.subject, t.predicate, t.object, derived)
            for t in result
            if t.subject in made_by_rule
        }
    store.remove_quads(old - new)
    store.add_quads(new - old)
    return old - new, new - old


def _location_inputs(match: Match, institutions: set[Node]) -> list[ox.Quad]:
    """What the city-location rule reads of ``institutions``, every graph kept: their
    locations and coordinates, and their places' types and coordinates."""
    found: list[ox.Quad] = []
    places: set[Node] = set()
    for institution in institutions:
        for quad in match(institution, _LOCATION, None, None):
            found.append(quad)
            if isinstance(quad.object, Node):
                places.add(quad.object)
        found.extend(match(institution, _LAT, None, None))
    for place in places:
        for predicate in (_TYPE, _LAT, _LONG):
            found.extend(match(place, predicate, None, None))
    return found


def _touched_members(
    match: Match, mentioned: AbstractSet[Node], derived: ox.NamedNode
) -> set[Node]:
    """The mentioned IRIs, the institutions of mentioned programs, old nodes' members."""
    members: set[Node] = set(mentioned)
    for iri in mentioned:
        for link in (_ORGANIZER, _PARTNER):
            members |= _objects(match, iri, link, derived)
        for role in _subjects(match, _IN_PROGRAM, iri, derived):
            for link in _ROLE_LINKS:
                members |= _objects(match, role, link, derived)
        nodes: set[Node] = set()
        for evidence in _EVIDENCE:
            nodes |= _subjects(match, evidence, iri, derived, graph=derived)
        for node in nodes:
            members |= _objects(match, node, _MEMBER, derived, graph=derived)
    return members


def _bucket_organisers(match: Match, changed: list[ox.Quad], derived: ox.NamedNode) -> set[Node]:
    """Every organiser of a (topic, start year) a change may push over or under the cap.

    The shared-topic rule links no pair of a topic and year that more than its cap of
    institutions organised programs on, so a program joining or leaving one changes the links
    of all its organisers. Taken wide: each topic the changed programs have (before or after)
    with each of their start years.
    """
    programs = {q.subject for q in changed if q.predicate in (_TOPIC, _START, _ORGANIZER)}
    topics = {q.object for q in changed if q.predicate == _TOPIC}
    years = {lexical(q.object)[:4] for q in changed if q.predicate == _START}
    cache: dict[Node, set[str]] = {}
    for program in programs:
        if isinstance(program, Node):
            topics |= _objects(match, program, _TOPIC, derived)
            years |= _years(match, program, cache, derived)
    organisers: set[Node] = set()
    for topic in topics:
        if not isinstance(topic, Node):
            continue
        for program in _subjects(match, _TOPIC, topic, derived):
            if _years(match, program, cache, derived) & years:
                organisers |= _objects(match, program, _ORGANIZER, derived)
    return organisers


# Complexity: the rule inputs gathered link kind by link kind, as the rules read them; kept in one
# place so it is checked against the rules at a glance
def _neighbourhood(match: Match, members: set[Node], derived: ox.NamedNode) -> set[ox.NamedNode]:  # noqa: C901
    """The source graphs a derivation of every pair with a touched member reads.

    Those that mention a program the members organise or take part in (named partner, role
    agent, on whose behalf), or a program on the same topic starting the same year as one
    they organise (the shared-topic rule), and those stating a partnership of a member.
    """
    programs: set[Node] = set()
    organised: set[Node] = set()
    graphs: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
    for member in members:
        organised |= _subjects(match, _ORGANIZER, member, derived)
        programs |= _subjects(match, _PARTNER, member, derived)
        for link in _ROLE_LINKS:
            for role in _subjects(match, link, member, derived):
                programs |= _objects(match, role, _IN_PROGRAM, derived)
        for quad in match(member, _STATED, None, None):
            graphs.add(quad.graph_name)
        for quad in match(None, _STATED, member, None):
            graphs.add(quad.graph_name)
    programs |= organised
    by_topic: dict[Node, set[Node]] = {}
    years: dict[Node, set[str]] = {}
    for program in organised:
        for topic in _objects(match, program, _TOPIC, derived):
            if topic not in by_topic:
                by_topic[topic] = _subjects(match, _TOPIC, topic, derived)
            for other in by_topic[topic]:
                if _years(match, other, years, derived) & _years(match, program, years, derived):
                    programs.add(other)
    for program in programs:
        for quad in match(program, None, None, None):
            graphs.add(quad.graph_name)
        for quad in match(None, None, program, None):
            graphs.add(quad.graph_name)
    graphs.discard(derived)
    return {g for g in graphs if isinstance(g, ox.NamedNode)}


def _scratch_quads(
    match: Match,
    graphs: set[ox.NamedNode],
    predicates: frozenset[str],
    derived: ox.NamedNode,
) -> list[ox.Quad]:
    """The rule-read statements of the graphs, about them, and the types of what they name."""
    wanted = {ox.NamedNode(p) for p in predicates}
    found: set[ox.Quad] = set()
    for graph in graphs:
        found.update(match(None, None, None, graph))
        found.update(match(graph, None, None, None))
    quads = {q for q in found if q.predicate in wanted and q.graph_name != derived}
    named = {q.object for q in quads if isinstance(q.object, ox.NamedNode) and q.predicate != _TYPE}
    for iri in named - graphs:
        quads.update(q for q in match(iri, _TYPE, None, None))
    quads.update(match(None, _SUBCLASS, None, None))
    return [q for q in quads if q.graph_name != derived]


def _pair_statements(match: Match, members: set[Node], derived: ox.NamedNode) -> set[ox.Quad]:
    """Derived statements of the nodes with a touched member, and their ``partnerOf`` links."""
    found: set[ox.Quad] = set()
    nodes: set[Node] = set()
    for member in members:
        for quad in match(None, _MEMBER, member, derived):
            if isinstance(quad.subject, ox.NamedNode | ox.BlankNode):  # never a quoted triple
                nodes.add(quad.subject)
        found.update(match(member, _PARTNER_OF, None, derived))
        found.update(match(None, _PARTNER_OF, member, derived))
    for node in nodes:
        found.update(match(node, None, None, derived))
    return found


def _subjects(
    match: Match,
    predicate: ox.NamedNode,
    obj: Node,
    derived: ox.NamedNode,
    *,
    graph: ox.NamedNode | None = None,
) -> set[Node]:
    """Subjects of ``? predicate obj`` in ``graph``, or in any graph but the derived one.

    Blank nodes too (a role may be one), which is why this reads them from the store itself.
    """
    return {
        q.subject
        for q in match(None, predicate, obj, graph)
        if isinstance(q.subject, Node) and (graph is not None or q.graph_name != derived)
    }


def _objects(
    match: Match,
    subject: Node,
    predicate: ox.NamedNode,
    derived: ox.NamedNode,
    *,
    graph: ox.NamedNode | None = None,
) -> set[Node]:
    """IRI objects of ``subject predicate ?`` in ``graph``, or in any graph but the derived."""
    return {
        q.object
        for q in match(subject, predicate, None, graph)
        if isinstance(q.object, ox.NamedNode) and (graph is not None or q.graph_name != derived)
    }


def _years(
    match: Match,
    program: Node,
    cache: dict[Node, set[str]],
    derived: ox.NamedNode,
) -> set[str]:
    """The years (first four characters) of a program's start dates, cached."""
    if program not in cache:
        cache[program] = {
            lexical(q.object)[:4]
            for q in match(program, _START, None, None)
            if q.graph_name != derived
        }
    return cache[program]
