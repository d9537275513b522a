"""OWL consistency checks of the ontology and the curated data, with owlready2 and HermiT.

HermiT runs in Java (owlready2 ships the jar). Each call builds a fresh in-memory owlready2
``World``; owlready2 hands the world to HermiT as a temporary N-Triples file in the system
temporary directory, which it deletes afterwards. Nothing is fetched from the network:
``owl:imports`` statements are dropped before loading.

HermiT only says *that* data is inconsistent. To say *why*, in a curator's words, this module
then looks for the usual culprits in the triples themselves: a thing that would have to belong
to two disjoint classes (from its ``rdf:type`` statements and the domains and ranges of the
properties it is used with), a second value of a functional property, or a literal of the wrong
kind for a property's range.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.namespaces import OWL, PREFIXES, RDF, RDFS, SKOS, XSD
from museumkg.problems import Problem

__all__ = ["DEFAULT_ONTOLOGY_PATH", "RdfInput", "check_consistency", "check_ontology"]

#: The project's ontology (``ontology/museumkg.ttl`` at the root of the source tree).
DEFAULT_ONTOLOGY_PATH = Path(__file__).resolve().parents[3] / "ontology" / "museumkg.ttl"

#: One input: a ``Path`` to an RDF file, or a ``str`` of N-Triples text.
RdfInput = str | Path

_DEFAULT_BASE_IRI = "https://w3id.org/museumkg/"
_CHECK_ONTOLOGY_IRI = "urn:museumkg:consistency-check#"
_LOCK = threading.Lock()  # owlready2 keeps global state; one reasoning run at a time

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
_EXTENSION_FORMATS = {"owl": ox.RdfFormat.RDF_XML, "xml": ox.RdfFormat.RDF_XML}


def check_ontology(path: str | Path | None = None) -> list[Problem]:
    """Check the ontology alone with HermiT: consistency and unsatisfiable classes.

    Args:
        path: the ontology file (Turtle, N-Triples, RDF/XML, ... chosen by extension);
            defaults to :data:`DEFAULT_ONTOLOGY_PATH`.

    Returns:
        The problems found: ``owl:consistency`` if the ontology contradicts itself (its
        controlled individuals included), one ``owl:unsatisfiable-class`` per class that can
        have no members, ``owl:reasoner-unavailable`` if Java cannot be run,
        ``owl:reasoner-error`` if HermiT fails and ``owl:input`` if the file does not parse.
        An empty list means the ontology is consistent and every class satisfiable.

    Raises:
        FileNotFoundError: if the ontology file does not exist.
    """
    return check_consistency([], ontology_path=path)


def check_consistency(
    ntriples: RdfInput | Sequence[RdfInput],
    *,
    ontology_path: str | Path | None = None,
    base_iri: str | None = None,
) -> list[Problem]:
    """Check curated data against the ontology with HermiT.

    The data and the ontology are loaded together into a fresh owlready2 world and HermiT
    decides whether they are consistent and which classes are unsatisfiable. Named graphs
    are ignored: the check is over the union of all inputs.

    Args:
        ntriples: the data: one input or a list of inputs. A ``Path`` is read as an RDF file
            whose format follows its extension (``.nt``, ``.nq``, ``.ttl``, ``.trig``,
            ``.rdf``/``.owl``, ``.jsonld``); a ``str`` is N-Triples text, except that a
            single-line string naming an existing file is read as that file.
        ontology_path: the ontology file; defaults to :data:`DEFAULT_ONTOLOGY_PATH`.
        base_iri: base for relative IRIs in Turtle/TriG/RDF-XML/JSON-LD files; defaults to
            ``$MUSEUMKG_BASE_IRI`` or ``https://w3id.org/museumkg/``.

    Returns:
        The problems found, errors all: ``owl:consistency`` (one per contradiction the
        checker can name, or a single general one), ``owl:unsatisfiable-class`` (``record``
        is the class IRI), ``owl:reasoner-unavailable`` (no Java), ``owl:reasoner-error``
        (HermiT failed) and ``owl:input`` (an input does not parse). An empty list means
        consistent.

    Raises:
        FileNotFoundError: if the ontology file does not exist.
        TypeError: if an input is neither a ``str`` nor a ``Path``.
    """
    onto_path = Path(ontology_path) if ontology_path is not None else DEFAULT_ONTOLOGY_PATH
    if not onto_path.is_file():
        raise FileNotFoundError(f"ontology file not found: {onto_path}")
    base = base_iri or os.environ.get("MUSEUMKG_BASE_IRI") or _DEFAULT_BASE_IRI
    items: list[RdfInput] = [ntriples] if isinstance(ntriples, str | Path) else list(ntriples)

    problems: list[Problem] = []
    sources: list[_Source] = []
    onto_src = _read_input(onto_path, 0, base, problems)
    if onto_src is None:
        return problems
    sources.append(onto_src)
    for index, item in enumerate(items, start=1):
        src = _read_input(item, index, base, problems)
        if src is not None:
            sources.append(src)
    if problems:
        return problems

    unavailable = _reasoner_unavailable()
    if unavailable is not None:
        return [unavailable]

    outcome = _run_hermit(sources)
    if outcome.error is not None:
        return [outcome.error]
    facts = _Index(sources)
    if outcome.inconsistent:
        return facts.explain_inconsistency()
    return [facts.unsatisfiable_problem(iri) for iri in outcome.unsatisfiable]


# ---------------------------------------------------------------------------------------------
# Reading inputs
# ---------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """The triples of one input, with where they came from."""

    label: str | None  # file name for Problem.file, None for in-memory text
    triples: list[ox.Triple]


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_input(item: RdfInput, index: int, base: str, problems: list[Problem]) -> _Source | None:
    """Parse one input into triples; record an ``owl:input`` problem if it does not parse."""
    path: Path | None = None
    if isinstance(item, Path):
        path = item
    elif (
        isinstance(item, str)
        and "\n" not in item.strip()
        and not item.lstrip().startswith(("<", "_:", "#"))
    ):
        candidate = Path(item.strip())
        if item.strip() and candidate.is_file():
            path = candidate
    elif not isinstance(item, str):
        raise TypeError(f"expected a str of N-Triples or a Path, got {type(item).__name__}")

    label = _display_path(path) if path is not None else None
    try:
        if path is None:
            assert isinstance(item, str)
            quads = ox.parse(
                item.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True
            )
        else:
            ext = path.suffix.lstrip(".").lower()
            fmt = _EXTENSION_FORMATS.get(ext) or ox.RdfFormat.from_extension(ext)
            if fmt is None:
                problems.append(
                    Problem(
                        rule="owl:input",
                        message=f"cannot tell the RDF format of {path.name} from its extension",
                        file=label,
                        hint="use .nt, .nq, .ttl, .trig, .rdf, .owl or .jsonld",
                    )
                )
                return None
            quads = ox.parse(
                path=path,
                format=fmt,
                base_iri=base
                if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
                else None,
                rename_blank_nodes=True,
            )
        triples = [q.triple for q in quads if q.predicate.value != OWL + "imports"]
    except OSError as exc:
        problems.append(
            Problem(
                rule="owl:input",
                message=f"the input cannot be read: {exc}",
                file=label or f"<input {index}>",
                hint="check the file name",
            )
        )
        return None
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        problems.append(
            Problem(
                rule="owl:input",
                message=f"the input does not parse: {getattr(exc, 'msg', None) or exc}",
                file=label or f"<input {index}>",
                line=line if isinstance(line, int) else None,
                hint="fix the syntax (the Turtle/N-Triples checker reports the same error)",
            )
        )
        return None
    return _Source(label=label, triples=triples)


# ---------------------------------------------------------------------------------------------
# Running HermiT
# ---------------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    inconsistent: bool = False
    unsatisfiable: list[str] = field(default_factory=list)
    error: Problem | None = None


def _reasoner_unavailable() -> Problem | None:
    """Return a problem if owlready2 or Java cannot be used, else None."""
    try:
        with _quiet():
            import owlready2
    except ImportError as exc:
        return Problem(
            rule="owl:reasoner-unavailable",
            message=f"the OWL reasoner cannot run: owlready2 is not installed ({exc})",
            hint="install the project's dependencies (pip install -e .)",
        )
    if shutil.which(owlready2.JAVA_EXE) is None:
        return Problem(
            rule="owl:reasoner-unavailable",
            message=(
                f"the OWL reasoner (HermiT) cannot run: Java ({owlready2.JAVA_EXE!r}) was not found"
            ),
            hint="install a Java runtime (11 or later) and put `java` on PATH",
        )
    return None


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """Capture what owlready2 prints (progress and warnings) instead of showing it."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def _run_hermit(sources: Sequence[_Source]) -> _Outcome:
    """Load all triples into a fresh owlready2 world and classify it with HermiT."""
    with _quiet():
        import owlready2
    nt = ox.serialize((t for src in sources for t in src.triples), format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None  # no output file: the bytes are returned
    with _LOCK, _quiet():
        world = owlready2.World()
        try:
            return _classify(owlready2, world, nt)
        finally:
            with contextlib.suppress(Exception):
                world.close()


def _classify(owlready2: Any, world: Any, nt: bytes) -> _Outcome:
    """Load ``nt`` into ``world`` and run HermiT on it."""
    no_java_hint = "install a Java runtime (11 or later) and put `java` on PATH"
    try:
        world.get_ontology(_CHECK_ONTOLOGY_IRI).load(fileobj=io.BytesIO(nt), format="ntriples")
        owlready2.sync_reasoner(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        return _Outcome(inconsistent=True)
    except OSError as exc:  # java vanished between the check and the run, or is not executable
        message = f"the OWL reasoner (HermiT) cannot run: Java could not be started ({exc})"
        problem = Problem(rule="owl:reasoner-unavailable", message=message, hint=no_java_hint)
        return _Outcome(error=problem)
    except owlready2.OwlReadyJavaError as exc:
        problem = Problem(
            rule="owl:reasoner-error",
            message=f"the OWL reasoner (HermiT) failed: {_java_error_summary(str(exc))}",
            hint="this is usually a statement that is not OWL 2 DL; run the SHACL checks "
            "first, they name the record",
        )
        return _Outcome(error=problem)
    unsatisfiable = {
        cls.iri
        for cls in world.inconsistent_classes()
        if getattr(cls, "iri", None) and cls.iri != OWL + "Nothing"
    }
    return _Outcome(unsatisfiable=sorted(unsatisfiable))


def _java_error_summary(text: str) -> str:
    """Return the informative first lines of a Java error."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("at ", "Java error message is"))]
    return " ".join(lines[:3])[:500] or "unknown error"


# ---------------------------------------------------------------------------------------------
# Explaining the result
# ---------------------------------------------------------------------------------------------


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


class _Index:
    """What the explanations need from the triples: types, axioms, property uses, labels."""

    def __init__(self, sources: Sequence[_Source]) -> None:
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
        uses: list[tuple[str, str, str]] = []  # (subject, property, object) between nodes
        pending_unions: list[tuple[str, str]] = []
        pending_all_disjoint: list[str] = []
        disjoint_with: list[tuple[str, str]] = []
        equivalents: list[tuple[str, str]] = []
        union_of: dict[str, str] = {}

        for src in sources:
            for t in src.triples:
                s, p, o = _node_key(t.subject), t.predicate.value, t.object
                if src.label is not None and s not in self.origin:
                    self.origin[s] = src.label
                o_key = None if isinstance(o, ox.Literal) else _node_key(o)
                if p == _RDF_TYPE and o_key is not None:
                    if o_key == OWL + "FunctionalProperty":
                        self.functional.add(s)
                    elif o_key == OWL + "AnnotationProperty":
                        self.annotation_properties.add(s)
                    elif o_key == OWL + "AllDisjointClasses":
                        pending_all_disjoint.append(s)
                    elif not o_key.startswith((OWL, RDFS, RDF)) and not _is_blank(o_key):
                        self.types[s].setdefault(o_key, f"it is typed {_short(o_key)}")
                elif p == RDFS + "subClassOf" and o_key and not _is_blank(o_key):
                    self.superclasses[s].add(o_key)
                elif p == OWL + "equivalentClass" and o_key and not _is_blank(o_key):
                    equivalents.append((s, o_key))
                elif p == OWL + "disjointWith" and o_key:
                    disjoint_with.append((s, o_key))
                elif p == OWL + "unionOf" and o_key:
                    union_of[s] = o_key
                elif p == OWL + "members" and o_key:
                    union_of[s] = o_key
                elif p == OWL + "disjointUnionOf" and o_key:
                    pending_unions.append((s, o_key))
                elif p == RDFS + "domain" and o_key and not _is_blank(o_key):
                    self.domains[s].add(o_key)
                elif p == RDFS + "range" and o_key and not _is_blank(o_key):
                    self.ranges[s].add(o_key)
                elif p == _RDF_FIRST and o_key:
                    self._first[s] = o_key
                elif p == _RDF_REST and o_key:
                    self._rest[s] = o_key
                elif p in (RDFS + "label", SKOS + "prefLabel") and isinstance(o, ox.Literal):
                    self.labels[s].setdefault(o.language or "", o.value)
                if o_key is not None and p not in (_RDF_TYPE, _RDF_FIRST, _RDF_REST):
                    uses.append((s, p, o_key))
                    if src.label is not None and o_key not in self.origin:
                        self.origin[o_key] = src.label
                self.values[(s, p)].append(o)

        for a, b in equivalents:
            self.superclasses[a].add(b)
            self.superclasses[b].add(a)
        for a, b in disjoint_with:
            others = self._list(union_of[b]) if _is_blank(b) and b in union_of else [b]
            for other in others:
                if not _is_blank(other) and not _is_blank(a):
                    self._add_disjoint(a, other)
        for node in pending_all_disjoint:
            members = self._list(union_of.get(node, _RDF_NIL))
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self._add_disjoint(a, b)
        for _cls, head in pending_unions:
            members = self._list(head)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self._add_disjoint(a, b)
        self._infer_types(uses)

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
        labels = self.labels.get(iri, {})
        return labels.get("en") or labels.get("") or next(iter(labels.values()), _local_name(iri))

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
