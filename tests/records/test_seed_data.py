"""The curated seed data: the 2005 UNESCO Almaty news item and the editorial vocabularies.

Each data file is parsed with pyoxigraph against the default base IRI and loaded into the named
graph the build gives it (``{base}id/source/<file stem>``); the facts are then checked with
SPARQL, per graph, so a fact in the wrong graph fails as surely as a missing one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "museumkg.ttl"

BASE = "https://w3id.org/museumkg/"
OTHER_BASE = "http://other.example.org/deploy/"
MKG = "https://w3id.org/museumkg/ontology#"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SEED_FILE = DATA / "sources" / "unesco-almaty-2005-museum-management-training.ttl"
TOPICS_FILE = DATA / "vocabularies" / "topics.ttl"
PLACES_FILE = DATA / "vocabularies" / "places.ttl"
DATA_FILES = [SEED_FILE, TOPICS_FILE, PLACES_FILE]

SEED = f"{BASE}id/source/{SEED_FILE.stem}"
TOPICS = f"{BASE}id/source/topics"
PLACES = f"{BASE}id/source/places"

PROGRAM = f"{BASE}id/program/museums-in-a-changing-world-2005"
UNESCO = f"{BASE}id/org/unesco-almaty"
SCCA = f"{BASE}id/org/scca-almaty"
LAB = f"{BASE}id/org/lab-museum-design-rik"
RIK = f"{BASE}id/org/rik-moscow"
LEBEDEV = f"{BASE}id/person/dr-lebedev"
ROLE = f"{BASE}id/role/dr-lebedev-lead-trainer-2005"
ALMATY = f"{BASE}id/place/almaty"
KZ = f"{BASE}id/place/kz"
MOSCOW = f"{BASE}id/place/moscow"
RU = f"{BASE}id/place/ru"
TOPIC_SLUGS = [
    "museums-and-tourism",
    "museums-and-educational-programs",
    "joint-museum-programs",
    "museum-exposition-technologies",
    "social-services-for-disabled-people",
]
TOPIC_IRIS = {f"{BASE}id/topic/{slug}" for slug in TOPIC_SLUGS}

PROLOGUE = f"""PREFIX mkg: <{MKG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Properties whose values are human-readable text, hence must carry a language tag.
TEXT_PROPERTIES = {
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    f"{MKG}goal",
    f"{MKG}audience",
    f"{MKG}jobTitle",
}


def graph_name(path: Path) -> str:
    """The named graph the build gives a data file: ``{base}id/source/<stem>``."""
    return f"{BASE}id/source/{path.stem}"


def parse(path: Path, base: str = BASE) -> list[ox.Quad]:
    return list(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=base))


@pytest.fixture(scope="module")
def store() -> ox.Store:
    st = ox.Store()
    for path in DATA_FILES:
        g = ox.NamedNode(graph_name(path))
        st.extend(ox.Quad(q.subject, q.predicate, q.object, g) for q in parse(path))
    return st


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PROLOGUE + query))


def rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(solution) for solution in store.query(PROLOGUE + query)]


