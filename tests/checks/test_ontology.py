"""The ontology, the SHACL shapes, the JSON-LD context and the OWL consistency checks.

Checks computed from the files themselves: every term labelled and defined in English and
Russian, every class aligned, every shape with a curator-facing message, every term of
docs/data-model.md present. Tests marked ``slow`` run HermiT (Java) through owlready2.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from museumkg.checks.reasoning import DEFAULT_ONTOLOGY_PATH, check_consistency, check_ontology
from museumkg.namespaces import MKG, PREFIXES
from museumkg.problems import Problem

PROJECT_DIR = Path(__file__).resolve().parents[2]
ONTOLOGY = PROJECT_DIR / "ontology" / "museumkg.ttl"
SHAPES = PROJECT_DIR / "ontology" / "shapes.ttl"
CONTEXT = PROJECT_DIR / "ontology" / "context.jsonld"
DATA_MODEL = PROJECT_DIR / "docs" / "data-model.md"

EXTERNAL_NAMESPACES = tuple(ns for prefix, ns in PREFIXES.items() if prefix != "mkg")
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
SCHEMES = {
    "SessionFormats": "SessionFormat",
    "RoleTypes": "RoleType",
    "PartnershipKinds": "PartnershipKind",
}

PREAMBLE = """\
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/museumkg/> .
"""

VALID_DATA = (
    PREAMBLE
    + """
<id/org/unesco-almaty> a mkg:IntergovernmentalOffice ;
    skos:prefLabel "UNESCO Almaty Cluster Office"@en , "Кластерное бюро ЮНЕСКО в Алматы"@ru ;
    mkg:location <id/place/almaty> ; mkg:website <https://en.unesco.kz/> .
<id/org/lab> a mkg:ResearchUnit ; skos:prefLabel "Laboratory"@en ; mkg:unitOf <id/org/rik> .
<id/org/rik> a mkg:ResearchInstitute ; skos:prefLabel "Institute"@en ;
    mkg:foundingDate "1994"^^xsd:gYear .
<id/place/almaty> a mkg:City ; skos:prefLabel "Almaty"@en , "Алматы"@ru ;
    mkg:country <id/place/kz> .
<id/place/kz> a mkg:Country ; skos:prefLabel "Kazakhstan"@en ; mkg:isoCode "KZ" .
<id/topic/museums-and-tourism> a mkg:Topic ; skos:prefLabel "Museums and tourism"@en ;
    skos:inScheme <id/source/topics> .
<id/person/dr-lebedev> a mkg:Person ; skos:prefLabel "Dr Lebedev"@en ; mkg:honorificPrefix "Dr" ;
    mkg:jobTitle "trainer"@en ; mkg:affiliation <id/org/lab> .
<id/program/p> a mkg:Training ; skos:prefLabel "Museums in a Changing World"@en ;
    mkg:organizer <id/org/unesco-almaty> , <id/org/lab> ;
    mkg:startDate "2005-08-18"^^xsd:date ; mkg:endDate "2005-08-21"^^xsd:date ;
    mkg:place <id/place/almaty> ; mkg:topic <id/topic/museums-and-tourism> ;
    mkg:goal "To improve museum management."@en ; mkg:hasPart <id/program/p/part/1> .
<id/program/q> a mkg:Exhibition ; skos:prefLabel "An exhibition"@en ; mkg:organizer <id/org/rik> ;
    mkg:startDate "2006"^^xsd:gYear ; mkg:endDate "2006-01-10"^^xsd:date .
<id/program/p/part/1> a mkg:ProgramPart ; mkg:partOf <id/program/p> ; mkg:position 1 ;
    mkg:format mkg:Lecture , mkg:MasterClass .
<id/role/lebedev> a mkg:Role ; mkg:agent <id/person/dr-lebedev> ; mkg:inProgram <id/program/p> ;
    mkg:roleType mkg:LeadTrainer ; mkg:onBehalfOf <id/org/lab> .
<id/source/news> a mkg:SourceDocument ; dcterms:title "Museum management training"@en ;
    dcterms:publisher <id/org/unesco-almaty> ; dcterms:issued "2005-08-18"^^xsd:date ;
    mkg:permanentLink <https://en.unesco.kz/news> .
<id/source/topics> a mkg:EditorialVocabulary ; dcterms:title "Topics"@en ;
    dcterms:publisher <id/org/unesco-almaty> ; dcterms:issued "2024"^^xsd:gYear ;
    schema:url <https://example.org/topics> .
