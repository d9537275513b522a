"""The SPARQL 1.1 Protocol's last edges: relative IRIs resolve against the endpoint's URL, query
bodies must be UTF-8, and protocol parameters without a query are a 400 naming ``query``."""

from __future__ import annotations

from flask.testing import FlaskClient

NT = {"Accept": "application/n-triples"}
JSON = {"Accept": "application/sparql-results+json"}


def test_relative_iris_resolve_against_the_endpoint_url(client: FlaskClient) -> None:
    # from the W3C protocol tests: a CONSTRUCT with relative IRIs
    response = client.get(
        "/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers=NT
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert "<http://localhost/s> <http://localhost/p> " in body
    # a BASE in the query wins, resolved against the endpoint's URL
    based = client.get(
        "/sparql",
        query_string={"query": "BASE <other/> SELECT ?x { BIND(<y> AS ?x) }"},
        headers=JSON,
    )
    value = based.get_json()["results"]["bindings"][0]["x"]["value"]
    assert value == "http://localhost/other/y"


def test_syntax_errors_keep_their_position_in_the_users_text(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}, headers=JSON
    )
    assert response.status_code == 400
    detail = response.get_json()["errors"][0]
    assert detail["line"] == 1 and detail["column"] <= len("SELECT * WHERE { ?s ?p }") + 1
    assert "BASE" not in response.get_json()["error"]


def test_a_query_body_that_is_not_utf8_is_refused(client: FlaskClient) -> None:
    body = "ASK {}".encode("utf-16")
    response = client.post(
        "/sparql",
        data=body,
        headers={**JSON, "Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 415
    assert "UTF-8" in response.get_json()["error"] and "UTF-16" in response.get_json()["error"]
    fine = client.post(
        "/sparql",
        data=b"ASK {}",
        headers={**JSON, "Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert fine.status_code == 200


def test_protocol_parameters_without_a_query_are_a_400_naming_query(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"default-graph-uri": "http://example.org/g"}, headers=JSON
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "query" in error and "default-graph-uri" in error
    described = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and "sd:Service" in described.get_data(as_text=True)


def test_pages_carry_the_headers_a_browser_expects(client: FlaskClient) -> None:
    for url in ("/", "/sparql", "/network", "/id/org/unesco-almaty", "/no/such/page"):
        response = client.get(url, headers={"Accept": "text/html"})
        assert response.mimetype == "text/html", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self' 'sha256-" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "style=" not in response.get_data(as_text=True), url
    answer = client.get("/sparql", query_string={"query": "ASK {}"}, headers=JSON)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_site_has_an_icon(client: FlaskClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg") and b"</svg>" in icon.data