def values(store: ox.Store, query: str) -> set[str]:
    """The values of the single variable of ``query``, as strings."""
    return {row[0].value for row in rows(store, query)}


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_parses_and_describes_its_own_graph(store: ox.Store, path: Path) -> None:
    assert parse(path), f"{path} is empty"
    g = graph_name(path)
    # The source node a file describes is the graph the build names after the file.
    assert ask(
        store,
        f"ASK {{ GRAPH <{g}> {{ <{g}> a ?t ; dcterms:title ?title ; "
        "dcterms:publisher ?p ; dcterms:issued ?d ; mkg:permanentLink ?l }}",
    )
    assert ask(
        store,
        f"ASK {{ GRAPH <{g}> {{ <{g}> a ?t FILTER(?t IN "
        "(mkg:SourceDocument, mkg:EditorialVocabulary)) }}",
    )


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_dataset_iris_are_relative(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^\s*@?base\b", text, re.IGNORECASE | re.MULTILINE), "no @base line"
    # Nothing absolute under the default base except the ontology namespace.
    assert not re.search(r"https?://w3id\.org/museumkg/(?!ontology#)", text)
    # Nor under any other base: no absolute IRI with a dataset path in it.
    kinds = "org|program|person|role|topic|place|source"
    assert not re.search(rf"<[a-zA-Z][a-zA-Z0-9+.-]*:[^>]*/id/(?:{kinds})/", text)
    # Parsed against two bases, every dataset IRI must follow the base.
    for base in (BASE, OTHER_BASE):
        iris = {
            t.value
            for q in parse(path, base)
            for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode)
        }
        dataset = {i for i in iris if re.search(rf"/id/(?:{kinds})/", i)}
        assert dataset, "the file uses dataset IRIs"
        assert all(i.startswith(base + "id/") for i in dataset), sorted(
            i for i in dataset if not i.startswith(base + "id/")
        )


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_text_is_language_tagged(path: Path) -> None:
    untagged = [
        (q.subject.value, q.predicate.value, q.object.value)
        for q in parse(path)
        if q.predicate.value in TEXT_PROPERTIES
        and (not isinstance(q.object, ox.Literal) or q.object.language is None)
    ]
    assert not untagged


def test_at_most_one_pref_label_per_language(store: ox.Store) -> None:
    # Across all graphs together, as the merged dataset will be served.
    dupes = rows(
        store,
        """SELECT ?s ?lang WHERE { GRAPH ?g { ?s skos:prefLabel ?l } }
           GROUP BY ?s (LANG(?l) AS ?lang) HAVING (COUNT(DISTINCT ?l) > 1)""",
    )
    assert not dupes
    assert rows(store, "SELECT ?s WHERE { GRAPH ?g { ?s skos:prefLabel ?l } } LIMIT 1")


# --- the seed source document -------------------------------------------------------------


def test_seed_source_document(store: ox.Store) -> None:
    (row,) = rows(
        store,
        f"""SELECT ?title ?pub ?issued ?lang ?link ?seen WHERE {{ GRAPH <{SEED}> {{
              <{SEED}> a mkg:SourceDocument ; dcterms:title ?title ; dcterms:publisher ?pub ;
                dcterms:issued ?issued ; dcterms:language ?lang ; mkg:permanentLink ?link ;
                rdfs:seeAlso ?seen }} }}""",
    )
    title, pub, issued, lang, link, seen = row
    assert title == ox.Literal(
        "Central Asian Museum Management Training Museum in a Changing World", language="en"
    )
    assert pub == ox.NamedNode(UNESCO)
    assert issued == ox.Literal("2005-08-18", datatype=ox.NamedNode(XSD_DATE))
    assert lang.value == "en"
    slug = "central-asian-museum-management-training-museum-in-a-changing-world"
    assert link == ox.NamedNode(f"http://en.unesco.kz/{slug}")
    assert seen == ox.NamedNode(f"http://ww.unesco.kz/{slug}")
    # Why the copy read differs from the permanent link is said on the node.
    assert ask(
        store,
        f"ASK {{ GRAPH <{SEED}> {{ <{SEED}> rdfs:comment ?c "
        "FILTER(CONTAINS(?c, 'ww.unesco.kz')) }}",
    )


# --- the training ---------------------------------------------------------------------------


def test_program_type_and_names(store: ox.Store) -> None:
    assert ask(store, f"ASK {{ GRAPH <{SEED}> {{ <{PROGRAM}> a mkg:Training }} }}")
    assert values(store, f"SELECT ?l {{ GRAPH <{SEED}> {{ <{PROGRAM}> skos:prefLabel ?l }} }}") == {
        "Museums in a Changing World"
    }
    assert values(store, f"SELECT ?l {{ GRAPH <{SEED}> {{ <{PROGRAM}> skos:altLabel ?l }} }}") == {
        "Central Asian Museum Management Training Program"
    }


