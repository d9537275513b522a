"""/sparql over real HTTP (the live server): every case of the SPARQL 1.1 Protocol query
operation, content negotiation, errors, limits, refusals, CORS and the service description."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
import requests
from flask import Flask

from museumkg.config import Settings
from museumkg.sparql.workers import WorkerPool
from museumkg.store import EmbeddedStore
from museumkg.store.catalog import current_store_dir
from webapp import create_app

JSON_RESULTS = "application/sparql-results+json"
SEED = "https://w3id.org/museumkg/id/source/unesco-almaty-2005-museum-management-training"
PLACES = "https://w3id.org/museumkg/id/source/places"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LABELS = "SELECT ?label WHERE { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 5"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
ERROR_KEYS = {"ok", "status", "error", "errors"}


def sparql(url: str, query: str | None = None, accept: str = JSON_RESULTS, **params: str):  # type: ignore[no-untyped-def]
    """GET /sparql with ``query`` and other parameters."""
    if query is not None:
        params["query"] = query
    return requests.get(f"{url}/sparql", params=params, headers={"Accept": accept}, timeout=30)


def count_of(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def error_of(response: requests.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS and body["ok"] is False and body["status"] == status
    assert "Traceback" not in response.text
    return body  # type: ignore[no-any-return]


def fresh_count(settings: Settings) -> int:
    """The store's quads, read through a handle opened now (not a snapshot from before)."""
    folder = current_store_dir(settings)
    assert folder is not None
    opened = EmbeddedStore(folder, read_only=True)
    try:
        return opened.count()
    finally:
        opened.close()


# --- the three ways to send a query ---------------------------------------------------------


def test_get_post_form_and_post_body_give_the_same_answer(
    live_server: str, store: EmbeddedStore
) -> None:
    url = f"{live_server}/sparql"
    accept = {"Accept": JSON_RESULTS}
    by_get = requests.get(url, params={"query": COUNT_GRAPHS}, headers=accept, timeout=30)
    by_form = requests.post(url, data={"query": COUNT_GRAPHS}, headers=accept, timeout=30)
    by_body = requests.post(
        url,
        data=COUNT_GRAPHS.encode(),
        headers={**accept, "Content-Type": "application/sparql-query; charset=utf-8"},
        timeout=30,
    )
    assert count_of(by_get) == count_of(by_form) == count_of(by_body) == store.count()
    for response in (by_get, by_form, by_body):
        assert response.headers["Content-Type"] == JSON_RESULTS
        assert "Accept" in response.headers["Vary"]
        assert response.headers["X-Museumkg-Truncated"] == "false"
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_default_graph_is_the_union_of_all_graphs(live_server: str) -> None:
    union = count_of(sparql(live_server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    distinct = count_of(sparql(live_server, COUNT_GRAPHS))
    assert 0 < union <= distinct  # a triple stated in two sources is one triple of the union


def test_default_and_named_graph_uris_pick_local_graphs(live_server: str) -> None:
    seed = count_of(sparql(live_server, COUNT, **{"default-graph-uri": SEED}))
    places = count_of(sparql(live_server, COUNT, **{"default-graph-uri": PLACES}))
    both = requests.get(
        f"{live_server}/sparql",
        params=[("query", COUNT), ("default-graph-uri", SEED), ("default-graph-uri", PLACES)],
        headers={"Accept": JSON_RESULTS},
        timeout=30,
    )
    assert 0 < seed < count_of(both) and 0 < places < count_of(both)
    # named-graph-uri alone: GRAPH sees only those, and the default graph is empty
    named = sparql(
        live_server,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"named-graph-uri": SEED},
    )
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [SEED]
    assert count_of(sparql(live_server, COUNT, **{"named-graph-uri": SEED})) == 0
    # FROM in the query is honoured (not widened to the union)
    from_seed = f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ ?s ?p ?o }}"
    assert count_of(sparql(live_server, from_seed)) == seed
    bad = sparql(live_server, COUNT, **{"default-graph-uri": "not an iri"})
    error_of(bad, 400)


# --- refusals: nothing is fetched, nothing is changed ---------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def bystander() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request the endpoint might send it."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()
    server.server_close()


