"""Why HermiT found the data inconsistent, in a curator's words (used by :mod:`.reasoning`).

HermiT only says *that* data is inconsistent. :class:`FactIndex` reads the triples themselves
for the usual culprits: a thing that would have to belong to two disjoint classes (from its
``rdf:type`` statements and the domains and ranges of the properties it is used with), a second
value of a functional property, or a literal of the wrong kind for a property's range; and it
names the path to an unsatisfiable class.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from museumkg.lang import keep_label, pick_value
from museumkg.namespaces import OWL, PREFIXES, RDF, RDFS, SKOS, XSD
from museumkg.problems import Problem

_RDF_TYPE = RDF + "type"
_RDF_FIRST = RDF + "first"
_RDF_REST = RDF + "rest"
_RDF_NIL = RDF + "nil"
_XSD_STRING = XSD + "string"
_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


@dataclass
class Source:
    """The triples of one input, with where they came from."""

    label: str | None  # file name for Problem.file, None for in-memory text
    triples: list[ox.Triple]


def _short(iri: str) -> str:
    """Compact a vocabulary IRI with the project prefixes (``mkg:Person``), else ``<iri>``."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _local_name(iri: str) -> str:
    for sep in ("#", "/", ":"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def _node_key(term: object) -> str:
    """A hashable string for an IRI or blank node (literals are kept as pyoxigraph terms)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def _is_blank(key: str) -> bool:
    return key.startswith("_:")


def _name(key: str) -> str:
    return "a blank node" if _is_blank(key) else _short(key)


@dataclass
class _Conflict:
    """Why a thing would have to be in two disjoint classes."""

    node: str
    first: str
    first_reason: str
    second: str
    second_reason: str
    disjoint: tuple[str, str]


@dataclass
class _Axioms:
    """Axioms read before the lists they name: resolved once every triple is read."""

    equivalents: list[tuple[str, str]] = field(default_factory=list)
    disjoint_with: list[tuple[str, str]] = field(default_factory=list)
    disjoint_unions: list[tuple[str, str]] = field(default_factory=list)  # (class, list head)
    all_disjoint: list[str] = field(default_factory=list)  # owl:AllDisjointClasses nodes
    lists: dict[str, str] = field(default_factory=dict)  # owl:unionOf / owl:members heads


class FactIndex:
    """What the explanations need from the triples: types, axioms, property uses, labels."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.types: dict[str, dict[str, str]] = defaultdict(dict)  # node -> class -> reason
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self.domains: dict[str, set[str]] = defaultdict(set)
        self.ranges: dict[str, set[str]] = defaultdict(set)
        self.disjoint: dict[str, set[str]] = defaultdict(set)
        self.functional: set[str] = set()
        self.annotation_properties: set[str] = set()
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.values: dict[tuple[str, str], list[object]] = defaultdict(list)  # (s, p) -> objects
        self.origin: dict[str, str] = {}  # node -> input label
        self.referrers: dict[tuple[str, str], tuple[str, str]] = {}  # (node, cls) -> (s, p)
        self.ontology_label = sources[0].label if sources else None
        self._first: dict[str, str] = {}
        self._rest: dict[str, str] = {}
        #: axioms between named classes only, read straight into their table
        self._named_axioms = {
            RDFS + "subClassOf": self.superclasses,
            RDFS + "domain": self.domains,
            RDFS + "range": self.ranges,
        }
        axioms = _Axioms()
        uses: list[tuple[str, str, str]] = []  # (subject, property, object) between nodes
        for src in sources:
            for t in src.triples:
                self._read(src.label, t, axioms, uses)
        self._resolve(axioms)
        self._infer_types(uses)

    def _read(
        self, label: str | None, t: ox.Triple, axioms: _Axioms, uses: list[tuple[str, str, str]]
    ) -> None:
        """Index one triple."""
        s, p, o = _node_key(t.subject), t.predicate.value, t.object
        if label is not None and s not in self.origin:
            self.origin[s] = label
        if isinstance(o, ox.Literal):
            if p in (RDFS + "label", SKOS + "prefLabel"):
                keep_label(self.labels[s], o.language or "", o.value)
        else:
            o_key = _node_key(o)
            if p == _RDF_TYPE:
                self._read_type(s, o_key, axioms)
            else:
                self._read_axiom(s, p, o_key, axioms)
            if p not in (_RDF_TYPE, _RDF_FIRST, _RDF_REST):
                uses.append((s, p, o_key))
                if label is not None and o_key not in self.origin:
                    self.origin[o_key] = label
        self.values[(s, p)].append(o)

    def _read_type(self, s: str, cls: str, axioms: _Axioms) -> None:
        if cls == OWL + "FunctionalProperty":
            self.functional.add(s)
        elif cls == OWL + "AnnotationProperty":
            self.annotation_properties.add(s)
        elif cls == OWL + "AllDisjointClasses":
            axioms.all_disjoint.append(s)
        elif not cls.startswith((OWL, RDFS, RDF)) and not _is_blank(cls):
            self.types[s].setdefault(cls, f"it is typed {_short(cls)}")

    def _read_axiom(self, s: str, p: str, o: str, axioms: _Axioms) -> None:
        named_table = self._named_axioms.get(p)
        if named_table is not None:
            if not _is_blank(o):
                named_table[s].add(o)
        elif p == OWL + "equivalentClass":
            if not _is_blank(o):
                axioms.equivalents.append((s, o))
        elif p == OWL + "disjointWith":
            axioms.disjoint_with.append((s, o))
        elif p in (OWL + "unionOf", OWL + "members"):
            axioms.lists[s] = o
        elif p == OWL + "disjointUnionOf":
            axioms.disjoint_unions.append((s, o))
        elif p == _RDF_FIRST:
            self._first[s] = o
        elif p == _RDF_REST:
            self._rest[s] = o

    def _resolve(self, axioms: _Axioms) -> None:
        """Equivalences and disjointness, once every list they name has been read."""
        for a, b in axioms.equivalents:
            self.superclasses[a].add(b)
            self.superclasses[b].add(a)
        for a, b in axioms.disjoint_with:
            others = self._list(axioms.lists[b]) if _is_blank(b) and b in axioms.lists else [b]
            for other in others:
                if not _is_blank(other) and not _is_blank(a):
                    self._add_disjoint(a, other)
        for node in axioms.all_disjoint:
            self._all_disjoint(self._list(axioms.lists.get(node, _RDF_NIL)))
        for _cls, head in axioms.disjoint_unions:
            self._all_disjoint(self._list(head))

    def _all_disjoint(self, members: list[str]) -> None:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                self._add_disjoint(a, b)

    def _add_disjoint(self, a: str, b: str) -> None:
        self.disjoint[a].add(b)
        self.disjoint[b].add(a)

    def _list(self, head: str) -> list[str]:
        items: list[str] = []
        seen: set[str] = set()
        while head != _RDF_NIL and head in self._first and head not in seen:
            seen.add(head)
            items.append(self._first[head])
            head = self._rest.get(head, _RDF_NIL)
        return items

    def _infer_types(self, uses: Iterable[tuple[str, str, str]]) -> None:
        """Add the classes implied by rdfs:domain and rdfs:range, with the reason."""
        for s, p, o in uses:
            if p in self.annotation_properties or p.startswith((RDFS, OWL)):
                continue
            for cls in self.domains.get(p, ()):
                self.types[s].setdefault(cls, f"it has a {_short(p)} statement")
            for cls in self.ranges.get(p, ()):
                subject = _name(s)
                self.types[o].setdefault(cls, f"it is the {_short(p)} of {subject}")
                self.referrers.setdefault((o, cls), (s, p))

    def ancestors(self, cls: str) -> dict[str, list[str]]:
        """Every superclass of ``cls`` (itself included) with the path that leads to it."""
        paths = {cls: [cls]}
        queue = deque([cls])
        while queue:
            current = queue.popleft()
            for parent in self.superclasses.get(current, ()):
                if parent not in paths:
                    paths[parent] = paths[current] + [parent]
                    queue.append(parent)
        return paths

    def label(self, iri: str) -> str:
        return pick_value(self.labels.get(iri, {}), ("en",), _local_name(iri))

    def _describe_class(self, cls: str) -> str:
        return f"{self.label(cls)} ({_short(cls)})"

    def _path_text(self, path: list[str]) -> str:
        if len(path) == 1:
            return ""
        return ", which is a kind of " + ", a kind of ".join(_short(c) for c in path[1:])

    # -- inconsistency -----------------------------------------------------------------------

    def type_conflicts(self) -> list[_Conflict]:
        """Things whose classes (asserted or implied) include two disjoint ones."""
        conflicts = []
        for node, classes in self.types.items():
            found = self._conflict_for(node, classes)
            if found is not None:
                conflicts.append(found)
        return conflicts

    def _conflict_for(self, node: str, classes: dict[str, str]) -> _Conflict | None:
        direct = list(classes)
        closures = {cls: self.ancestors(cls) for cls in direct}
        for i, first in enumerate(direct):
            for second in direct[i:]:
                for a, path_a in closures[first].items():
                    clash = self.disjoint.get(a)
                    if not clash:
                        continue
                    for b, path_b in closures[second].items():
                        if b in clash:
                            return _Conflict(
                                node=node,
                                first=first,
                                first_reason=classes[first] + self._path_text(path_a),
                                second=second,
                                second_reason=classes[second] + self._path_text(path_b),
                                disjoint=(a, b),
                            )
        return None

    def explain_inconsistency(self) -> list[Problem]:
        problems: list[Problem] = []
        explained: set[str] = set()
        for c in self.type_conflicts():
            explained.add(c.node)
            a, b = c.disjoint
            # Locate the problem in the data: a controlled individual of the ontology
            # (mkg:Lecture) is wrong only because some record points to it.
            record, prop = c.node, "rdf:type"
            if self.origin.get(c.node) == self.ontology_label:
                for cls in (c.second, c.first):
                    if (c.node, cls) in self.referrers:
                        record, p = self.referrers[(c.node, cls)]
                        prop = _short(p)
                        break
            if c.first == c.second:
                message = (
                    f"{_name(c.node)} cannot exist as stated: {c.first_reason}, and "
                    f"{_short(c.first)} can have no members because it is a kind of both "
                    f"{_short(a)} and {_short(b)}, which the ontology declares disjoint"
                )
            else:
                message = (
                    f"{_name(c.node)} would have to be both {_a(self._describe_class(c.first))} "
                    f"and {_a(self._describe_class(c.second))}, but {_short(a)} and "
                    f"{_short(b)} are declared disjoint (nothing is both). It is "
                    f"{_a(self.label(c.first))} because {c.first_reason}; it is "
                    f"{_a(self.label(c.second))} because {c.second_reason}"
                )
            problems.append(
                Problem(
                    rule="owl:consistency",
                    message=message,
                    file=self.origin.get(record),
                    record=None if _is_blank(record) else record,
                    field=prop,
                    hint="fix the rdf:type of this record, or the statement that points to it "
                    "(a person given as organiser, a format given as role type, a typo that "
                    "gives two records the same IRI)",
                )
            )
        problems.extend(self._functional_conflicts(explained))
        problems.extend(self._literal_conflicts(explained))
        if not problems:
            problems.append(
                Problem(
                    rule="owl:consistency",
                    message="the data contradicts the ontology (HermiT found it inconsistent), "
                    "and the checker could not pinpoint the statement",
                    hint="look for a record typed with two classes that exclude each other, a "
                    "property pointing to a thing of the wrong kind, or a second value of a "
                    "property that allows only one",
                )
            )
        return problems

    def _functional_conflicts(self, explained: set[str]) -> list[Problem]:
        problems = []
        for (s, p), objects in self.values.items():
            if p not in self.functional or len(objects) < 2 or s in explained:
                continue
            literals = [o for o in objects if isinstance(o, ox.Literal)]
            if len(literals) >= 2:
                distinct = {_literal_value(o) for o in literals}
                if len(distinct) > 1:
                    shown = ", ".join(sorted(f'"{o.value}"' for o in literals))
                    problems.append(
                        Problem(
                            rule="owl:consistency",
                            message=f"{_name(s)} has {len(distinct)} different values of "
                            f"{_short(p)} ({shown}), but the ontology allows only one",
                            file=self.origin.get(s),
                            record=None if _is_blank(s) else s,
                            field=_short(p),
                            hint=f"keep a single {_short(p)} value",
                        )
                    )
                continue
            nodes = [_node_key(o) for o in objects if not isinstance(o, ox.Literal)]
            merged: dict[str, str] = {}
            for n in nodes:
                for cls, reason in self.types.get(n, {}).items():
                    merged.setdefault(cls, f"{reason} ({_name(n)})")
            conflict = self._conflict_for(s, merged)
            if conflict is not None:
                a, b = conflict.disjoint
                problems.append(
                    Problem(
                        rule="owl:consistency",
                        message=f"{_name(s)} has several values of {_short(p)}, which allows only "
                        f"one, so they would be the same thing; but one is {_a(self.label(a))} and "
                        f"another {_a(self.label(b))} ({_short(a)} and {_short(b)} are "
                        "disjoint)",
                        file=self.origin.get(s),
                        record=None if _is_blank(s) else s,
                        field=_short(p),
                        hint=f"keep a single {_short(p)} value (make one record per value)",
                    )
                )
        return problems

    def _literal_conflicts(self, explained: set[str]) -> list[Problem]:
        problems = []
        for (s, p), objects in self.values.items():
            ranges = self.ranges.get(p)
            if not ranges or s in explained:
                continue
            for o in objects:
                if not isinstance(o, ox.Literal):
                    continue
                wrong = _literal_outside(o, ranges)
                if wrong is None:
                    continue
                problems.append(
                    Problem(
                        rule="owl:consistency",
                        message=f'{_name(s)} has {_short(p)} "{o.value}", which is not '
                        f"{wrong} as the ontology requires",
                        file=self.origin.get(s),
                        record=None if _is_blank(s) else s,
                        field=_short(p),
                        hint=f"write the value of {_short(p)} as {wrong}",
                    )
                )
        return problems

    # -- unsatisfiable classes ---------------------------------------------------------------

    def unsatisfiable_problem(self, iri: str) -> Problem:
        """Describe one unsatisfiable class, naming the disjoint classes it falls under."""
        label = self.label(iri)
        reason = ""
        closure = self.ancestors(iri)
        for a, path_a in closure.items():
            for b in self.disjoint.get(a, ()):
                if b in closure:
                    reason = (
                        f": it is a kind of both {_short(a)} and {_short(b)}, which are "
                        "declared disjoint"
                    )
                    chain_a, chain_b = path_a[1:-1], closure[b][1:-1]
                    via = [_short(c) for c in chain_a + chain_b]
                    if via:
                        reason += f" (through {', '.join(dict.fromkeys(via))})"
                    break
            if reason:
                break
        return Problem(
            rule="owl:unsatisfiable-class",
            message=f'class {_short(iri)} ("{label}") can have no members{reason}',
            file=self.origin.get(iri),
            record=iri,
            hint="remove one of its rdfs:subClassOf statements or the disjointness it "
            "contradicts; anything typed with this class makes the data inconsistent",
        )


def _a(phrase: str) -> str:
    """Prefix ``phrase`` with the English indefinite article."""
    return ("an " if phrase[:1].lower() in ("a", "e", "i", "o", "u") else "a ") + phrase


def _literal_value(lit: ox.Literal) -> tuple[str, str, str]:
    datatype = lit.datatype.value if lit.datatype is not None else ""
    value = lit.value
    if datatype in _INTEGER_TYPES:
        with contextlib.suppress(ValueError):
            value = str(int(value))
        datatype = XSD + "integer"
    return (value, datatype, (lit.language or "").lower())


def _literal_outside(lit: ox.Literal, ranges: set[str]) -> str | None:
    """Return what the literal should be if it is outside a range HermiT enforces, else None."""
    datatype = lit.datatype.value if lit.datatype is not None else _XSD_STRING
    for rng in ranges:
        if rng == _XSD_STRING and (lit.language or datatype != _XSD_STRING):
            return "a plain string without a language tag"
        if rng == XSD + "integer":
            if datatype not in _INTEGER_TYPES:
                return "a whole number (xsd:integer)"
            try:
                int(lit.value)
            except ValueError:
                return "a whole number (xsd:integer)"
    return None
