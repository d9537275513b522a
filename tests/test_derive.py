"""Partnership derivation: the rules in ontology/rules/ over the seed and a synthetic catalog."""

from __future__ import annotations

import itertools
import random

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from museumkg import derive as derive_module
from museumkg.config import PROJECT_DIR, Settings
from museumkg.derive import derive, load_rules, rule_predicates
from museumkg.namespaces import MKG, RDF, SKOS
from museumkg.store import EmbeddedStore, Store, select_rows
from museumkg.synth import SHARED_TOPIC_CAP

RULES = PROJECT_DIR / "ontology" / "rules"
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


def _predicates(algebra: object) -> set[object]:
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
SYNTH = "https://synthetic.museumkg.example/"


def _n(kind: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SYNTH}id/{kind}/{slug}")


def _t(local: str) -> ox.NamedNode:
    return ox.NamedNode(MKG + local)


def synthetic_catalog(seed: int) -> tuple[EmbeddedStore, dict[tuple[str, str, str], dict]]:
    """Random programs with known organisers, partners, roles, stated links and topics.

    Returns the store and the expected partnerships: (a, b, kind) → strength, programs, years.
    """
    rng = random.Random(seed)
    store = EmbeddedStore()
    store.load(RULES.parent / "museumkg.ttl", format="ttl", graph=f"{SYNTH}graph/ontology")
    orgs = [_n("org", f"synthetic-{i:02d}") for i in range(12)]
    person = _n("person", "synthetic-person")
    quads: list[ox.Quad] = []
    evidence: dict[tuple[str, str, str], set[str]] = {}
    years: dict[tuple[str, str, str], set[str]] = {}
    sources: dict[tuple[str, str, str], set[str]] = {}

    def note(x: ox.NamedNode, y: ox.NamedNode, kind: str, item: str, year: str, src: str) -> None:
        a, b = sorted((x.value, y.value))
        evidence.setdefault((a, b, kind), set()).add(item)
        years.setdefault((a, b, kind), set()).add(year)
        sources.setdefault((a, b, kind), set()).add(src)

    topic_of: list[tuple[ox.NamedNode, str, list[ox.NamedNode], ox.NamedNode, str]] = []
    for number in range(15):
        source = _n("source", f"synthetic-{number}")
        graph = source
        program = _n("program", f"synthetic-{number}")
        year = str(2000 + rng.randrange(4))
        topic = _n("topic", f"synthetic-{rng.randrange(3)}")
        organisers = rng.sample(orgs, rng.randint(1, 3))
        others = [o for o in orgs if o not in organisers]
        partner = rng.choice(others)
        on_behalf = rng.choice([o for o in others if o != partner])
        role = _n("role", f"synthetic-{number}")
        add = [
            (source, RDF + "type", _t("SourceDocument")),
            (program, RDF + "type", _t("Training")),
            (
                program,
                MKG + "startDate",
                ox.Literal(
                    f"{year}-05-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
                ),
            ),
            (program, MKG + "topic", topic),
            (program, MKG + "partner", partner),
            (role, MKG + "inProgram", program),
            (role, MKG + "agent", person),
            (role, MKG + "onBehalfOf", on_behalf),
        ] + [(program, MKG + "organizer", o) for o in organisers]
        for org in orgs:
            quads.append(ox.Quad(org, ox.NamedNode(RDF + "type"), _t("Museum"), graph))
            quads.append(ox.Quad(org, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("x"), graph))
        for s, p, o in add:
            quads.append(ox.Quad(s, ox.NamedNode(p) if isinstance(p, str) else p, o, graph))
        for x, y in itertools.combinations(organisers, 2):
            note(x, y, "CoOrganised", program.value, year, source.value)
        for organiser in organisers:
            for participant in (partner, on_behalf):
                note(
                    organiser,
                    participant,
                    "ParticipatedInProgramOf",
                    program.value,
                    year,
                    source.value,
                )
        topic_of.append((program, year, organisers, topic, source.value))
    for x, y in [(orgs[0], orgs[11]), (orgs[3], orgs[7])]:
        source = _n("source", f"synthetic-agreement-{x.value[-2:]}")
        quads.append(ox.Quad(source, ox.NamedNode(RDF + "type"), _t("SourceDocument"), source))
        quads.append(
            ox.Quad(
                source,
                ox.NamedNode("http://purl.org/dc/terms/issued"),
                ox.Literal("2010", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                source,
            )
        )
        quads.append(ox.Quad(x, _t("statedPartner"), y, source))
        a, b = sorted((x.value, y.value))
        sources.setdefault((a, b, "StatedPartnership"), set()).add(source.value)
        years.setdefault((a, b, "StatedPartnership"), set()).add("2010")
    bucket: dict[tuple[ox.NamedNode, str], set[ox.NamedNode]] = {}
    for _p, year, organisers, topic, _s in topic_of:
        bucket.setdefault((topic, year), set()).update(organisers)
    for (p1, y1, org1, t1, s1), (p2, y2, org2, t2, s2) in itertools.permutations(topic_of, 2):
        if t1 != t2 or y1 != y2 or len(bucket[(t1, y1)]) > SHARED_TOPIC_CAP:
            continue
        for a in org1:
            for b in org2:
                if a.value < b.value and b not in org1 and a not in org2:
                    for program, src in ((p1, s1), (p2, s2)):
                        note(a, b, "SharedTopicSameYear", program.value, y1, src)
    store.add_quads(quads)
    weights = {
        "CoOrganised": 3,
        "ParticipatedInProgramOf": 2,
        "StatedPartnership": 2,
        "SharedTopicSameYear": 0.5,
    }
    expected = {}
    for key in set(evidence) | set(sources):
        count = len(evidence.get(key, ())) or len(sources[key])
        expected[key] = {
            "strength": weights[key[2]] * count,
            "programs": evidence.get(key, set()),
            "sources": sources[key],
            "first": min(years[key]),
            "last": max(years[key]),
        }
    return store, expected


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
        monkeypatch.setattr(derive_module, "SCRATCH_IN_MEMORY_MAX", limit)
        store, _expected = synthetic_catalog(2)
        reports = derive(store, base_iri=SYNTH, derived_graph=derived, rules_dir=RULES)
        assert ("on disk" in reports[0].summary) == (limit == 0)
        graph = ox.NamedNode(derived)
        found.append({str(q) for q in store.native.quads_for_pattern(None, None, None, graph)})
    assert found[0] == found[1]