def test_program_dates_are_xsd_dates(store: ox.Store) -> None:
    (row,) = rows(
        store,
        f"""SELECT ?start ?end WHERE {{ GRAPH <{SEED}> {{
              <{PROGRAM}> mkg:startDate ?start ; mkg:endDate ?end }} }}""",
    )
    assert row[0] == ox.Literal("2005-08-18", datatype=ox.NamedNode(XSD_DATE))
    assert row[1] == ox.Literal("2005-08-21", datatype=ox.NamedNode(XSD_DATE))


def test_program_texts(store: ox.Store) -> None:
    (row,) = rows(
        store,
        f"""SELECT ?goal ?audience ?desc WHERE {{ GRAPH <{SEED}> {{
              <{PROGRAM}> mkg:goal ?goal ; mkg:audience ?audience ;
                dcterms:description ?desc }} }}""",
    )
    goal, audience, desc = (t.value for t in row)
    assert "Central Asia" in goal and "marketing management strategy" in goal
    assert "museum administration staff" in audience and "visitors" in audience
    for phrase in (
        "computer technologies",
        "marketing policy",
        "fundraising",
        "publicity",
        "exhibit promotion",
        "evaluation of museum projects",
        "analytical and design sessions",
    ):
        assert phrase in desc, phrase


def test_three_organisers(store: ox.Store) -> None:
    organisers = values(store, f"SELECT ?o {{ GRAPH <{SEED}> {{ <{PROGRAM}> mkg:organizer ?o }} }}")
    assert organisers == {UNESCO, SCCA, LAB}
    typed = set(
        rows(
            store,
            f"""SELECT ?o ?t ?l {{ GRAPH <{SEED}> {{
                 <{PROGRAM}> mkg:organizer ?o . ?o a ?t ; skos:prefLabel ?l }} }}""",
        )
    )
    assert {(o.value, t.value, lit.value) for o, t, lit in typed} == {
        (UNESCO, f"{MKG}IntergovernmentalOffice", "UNESCO Almaty Cluster Office"),
        (SCCA, f"{MKG}ContemporaryArtCentre", "Soros Center of Contemporary Art, Almaty"),
        (LAB, f"{MKG}ResearchUnit", "Laboratory of Museum Projects"),
    }


def test_lab_is_unit_of_the_institute_with_both_names(store: ox.Store) -> None:
    assert ask(
        store,
        f"ASK {{ GRAPH <{SEED}> {{ <{LAB}> mkg:unitOf <{RIK}> . "
        f"<{RIK}> a mkg:ResearchInstitute ; mkg:location <{MOSCOW}> }} }}",
    )
    assert values(store, f"SELECT ?l {{ GRAPH <{SEED}> {{ <{RIK}> skos:prefLabel ?l }} }}") == {
        "Russian Institute of Culturology"
    }
    assert values(store, f"SELECT ?l {{ GRAPH <{SEED}> {{ <{RIK}> skos:altLabel ?l }} }}") == {
        "Russian Institute of Culture"
    }


def test_no_location_the_item_does_not_state(store: ox.Store) -> None:
    # Only the institute's "(Moscow)" is stated; names containing "Almaty" are not locations.
    located = values(store, f"SELECT ?o {{ GRAPH <{SEED}> {{ ?o mkg:location ?p }} }}")
    assert located == {RIK}


def test_lead_trainer(store: ox.Store) -> None:
    assert ask(
        store,
        f"""ASK {{ GRAPH <{SEED}> {{
              <{LEBEDEV}> a mkg:Person ; skos:prefLabel "Dr. Lebedev"@en ;
                foaf:familyName "Lebedev" ; mkg:honorificPrefix "Dr." ;
                mkg:jobTitle "senior scientist"@en ; mkg:affiliation <{LAB}> .
              <{ROLE}> a mkg:Role ; mkg:agent <{LEBEDEV}> ; mkg:inProgram <{PROGRAM}> ;
                mkg:roleType mkg:LeadTrainer ; mkg:onBehalfOf <{LAB}> }} }}""",
    )
    # The item gives no first name: none may be stated, in any graph.
    assert not ask(store, f"ASK {{ GRAPH ?g {{ <{LEBEDEV}> foaf:givenName ?n }} }}")
    roles = values(store, f"SELECT ?r {{ GRAPH <{SEED}> {{ ?r mkg:agent <{LEBEDEV}> }} }}")
    assert roles == {ROLE}


