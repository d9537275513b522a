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

import re

import pyoxigraph as ox
import yaml

from museumkg.authorities import BY_KEY, authority_of, link_iri
from museumkg.iris import is_slug
from museumkg.namespaces import MKG, RDF, SKOS, XSD
from museumkg.problems import Problem
from museumkg.records.yaml_fields import (
    CLAIM_FIELDS,
    CLAIM_REQUIRED,
    IRI_TEXT,
    SECTIONS,
    TYPED_SECTIONS,
    FieldSpec,
    expand_curie,
    type_example,
)
from museumkg.records.yaml_nodes import Converted, NodeReader, did_you_mean

#: Sections whose entries may carry same-as links to authorities (``wikidata: Q123``).
LINKED_KINDS = frozenset({"org", "person", "place", "program"})
_EXACT_MATCH = f"{SKOS}exactMatch"


class _Reader(NodeReader):
    """Walks the sections of one record and collects triples, lines and problems."""

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
                    hint="sections are: " + ", ".join(sections) + did_you_mean(key, sections),
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
                self.read_types(subject, value, record)
            elif name == "parts" and kind == "program":
                self.read_parts(subject, value)
            elif self.link_field(name, kind):
                for item in self.scalars(value, record, name):
                    self.add_link(subject, item, record, name if name in BY_KEY else None)
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
                    + did_you_mean(name, [*self.fields, "type", "parts"]),
                )

    def read_types(self, subject: str, node: yaml.Node, record: str) -> None:
        """``type:`` of an entry: one class or a list, each a class of the ontology."""
        for item in self.scalars(node, record, "type"):
            cls = self.classes.get(item.value) or expand_curie(item.value)
            if cls is None:
                self.problem(
                    "unknown-type",
                    f"{item.value!r} is not a class of the ontology",
                    item,
                    record=record,
                    field_name="type",
                    hint="use a class such as Museum, Training, Person, City"
                    + did_you_mean(item.value, self.classes),
                )
                continue
            self.add(subject, RDF + "type", ox.NamedNode(cls), item)

    def link_field(self, name: str, kind: str) -> bool:
        """Whether a field is a same-as link: an authority's (``wikidata``) or ``exactMatch``."""
        if name in BY_KEY:
            return kind in LINKED_KINDS
        return name in self.fields and self.fields[name].iri == _EXACT_MATCH

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
                    hint="a claim has: "
                    + ", ".join(CLAIM_FIELDS)
                    + did_you_mean(name, CLAIM_FIELDS),
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
                + did_you_mean(str(getattr(prop_node, "value", "")), self.fields),
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


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


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
