"""Reading YAML nodes as RDF values, with the line of every problem (for YAML records).

:class:`NodeReader` holds what one record's reading collects (:class:`Converted`: triples,
problems, the lines of entities and values) and reads the nodes the record is made of: a
mapping's pairs, scalars, a value typed as the JSON-LD context says (text in languages, a date,
a number, a plain string) and a reference (a ``kind/slug``, a prefixed name or a full IRI).
:mod:`museumkg.records.yaml_records` walks a record's sections with it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import yaml

from museumkg.iris import KINDS, is_slug, source_iri
from museumkg.namespaces import MKG, XSD
from museumkg.problems import Problem
from museumkg.records.yaml_fields import (
    INTEGER_TEXT,
    IRI_TEXT,
    LANG_TAG,
    REFERENCE_KINDS,
    TERM_NAME,
    FieldSpec,
    date_datatype,
    expand_curie,
    vocabulary,
)


@dataclass
class Converted:
    """The result of reading one YAML record."""

    triples: list[ox.Triple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: IRI → line where the entity's entry starts (for messages about the entity).
    entity_lines: dict[str, int] = field(default_factory=dict)
    #: (IRI, lexical value) → line of that value (for messages about one value).
    value_lines: dict[tuple[str, str], int] = field(default_factory=dict)


class NodeReader:
    """Reads one record's nodes: mappings, scalars, typed values and references, each problem
    with its line. :class:`~museumkg.records.yaml_records` walks the record with it."""

    def __init__(self, *, slug: str, base_iri: str, display: str) -> None:
        self.base = base_iri
        self.display = display
        self.source = source_iri(base_iri, slug) if is_slug(slug) else None
        self.fields, self.classes = vocabulary()
        self.out = Converted()

    # -- problems ---------------------------------------------------------------------------

    def problem(
        self,
        rule: str,
        message: str,
        node: yaml.Node | None,
        *,
        record: str | None = None,
        field_name: str | None = None,
        hint: str | None = None,
    ) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.out.problems.append(
            Problem(
                rule,
                message,
                file=self.display,
                line=line,
                record=record,
                field=field_name,
                hint=hint,
            )
        )

    def short(self, iri: str) -> str:
        return iri[len(self.base) :] if iri.startswith(self.base) else iri

    # -- structure --------------------------------------------------------------------------

    def pairs(
        self, node: yaml.MappingNode, *, what: str, duplicate_rule: str, record: str | None
    ) -> Iterator[tuple[str, yaml.ScalarNode, yaml.Node]]:
        """The (key, key node, value node) of a mapping; duplicate and non-text keys reported."""
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem("yaml-structure", f"a {what} must be a plain name", key_node)
                continue
            key = key_node.value
            if key in seen:
                self.problem(
                    duplicate_rule,
                    f"{key!r} is given twice in this {what.split(' ')[0]} "
                    f"(first on line {seen[key]})",
                    key_node,
                    record=record,
                    field_name=key if duplicate_rule == "duplicate-field" else None,
                    hint="merge the two entries into one",
                )
                continue
            seen[key] = key_node.start_mark.line + 1
            yield key, key_node, value_node

    def expect_mapping(self, node: yaml.Node, what: str, record: str | None = None) -> bool:
        if isinstance(node, yaml.MappingNode):
            return True
        self.problem(
            "yaml-structure",
            f"{what} must be a mapping of names to values",
            node,
            record=record,
            hint="indent the fields under it as `name: value` lines",
        )
        return False

    # -- the record -------------------------------------------------------------------------

    def scalars(self, node: yaml.Node, record: str, name: str) -> list[yaml.ScalarNode]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        found: list[yaml.ScalarNode] = []
        for item in items:
            if isinstance(item, yaml.ScalarNode) and item.value.strip():
                found.append(item)
            else:
                self.problem(
                    "bad-value",
                    "expected a value here" + (" (it is empty)" if _empty(item) else ""),
                    item,
                    record=record,
                    field_name=name,
                    hint="write one value, or a list `[a, b]`",
                )
        return found

    def values(
        self, node: yaml.Node, spec: FieldSpec, record: str
    ) -> Iterator[tuple[ox.NamedNode | ox.Literal, yaml.Node]]:
        if spec.kind == "lang":
            yield from self.lang_values(node, spec, record)
            return
        if isinstance(node, yaml.MappingNode):
            self.problem(
                "bad-value",
                f"`{spec.name}` takes "
                + ("a reference" if spec.kind == "iri" else "a value")
                + ", not a mapping",
                node,
                record=record,
                field_name=spec.name,
                hint="language maps like {en: ...} are for text fields (prefLabel, title, ...)",
            )
            return
        for item in self.scalars(node, record, spec.name):
            term = self.scalar(item, spec, record)
            if term is not None:
                yield term, item

    def lang_values(
        self, node: yaml.Node, spec: FieldSpec, record: str
    ) -> Iterator[tuple[ox.Literal, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                "bad-value",
                f"`{spec.name}` is text in a language: give the language",
                node,
                record=record,
                field_name=spec.name,
                hint=f"write `{spec.name}: {{en: ...}}` (and `ru: ...` where the source gives it)",
            )
            return
        for lang, key_node, value in self.pairs(
            node, what="language of a text", duplicate_rule="duplicate-field", record=record
        ):
            if not LANG_TAG.match(lang):
                self.problem(
                    "bad-value",
                    f"{lang!r} is not a language tag",
                    key_node,
                    record=record,
                    field_name=spec.name,
                    hint="use a BCP 47 tag in lower case: en, ru, kk, ky, tg, uz, fr, de",
                )
                continue
            for item in self.scalars(value, record, spec.name):
                yield ox.Literal(item.value.strip(), language=lang), item

    def scalar(
        self, node: yaml.ScalarNode, spec: FieldSpec, record: str
    ) -> ox.NamedNode | ox.Literal | None:
        text = node.value.strip()
        if spec.kind == "iri":
            iri = self.reference(node, spec.name, record, spec.name)
            return ox.NamedNode(iri) if iri else None
        if spec.kind == "date":
            datatype = date_datatype(text)
            if datatype is None:
                self.problem(
                    "bad-value",
                    f"{text!r} is not a date",
                    node,
                    record=record,
                    field_name=spec.name,
                    hint="write the date as precisely as the source gives it: 2005-08-18, "
                    "2005-08 or 2005",
                )
                return None
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        if spec.kind == "integer":
            if not INTEGER_TEXT.match(text):
                self.problem(
                    "bad-value",
                    f"{text!r} is not a whole number",
                    node,
                    record=record,
                    field_name=spec.name,
                    hint="write digits only, e.g. 1",
                )
                return None
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
        if spec.kind == "typed" and spec.datatype:
            return ox.Literal(text, datatype=ox.NamedNode(spec.datatype))
        return ox.Literal(text)

    def reference(
        self, node: yaml.Node, name: str | None, record: str, field_name: str
    ) -> str | None:
        """Resolve a reference: an IRI, a prefixed name, ``kind/slug`` or a bare slug."""
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            self.problem(
                "bad-value", "expected a reference", node, record=record, field_name=field_name
            )
            return None
        text = node.value.strip()
        if IRI_TEXT.match(text):
            return text
        expanded = expand_curie(text)
        if expanded is not None:
            return expanded
        kind, sep, slug = text.partition("/")
        if sep and kind in KINDS and is_slug(slug):
            return f"{self.base}id/{kind}/{slug}"
        default = REFERENCE_KINDS.get(name or "")
        if default == "mkg" and TERM_NAME.match(text):
            return MKG + text
        if default in KINDS and is_slug(text):
            return f"{self.base}id/{default}/{text}"
        example = f"{default}/{text}" if default in KINDS else "person/dr-lebedev"
        self.problem(
            "bad-reference",
            f"{text!r} is not a reference this field understands",
            node,
            record=record,
            field_name=field_name,
            hint=f"write kind/slug (e.g. {example}), a prefixed name (mkg:LeadTrainer) "
            "or a full IRI (https://...)",
        )
        return None

    def add(
        self, subject: str, predicate: str, obj: ox.NamedNode | ox.Literal, at: yaml.Node
    ) -> None:
        triple = ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), obj)
        self.out.triples.append(triple)
        line = at.start_mark.line + 1
        self.out.value_lines.setdefault((subject, obj.value), line)


def _empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.value.strip()


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``options``, or ``""``."""
    matches = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean {matches[0]!r}?" if matches else ""
