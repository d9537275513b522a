"""Curated records: find the data files, parse them, and locate facts in them for error messages.

Each file under ``data/sources/`` or ``data/vocabularies/`` is one source document and becomes
one named graph, ``{base}id/source/<file stem>``. Files write dataset IRIs relative
(``<id/org/unesco-almaty>``); parsing resolves them against the configured base. Turtle and
JSON-LD are parsed directly; YAML records are converted by :mod:`museumkg.records.yaml_records`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.iris import entity_prefix, is_entity_iri, is_slug, source_iri
from museumkg.namespaces import MKG, RDF
from museumkg.problems import Problem
from museumkg.store.terms import lexical

#: Record formats, by file extension: an RDF format parsed directly, or ``"yaml"`` for the
#: curator's format converted by :mod:`museumkg.records.yaml_records`.
RECORD_FORMATS: dict[str, ox.RdfFormat | str] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".yaml": "yaml",
    ".yml": "yaml",
}
#: Folders of ``data/`` that hold source files.
SOURCE_FOLDERS = ("sources", "vocabularies")
#: Largest record file accepted, in bytes (a curated source is small; anything bigger is a mistake).
MAX_RECORD_BYTES = 5 * 1024 * 1024
#: Absolute IRIs allowed in records besides the dataset base: vocabularies and external links
#: are fine as objects; as subjects only the dataset's own entities may be described.
SOURCE_TYPES = (f"{MKG}SourceDocument", f"{MKG}EditorialVocabulary")


@dataclass
class RecordFile:
    """One curated file: where it is and which source graph it fills."""

    path: Path
    slug: str
    graph: str
    display: str
    quads: list[ox.Quad] = field(default_factory=list)
    text: str = ""
    #: For converted formats (YAML): IRI → line of its entry, (IRI, value) → line of the value.
    entity_lines: dict[str, int] = field(default_factory=dict)
    value_lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def digest(self) -> str:
        """SHA-256 of the file's bytes."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(data_dir: Path, base_iri: str, *, root: Path | None = None) -> list[RecordFile]:
    """List the record files under ``data_dir``, sorted, each with its source graph.

    Args:
        data_dir: the ``data/`` folder.
        base_iri: dataset base for graph names.
        root: folder that file names in messages are shown relative to.
    """
    files: list[RecordFile] = []
    for folder in SOURCE_FOLDERS:
        for path in sorted((data_dir / folder).glob("*")):
            if path.suffix in RECORD_FORMATS and path.is_file():
                files.append(record_file(path, base_iri, root=root))
    return files


def record_file(path: Path, base_iri: str, *, root: Path | None = None) -> RecordFile:
    """Describe one record file (its graph comes from its name)."""
    display = str(path)
    if root is not None:
        try:
            display = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    slug = path.stem
    graph = source_iri(base_iri, slug) if is_slug(slug) else f"{base_iri}id/source/invalid"
    return RecordFile(path=path, slug=slug, graph=graph, display=display)


def parse_record(
    record: RecordFile, base_iri: str, *, max_bytes: int = MAX_RECORD_BYTES
) -> list[Problem]:
    """Parse a record file into ``record.quads``; return every problem found (none = fine).

    Checks, each reported with file and line where it applies: the file name is a slug, the
    file is not empty or larger than ``max_bytes``, it is UTF-8, its syntax parses (YAML: is a
    valid record), it describes its own source document, and every subject it describes lies
    under the dataset base.
    """
    problems: list[Problem] = []
    if not is_slug(record.slug):
        problems.append(
            Problem(
                "file-name",
                f"the file name {record.path.name!r} is not a slug, so it cannot name its graph",
                hint="rename it to lower-case words joined by '-', e.g. unesco-almaty-2005.ttl",
                file=record.display,
            )
        )
    size = record.path.stat().st_size
    if size > max_bytes:
        return problems + [
            Problem(
                "file-size",
                f"the file is {size:,} bytes; records are limited to {max_bytes:,} "
                "(MUSEUMKG_MAX_RECORD_BYTES)",
                hint="split the source into smaller files, or load bulk data with `museumkg load`",
                file=record.display,
            )
        ]
    raw = record.path.read_bytes()
    try:
        record.text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return problems + [
            Problem(
                "encoding",
                f"the file is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
                line=line,
                hint="save the file as UTF-8",
                file=record.display,
            )
        ]
    if not record.text.strip() or _only_comments(record.text):
        return problems + [
            Problem(
                "empty-file",
                "the file states nothing",
                hint="add the source's facts",
                file=record.display,
            )
        ]
    rdf_format = RECORD_FORMATS[record.path.suffix]
    if not isinstance(rdf_format, ox.RdfFormat):
        return problems + _convert_yaml(record, base_iri)
    try:
        triples = ox.parse(record.text, format=rdf_format, base_iri=base_iri)
        graph = ox.NamedNode(record.graph)
        record.quads = stable_blank_nodes(
            (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples), record.graph
        )
    except SyntaxError as err:
        message = str(err.args[0]) if err.args else str(err)
        return problems + [
            Problem(
                "syntax",
                f"the file does not parse: {message}",
                line=err.lineno if isinstance(err.lineno, int) else None,
                hint="check the statement just before this position (a missing '.' or quote)",
                file=record.display,
            )
        ]
    problems += _check_self_description(record)
    problems += _check_subjects_in_dataset(record, base_iri)
    return problems


