"""The VoID/DCAT description counts what SPARQL counts over the same store."""

from __future__ import annotations

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from museumkg.authorities import AUTHORITIES
from museumkg.store import EmbeddedStore, select_rows

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def sparql_count(store: EmbeddedStore, query: str) -> int:
    row = next(select_rows(store.query(query)))
    return int(row["n"].value)


@pytest.fixture()
def void(client: FlaskClient) -> rdflib.Graph:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return rdflib.Graph().parse(data=response.data, format="turtle")


def dataset_node(graph: rdflib.Graph) -> rdflib.term.Node:
    (node,) = set(graph.subjects(RDF.type, DCAT.Dataset))
    return node


def value(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> int:
    return int(graph.value(subject, predicate))  # type: ignore[arg-type]


def test_void_totals_equal_sparql_counts(
    void: rdflib.Graph, store: EmbeddedStore, catalog_settings
) -> None:
    ds = dataset_node(void)
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    assert value(void, ds, VOID.triples) == sparql_count(store, distinct)
    subjects = "SELECT (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert value(void, ds, VOID.distinctSubjects) == sparql_count(store, subjects)
    objects = "SELECT (COUNT(DISTINCT ?o) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert value(void, ds, VOID.distinctObjects) == sparql_count(store, objects)
    properties = "SELECT (COUNT(DISTINCT ?p) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert value(void, ds, VOID.properties) == sparql_count(store, properties)
    space = f"{catalog_settings.base_iri}id/"
    assert str(void.value(ds, VOID.uriSpace)) == space
    entities = (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}")) }}'
    )
    assert value(void, ds, VOID.entities) == sparql_count(store, entities)


def test_class_partitions_equal_sparql_counts(void: rdflib.Graph, store: EmbeddedStore) -> None:
    ds = dataset_node(void)
    described = {
        str(void.value(part, VOID["class"])): value(void, part, VOID.entities)
        for part in void.objects(ds, VOID.classPartition)
    }
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s a ?c } } GROUP BY ?c"
    counted = {row["c"].value: int(row["n"].value) for row in select_rows(store.query(query))}
    assert described == counted
    assert value(void, ds, VOID.classes) == len(counted)
    assert described["https://w3id.org/museumkg/ontology#Training"] == 1


def test_graph_subsets_equal_triples_per_graph(void: rdflib.Graph, store: EmbeddedStore) -> None:
    ds = dataset_node(void)
    described = {
        str(void.value(subset, SD.name)): value(void, subset, VOID.triples)
        for subset in void.objects(ds, VOID.subset)
        if (subset, RDF.type, SD.NamedGraph) in void
    }
    assert described == {g: store.count(g) for g in store.graphs()}


def test_property_partitions_and_linksets(void: rdflib.Graph, store: EmbeddedStore) -> None:
    ds = dataset_node(void)
    query = (
        "SELECT ?p (COUNT(*) AS ?n) "
        "{ SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p"
    )
    counted = {row["p"].value: int(row["n"].value) for row in select_rows(store.query(query))}
    described = {
        str(void.value(part, VOID.property)): value(void, part, VOID.triples)
        for part in void.objects(ds, VOID.propertyPartition)
    }
    assert described == counted
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    assert linksets, "the ontology's alignments link into schema.org and others"
    schema = (
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?o { GRAPH ?g { ?s rdfs:subClassOf ?o } "
        'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "https://schema.org/")) } }'
    )
    schema = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + schema
    found = [
        value(void, ls, VOID.triples)
        for ls in linksets
        if str(void.value(ls, VOID.linkPredicate)) == str(rdflib.RDFS.subClassOf)
        and str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace))
        == "https://schema.org/"
    ]
    assert found == [sparql_count(store, schema)]


def test_description_names_licence_publisher_sources_version_and_service(
    void: rdflib.Graph, store: EmbeddedStore
) -> None:
    ds = dataset_node(void)
    assert (ds, RDF.type, VOID.Dataset) in void
    assert str(void.value(ds, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    assert void.value(ds, DCTERMS.publisher) is not None
    sources = {str(s) for s in void.objects(ds, DCTERMS.source)}
    query = (
        "PREFIX mkg: <https://w3id.org/museumkg/ontology#> "
        "SELECT ?s { GRAPH ?s { ?s a mkg:SourceDocument } }"
    )
    assert sources == {row["s"].value for row in select_rows(store.query(query))}
    assert void.value(ds, DCAT.version) is not None
    assert void.value(ds, DCTERMS.modified) is not None
    # relative to the host that was asked (the test client's is localhost)
    assert str(void.value(ds, VOID.sparqlEndpoint)) == "http://localhost/sparql"
    dumps = {str(d) for d in void.objects(ds, VOID.dataDump)}
    assert "http://localhost/downloads/museumkg.nq" in dumps
    distributions = list(void.objects(ds, DCAT.distribution))
    assert len(distributions) == len(dumps)
    for dist in distributions:
        assert void.value(dist, DCAT.byteSize) is not None
        assert void.value(dist, DCAT.downloadURL) is not None


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/turtle;q=0.5, application/ld+json;q=0.4", "text/turtle", "turtle"),
    ],
)
def test_void_is_negotiated(
    client: FlaskClient, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")
    turtle = rdflib.Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    parsed = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert len(parsed) == len(turtle)


def test_void_refuses_what_it_cannot_give(client: FlaskClient) -> None:
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/.well-known/void?format=csv").status_code == 400


def test_one_linkset_per_authority_with_the_sparql_count(
    void: rdflib.Graph, store: EmbeddedStore, client: FlaskClient
) -> None:
    """The GeoNames links of the gazetteer are a linkset whose count SPARQL agrees with."""
    counted = {}
    for authority in AUTHORITIES:
        query = (
            "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?o { GRAPH ?g { ?s "
            "<http://www.w3.org/2004/02/skos/core#exactMatch> ?o } "
            f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{authority.namespace}")) }} }}'
        )
        counted[authority.namespace] = sparql_count(store, query)
    described = {}
    for ls in void.subjects(RDF.type, VOID.Linkset):
        if str(void.value(ls, VOID.linkPredicate)).endswith("core#exactMatch"):
            space = str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace))
            described[space] = value(void, ls, VOID.triples)
    assert counted["https://sws.geonames.org/"] > 40, "the gazetteer links every city"
    assert described == {space: n for space, n in counted.items() if n}
    page = client.get("/downloads/", headers={"Accept": "application/json"}).get_json()
    listed = {
        (row["target"], row["triples"])
        for row in page["linksets"]
        if row["predicate"].endswith("exactMatch")
    }
    assert listed == set(described.items())
    html = client.get("/downloads/").get_data(as_text=True)
    assert "GeoNames" in html and "Links to other datasets" in html
