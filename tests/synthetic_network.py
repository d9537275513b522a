"""A random synthetic catalog with its expected partnerships, for derivation and export tests."""

from __future__ import annotations

import itertools
import random

import pyoxigraph as ox

from museumkg.config import PROJECT_DIR
from museumkg.namespaces import MKG, RDF, SKOS
from museumkg.store import EmbeddedStore
from museumkg.synth.generate import SHARED_TOPIC_CAP

RULES = PROJECT_DIR / "ontology" / "rules"
SYNTH = "https://synthetic.museumkg.example/"


def node(kind: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SYNTH}id/{kind}/{slug}")


def term(local: str) -> ox.NamedNode:
    return ox.NamedNode(MKG + local)


# Complexity: the facts drawn in a fixed order: the random stream, and so every test catalog,
# depends on it
def synthetic_catalog(seed: int) -> tuple[EmbeddedStore, dict[tuple[str, str, str], dict]]:  # noqa: C901
    """Random programs with known organisers, partners, roles, stated links and topics.

    Returns the store and the expected partnerships: (a, b, kind) → strength, programs, years.
    """
    rng = random.Random(seed)
    store = EmbeddedStore()
    store.load(RULES.parent / "museumkg.ttl", format="ttl", graph=f"{SYNTH}graph/ontology")
    orgs = [node("org", f"synthetic-{i:02d}") for i in range(12)]
    person = node("person", "synthetic-person")
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
        source = node("source", f"synthetic-{number}")
        graph = source
        program = node("program", f"synthetic-{number}")
        year = str(2000 + rng.randrange(4))
        topic = node("topic", f"synthetic-{rng.randrange(3)}")
        organisers = rng.sample(orgs, rng.randint(1, 3))
        others = [o for o in orgs if o not in organisers]
        partner = rng.choice(others)
        on_behalf = rng.choice([o for o in others if o != partner])
        role = node("role", f"synthetic-{number}")
        add = [
            (source, RDF + "type", term("SourceDocument")),
            (program, RDF + "type", term("Training")),
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
            quads.append(ox.Quad(org, ox.NamedNode(RDF + "type"), term("Museum"), graph))
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
        source = node("source", f"synthetic-agreement-{x.value[-2:]}")
        quads.append(ox.Quad(source, ox.NamedNode(RDF + "type"), term("SourceDocument"), source))
        quads.append(
            ox.Quad(
                source,
                ox.NamedNode("http://purl.org/dc/terms/issued"),
                ox.Literal("2010", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                source,
            )
        )
        quads.append(ox.Quad(x, term("statedPartner"), y, source))
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
