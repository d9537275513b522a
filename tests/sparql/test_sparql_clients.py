"""Real SPARQL clients against the live server over HTTP: SPARQLWrapper, rdflib's SPARQLStore
and curl, each through GET and POST."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from museumkg.store import EmbeddedStore

SKOS = "http://www.w3.org/2004/02/skos/core#"
MKG = "https://w3id.org/museumkg/ontology#"
SEED = "https://w3id.org/museumkg/id/source/unesco-almaty-2005-museum-management-training"
CITIES = f"""PREFIX skos: <{SKOS}> PREFIX mkg: <{MKG}>
SELECT ?city ?label WHERE {{ ?city a mkg:City ; skos:prefLabel ?label FILTER(LANG(?label) = "en") }}
ORDER BY ?label"""
CITY_GRAPH = f"""PREFIX skos: <{SKOS}> PREFIX mkg: <{MKG}>
CONSTRUCT {{ ?city skos:prefLabel ?label }} WHERE {{ ?city a mkg:City ; skos:prefLabel ?label }}"""


@pytest.fixture(scope="module")
def cities(store: EmbeddedStore) -> list[tuple[str, str]]:
    """The expected answer, asked of the store directly."""
    rows = store.query(CITIES)
    return [(r["city"].value, r["label"].value) for r in rows]  # type: ignore[index, union-attr]


@pytest.fixture(scope="module")
def city_graph(store: EmbeddedStore) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in store.query(CITY_GRAPH)}  # type: ignore[union-attr]


def _wrapper(url: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setTimeout(30)
    return client


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json_xml_csv_tsv(
    live_server: str, cities: list[tuple[str, str]], method: str
) -> None:
    assert cities
    as_json = _wrapper(live_server, CITIES, JSON, method).queryAndConvert()
    rows = [(b["city"]["value"], b["label"]["value"]) for b in as_json["results"]["bindings"]]  # type: ignore[index]
    assert rows == cities

    as_xml = _wrapper(live_server, CITIES, XML, method).queryAndConvert()
    results = as_xml.getElementsByTagName("result")  # type: ignore[union-attr]
    assert len(results) == len(cities)

    as_csv = _wrapper(live_server, CITIES, CSV, method).queryAndConvert()
    table = list(csv.reader(io.StringIO(as_csv.decode("utf-8"))))  # type: ignore[union-attr]
    assert table[0] == ["city", "label"] and [tuple(r) for r in table[1:]] == cities

    as_tsv = _wrapper(live_server, CITIES, TSV, method).queryAndConvert()
    lines = as_tsv.decode("utf-8").splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?city\t?label" and len(lines) == len(cities) + 1


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
def test_sparqlwrapper_construct(
    live_server: str, city_graph: set[tuple[str, str, str]], fmt: str, method: str
) -> None:
    graph = _wrapper(live_server, CITY_GRAPH, fmt, method).queryAndConvert()
    if isinstance(graph, bytes):  # SPARQLWrapper hands Turtle over unparsed
        graph = rdflib.Graph().parse(data=graph.decode("utf-8"), format="turtle")
    assert isinstance(graph, rdflib.Graph)
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == city_graph


def test_sparqlwrapper_ask_and_errors(live_server: str) -> None:
    ask = _wrapper(live_server, "ASK { ?s a ?class }", JSON, GET).queryAndConvert()
    assert ask["boolean"] is True  # type: ignore[index]
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="line"):
        _wrapper(live_server, "SELECT * WHERE { ?s ?p }", JSON, GET).query()


@pytest.mark.parametrize(("return_format", "method"), [("xml", "GET"), ("json", "POST_FORM")])
def test_rdflib_sparqlstore(
    live_server: str, cities: list[tuple[str, str]], return_format: str, method: str
) -> None:
    remote = SPARQLStore(f"{live_server}/sparql", returnFormat=return_format, method=method)
    graph = rdflib.Graph(store=remote)
    rows = [(str(r.city), str(r.label)) for r in graph.query(CITIES)]  # type: ignore[union-attr]
    assert rows == cities
    assert graph.query("ASK { ?s a ?class }").askAnswer is True
    # a named graph through the store: rdflib sends its name as default-graph-uri
    seed = rdflib.Graph(store=remote, identifier=rdflib.URIRef(SEED))
    in_seed = int(list(seed.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0])  # type: ignore[index]
    everything = int(list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0])  # type: ignore[index]
    assert 0 < in_seed < everything
    remote.close()


def test_rdflib_sparqlstore_construct(
    live_server: str, city_graph: set[tuple[str, str, str]]
) -> None:
    """rdflib's default store asks for SPARQL XML or RDF/XML, so CONSTRUCT comes as RDF/XML."""
    graph = rdflib.Graph(store=SPARQLStore(f"{live_server}/sparql"))
    constructed = graph.query(CITY_GRAPH).graph
    assert constructed is not None
    assert {(str(s), str(p), str(o)) for s, p, o in constructed} == city_graph