"""
)

ORGANISER_MESSAGE = (
    "A program needs at least one organiser: add `mkg:organizer <id/org/...>` naming an "
    "institution defined in the catalog."
)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def _mkg_terms(graph: rdflib.Graph, kinds: tuple[URIRef, ...] = TERM_KINDS) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(MKG)
    }


def _langs(graph: rdflib.Graph, subject: URIRef, prop: URIRef) -> set[str]:
    return {
        o.language for o in graph.objects(subject, prop) if isinstance(o, Literal) and o.language
    }


def _short(node: object) -> str:
    text = str(node)
    return "mkg:" + text[len(MKG) :] if text.startswith(MKG) else text


# ---------------------------------------------------------------------------------------------
# (a) the files parse
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_turtle_parses_with_rdflib_and_pyoxigraph(path: Path) -> None:
    graph = rdflib.Graph().parse(path, format="turtle")
    triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    assert len(graph) > 100
    assert len(triples) == len(graph)


def test_ontology_header(ontology: rdflib.Graph) -> None:
    onto = URIRef("https://w3id.org/museumkg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    dcterms = rdflib.Namespace(PREFIXES["dcterms"])
    assert {"en", "ru"} <= _langs(ontology, onto, dcterms.title)
    assert {"en", "ru"} <= _langs(ontology, onto, dcterms.description)
    assert (
        onto,
        dcterms.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in ontology
    assert (onto, dcterms.creator, Literal("museumkg project")) in ontology
    assert ontology.value(onto, OWL.versionInfo) is not None


# ---------------------------------------------------------------------------------------------
# (b) labels, definitions, alignments, and the data-model contract
# ---------------------------------------------------------------------------------------------


def test_every_term_has_english_and_russian_labels_and_definitions(ontology: rdflib.Graph) -> None:
    terms = _mkg_terms(ontology, (*TERM_KINDS, OWL.AnnotationProperty))
    assert len(terms) > 60
    offenders = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            missing = {"en", "ru"} - _langs(ontology, term, prop)
            if missing:
                offenders.append(f"{_short(term)} {ontology.qname(prop)} missing {sorted(missing)}")
    assert not offenders, "terms without en/ru label or definition:\n" + "\n".join(offenders)


def test_every_class_is_aligned(ontology: rdflib.Graph) -> None:
    offenders = []
    for cls in sorted(_mkg_terms(ontology, (OWL.Class,))):
        targets = [
            o
            for p in (RDFS.subClassOf, OWL.equivalentClass)
            for o in ontology.objects(cls, p)
            if isinstance(o, URIRef) and str(o).startswith((*EXTERNAL_NAMESPACES, MKG))
        ]
        if not targets:
            offenders.append(_short(cls))
    assert not offenders, "classes with no rdfs:subClassOf/owl:equivalentClass: " + ", ".join(
        offenders
    )


def test_every_mkg_term_of_the_data_model_is_in_the_ontology(ontology: rdflib.Graph) -> None:
    names = set(re.findall(r"mkg:([A-Za-z]+)", DATA_MODEL.read_text(encoding="utf-8")))
    assert len(names) > 80
    subjects = {str(s) for s in ontology.subjects()}
    missing = sorted(n for n in names if MKG + n not in subjects)
    assert not missing, "terms of docs/data-model.md missing from the ontology: " + ", ".join(
        missing
    )


def test_controlled_individuals_are_concepts_in_their_schemes(ontology: rdflib.Graph) -> None:
    offenders = []
    for scheme, cls in SCHEMES.items():
        scheme_iri, cls_iri = URIRef(MKG + scheme), URIRef(MKG + cls)
        assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in ontology
        assert {"en", "ru"} <= _langs(ontology, scheme_iri, SKOS.prefLabel)
        members = set(ontology.subjects(RDF.type, cls_iri))
        assert members, f"no individuals of {cls}"
        for member in sorted(members):
            problems = []
            if (member, RDF.type, SKOS.Concept) not in ontology:
                problems.append("not a skos:Concept")
            if (member, SKOS.inScheme, scheme_iri) not in ontology:
                problems.append(f"not skos:inScheme mkg:{scheme}")
            for prop in (SKOS.prefLabel, SKOS.definition):
                if {"en", "ru"} - _langs(ontology, member, prop):
                    problems.append(f"no en+ru {ontology.qname(prop)}")
            if problems:
                offenders.append(f"{_short(member)}: {', '.join(problems)}")
    assert not offenders, "\n".join(offenders)


def test_property_characteristics(ontology: rdflib.Graph) -> None:
    assert (URIRef(MKG + "partnerOf"), RDF.type, OWL.SymmetricProperty) in ontology
    assert (URIRef(MKG + "hasPart"), OWL.inverseOf, URIRef(MKG + "partOf")) in ontology
    for prop in _mkg_terms(ontology, (OWL.ObjectProperty,)):
        assert (prop, RDF.type, OWL.DatatypeProperty) not in ontology, f"{prop} is punned"


def test_controlled_individuals_have_no_cycles_for_pyshacl(ontology: rdflib.Graph) -> None:
    """pyshacl's ont_graph mixing deep-copies each owl:NamedIndividual with all it links to;
    links back from a scheme to its concepts (skos:hasTopConcept) make that run for ever."""
    schemes = [URIRef(MKG + s) for s in SCHEMES]
    linked = [(s, o) for s in schemes for o in ontology.objects(s, SKOS.hasTopConcept)]
    assert not linked, "state skos:topConceptOf on the concepts instead of skos:hasTopConcept"


# ---------------------------------------------------------------------------------------------
# (c) every shape speaks to curators
# ---------------------------------------------------------------------------------------------


def _shape_nodes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    found: set[rdflib.term.Node] = set()
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        found |= set(shapes.subjects(RDF.type, kind))
    for prop in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        found |= set(shapes.subjects(prop, None))
    for prop in (SH.property, SH.node, SH.sparql, SH["not"], SH.qualifiedValueShape):
        found |= set(shapes.objects(None, prop))
    for prop in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, prop):
            found |= set(rdflib.collection.Collection(shapes, head))
    return found


def test_every_shape_has_a_message(shapes: rdflib.Graph) -> None:
    nodes = _shape_nodes(shapes)
    assert len(nodes) > 60
    offenders = []
    for node in nodes:
        messages = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
        if not any(m.language == "en" and len(m) > 20 for m in messages):
            offenders.append(
                str(node) if not isinstance(node, BNode) else shapes.cbd(node).serialize()
            )
    assert not offenders, "shapes without an English sh:message:\n" + "\n".join(sorted(offenders))


def test_shapes_target_the_main_classes(shapes: rdflib.Graph) -> None:
    targets = {str(o)[len(MKG) :] for o in shapes.objects(None, SH.targetClass)}
    expected = {"Institution", "Person", "Program", "Topic", "Place", "SourceDocument", "Role"}
    expected |= {"ProgramPart", "Country", "ResearchUnit"}
    assert expected <= targets


# ---------------------------------------------------------------------------------------------
# (g) the JSON-LD context
# ---------------------------------------------------------------------------------------------


def test_context_is_json_ld_with_every_mkg_property(ontology: rdflib.Graph) -> None:
    document = json.loads(CONTEXT.read_text(encoding="utf-8"))
    context = document["@context"]
    assert context["@version"] == 1.1
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace, prefix

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return PREFIXES[prefix] + local if prefix in PREFIXES else value

    terms = {k: v for k, v in context.items() if not k.startswith("@") and k not in PREFIXES}
    mkg_terms = {}
    for definition in terms.values():
        target = definition if isinstance(definition, str) else definition.get("@id", "")
        if target.startswith("mkg:"):
            assert expand(target).startswith(MKG)
            mkg_terms[expand(target)] = definition
    wrong = [term for term, d in terms.items() if isinstance(d, dict) and "@id" not in d]
    assert not wrong, f"terms without @id: {wrong}"
    properties = _mkg_terms(ontology, (OWL.ObjectProperty, OWL.DatatypeProperty))
    missing = sorted(_short(p) for p in properties if str(p) not in mkg_terms)
    assert not missing, f"mkg properties without a context term: {missing}"
    not_iri = [
        _short(p)
        for p in _mkg_terms(ontology, (OWL.ObjectProperty,))
        if mkg_terms[str(p)].get("@type") != "@id"
    ]
    assert not not_iri, f'object properties not coerced to IRIs ("@type": "@id"): {not_iri}'


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_context_round_trips_through_rdflib() -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    document = {
        "@context": context,
        "id": "https://w3id.org/museumkg/id/program/p",
        "type": "Training",
        "prefLabel": {"en": "Museums in a Changing World", "ru": "Музеи в меняющемся мире"},
        "organizer": "https://w3id.org/museumkg/id/org/unesco-almaty",
        "startDate": "2005-08-18",
        "endDate": {"@value": "2005", "@type": "xsd:gYear"},
    }
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    program = URIRef("https://w3id.org/museumkg/id/program/p")
    assert (program, RDF.type, URIRef(MKG + "Training")) in graph
    assert (program, SKOS.prefLabel, Literal("Музеи в меняющемся мире", lang="ru")) in graph
    xsd = rdflib.Namespace(PREFIXES["xsd"])
    assert (program, URIRef(MKG + "startDate"), Literal("2005-08-18", datatype=xsd.date)) in graph
    assert (program, URIRef(MKG + "endDate"), Literal("2005", datatype=xsd.gYear)) in graph
    organizer = graph.value(program, URIRef(MKG + "organizer"))
    assert organizer == URIRef("https://w3id.org/museumkg/id/org/unesco-almaty")


# ---------------------------------------------------------------------------------------------
# (h) SHACL on tiny data graphs (data + ontology, as the build validates)
# ---------------------------------------------------------------------------------------------


def _validate(
    data: str, ontology: rdflib.Graph, shapes: rdflib.Graph, *, mode: str
) -> tuple[bool, list[str]]:
    graph = rdflib.Graph().parse(data=data, format="turtle")
    if mode == "ont_graph":
        conforms, report, _ = pyshacl.validate(
            graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
        )
    else:
        graph += ontology
        conforms, report, _ = pyshacl.validate(
            graph, shacl_graph=shapes, inference=mode, allow_warnings=True
        )
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    return conforms, messages


MODES = ["rdfs", "none", "ont_graph"]


@pytest.mark.parametrize("mode", MODES)
def test_valid_data_conforms(ontology: rdflib.Graph, shapes: rdflib.Graph, mode: str) -> None:
    outcome: dict[str, tuple[bool, list[str]]] = {}

    def run() -> None:
        outcome["result"] = _validate(VALID_DATA, ontology, shapes, mode=mode)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert "result" in outcome, f"pyshacl ({mode}) did not finish in 120 s"
    conforms, messages = outcome["result"]
    assert conforms, "\n".join(messages)


@pytest.mark.parametrize("mode", MODES)
def test_program_without_organiser_fails_with_the_message(
    ontology: rdflib.Graph, shapes: rdflib.Graph, mode: str
) -> None:
    data = VALID_DATA + '<id/program/orphan> a mkg:Conference ; skos:prefLabel "Orphan"@en .\n'
    conforms, messages = _validate(data, ontology, shapes, mode=mode)
    assert not conforms
    assert messages == [ORGANISER_MESSAGE]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('<id/org/x> a mkg:Museum ; skos:prefLabel "X" .', "needs a language tag"),
        ('<id/org/x> a mkg:Museum ; skos:prefLabel "X"@en , "Y"@en .', "two names in the same"),
        ('<id/place/kg> a mkg:Country ; skos:prefLabel "K"@en ; mkg:isoCode "kg" .', "ISO code"),
        ('<id/place/kg> a mkg:Country ; skos:prefLabel "K"@en .', "ISO 3166-1 alpha-2 code"),
        ('<id/program/p> mkg:endDate "2005-08-01"^^xsd:date .', "ends before it starts"),
        ('<id/program/q> mkg:startDate "2006" .', "A start date must be typed"),
        ("<id/program/p/part/2> a mkg:ProgramPart ; mkg:position 2 .", "which program it belongs"),
        (
            "<id/role/r> a mkg:Role ; mkg:agent <id/person/dr-lebedev> ; mkg:roleType mkg:Host .",
            "in which program",
        ),
        (
            "<id/role/r> a mkg:Role ; mkg:agent <id/person/dr-lebedev> ; "
            "mkg:inProgram <id/program/p> ; mkg:roleType mkg:Lecture .",
            "its type from the ontology",
        ),
        (
            '<id/source/s> a mkg:SourceDocument ; dcterms:title "S"@en ; dcterms:publisher '
            '<id/org/rik> ; dcterms:issued "2005"^^xsd:gYear .',
            "needs a stable link",
        ),
        ('<id/org/u> a mkg:ResearchUnit ; skos:prefLabel "U"@en .', "mkg:unitOf"),
    ],
)
def test_broken_records_get_their_message(
    ontology: rdflib.Graph, shapes: rdflib.Graph, extra: str, expected: str
) -> None:
    conforms, messages = _validate(VALID_DATA + extra + "\n", ontology, shapes, mode="none")
    assert not conforms
    assert any(expected in m for m in messages), messages


# ---------------------------------------------------------------------------------------------
# OWL checks (owlready2 + HermiT)
# ---------------------------------------------------------------------------------------------

CHIMERA = """
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/test#> .
ex:Chimera a owl:Class ;
    rdfs:label "Chimera"@en ;
    rdfs:subClassOf mkg:Person , mkg:Museum .