def test_service_and_insert_data_are_refused_and_nothing_changes(
    live_server: str, catalog_settings: Settings, bystander: tuple[str, list[str]]
) -> None:
    here, hits = bystander
    before = fresh_count(catalog_settings)
    counted_before = count_of(sparql(live_server, COUNT_GRAPHS))

    service = f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"
    body = error_of(sparql(live_server, service), 400)
    assert "SERVICE" in str(body["error"])
    silent = f"SELECT * WHERE {{ SERVICE SILENT <{here}/sparql> {{ ?s ?p ?o }} }}"
    error_of(requests.post(f"{live_server}/sparql", data={"query": silent}, timeout=30), 400)

    insert = "INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/a> <http://ex.org/p> 1 } }"
    for response in (
        sparql(live_server, insert),
        requests.post(f"{live_server}/sparql", data={"query": insert}, timeout=30),
        requests.post(f"{live_server}/sparql", data={"update": insert}, timeout=30),
        requests.post(
            f"{live_server}/sparql",
            data=insert.encode(),
            headers={"Content-Type": "application/sparql-update", "Accept": "application/json"},
            timeout=30,
        ),
        requests.post(
            f"{live_server}/sparql",
            data=insert.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
            timeout=30,
        ),
    ):
        assert response.status_code == 400, response.text
        assert "read-only" in response.text
    load = f"LOAD <{here}/data.ttl> INTO GRAPH <http://example.org/g>"
    error_of(sparql(live_server, load), 400)
    # a dataset IRI names a local graph, never a document to fetch
    remote_graph = sparql(live_server, COUNT, **{"default-graph-uri": f"{here}/data.ttl"})
    assert count_of(remote_graph) == 0
    remote_from = f"SELECT (COUNT(*) AS ?n) FROM <{here}/data.ttl> {{ ?s ?p ?o }}"
    assert count_of(sparql(live_server, remote_from)) == 0

    assert hits == [], "the endpoint contacted another server"
    assert fresh_count(catalog_settings) == before
    assert count_of(sparql(live_server, COUNT_GRAPHS)) == counted_before


@pytest.mark.parametrize(
    ("how", "status"),
    [
        ("two query parameters", 400),
        ("query in form and URL", 400),
        ("query in body and URL", 400),
        ("empty query", 400),
        ("other content type", 415),
    ],
)
def test_malformed_protocol_requests(live_server: str, how: str, status: int) -> None:
    url = f"{live_server}/sparql"
    accept = {"Accept": "application/json"}
    if how == "two query parameters":
        response = requests.get(
            url, params=[("query", "ASK {}"), ("query", "ASK {}")], headers=accept, timeout=30
        )
    elif how == "query in form and URL":
        response = requests.post(
            url, params={"query": "ASK {}"}, data={"query": COUNT}, headers=accept, timeout=30
        )
    elif how == "query in body and URL":
        headers = {**accept, "Content-Type": "application/sparql-query"}
        response = requests.post(
            url, params={"query": "ASK {}"}, data=b"ASK {}", headers=headers, timeout=30
        )
    elif how == "empty query":
        response = requests.get(url, params={"query": "  "}, headers=accept, timeout=30)
    else:
        headers = {**accept, "Content-Type": "text/plain"}
        response = requests.post(url, data=b"ASK {}", headers=headers, timeout=30)
    error_of(response, status)


def test_a_syntax_error_names_line_and_column(live_server: str) -> None:
    body = error_of(sparql(live_server, "SELECT * WHERE {\n  ?s ?p\n}"), 400)
    [detail] = body["errors"]  # type: ignore[misc]
    assert detail["line"] == 3 and detail["column"] >= 1
    assert "parse" in str(body["error"])


def test_error_pages_escape_what_the_query_said(live_server: str) -> None:
    hostile = "SELECT * WHERE { ?s ?p '<script>alert(1)</script>' . ?s ?p }"
    page = sparql(live_server, hostile, accept="text/html;q=0.9, application/xml;q=0.1")
    assert page.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in page.text


