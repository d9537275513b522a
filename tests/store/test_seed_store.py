"""Every fact of the seed source, asked by SPARQL of the BUILT store (not of the files).

The seed is the UNESCO Almaty news item of 18 August 2005; each fact must sit in that
source's named graph.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from museumkg.config import Settings
from museumkg.store import Store, select_rows

PREFIXES = """
PREFIX mkg: <https://w3id.org/museumkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def ids(catalog_settings: Settings) -> dict[str, ox.NamedNode]:
    base = catalog_settings.base_iri
    return {
        "seed": ox.NamedNode(f"{base}id/source/unesco-almaty-2005-museum-management-training"),
        "program": ox.NamedNode(f"{base}id/program/museums-in-a-changing-world-2005"),
        "lab": ox.NamedNode(f"{base}id/org/lab-museum-design-rik"),
        "rik": ox.NamedNode(f"{base}id/org/rik-moscow"),
        "lebedev": ox.NamedNode(f"{base}id/person/dr-lebedev"),
        "almaty": ox.NamedNode(f"{base}id/place/almaty"),
    }


def rows(store: Store, query: str, **bindings: ox.NamedNode) -> list[dict[str, str]]:
    """Run a query in the seed graph; return rows of plain strings."""
    result = store.query(PREFIXES + query, bindings=bindings)
    return [{k: v.value for k, v in row.items()} for row in select_rows(result)]


def test_the_training_its_type_and_dates(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?label ?start ?end WHERE { GRAPH ?seed {
             ?program a mkg:Training ; skos:prefLabel ?label ;
                      mkg:startDate ?start ; mkg:endDate ?end .
             FILTER(DATATYPE(?start) = xsd:date && DATATYPE(?end) = xsd:date) } }""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [(r["label"], r["start"], r["end"]) for r in found] == [
        ("Museums in a Changing World", "2005-08-18", "2005-08-21")
    ]


def test_three_organisers(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?name WHERE { GRAPH ?seed {
             ?program mkg:organizer ?org . ?org skos:prefLabel ?name } } ORDER BY ?name""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [r["name"] for r in found] == [
        "Laboratory of Museum Projects",
        "Soros Center of Contemporary Art, Almaty",
        "UNESCO Almaty Cluster Office",
    ]


def test_the_laboratory_is_a_unit_of_the_institute_with_both_names(
    store: Store, ids: dict[str, ox.NamedNode]
) -> None:
    found = rows(
        store,
        """SELECT ?seed ?lab ?rik ?pref ?alt ?city WHERE { GRAPH ?seed {
             ?lab a mkg:ResearchUnit ; mkg:unitOf ?rik .
             ?rik a mkg:ResearchInstitute ; skos:prefLabel ?pref ; skos:altLabel ?alt ;
                  mkg:location/skos:prefLabel ?city } }""",
        seed=ids["seed"],
        lab=ids["lab"],
        rik=ids["rik"],
    )
    assert [(r["pref"], r["alt"], r["city"]) for r in found] == [
        ("Russian Institute of Culturology", "Russian Institute of Culture", "Moscow")
    ]


def test_lead_trainer_role(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?person ?name ?title ?for WHERE { GRAPH ?seed {
             ?role a mkg:Role ; mkg:agent ?person ; mkg:inProgram ?program ;
                   mkg:roleType mkg:LeadTrainer ; mkg:onBehalfOf ?for .
             ?person skos:prefLabel ?name ; mkg:jobTitle ?title } }""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [(r["person"], r["name"], r["title"], r["for"]) for r in found] == [
        (ids["lebedev"].value, "Dr. Lebedev", "senior scientist", ids["lab"].value)
    ]


def test_place_is_almaty_kazakhstan(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?place ?country WHERE { GRAPH ?seed {
             ?program mkg:place ?place . ?place mkg:country/skos:prefLabel ?country } }""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [(r["place"], r["country"]) for r in found] == [(ids["almaty"].value, "Kazakhstan")]


def test_five_topics(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?topic WHERE { GRAPH ?seed { ?program mkg:topic ?topic } }
           ORDER BY ?topic""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [r["topic"].rsplit("/", 1)[-1] for r in found] == [
        "joint-museum-programs",
        "museum-exposition-technologies",
        "museums-and-educational-programs",
        "museums-and-tourism",
        "social-services-for-disabled-people",
    ]
    # each topic is a concept of the scheme, with English and Russian labels
    labelled = rows(
        store,
        """SELECT ?program (COUNT(DISTINCT ?topic) AS ?n) WHERE {
             ?program mkg:topic ?topic .
             ?topic skos:inScheme ?scheme ; skos:prefLabel ?en, ?ru .
             FILTER(LANG(?en) = "en" && LANG(?ru) = "ru") } GROUP BY ?program""",
        program=ids["program"],
    )
    assert labelled[0]["n"] == "5"


def test_three_parts_with_their_formats(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?position (GROUP_CONCAT(?f; separator=",") AS ?formats)
           WHERE { GRAPH ?seed {
             ?program mkg:hasPart ?part . ?part mkg:partOf ?program ;
               mkg:position ?position ; mkg:format ?format .
             BIND(STRAFTER(STR(?format), "#") AS ?f) } }
           GROUP BY ?seed ?program ?position ORDER BY ?position""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert [(r["position"], sorted(r["formats"].split(","))) for r in found] == [
        ("1", ["Lecture"]),
        ("2", ["BusinessGame", "ExpertConsultation", "MasterClass"]),
        ("3", ["IndividualWork"]),
    ]


def test_the_source_document(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?title ?issued ?link ?publisher WHERE { GRAPH ?seed {
             ?seed a mkg:SourceDocument ; dcterms:title ?title ; dcterms:issued ?issued ;
                   mkg:permanentLink ?link ; dcterms:publisher/skos:prefLabel ?publisher } }""",
        seed=ids["seed"],
    )
    assert [(r["title"], r["issued"], r["link"], r["publisher"]) for r in found] == [
        (
            "Central Asian Museum Management Training Museum in a Changing World",
            "2005-08-18",
            "http://en.unesco.kz/central-asian-museum-management-training-museum-in-a-changing-world",
            "UNESCO Almaty Cluster Office",
        )
    ]


def test_goal_and_audience_are_stated(store: Store, ids: dict[str, ox.NamedNode]) -> None:
    found = rows(
        store,
        """SELECT ?seed ?program ?goal ?audience WHERE { GRAPH ?seed {
             ?program mkg:goal ?goal ; mkg:audience ?audience } }""",
        seed=ids["seed"],
        program=ids["program"],
    )
    assert len(found) == 1
    assert "marketing management strategy" in found[0]["goal"]
    assert "museum administration staff" in found[0]["audience"]