def test_place_almaty_in_kazakhstan(store: ox.Store) -> None:
    assert ask(
        store,
        f"""ASK {{ GRAPH <{SEED}> {{
              <{PROGRAM}> mkg:place <{ALMATY}> .
              <{ALMATY}> a mkg:City ; skos:prefLabel "Almaty"@en ; mkg:country <{KZ}> .
              <{KZ}> a mkg:Country ; skos:prefLabel "Kazakhstan"@en .
              <{MOSCOW}> a mkg:City ; skos:prefLabel "Moscow"@en }} }}""",
    )
    # Not in the item: Moscow's country and the ISO code (both are in the gazetteer).
    assert not ask(store, f"ASK {{ GRAPH <{SEED}> {{ <{MOSCOW}> mkg:country ?c }} }}")
    assert not ask(store, f"ASK {{ GRAPH <{SEED}> {{ ?c mkg:isoCode ?code }} }}")


def test_five_topics_with_the_items_descriptions(store: ox.Store) -> None:
    topics = values(store, f"SELECT ?t {{ GRAPH <{SEED}> {{ <{PROGRAM}> mkg:topic ?t }} }}")
    assert topics == TOPIC_IRIS
    described = rows(
        store,
        f"""SELECT ?t ?d {{ GRAPH <{SEED}> {{ <{PROGRAM}> mkg:topic ?t .
              ?t dcterms:description ?d FILTER(LANG(?d) = "en") }} }}""",
    )
    assert {t.value for t, _ in described} == TOPIC_IRIS
    assert len(described) == 5
    by_topic = {t.value.rsplit("/", 1)[1]: d.value for t, d in described}
    assert "tourist routes" in by_topic["museums-and-tourism"]
    assert "virtual expositions" in by_topic["museum-exposition-technologies"]
    assert "private galleries" in by_topic["joint-museum-programs"]


EXPECTED_PARTS = {
    1: ("Lectures of key trainers", {"Lecture"}),
    2: (
        "Interactive consultations of experts, master classes, business games",
        {"ExpertConsultation", "MasterClass", "BusinessGame"},
    ),
    3: ("Individual work of participants led by group coordinators", {"IndividualWork"}),
}


def test_three_parts_with_their_formats(store: ox.Store) -> None:
    found = rows(
        store,
        f"""SELECT ?part ?pos ?label WHERE {{ GRAPH <{SEED}> {{
              <{PROGRAM}> mkg:hasPart ?part .
              ?part a mkg:ProgramPart ; mkg:partOf <{PROGRAM}> ; mkg:position ?pos ;
                skos:prefLabel ?label }} }} ORDER BY ?pos""",
    )
    assert [int(pos.value) for _, pos, _ in found] == [1, 2, 3]
    for part, pos, label in found:
        n = int(pos.value)
        assert pos.datatype == ox.NamedNode(XSD_INTEGER)
        assert part.value == f"{PROGRAM}/part/{n}"
        assert label == ox.Literal(EXPECTED_PARTS[n][0], language="en")
        formats = values(
            store, f"SELECT ?f {{ GRAPH <{SEED}> {{ <{part.value}> mkg:format ?f }} }}"
        )
        assert formats == {MKG + f for f in EXPECTED_PARTS[n][1]}


def test_format_only_on_program_parts(store: ox.Store) -> None:
    # mkg:format has the domain ProgramPart: the analytical and design sessions are text.
    assert not ask(
        store, "ASK { GRAPH ?g { ?s mkg:format ?f FILTER NOT EXISTS { ?s a mkg:ProgramPart } } }"
    )