# --- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "content_type"),
    [
        (None, None, JSON_RESULTS),
        ("*/*", None, JSON_RESULTS),
        ("application/json", None, JSON_RESULTS),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv; charset=utf-8"),
        ("text/tab-separated-values", None, "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/*;q=0.9, */*;q=0.1", None, "text/csv; charset=utf-8"),
        ("application/sparql-results+json", "csv", "text/csv; charset=utf-8"),
        (None, "tsv", "text/tab-separated-values; charset=utf-8"),
        (None, "xml", "application/sparql-results+xml"),
    ],
)
def test_select_results_by_accept_and_format(
    live_server: str, accept: str | None, fmt: str | None, content_type: str
) -> None:
    params = {"query": LABELS, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    response = requests.get(f"{live_server}/sparql", params=params, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == content_type
    text = response.text
    if content_type == JSON_RESULTS:
        assert len(response.json()["results"]["bindings"]) == 5
    elif "xml" in content_type:
        assert text.count("<result>") == 5
    elif "csv" in content_type:
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["label"] and len(rows) == 6
    else:
        lines = text.splitlines()
        assert lines[0] == "?label" and len(lines) == 6 and lines[1].startswith('"')


def test_ask_answers_in_every_results_format(live_server: str) -> None:
    ask = "ASK { ?s a ?class }"
    assert sparql(live_server, ask).json() == {"head": {}, "boolean": True}
    xml = sparql(live_server, ask, accept="application/sparql-results+xml").text
    assert "<boolean>true</boolean>" in xml
    assert sparql(live_server, ask, accept="text/csv").text.strip() == "true"


CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "CONSTRUCT { ?x skos:prefLabel ?l } WHERE { ?x a <https://w3id.org/museumkg/ontology#City> ; "
    "skos:prefLabel ?l }"
)


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_in_every_rdf_format(live_server: str, accept: str, rdflib_format: str) -> None:
    reference = rdflib.Graph().parse(
        data=sparql(live_server, CONSTRUCT, accept="application/n-triples").text, format="nt"
    )
    assert len(reference) > 0
    response = sparql(live_server, CONSTRUCT, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == accept
    if rdflib_format in ("nquads", "trig"):
        parsed = rdflib.Dataset()
        parsed.parse(data=response.text, format=rdflib_format)
        triples = {(s, p, o) for s, p, o, _g in parsed.quads()}
    else:
        triples = set(rdflib.Graph().parse(data=response.text, format=rdflib_format))
    assert triples == set(reference)


def test_jsonld_is_compacted_with_the_catalog_context(live_server: str) -> None:
    response = sparql(live_server, CONSTRUCT, format="jsonld")
    doc = response.json()
    assert doc["@context"]["mkg"] == "https://w3id.org/museumkg/ontology#"
    assert all("prefLabel" in node for node in doc["@graph"])  # a context term, not an IRI


def test_describe_answers_rdf(live_server: str) -> None:
    response = sparql(
        live_server, "DESCRIBE <https://w3id.org/museumkg/id/org/unesco-almaty>", accept="*/*"
    )
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) > 3


def test_nothing_acceptable_is_406_listing_the_offers(live_server: str) -> None:
    body = error_of(
        requests.get(
            f"{live_server}/sparql",
            params={"query": LABELS},
            headers={"Accept": "image/png"},
            timeout=30,
        ),
        406,
    )
    for offered in (JSON_RESULTS, "text/csv", "application/sparql-results+xml"):
        assert offered in str(body["error"])
    # a graph format for a SELECT, and a name nobody knows
    error_of(sparql(live_server, LABELS, accept="application/json", format="ttl"), 406)
    error_of(sparql(live_server, LABELS, accept="application/json", format="yaml"), 400)


# --- limits ----------------------------------------------------------------------------------


def test_row_cap_marks_the_result_truncated(live_server: str, catalog_settings: Settings) -> None:
    cap = catalog_settings.max_rows
    many = f"SELECT ?a ?d WHERE {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {cap + 5}"
    response = sparql(live_server, many)
    assert response.headers["X-Museumkg-Truncated"] == "true"
    body = response.json()
    assert body["truncated"] is True and len(body["results"]["bindings"]) == cap
    as_csv = sparql(live_server, many, accept="text/csv")
    assert as_csv.headers["X-Museumkg-Truncated"] == "true"
    assert len(as_csv.text.strip().split("\r\n")) == cap + 1
    exact = sparql(live_server, f"SELECT ?a WHERE {{ ?a ?b ?c }} LIMIT {cap}")
    assert exact.headers["X-Museumkg-Truncated"] == "false" and "truncated" not in exact.json()


def test_a_slow_query_times_out_while_a_simple_one_answers(live_server: str) -> None:
    """The cartesian product runs in one worker until its deadline; the other answers."""
    limit_s = 3.0
    results: dict[str, tuple[requests.Response, float, float]] = {}

    def send(name: str, query: str, **params: str) -> None:
        started = time.monotonic()
        response = sparql(live_server, query, accept="application/json", **params)
        results[name] = (response, started, time.monotonic())

    slow = threading.Thread(target=send, args=("slow", CARTESIAN), kwargs={"timeout": "3"})
    slow.start()
    time.sleep(0.3)  # the slow one is running
    simple = threading.Thread(target=send, args=("simple", LABELS))
    simple.start()
    simple.join(timeout=30)
    slow.join(timeout=30)

    slow_response, slow_started, slow_ended = results["slow"]
    simple_response, _, simple_ended = results["simple"]
    assert simple_response.status_code == 200
    assert len(simple_response.json()["results"]["bindings"]) == 5
    assert simple_ended < slow_started + limit_s, "the simple query waited for the slow one"
    body = error_of(slow_response, 504)
    assert "time limit of 3 s" in str(body["error"])
    assert slow_ended - slow_started < limit_s + 5
    # the pool recovered: the next query answers
    assert count_of(sparql(live_server, COUNT_GRAPHS)) > 0


def test_timeout_parameter_is_checked(live_server: str) -> None:
    for bad in ("soon", "-1", "0", "nan"):
        error_of(sparql(live_server, LABELS, timeout=bad), 400)
    assert sparql(live_server, LABELS, timeout="100000").status_code == 200  # capped, accepted


def test_a_query_that_crashes_the_engine_is_answered_cleanly(live_server: str) -> None:
    crashing = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 8000) + ") }"
    response = requests.post(
        f"{live_server}/sparql",
        data={"query": crashing},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    body = error_of(response, 500)
    assert "other queries run" in str(body["error"])
    assert count_of(sparql(live_server, COUNT_GRAPHS)) > 0


def test_size_and_depth_limits(live_server: str, catalog_settings: Settings) -> None:
    padding = "#" + "x" * catalog_settings.max_query_bytes + "\n"
    too_long = requests.post(
        f"{live_server}/sparql",
        data=(padding + "ASK {}").encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=30,
    )
    error_of(too_long, 413)
    huge_body = requests.post(
        f"{live_server}/sparql",
        data={"query": "ASK {}", "pad": "x" * (catalog_settings.max_request_bytes + 1)},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    error_of(huge_body, 413)
    deep = "ASK { " + "{ " * 40 + "}" * 41
    assert "deeper than" in str(error_of(sparql(live_server, deep), 400)["error"])


# --- without a query: the service description or the editor ----------------------------------


def test_service_description(live_server: str) -> None:
    response = requests.get(f"{live_server}/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    service = rdflib.URIRef(f"{live_server}/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"):
        assert f"http://www.w3.org/ns/formats/{name}" in formats
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, SD.defaultGraph) is not None
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert SEED in names and PLACES in names
    void = graph.value(dataset, rdflib.RDFS.seeAlso)
    assert str(void) == f"{live_server}/.well-known/void"
    as_jsonld = requests.get(f"{live_server}/sparql?format=jsonld", timeout=30)
    assert as_jsonld.headers["Content-Type"] == "application/ld+json"
    assert len(rdflib.Graph().parse(data=as_jsonld.text, format="json-ld")) == len(graph)


def test_browsers_get_the_editor_and_other_clients_a_clear_answer(live_server: str) -> None:
    page = requests.get(f"{live_server}/sparql", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    with_query = sparql(live_server, LABELS, accept="text/html,*/*;q=0.8")
    assert with_query.status_code == 200 and "text/html" in with_query.headers["Content-Type"]
    error_of(sparql(live_server, accept="application/sparql-results+json"), 406)
    empty_post = requests.post(
        f"{live_server}/sparql",
        data={"q": "ASK {}"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    error_of(empty_post, 400)


# --- CORS --------------------------------------------------------------------------------------


def test_cors_preflight_and_reads(live_server: str) -> None:
    preflight = requests.options(
        f"{live_server}/sparql",
        headers={
            "Origin": "https://notebook.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-requested-with",
        },
        timeout=30,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type, x-requested-with"
    read = requests.post(
        f"{live_server}/sparql",
        data={"query": LABELS},
        headers={"Origin": "https://notebook.example.org", "Accept": JSON_RESULTS},
        timeout=30,
    )
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Museumkg-Truncated" in read.headers["Access-Control-Expose-Headers"]
    refused = sparql(live_server, "CLEAR ALL", accept="application/json")
    assert refused.headers["Access-Control-Allow-Origin"] == "*"  # errors are readable too


# --- load shedding (in-process: its own one-worker pool) ---------------------------------------


def test_a_full_pool_sheds_load_with_503_and_retry_after(
    store: EmbeddedStore, catalog_settings: Settings
) -> None:
    settings = catalog_settings.with_overrides(sparql_workers=1, sparql_queue_timeout_s=0.3)
    app: Flask = create_app(store=store, settings=settings)
    try:
        client = app.test_client()
        headers = {"Accept": "application/json"}
        assert (
            client.get("/sparql", query_string={"query": LABELS}, headers=headers).status_code
            == 200
        )
        statuses: list[int] = []
        slow = threading.Thread(
            target=lambda: statuses.append(
                app.test_client()
                .get("/sparql", query_string={"query": CARTESIAN, "timeout": "2"}, headers=headers)
                .status_code
            )
        )
        slow.start()
        pool = app.extensions["museumkg"].current().executor()
        assert isinstance(pool, WorkerPool) and pool.wait_running(1, timeout_s=30)
        shed = client.get("/sparql", query_string={"query": LABELS}, headers=headers)
        assert shed.status_code == 503
        assert int(shed.headers["Retry-After"]) >= 1
        assert json.loads(shed.data)["status"] == 503
        slow.join(timeout=20)
        assert statuses == [504]
        assert (
            client.get("/sparql", query_string={"query": LABELS}, headers=headers).status_code
            == 200
        )
    finally:
        app.extensions["museumkg"].close()


def test_pool_workers_open_the_store_read_only(app: Flask, catalog_settings: Settings) -> None:
    pool = app.extensions["museumkg"].current().executor()
    assert Path(pool.store_path) == current_store_dir(catalog_settings)
    response = app.test_client().get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS}
    )
    assert response.status_code == 200 and len(pool.pids()) == catalog_settings.sparql_workers


def test_the_endpoint_follows_the_store_the_app_serves(
    app: Flask, tmp_path: Path, catalog_settings: Settings
) -> None:
    """After an update makes a new store current (e.g. /graph-store), /sparql answers from it."""
    client = app.test_client()
    headers = {"Accept": JSON_RESULTS}
    before = client.get("/sparql", query_string={"query": COUNT_GRAPHS}, headers=headers)
    assert int(before.get_json()["results"]["bindings"][0]["n"]["value"]) > 1
    writer = EmbeddedStore(tmp_path / "new")
    writer.load('<http://ex.org/a> <http://ex.org/p> "1" .', format="nt", graph="http://ex.org/g")
    writer.flush()
    writer.close()
    del writer
    old_pool = app.extensions["museumkg"].current().executor()
    app.extensions["museumkg"].store = EmbeddedStore(tmp_path / "new", read_only=True)
    after = client.get("/sparql", query_string={"query": COUNT_GRAPHS}, headers=headers)
    assert after.get_json()["results"]["bindings"][0]["n"]["value"] == "1"
    new_pool = app.extensions["museumkg"].current().executor()
    assert new_pool is not old_pool and Path(new_pool.store_path) == tmp_path / "new"
    old_pool.close()  # the app would close it after the longest query could have ended