# --- curl ------------------------------------------------------------------------------------

CURL = shutil.which("curl")


def curl(*args: str) -> tuple[int, dict[str, str], str]:
    """Run curl; return the status, the headers (lower-case names) and the body."""
    assert CURL is not None
    done = subprocess.run(
        [CURL, "--silent", "--show-error", "--max-time", "30", "--include", *args],
        capture_output=True,
        check=True,
        text=True,
    )
    head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
    lines = head.splitlines()
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return status, headers, body


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
@pytest.mark.parametrize(
    ("how", "args"),
    [
        ("GET", ["--get", "--data-urlencode", "query@-"]),
        ("POST form", ["--data-urlencode", "query@-"]),
        ("POST body", ["-H", "Content-Type: application/sparql-query", "--data-binary", "@-"]),
    ],
)
def test_curl_each_way_and_format(live_server: str, how: str, args: list[str]) -> None:
    assert CURL is not None
    for accept, check in (
        ("application/sparql-results+json", lambda b: json.loads(b)["results"]["bindings"]),
        ("text/csv", lambda b: b.startswith("label")),
        ("application/sparql-results+xml", lambda b: "<sparql" in b),
        ("text/tab-separated-values", lambda b: b.startswith("?label")),
    ):
        query = f"PREFIX skos: <{SKOS}> SELECT ?label WHERE {{ ?x skos:prefLabel ?label }} LIMIT 3"
        done = subprocess.run(
            [CURL, "--silent", "--max-time", "30", "--include", "-H", f"Accept: {accept}"]
            + args
            + [f"{live_server}/sparql"],
            input=query,
            capture_output=True,
            text=True,
            check=True,
        )
        head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
        assert head.split()[1] == "200", done.stdout
        assert f"content-type: {accept}" in head.lower()
        assert check(body), (how, accept, body[:200])


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_construct_errors_and_service_description(live_server: str) -> None:
    status, headers, body = curl(
        "--get", "--data-urlencode", f"query={CITY_GRAPH}", f"{live_server}/sparql"
    )
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=body, format="turtle")) > 0

    status, headers, body = curl(
        "--get", "--data-urlencode", "query=SELECT * {", f"{live_server}/sparql"
    )
    assert status == 400 and json.loads(body)["errors"][0]["line"] == 1

    status, _, body = curl("--data-urlencode", "query=CLEAR ALL", f"{live_server}/sparql")
    assert status == 400 and "read-only" in body

    status, headers, body = curl("-H", "Accept: text/turtle", f"{live_server}/sparql")
    assert status == 200 and "sd:Service" in body

    status, headers, _ = curl(
        "-X",
        "OPTIONS",
        "-H",
        "Origin: http://example.org",
        "-H",
        "Access-Control-Request-Method: POST",
        "-H",
        "Access-Control-Request-Headers: content-type",
        f"{live_server}/sparql",
    )
    assert status == 204 and headers["access-control-allow-headers"] == "content-type"