# --- the topic scheme -----------------------------------------------------------------------


def test_topic_scheme(store: ox.Store) -> None:
    scheme = f"{BASE}id/topic/scheme"
    assert ask(
        store,
        f"""ASK {{ GRAPH <{TOPICS}> {{
        <{TOPICS}> a mkg:EditorialVocabulary ; dcterms:title "museumkg topic scheme"@en ;
          dcterms:publisher ?pub ; dcterms:issued "2026-11-25"^^xsd:date ;
          mkg:permanentLink <{TOPICS}> .
        ?pub a mkg:Institution ; skos:prefLabel "museumkg project"@en .
        <{scheme}> a skos:ConceptScheme ; skos:prefLabel ?en , ?ru .
        FILTER(LANG(?en) = "en" && LANG(?ru) = "ru") }} }}""",
    )
    for topic in TOPIC_IRIS:
        labels = rows(
            store,
            f"""SELECT (LANG(?l) AS ?lang) WHERE {{ GRAPH <{TOPICS}> {{
                  <{topic}> a mkg:Topic , skos:Concept ; skos:inScheme <{scheme}> ;
                    skos:topConceptOf <{scheme}> ; dcterms:source <{SEED}> ;
                    skos:prefLabel ?l }} }}""",
        )
        assert sorted(lang.value for (lang,) in labels) == ["en", "ru"], topic
    in_scheme = values(store, f"SELECT ?t {{ GRAPH <{TOPICS}> {{ ?t skos:inScheme <{scheme}> }} }}")
    assert in_scheme == TOPIC_IRIS


# --- the gazetteer --------------------------------------------------------------------------


def test_gazetteer(store: ox.Store) -> None:
    assert ask(
        store,
        f"""ASK {{ GRAPH <{PLACES}> {{
        <{PLACES}> a mkg:EditorialVocabulary ; dcterms:issued "2026-11-25"^^xsd:date .
        <{KZ}> a mkg:Country ; mkg:isoCode "KZ" ;
          skos:prefLabel "Kazakhstan"@en , "Казахстан"@ru , "Қазақстан"@kk ;
          dcterms:source <https://www.iso.org/obp/ui/#iso:code:3166:KZ> .
        <{RU}> a mkg:Country ; mkg:isoCode "RU" ; skos:prefLabel "Russia"@en , "Россия"@ru ;
          dcterms:source <https://www.iso.org/obp/ui/#iso:code:3166:RU> .
        <{ALMATY}> a mkg:City ; mkg:country <{KZ}> ;
          skos:prefLabel "Almaty"@en , "Алматы"@ru , "Алматы"@kk ;
          skos:altLabel "Alma-Ata"@en , "Алма-Ата"@ru .
        <{MOSCOW}> a mkg:City ; mkg:country <{RU}> ; skos:prefLabel "Moscow"@en , "Москва"@ru
    }} }}""",
    )
    # ISO 3166-1 alpha-2: the slug is the lower-cased code.
    for iri, code in rows(
        store, f"SELECT ?c ?code {{ GRAPH <{PLACES}> {{ ?c mkg:isoCode ?code }} }}"
    ):
        assert re.fullmatch(r"[A-Z]{2}", code.value)
        assert iri.value == f"{BASE}id/place/{code.value.lower()}"


# --- the ontology ---------------------------------------------------------------------------


def test_every_mkg_term_is_declared_in_the_ontology() -> None:
    if not ONTOLOGY.exists():
        pytest.skip("ontology/museumkg.ttl does not exist yet")
    declared = {
        q.subject.value
        for q in parse(ONTOLOGY)
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and isinstance(q.subject, ox.NamedNode)
    }
    used = {
        t.value
        for path in DATA_FILES
        for q in parse(path)
        for t in (q.subject, q.predicate, q.object)
        if isinstance(t, ox.NamedNode) and t.value.startswith(MKG)
    }
    assert used, "the data uses mkg: terms"
    assert not sorted(used - declared)
