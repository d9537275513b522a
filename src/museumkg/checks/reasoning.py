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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.checks.explain import FactIndex, Source
from museumkg.namespaces import OWL
from museumkg.problems import Problem

__all__ = ["DEFAULT_ONTOLOGY_PATH", "RdfInput", "check_consistency", "check_ontology"]

#: The project's ontology (``ontology/museumkg.ttl`` at the root of the source tree).
DEFAULT_ONTOLOGY_PATH = Path(__file__).resolve().parents[3] / "ontology" / "museumkg.ttl"

#: One input: a ``Path`` to an RDF file, or a ``str`` of N-Triples text.
RdfInput = str | Path

_DEFAULT_BASE_IRI = "https://w3id.org/museumkg/"
_CHECK_ONTOLOGY_IRI = "urn:museumkg:consistency-check#"
_LOCK = threading.Lock()  # owlready2 keeps global state; one reasoning run at a time

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
    sources: list[Source] = []
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
    facts = FactIndex(sources)
    if outcome.inconsistent:
        return facts.explain_inconsistency()
    return [facts.unsatisfiable_problem(iri) for iri in outcome.unsatisfiable]


# ---------------------------------------------------------------------------------------------
# Reading inputs
# ---------------------------------------------------------------------------------------------


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_input(item: RdfInput, index: int, base: str, problems: list[Problem]) -> Source | None:
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
    return Source(label=label, triples=triples)


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


def _run_hermit(sources: Sequence[Source]) -> _Outcome:
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
