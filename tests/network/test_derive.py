"""Partnership derivation: the rules in ontology/rules/ over the seed and a synthetic catalog."""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from synthetic_network import RULES, SYNTH, synthetic_catalog
from synthetic_network import node as _n
from synthetic_network import term as _t

from museumkg.config import Settings
from museumkg.namespaces import MKG, RDF
from museumkg.network import derive as derive_module
from museumkg.network.derive import derive
from museumkg.network.model import KINDS, STRONG_KINDS
from museumkg.network.rederive import DERIVED_LINKS, SOURCE_LINKS
from museumkg.network.rules import (
    DERIVED_BY,
    METRICS_STEP,
    OWN_RULE,
    load_rules,
    rule_header,
    rule_predicates,
)
from museumkg.store import EmbeddedStore, Store, select_rows
from museumkg.synth.generate import SHARED_TOPIC_CAP

PARTNERSHIPS = """
PREFIX mkg: <https://w3id.org/museumkg/ontology#>
SELECT ?derived ?a ?b ?kind ?strength ?first ?last
       (GROUP_CONCAT(DISTINCT STR(?program); separator=" ") AS ?programs)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE { GRAPH ?derived {
  ?p a mkg:Partnership ; mkg:partnershipMember ?a , ?b ; mkg:partnershipKind ?kind ;
     mkg:strength ?strength .
  OPTIONAL { ?p mkg:firstYear ?first } OPTIONAL { ?p mkg:lastYear ?last }
  OPTIONAL { ?p mkg:evidenceProgram ?program } OPTIONAL { ?p mkg:evidenceSource ?source }
  FILTER(STR(?a) < STR(?b)) } }
GROUP BY ?derived ?a ?b ?kind ?strength ?first ?last
"""


def partnerships(store: Store, derived: str) -> dict[tuple[str, str, str], dict[str, str]]:
    result = store.query(PARTNERSHIPS, bindings={"derived": ox.NamedNode(derived)})
    found = {}
    for row in select_rows(result):
        key = (row["a"].value, row["b"].value, row["kind"].value.removeprefix(MKG))
        found[key] = {k: v.value for k, v in row.items()}
    return found


def test_every_rule_has_a_header_and_is_a_construct() -> None:
    rules = load_rules(RULES)
    assert [r.name for r in rules][:4] == [
        "co-organised",
        "participated",
        "stated-partnership",
        "shared-topic",
    ]
    for rule in rules:
        assert "CONSTRUCT" in rule.text and "# derives:" in rule.text and "# why:" in rule.text


# Complexity: one walk over rdflib's algebra, a branch per node kind
def _predicates(algebra: object) -> set[object]:  # noqa: C901
    """Every predicate of a parsed query's triple patterns (paths taken apart), by rdflib."""
    found: set[object] = set()
    stack, seen = [algebra], set()
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, str | int | float):
            continue
        seen.add(id(item))
        if isinstance(item, CompValue) and item.name == "BGP":
            for _s, predicate, _o in item["triples"]:
                stack.append(predicate) if isinstance(predicate, PropertyPath) else found.add(
                    predicate
                )
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
        elif isinstance(item, PropertyPath):
            for part in vars(item).values():
                parts = part if isinstance(part, list | tuple) else [part]
                for one in parts:
                    if isinstance(one, PropertyPath):
                        stack.append(one)
                    elif isinstance(one, rdflib.term.Identifier):
                        found.add(one)
    return found


def test_the_rules_read_only_statements_of_the_predicates_they_name() -> None:
    """Derivation copies only those statements (rule_predicates): a SPARQL parser agrees."""
    rules = load_rules(RULES)
    named = rule_predicates(rules)
    for rule in rules:
        predicates = _predicates(prepareQuery(f"BASE <{SYNTH}>\n{rule.text}").algebra)
        assert predicates, rule.name
        for predicate in predicates:
            assert isinstance(predicate, rdflib.URIRef), f"{rule.name}: variable {predicate}"
            assert str(predicate) in named, (rule.name, predicate)


def _made_by_rules() -> dict[str, set[str]]:
    """Predicate IRI -> names of the rules whose CONSTRUCT template makes it (by rdflib)."""
    made: dict[str, set[str]] = {}
    for rule in load_rules(RULES):
        template = prepareQuery(f"BASE <{SYNTH}>\n{rule.text}").algebra["template"]
        for _s, predicate, _o in template:
            made.setdefault(str(predicate), set()).add(rule.name)
    return made


def test_derived_by_names_the_rule_that_makes_each_derived_predicate() -> None:
    """DERIVED_BY is read against the rules' templates: complete, and right about who makes what."""
    made = _made_by_rules()
    own_rules = made[f"{MKG}derivedByRule"]  # the rules whose nodes name their own rule
    for predicate, rules in made.items():
        if predicate == f"{RDF}type":
            assert rules == own_rules, rules  # partnership nodes; YearMetrics by the metrics step
            continue
        assert predicate in DERIVED_BY, f"{predicate} ({rules}) is missing from DERIVED_BY"
        by = DERIVED_BY[predicate]
        assert by != METRICS_STEP, f"{predicate} is made by {rules}, not by the metrics step"
        if by == OWN_RULE:  # made by rules whose nodes say which rule made them
            assert rules <= own_rules, (predicate, rules)
        else:
            assert rules == {by}, (predicate, by, rules)
    for predicate, by in DERIVED_BY.items():
        if by != METRICS_STEP:
            assert predicate in made, f"DERIVED_BY names {predicate}, which no rule makes"


