"""The fixed SPARQL query mix of issue 9, and the sample entities it is run with.

Each query is a template with ``{e}`` (an entity IRI), ``{term}`` (a search word) or
``{offset}``; repetition *i* uses sample *i*, the same sequence on every engine, so every
engine answers exactly the same texts. Samples are drawn with a fixed seed from the store.
The values are IRIs minted by the generator and words made of letters, so pasting them into
the text is safe here (the library binds user values; the bench has none).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from museumkg.store import EmbeddedStore, select_rows

PROLOGUE = """PREFIX mkg: <https://w3id.org/museumkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: Deepest page offset of the class listing query and page (issue: "offset 1000").
DEEP_OFFSET = 1000
PAGE_SIZE = 20


@dataclass
class Samples:
    """Entities and words the queries and pages are run with."""

    institutions: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # linked institutions
    terms: list[str] = field(default_factory=list)
    hubs: list[str] = field(default_factory=list)  # institutions most linked to
    people_count: int = 0

    @property
    def entities(self) -> list[str]:
        """Institutions, programs and people, interleaved (entity pages of every kind)."""
        mixed = zip(self.institutions, self.programs, self.people, strict=False)
        return [iri for group in mixed for iri in group]

    @property
    def offset(self) -> int:
        """The deep page's offset: 1000, or half the people when there are fewer."""
        return max(0, min(DEEP_OFFSET, self.people_count // 2 // PAGE_SIZE * PAGE_SIZE))


@dataclass(frozen=True)
class Query:
    """One query of the mix: ``text(i)`` is its i-th instance."""

    name: str
    form: str  # "select" or "construct"
    text: Callable[[int], str]
    description: str


def _column(store: EmbeddedStore, query: str, name: str) -> list[str]:
    return [row[name].value for row in select_rows(store.query(PROLOGUE + query))]


def draw_samples(store: EmbeddedStore, count: int = 25, seed: int = 0) -> Samples:
    """Pick ``count`` institutions (with partners), programs, people and linked pairs."""
    rng = random.Random(seed)
    institutions = sorted(
        set(_column(store, "SELECT DISTINCT ?s WHERE { ?s mkg:partnerOf ?o }", "s"))
    )
    programs = sorted(_column(store, "SELECT ?s WHERE { ?r mkg:inProgram ?s } GROUP BY ?s", "s"))
    people = sorted(_column(store, "SELECT ?s WHERE { ?s a mkg:Person }", "s"))
    chosen = rng.sample(institutions, min(count, len(institutions)))
    pairs = []
    for iri in chosen:
        partners = sorted(_column(store, f"SELECT ?o WHERE {{ <{iri}> mkg:partnerOf ?o }}", "o"))
        if partners:
            pairs.append((iri, rng.choice(partners)))
    terms = []
    for iri in chosen:
        labels = _column(
            store,
            f'SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l FILTER(LANG(?l) = "en") }}',
            "l",
        )
        words = [w for label in labels for w in label.split() if w.isalpha() and len(w) > 3]
        if words:
            terms.append(words[0].lower())
    hubs = _column(
        store,
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s mkg:organizer|mkg:partner|mkg:onBehalfOf|"
        "mkg:affiliation ?o } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 5",
        "o",
    )
    return Samples(
        hubs=hubs,
        institutions=chosen,
        programs=rng.sample(programs, min(count, len(programs))),
        people=rng.sample(people, min(count, len(people))),
        pairs=pairs,
        terms=terms,
        people_count=len(people),
    )


def _pick(items: list[str], i: int) -> str:
    return items[i % len(items)]


def query_mix(samples: Samples) -> list[Query]:
    """The eight queries of issue 9, in the order the table shows them."""
    s = samples

    def entity(i: int) -> str:
        iri = _pick(s.institutions, i)
        return PROLOGUE + f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"

    def partners(i: int) -> str:
        iri = _pick(s.institutions, i)
        return PROLOGUE + (
            "SELECT ?partner ?kind ?strength WHERE {\n"
            f"  ?p mkg:partnershipMember <{iri}> , ?partner ;\n"
            "     mkg:partnershipKind ?kind ; mkg:strength ?strength .\n"
            f"  FILTER(?partner != <{iri}>)\n"
            "} ORDER BY DESC(?strength)"
        )

    def edges(_i: int) -> str:
        return PROLOGUE + (
            "SELECT ?a ?b ?kind ?strength WHERE {\n"
            "  ?p a mkg:Partnership ; mkg:partnershipMember ?a , ?b ;\n"
            "     mkg:partnershipKind ?kind ; mkg:strength ?strength .\n"
            "  FILTER(STR(?a) < STR(?b))\n"
            "}"
        )

    def topics(_i: int) -> str:
        return PROLOGUE + (
            "SELECT ?country ?top (COUNT(DISTINCT ?program) AS ?programs) WHERE {\n"
            "  ?program mkg:topic ?topic ; mkg:place/mkg:country ?country .\n"
            "  ?topic skos:broader ?top .\n"
            "} GROUP BY ?country ?top ORDER BY ?country DESC(?programs)"
        )

    def search(i: int) -> str:
        term = _pick(s.terms, i)
        return PROLOGUE + (
            "SELECT DISTINCT ?s ?label WHERE {\n"
            "  ?s skos:prefLabel|skos:altLabel ?label .\n"
            f'  FILTER(CONTAINS(LCASE(STR(?label)), "{term}"))\n'
            "} LIMIT 20"
        )

    def listing(_i: int) -> str:
        return PROLOGUE + (
            "SELECT ?s ?label WHERE {\n"
            '  ?s a mkg:Person ; skos:prefLabel ?label . FILTER(LANG(?label) = "en")\n'
            f"}} ORDER BY ?label LIMIT {PAGE_SIZE} OFFSET {s.offset}"
        )

    def path(i: int) -> str:
        iri = _pick(s.institutions, i)
        return PROLOGUE + (
            "SELECT ?country (COUNT(DISTINCT ?x) AS ?n) WHERE {\n"
            f"  <{iri}> mkg:partnerOf/mkg:partnerOf ?x .\n"
            "  ?x mkg:location/mkg:country ?country .\n"
            "} GROUP BY ?country"
        )

    def construct(i: int) -> str:
        iri = _pick(s.programs, i)
        return PROLOGUE + (
            "CONSTRUCT { ?s ?p ?o } WHERE {\n"
            f"  {{ BIND(<{iri}> AS ?s) ?s ?p ?o }}\n"
            f"  UNION {{ ?s mkg:inProgram <{iri}> ; ?p ?o }}\n"
            f"  UNION {{ ?s mkg:partOf <{iri}> ; ?p ?o }}\n"
            "}"
        )

    return [
        Query("entity description", "select", entity, "all statements of an institution, by graph"),
        Query("institution partners", "select", partners, "one institution's partners by strength"),
        Query(
            "partnership edge list", "select", edges, "every partnership, with kind and strength"
        ),
        Query("topic counts per country", "select", topics, "programs per country and top topic"),
        Query("label search", "select", search, "CONTAINS scan over all names"),
        Query("class listing deep page", "select", listing, "people by name, offset 1000"),
        Query("property path", "select", path, "partners of partners, by country"),
        Query("construct", "construct", construct, "a program with its roles and parts"),
    ]