def _convert_yaml(record: RecordFile, base_iri: str) -> list[Problem]:
    from museumkg.records.yaml_records import convert  # PyYAML only when there is YAML to read

    converted = convert(record.text, slug=record.slug, base_iri=base_iri, display=record.display)
    graph = ox.NamedNode(record.graph)
    record.quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in converted.triples]
    record.entity_lines = converted.entity_lines
    record.value_lines = converted.value_lines
    if converted.problems:
        return converted.problems
    return _check_self_description(record) + _check_subjects_in_dataset(record, base_iri)


def stable_blank_nodes(quads: Iterable[ox.Quad], scope: str) -> list[ox.Quad]:
    """``quads`` with their blank nodes relabelled in order of first appearance, ``scope``
    (a graph IRI) making the labels distinct from another document's.

    The parser's blank nodes are random, so the same file loaded twice would give a store,
    and dumps, with other bytes; relabelled, the same file always gives the same labels.

    >>> q = ox.Quad(ox.BlankNode(), ox.NamedNode("http://e/p"), ox.BlankNode())
    >>> [str(t) for t in stable_blank_nodes([q], "http://e/g")[0].triple]
    ['_:b4562c7c4x1', '<http://e/p>', '_:b4562c7c4x2']
    """
    stem = "b" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8] + "x"
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        found = labels.get(term)
        if found is None:
            found = labels[term] = ox.BlankNode(f"{stem}{len(labels) + 1}")
        return found

    return [
        ox.Quad(stable(q.subject), q.predicate, stable(q.object), q.graph_name)
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
        else q
        for q in quads
    ]


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def _check_self_description(record: RecordFile) -> list[Problem]:
    """A record must describe the source document it is (its graph's name)."""
    source = ox.NamedNode(record.graph)
    types = {
        lexical(q.object)
        for q in record.quads
        if q.subject == source and q.predicate.value == f"{RDF}type"
    }
    if types.intersection(SOURCE_TYPES):
        return []
    return [
        Problem(
            "source-self-description",
            "the file does not describe its own source document",
            file=record.display,
            record=f"id/source/{record.slug}",
            hint=(
                f"add `<id/source/{record.slug}> a mkg:SourceDocument ; dcterms:title ... ; "
                "dcterms:publisher ... ; dcterms:issued ... ; mkg:permanentLink <...> .`"
            ),
        )
    ]


def _check_subjects_in_dataset(record: RecordFile, base_iri: str) -> list[Problem]:
    """Records may only describe the dataset's own entities (``{base}id/...``)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for quad in record.quads:
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and not is_entity_iri(base_iri, subject.value):
            if subject.value in seen:
                continue
            seen.add(subject.value)
            problems.append(
                Problem(
                    "iri-outside-dataset",
                    f"<{subject.value}> is described here but lies outside the dataset "
                    f"({entity_prefix(base_iri)})",
                    file=record.display,
                    line=locate(record, subject.value, base_iri),
                    record=subject.value,
                    hint="write the catalog's entities with relative IRIs such as <id/org/slug>",
                )
            )
    return problems


_PREFIX_DECL = re.compile(r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def locate(record: RecordFile, iri: str, base_iri: str) -> int | None:
    """Best-effort 1-based line where ``iri`` is first described (or else first mentioned).

    Looks for the IRI written absolute, relative to the base, or as a prefixed name using the
    file's own ``@prefix`` declarations.
    """
    if record.entity_lines or record.value_lines:
        # YAML: where the entity's entry starts, or else where it is first mentioned
        return record.entity_lines.get(iri) or next(
            (line for (s, value), line in record.value_lines.items() if iri in (s, value)), None
        )
    if not record.text:
        return None
    forms = {f"<{iri}>"}
    if iri.startswith(base_iri):
        forms.add(f"<{iri[len(base_iri) :]}>")
    for prefix, namespace in _PREFIX_DECL.findall(record.text):
        full = namespace if "://" in namespace else base_iri + namespace
        if iri.startswith(full) and len(iri) > len(full):
            forms.add(f"{prefix}:{iri[len(full) :]}")
    pattern = re.compile(
        r"(?<![\w:/.-])(" + "|".join(re.escape(f) for f in sorted(forms)) + r")(?![\w-])"
    )
    first_mention: int | None = None
    for number, line in enumerate(record.text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(("#", "@prefix", "PREFIX")):
            continue
        match = pattern.search(line)
        if match:
            if match.start() == len(line) - len(stripped):
                return number
            first_mention = first_mention or number
    return first_mention


def inputs_hash(records: Iterable[RecordFile], extra_files: Iterable[Path], base_iri: str) -> str:
    """One SHA-256 over every input of a build (record files, ontology files, base IRI)."""
    digest = hashlib.sha256(base_iri.encode())
    for record in sorted(records, key=lambda r: r.graph):
        digest.update(record.graph.encode())
        digest.update(record.digest().encode())
    for path in sorted(extra_files):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
