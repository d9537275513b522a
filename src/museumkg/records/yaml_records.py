"""YAML records: one source document per file, written by hand, converted to RDF deterministically.

A YAML record is the curator's form of a source graph (``data/sources/<slug>.yaml`` fills the
graph ``{base}id/source/<slug>``, like a Turtle file). Its field names are the terms of the
published JSON-LD context (``ontology/context.jsonld``), so YAML and JSON-LD curators use one
vocabulary, and the context decides how each value is read: a reference (``"@type": "@id"``),
text in languages (``"@container": "@language"``), a date, a number or a plain string.
docs/curation.md is the full guide, with the 2005 seed written in YAML as its example.

Layout::

    source:                 # the source document this file is (its IRI comes from the file name)
      title: {en: ...}
      publisher: unesco-almaty
    institutions:           # sections name the kind of IRI: {base}id/org/<key>
      unesco-almaty:
        type: IntergovernmentalOffice
        prefLabel: {en: UNESCO Almaty Cluster Office}
    programs: ...           # also people, roles, topics, places
    claims: [...]           # certainty and conflicting values (mkg:Claim)

Reading is done on YAML's node tree (``yaml.compose``), not on loaded Python values, so that
every problem carries the line it is on and no value is reinterpreted by YAML's implicit typing
(``2005-08-18`` stays a string until the context says it is a date; ``no`` is not ``False``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import yaml

from museumkg.authorities import BY_KEY, authority_of, link_iri
from museumkg.iris import KINDS, is_slug, source_iri
from museumkg.namespaces import MKG, RDF, SKOS, XSD
from museumkg.problems import Problem
from museumkg.records.yaml_fields import (
    CLAIM_FIELDS,
    CLAIM_REQUIRED,
    INTEGER_TEXT,
    IRI_TEXT,
    LANG_TAG,
    REFERENCE_KINDS,
    SECTIONS,
    TERM_NAME,
    TYPED_SECTIONS,
    FieldSpec,
    date_datatype,
    expand_curie,
    type_example,
    vocabulary,
)

#: Sections whose entries may carry same-as links to authorities (``wikidata: Q123``).
LINKED_KINDS = frozenset({"org", "person", "place", "program"})
_EXACT_MATCH = f"{SKOS}exactMatch"


@dataclass
class Converted:
    """The result of reading one YAML record."""

    triples: list[ox.Triple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: IRI → line where the entity's entry starts (for messages about the entity).
    entity_lines: dict[str, int] = field(default_factory=dict)
    #: (IRI, lexical value) → line of that value (for messages about one value).
    value_lines: dict[tuple[str, str], int] = field(default_factory=dict)


class _Reader:
    """Walks the node tree of one record and collects triples, lines and problems."""

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

    # Complexity: the record's sections in turn, each checked and reported with its line
    def read(self, text: str) -> Converted:  # noqa: C901
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            context = ""
            if err.context:
                started = err.context_mark
                context = f" ({err.context}" + (
                    f" started on line {started.line + 1})" if started else ")"
                )
            self.out.problems.append(
                Problem(
                    "syntax",
                    f"the YAML does not parse: {err.problem or err}{context}",
                    file=self.display,
                    line=mark.line + 1 if mark else None,
                    hint="check the indentation and the quotes on this line and the one before",
                )
            )
            return self.out
        except yaml.YAMLError as err:
            self.out.problems.append(
                Problem("syntax", f"the YAML does not parse: {err}", file=self.display)
            )
            return self.out
        if root is None:
            self.out.problems.append(
                Problem("empty-file", "the file states nothing", file=self.display)
            )
            return self.out
        if not self.expect_mapping(root, "a YAML record"):
            return self.out
        assert isinstance(root, yaml.MappingNode)
        sections = dict.fromkeys(("source", *SECTIONS, "claims"))
        found_source = False
        for key, key_node, value in self.pairs(
            root, what="section name", duplicate_rule="duplicate-id", record=None
        ):
            if key not in sections:
                self.problem(
                    "unknown-section",
                    f"{key!r} is not a section of a record",
                    key_node,
                    hint="sections are: " + ", ".join(sections) + _close(key, sections),
                )
            elif key == "source":
                found_source = True
                self.read_source(value)
            elif key == "claims":
                self.read_claims(value)
            else:
                self.read_section(key, value)
        if not found_source:
            self.problem(
                "missing-field",
                "the record has no `source:` section describing the source document",
                root,
                record=self.short(self.source) if self.source else None,
                field_name="source",
                hint="start the file with `source:` and its title, publisher, issued and "
                "permanentLink",
            )
        return self.out

    def read_source(self, node: yaml.Node) -> None:
        if self.source is None or not self.expect_mapping(node, "`source:`"):
            return
        assert isinstance(node, yaml.MappingNode)
        self.out.entity_lines[self.source] = node.start_mark.line + 1
        has_type = any(isinstance(k, yaml.ScalarNode) and k.value == "type" for k, _ in node.value)
        if not has_type:
            self.add(self.source, RDF + "type", ox.NamedNode(MKG + "SourceDocument"), node)
        self.read_fields(self.source, node, kind="source")

    def read_section(self, section: str, node: yaml.Node) -> None:
        kind = SECTIONS[section]
        if not self.expect_mapping(node, f"`{section}:`"):
            return
        assert isinstance(node, yaml.MappingNode)
        for key, key_node, value in self.pairs(
            node, what=f"{section} id", duplicate_rule="duplicate-id", record=None
        ):
            if not is_slug(key):
                self.problem(
                    "bad-id",
                    f"{key!r} is not a slug, so it cannot be part of an IRI",
                    key_node,
                    record=f"id/{kind}/{key}",
                    hint="use lower-case letters, digits and '-', e.g. unesco-almaty",
                )
                continue
            subject = f"{self.base}id/{kind}/{key}"
            self.out.entity_lines[subject] = key_node.start_mark.line + 1
            if not self.expect_mapping(value, f"the entry {key!r}", record=f"id/{kind}/{key}"):
                continue
            assert isinstance(value, yaml.MappingNode)
            names = {k.value for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
            if section in TYPED_SECTIONS and "type" not in names:
                self.problem(
                    "missing-field",
                    f"the entry {key!r} does not say what it is",
                    key_node,
                    record=f"id/{kind}/{key}",
                    field_name="type",
                    hint=f"add `type:` (e.g. {type_example(kind)})",
                )
            self.read_fields(subject, value, kind=kind)

    def read_fields(self, subject: str, node: yaml.MappingNode, *, kind: str) -> None:
        record = self.short(subject)
        for name, key_node, value in self.pairs(
            node, what="field of an entry", duplicate_rule="duplicate-field", record=record
        ):
            if name == "type":
                for item in self.scalars(value, record, name):
                    cls = self.classes.get(item.value) or expand_curie(item.value)
                    if cls is None:
                        self.problem(
                            "unknown-type",
                            f"{item.value!r} is not a class of the ontology",
                            item,
                            record=record,
                            field_name="type",
                            hint="use a class such as Museum, Training, Person, City"
                            + _close(item.value, self.classes),
                        )
                        continue
                    self.add(subject, RDF + "type", ox.NamedNode(cls), item)
            elif name == "parts" and kind == "program":
                self.read_parts(subject, value)
            elif name in BY_KEY and kind in LINKED_KINDS:
                for item in self.scalars(value, record, name):
                    self.add_link(subject, item, record, name)
            elif name in self.fields and self.fields[name].iri == _EXACT_MATCH:
                for item in self.scalars(value, record, name):
                    self.add_link(subject, item, record, None)
            elif name in self.fields:
                spec = self.fields[name]
                for term, at in self.values(value, spec, record):
                    self.add(subject, spec.iri, term, at)
            else:
                self.problem(
                    "unknown-field",
                    f"{name!r} is not a field of a record",
                    key_node,
                    record=record,
                    field_name=name,
                    hint="fields are the terms of ontology/context.jsonld (docs/curation.md)"
                    + _close(name, [*self.fields, "type", "parts"]),
                )

    def add_link(self, subject: str, item: yaml.ScalarNode, record: str, key: str | None) -> None:
        """A same-as link (``wikidata: Q123``, or a full IRI), checked against its authority."""
        text = item.value.strip()
        if key is None and authority_of(text) is None:
            if IRI_TEXT.match(text):  # an exact match outside the known authorities
                self.add(subject, _EXACT_MATCH, ox.NamedNode(text), item)
                return
            problem = f"{text!r} is not an IRI"
        else:
            iri, problem = link_iri(text, key)
            if iri is not None:
                self.add(subject, _EXACT_MATCH, ox.NamedNode(iri), item)
                return
        self.problem(
            "bad-link",
            problem,
            item,
            record=record,
            field_name=key or "exactMatch",
            hint="write the identifier as the authority gives it ("
            + ", ".join(f"{a.key}: {a.example}" for a in BY_KEY.values())
            + ") or its full IRI",
        )

    def read_parts(self, program: str, node: yaml.Node) -> None:
        """``parts:`` of a program: part n is ``<program>/part/<n>``, with position and links."""
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                "yaml-structure",
                "`parts:` is a list, one `- ` entry per part in order",
                node,
                record=self.short(program),
                field_name="parts",
            )
            return
        for position, item in enumerate(node.value, start=1):
            part = f"{program}/part/{position}"
            self.out.entity_lines[part] = item.start_mark.line + 1
            if not self.expect_mapping(item, f"part {position}", record=self.short(part)):
                continue
            assert isinstance(item, yaml.MappingNode)
            self.add(program, MKG + "hasPart", ox.NamedNode(part), item)
            names = {k.value for k, _ in item.value if isinstance(k, yaml.ScalarNode)}
            if "type" not in names:
                self.add(part, RDF + "type", ox.NamedNode(MKG + "ProgramPart"), item)
            self.add(part, MKG + "partOf", ox.NamedNode(program), item)
            integer = ox.NamedNode(XSD + "integer")
            self.add(part, MKG + "position", ox.Literal(str(position), datatype=integer), item)
            self.read_fields(part, item, kind="part")

    def read_claims(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem("yaml-structure", "`claims:` is a list, one `- ` entry per claim", node)
            return
        for item in node.value:
            if not self.expect_mapping(item, "a claim"):
                continue
            assert isinstance(item, yaml.MappingNode)
            self.read_claim(item)

    # Complexity: a flat list of checks of a claim's fields, each with its own problem and line
    def read_claim(self, node: yaml.MappingNode) -> None:  # noqa: C901
        given: dict[str, yaml.Node] = {}
        for name, key_node, value in self.pairs(
            node, what="field of a claim", duplicate_rule="duplicate-field", record="claim"
        ):
            if name not in CLAIM_FIELDS:
                self.problem(
                    "unknown-field",
                    f"{name!r} is not a field of a claim",
                    key_node,
                    record="claim",
                    field_name=name,
                    hint="a claim has: " + ", ".join(CLAIM_FIELDS) + _close(name, CLAIM_FIELDS),
                )
                continue
            given[name] = value
        missing = [name for name in CLAIM_REQUIRED if name not in given]
        if missing:
            self.problem(
                "missing-field",
                "a claim needs " + ", ".join(f"`{m}:`" for m in missing),
                node,
                record="claim",
                field_name=missing[0],
                hint="a claim names what it is about, the property, the value and how sure "
                "it is (StatedBySource, Probable or Disputed)",
            )
            return
        about = self.reference(given["about"], None, "claim", "about")
        prop_node = given["property"]
        spec = None
        if isinstance(prop_node, yaml.ScalarNode):
            spec = self.fields.get(prop_node.value)
            if spec is None and expand_curie(prop_node.value):
                spec = FieldSpec(prop_node.value, expand_curie(prop_node.value) or "", "iri")
        if spec is None:
            self.problem(
                "unknown-field",
                f"{getattr(prop_node, 'value', prop_node)!r} is not a property of the ontology",
                prop_node,
                record="claim",
                field_name="property",
                hint="use a field name such as foundingDate, location, probablySameAs"
                + _close(str(getattr(prop_node, "value", "")), self.fields),
            )
            return
        values = list(self.values(given["value"], spec, "claim"))
        if about is None or len(values) != 1:
            if about is not None and len(values) > 1:
                self.problem(
                    "bad-value",
                    "a claim gives exactly one value",
                    given["value"],
                    record="claim",
                    field_name="value",
                    hint="write one claim per value, each with its own sources",
                )
            return
        claimed, _ = values[0]
        slug = None
        if "id" in given:
            id_node = given["id"]
            if isinstance(id_node, yaml.ScalarNode) and is_slug(id_node.value):
                slug = id_node.value
            else:
                self.problem("bad-id", "a claim's id is a slug", id_node, record="claim")
                return
        claim = f"{self.base}id/claim/{slug or self.claim_slug(about, spec, claimed)}"
        record = self.short(claim)
        self.out.entity_lines[claim] = node.start_mark.line + 1
        self.add(claim, RDF + "type", ox.NamedNode(MKG + "Claim"), node)
        self.add(claim, MKG + "claimSubject", ox.NamedNode(about), given["about"])
        self.add(claim, MKG + "claimProperty", ox.NamedNode(spec.iri), prop_node)
        self.add(claim, MKG + "claimValue", claimed, given["value"])
        certainty_spec = self.fields["certainty"]
        for term, at in self.values(given["certainty"], certainty_spec, record):
            self.add(claim, MKG + "certainty", term, at)
        for name in ("source", "comment"):
            if name in given:
                spec_of = self.fields[name]
                for term, at in self.values(given[name], spec_of, record):
                    self.add(claim, spec_of.iri, term, at)

    def claim_slug(self, about: str, spec: FieldSpec, value: ox.NamedNode | ox.Literal) -> str:
        """A readable, stable slug: ``<kind>-<slug>/<property>/<value>``."""
        subject = self.short(about).removeprefix("id/").replace("/", "-")
        prop = re.sub(r"(?<!^)(?=[A-Z])", "-", spec.name.rsplit(":", 1)[-1]).lower()
        raw = value.value
        if isinstance(value, ox.NamedNode):
            raw = self.short(raw).removeprefix("id/")
        tail = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-") or "value"
        return f"{_slugify(subject)}/{_slugify(prop)}/{tail[:60].strip('-')}"

    # -- values -----------------------------------------------------------------------------

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


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.value.strip()


def _close(word: str, options: object) -> str:
    matches = difflib.get_close_matches(word, list(options), n=1)  # type: ignore[call-overload]
    return f"; did you mean {matches[0]!r}?" if matches else ""


def convert(text: str, *, slug: str, base_iri: str, display: str = "<yaml>") -> Converted:
    """Convert the text of one YAML record into triples (document order; no blank nodes).

    Args:
        text: the record, already decoded from UTF-8.
        slug: the file name without extension: the record's source is ``id/source/<slug>``.
        base_iri: the dataset base the record's ids resolve against.
        display: the file name used in problems.

    Returns:
        the triples, the problems (each with file and line, record and field where known) and
        where each entity and value was written.

    >>> out = convert("source: {title: {en: News}}\\ninstitutions:\\n  a: {type: Museum}\\n",
    ...               slug="news", base_iri="http://ex.org/")
    >>> sorted(str(t) for t in out.triples)[:2]  # doctest: +NORMALIZE_WHITESPACE
    ['<http://ex.org/id/org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>
      <https://w3id.org/museumkg/ontology#Museum>',
     '<http://ex.org/id/source/news> <http://purl.org/dc/terms/title> "News"@en']
    >>> out.problems
    []
    """
    return _Reader(slug=slug, base_iri=base_iri, display=display).read(text)