def test_the_strong_kinds_are_those_the_rules_headers_say() -> None:
    """Each node-making rule's '# derives:' names its kind; partner-of's names the weak ones."""
    headers = {rule.name: dict(rule_header(rule.text)) for rule in load_rules(RULES)}
    kind_of = {}
    for name, header in headers.items():
        found = re.search(r"\bkind\s+mkg:(\w+)", header["derives"])
        if found:
            kind_of[name] = found.group(1)
    assert sorted(kind_of.values()) == sorted(KINDS.values())
    weak = set(re.findall(r"mkg:(\w+)", headers["partner-of"]["derives"])) & set(KINDS.values())
    assert weak and {slug for slug, local in KINDS.items() if local not in weak} == set(
        STRONG_KINDS
    )


def test_incremental_derivation_follows_what_the_rules_read_and_make() -> None:
    """rederive's traversal constants: source links the rules read, derived links they make."""
    read = rule_predicates(load_rules(RULES))
    made = _made_by_rules()
    assert {n.value for n in SOURCE_LINKS} <= read
    assert {n.value for n in DERIVED_LINKS} <= set(made)


def test_seed_organisers_are_pairwise_co_organisers(
    store: Store, catalog_settings: Settings
) -> None:
    base = catalog_settings.base_iri
    org = {
        s: f"{base}id/org/{s}" for s in ("unesco-almaty", "scca-almaty", "lab-museum-design-rik")
    }
    program = f"{base}id/program/museums-in-a-changing-world-2005"
    seed = f"{base}id/source/unesco-almaty-2005-museum-management-training"
    found = partnerships(store, catalog_settings.derived_graph)
    expected = {tuple(sorted(pair)) for pair in itertools.combinations(org.values(), 2)}
    assert {(a, b) for a, b, kind in found if kind == "CoOrganised"} == expected
    for a, b in expected:
        link = found[(a, b, "CoOrganised")]
        assert link["programs"] == program and link["sources"] == seed
        assert (link["strength"], link["first"], link["last"]) == ("3", "2005", "2005")
    linked = f"SELECT ?a ?b WHERE {{ ?a <{MKG}partnerOf> ?b }}"
    pairs = {(r["a"].value, r["b"].value) for r in select_rows(store.query(linked))}
    assert pairs == expected | {(b, a) for a, b in expected}
    symmetric = f"""SELECT ?a ?b WHERE {{ ?a <{MKG}partnerOf> ?b .
                    FILTER NOT EXISTS {{ ?b <{MKG}partnerOf> ?a }} }}"""
    assert list(select_rows(store.query(symmetric))) == []


# --- a synthetic catalog whose partnerships are known by construction -----------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_partnerships_are_exactly_the_expected_ones(seed: int) -> None:
    store, expected = synthetic_catalog(seed)
    assert {kind for _a, _b, kind in expected} == {
        "CoOrganised",
        "ParticipatedInProgramOf",
        "StatedPartnership",
        "SharedTopicSameYear",
    }, "the synthetic catalog must exercise every rule"
    derived = f"{SYNTH}graph/derived"
    derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
    found = partnerships(store, derived)
    assert set(found) == set(expected)
    for key, want in expected.items():
        got = found[key]
        assert float(got["strength"]) == want["strength"], key
        assert set(got.get("programs", "").split()) == want["programs"], key
        assert set(got["sources"].split()) == want["sources"], key
        assert (got["first"], got["last"]) == (want["first"], want["last"]), key


def test_derivation_replaces_the_previous_derived_graph() -> None:
    store, expected = synthetic_catalog(1)
    derived = f"{SYNTH}graph/derived"
    derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
    first = store.count(derived)
    derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
    assert store.count(derived) == first > 0


@pytest.mark.parametrize("organisers", [SHARED_TOPIC_CAP, SHARED_TOPIC_CAP + 1])
def test_a_topic_too_many_took_up_that_year_gives_no_shared_topic_links(organisers: int) -> None:
    """At most SHARED_TOPIC_CAP organisers on a (topic, year): linked pairwise; one more: none."""
    store = EmbeddedStore()
    store.load(RULES.parent / "museumkg.ttl", format="ttl", graph=f"{SYNTH}graph/ontology")
    date = ox.Literal("2012-03-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    quads = []
    for number in range(organisers):
        source, program = _n("source", f"cap-{number}"), _n("program", f"cap-{number}")
        org = _n("org", f"cap-{number:02d}")
        for s, p, o in [
            (source, RDF + "type", _t("SourceDocument")),
            (program, RDF + "type", _t("Training")),
            (program, MKG + "startDate", date),
            (program, MKG + "topic", _n("topic", "cap")),
            (program, MKG + "organizer", org),
            (org, RDF + "type", _t("Museum")),
        ]:
            quads.append(ox.Quad(s, ox.NamedNode(p), o, source))
    store.add_quads(quads)
    derived = f"{SYNTH}graph/derived"
    derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
    kinds = [key[2] for key in partnerships(store, derived)]
    pairs = organisers * (organisers - 1) // 2 if organisers <= SHARED_TOPIC_CAP else 0
    assert kinds == ["SharedTopicSameYear"] * pairs


def test_a_scratch_store_on_disk_derives_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Big catalogs run the rules on a scratch folder, not in memory: same derived graph."""
    derived = f"{SYNTH}graph/derived"
    found = []
    for limit in (10**9, 0):
        monkeypatch.setattr(derive_module, "SCRATCH_MEMORY_BUDGET", limit)
        store, _expected = synthetic_catalog(2)
        reports = derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
        assert ("on disk" in reports[0].summary) == (limit == 0)
        graph = ox.NamedNode(derived)
        found.append({str(q) for q in store.native.quads_for_pattern(None, None, None, graph)})
    assert found[0] == found[1]