"""


def test_default_ontology_path_is_the_project_file() -> None:
    assert DEFAULT_ONTOLOGY_PATH == ONTOLOGY


def test_missing_java_is_a_problem_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/bin/java")
    problems = check_consistency("")
    assert [p.rule for p in problems] == ["owl:reasoner-unavailable"]
    assert problems[0].severity == "error"
    assert "Java" in problems[0].message


def test_unparsable_input_is_a_problem() -> None:
    problems = check_consistency('<http://example.org/a> <http://example.org/b> "open .\n')
    assert [p.rule for p in problems] == ["owl:input"]
    assert problems[0].line == 1


@pytest.mark.slow
def test_ontology_is_consistent_with_no_unsatisfiable_class() -> None:
    assert check_ontology() == []


@pytest.mark.slow
def test_unsatisfiable_class_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "chimera.ttl"
    broken.write_text(ONTOLOGY.read_text(encoding="utf-8") + CHIMERA, encoding="utf-8")
    problems = check_ontology(broken)
    assert problems, "the chimera ontology was reported consistent"
    unsat = [p for p in problems if p.rule == "owl:unsatisfiable-class"]
    assert [p.record for p in unsat] == ["http://example.org/test#Chimera"]
    assert "Chimera" in unsat[0].message
    assert "mkg:Person" in unsat[0].message and "mkg:Institution" in unsat[0].message


@pytest.mark.slow
def test_abox_contradiction_is_reported_as_consistency_problem() -> None:
    data = (
        "<http://example.org/id/thing> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<{MKG}Person> .\n"
        "<http://example.org/id/thing> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<{MKG}Museum> .\n"
    )
    problems = check_consistency(data)
    assert [p.rule for p in problems] == ["owl:consistency"]
    assert problems[0].record == "http://example.org/id/thing"
    assert "mkg:Person" in problems[0].message and "mkg:Museum" in problems[0].message


@pytest.mark.slow
def test_person_as_organiser_is_explained() -> None:
    data = (
        f"<http://example.org/id/p> <{MKG}organizer> <http://example.org/id/someone> .\n"
        "<http://example.org/id/someone> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<{MKG}Person> .\n"
    )
    (problem,) = check_consistency(data)
    assert problem.rule == "owl:consistency"
    assert "mkg:organizer" in problem.message


@pytest.mark.slow
def test_blank_nodes_in_n_triples_are_checked() -> None:
    good = (
        f"_:a <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MKG}Person> .\n"
        f"_:a <{MKG}affiliation> _:b .\n"
        f"_:b <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MKG}Museum> .\n"
    )
    assert check_consistency(good) == []
    # The same labels in a second input are other nodes: no clash between the two inputs.
    other = f"_:b <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MKG}Person> .\n"
    assert check_consistency([good, other]) == []
    bad = good + f"_:a <{MKG}affiliation> _:a .\n"
    problems = check_consistency(bad)
    assert [p.rule for p in problems] == ["owl:consistency"]


@pytest.mark.slow
def test_curated_turtle_file_with_relative_iris(tmp_path: Path) -> None:
    record = tmp_path / "source.ttl"
    record.write_text(
        PREAMBLE.replace("@base <https://w3id.org/museumkg/> .\n", "")
        + '<id/org/x> a mkg:Museum , mkg:Person ; skos:prefLabel "X"@en .\n',
        encoding="utf-8",
    )
    problems = check_consistency(record, base_iri="https://example.org/kg/")
    assert [p.record for p in problems] == ["https://example.org/kg/id/org/x"]
    assert problems[0].file is not None and problems[0].file.endswith("source.ttl")


@pytest.mark.slow
def test_valid_data_is_consistent() -> None:
    graph = rdflib.Graph().parse(data=VALID_DATA, format="turtle")
    problems: list[Problem] = check_consistency(graph.serialize(format="nt"))
    assert problems == []
