"""The network pages through HTTP on the live server, over the seed catalog.

The seed (UNESCO Almaty, 18 August 2005) names three organisers of one training: the why page
must show each pair as co-organisers with that training and that news item as evidence.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import networkx as nx
import pytest
import requests
from flask import Flask

from museumkg.config import Settings

ORGANISERS = {
    "unesco-almaty": "UNESCO Almaty Cluster Office",
    "scca-almaty": "Soros Center of Contemporary Art, Almaty",
    "lab-museum-design-rik": "Laboratory of Museum Projects",
}
PROGRAM = "id/program/museums-in-a-changing-world-2005"
SOURCE = "id/source/unesco-almaty-2005-museum-management-training"
SOURCE_TITLE = "Central Asian Museum Management Training Museum in a Changing World"
PERMANENT_LINK = (
    "http://en.unesco.kz/central-asian-museum-management-training-museum-in-a-changing-world"
)
PAIRS = list(itertools.combinations(sorted(ORGANISERS), 2))


def _get(url: str, **kwargs: object) -> requests.Response:
    return requests.get(url, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a}--{b}" for a, b in PAIRS])
def test_seed_organisers_are_co_organisers_on_the_why_page(
    live_server: str, catalog_settings: Settings, a: str, b: str
) -> None:
    base = catalog_settings.base_iri
    answer = _get(f"{live_server}/why/{a}/{b}", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    data = answer.json()
    assert data["linked"] and data["kinds"] == ["co-organised"] and data["strength"] == 3.0
    assert data["chains"] == [] and data["distance"] == 1
    (path,) = data["paths"]
    assert path["kind"] == "co-organised" and path["kind_label"] == "Co-organised"
    assert path["rule"] == f"{base}rule/co-organised"
    assert path["program"]["iri"] == base + PROGRAM
    assert path["program"]["label"] == "Museums in a Changing World"
    assert path["program"]["start"] == "2005-08-18"
    organisers = {r["member"] for r in path["roles"] if r["role"] == "organiser"}
    assert organisers == {f"{base}id/org/{a}", f"{base}id/org/{b}"}
    for role in path["roles"]:
        assert role["source"] == {
            "iri": base + SOURCE,
            "title": SOURCE_TITLE,
            "issued": "2005-08-18",
            "link": PERMANENT_LINK,
        }

    page = _get(f"{live_server}/why/{a}/{b}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    heading = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    for slug in (a, b):
        assert f'<a href="/id/org/{slug}">{ORGANISERS[slug]}</a>' in heading
    for text in (
        "They are partners: co-organised, strength 3.0.",
        f'<a href="/{PROGRAM}">Museums in a Changing World</a>',
        f"<cite>{SOURCE_TITLE}</cite>",
        f'<a href="{PERMANENT_LINK}" rel="noopener">permanent link</a>',
        "Derived by the rule <code>co-organised</code>",
    ):
        assert text in html, text
    assert html.count(f"{ORGANISERS[a]}</strong>: organiser, says") == 1


def test_the_laboratory_also_led_the_training_through_its_lead_trainer(live_server: str) -> None:
    data = _get(f"{live_server}/why/lab-museum-design-rik/unesco-almaty?format=json").json()
    roles = {r["role"] for r in data["paths"][0]["roles"]}
    assert roles == {"organiser", "lead trainer: Dr. Lebedev, on its behalf"}


def test_institutions_without_a_link_or_a_chain(live_server: str) -> None:
    data = _get(f"{live_server}/why/unesco-almaty/rik-moscow?format=json").json()
    assert not data["linked"] and data["paths"] == [] and data["chains"] == []
    assert data["distance"] is None
    html = _get(f"{live_server}/why/unesco-almaty/rik-moscow").text
    assert "They have no partnership of their own." in html
    assert "No chain of partnerships connects them." in html


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/why/unesco-almaty/no-such-org", 404, "no institution with the id 'no-such-org'"),
        ("/why/unesco-almaty/unesco-almaty", 400, "pick two different institutions"),
        ("/network/data.json?from=20o5", 400, "from must be a whole number, not '20o5'"),
        ("/network/edges.csv?kind=friends", 400, "unknown partnership kind friends"),
        ("/network?limit=0", 400, "limit must be between 1 and 5000"),
    ],
)
def test_client_errors_have_the_error_shape(
    live_server: str, path: str, status: int, message: str
) -> None:
    answer = _get(live_server + path, headers={"Accept": "application/json"})
    assert answer.status_code == status
    body = answer.json()
    assert body["ok"] is False and body["status"] == status and message in body["error"]


def test_network_page_without_javascript_lists_the_links(live_server: str) -> None:
    html = _get(f"{live_server}/network").text
    assert "3 links between 3 institutions." in html
    rows = re.findall(r"<tr>\s*<td><a href=\"/id/org/([a-z-]+)\">", html.split('id="links"')[1])
    assert len(rows) == 3
    for a, b in PAIRS:
        assert f'href="/why/{a}/{b}">why</a>' in html
    # the graph is drawn by our script from the vendored library, same origin
    assert 'src="/vendor/cytoscape/cytoscape.min.js' in html
    assert 'src="/static/network.js"' in html
    library = _get(f"{live_server}/vendor/cytoscape/cytoscape.min.js")
    assert library.status_code == 200 and "cytoscape" in library.text[:2000].lower()
    # the timeline has the training's year
    assert re.search(r'title="1 program in 2005"', html)


def test_filters_narrow_the_table(live_server: str) -> None:
    for query in ("kind=stated", "from=2006", "topic=no-such-topic", "country=kz"):
        html = _get(f"{live_server}/network?{query}").text
        assert "No link matches these filters." in html, query
    # the laboratory is in Moscow (through its institute): Russia keeps its two links
    data = _get(f"{live_server}/network/data.json?country=ru").json()
    assert len(data["edges"]) == 2
    matching = {n["slug"] for n in data["nodes"] if n["match"]}
    assert matching == {"lab-museum-design-rik"}
    topic = _get(f"{live_server}/network/data.json?topic=museums-and-tourism&from=2005&to=2005")
    assert len(topic.json()["edges"]) == 3


def _version(live_server: str) -> str:
    version = _get(f"{live_server}/network/data.json").json()["dataset_version"]
    assert version
    return str(version)


def test_csv_export(live_server: str) -> None:
    answer = _get(f"{live_server}/network/edges.csv?kind=co-organised")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert len(rows) == 3
    assert {r["dataset_version"] for r in rows} == {_version(live_server)}
    assert {r["filters"] for r in rows} == {
        "kind=co-organised; from=any; to=any; country=any; type=any; topic=any; limit=300"
    }
    for row in rows:
        assert row["kinds"] == "co-organised" and row["weight"] == "3.0"
        assert row["first_year"] == row["last_year"] == "2005" and row["evidence"] == "1"
        assert row["why"].startswith(f"{live_server}/why/")
        assert _get(row["why"], headers={"Accept": "application/json"}).json()["linked"]


def test_graphml_export_loads_in_networkx(live_server: str, catalog_settings: Settings) -> None:
    answer = _get(f"{live_server}/network/graph.graphml?from=2000&to=2010")
    assert answer.status_code == 200 and "xml" in answer.headers["Content-Type"]
    graph = nx.read_graphml(io.BytesIO(answer.content))
    assert graph.graph["dataset_version"] == _version(live_server)
    assert "from=2000; to=2010" in graph.graph["filters"]
    assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 3
    unesco = f"{catalog_settings.base_iri}id/org/unesco-almaty"
    assert graph.nodes[unesco]["label"] == ORGANISERS["unesco-almaty"]
    assert graph.nodes[unesco]["network_degree"] == 2
    assert all(d["weight"] == 3.0 for _a, _b, d in graph.edges(data=True))


def test_json_export_and_page_twin(live_server: str) -> None:
    data = _get(f"{live_server}/network/data.json?kind=all&limit=10").json()
    assert data["ok"] and data["filters"] == {
        "kind": "co-organised,participated,stated,shared-topic",
        "limit": "10",
    }
    assert data["filters_used"].startswith("kind=co-organised,participated,stated,shared-topic;")
    assert len(data["nodes"]) == 3 and len(data["edges"]) == 3 and not data["truncated"]
    for node in data["nodes"]:
        assert node["href"] == f"/id/org/{node['slug']}" and node["metrics"]["degree"] == 2
    twin = _get(f"{live_server}/network", headers={"Accept": "application/json"}).json()
    assert twin["edges"] == _get(f"{live_server}/network/data.json").json()["edges"]
    assert {k["value"] for k in twin["facets"]["kinds"]} == {
        "co-organised",
        "participated",
        "stated",
        "shared-topic",
    }


def test_metrics_file_is_published(live_server: str, catalog_settings: Settings) -> None:
    data = _get(f"{live_server}/network/metrics.json").json()
    assert data["dataset_version"] == _version(live_server)
    unesco = f"{catalog_settings.base_iri}id/org/unesco-almaty"
    assert data["overall"][unesco] == {
        "degree": 2,
        "weighted_degree": 6.0,
        "betweenness": 0.0,
        "community": 1,
    }
    assert list(data["years"]) == ["2005"]


def test_partners_panel_renders_for_an_institution(app: Flask, catalog_settings: Settings) -> None:
    from flask import render_template

    from webapp.views.network import partner_panel

    iri = f"{catalog_settings.base_iri}id/org/unesco-almaty"
    with app.test_request_context("/id/org/unesco-almaty"):
        panel = partner_panel(iri)
        html = render_template("_partners.html", partner_panel=panel)
    assert [p["slug"] for p in panel["partners"]] == ["lab-museum-design-rik", "scca-almaty"]
    assert panel["network_position"]["overall"]["degree"] == 2
    assert '<a href="/why/unesco-almaty/scca-almaty">why</a>' in html
    assert '<a href="/id/org/scca-almaty">Soros Center of Contemporary Art, Almaty</a>' in html
    assert "<strong>2</strong> partners" in html and "Co-organised" in html


def test_an_institution_page_bounds_its_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hub's page: partner-of counted (listed in the panel), the panel cut to the strongest
    (all of them a link away and in the JSON twin), the roles cut with a count."""
    from partners_oracle import partners_of
    from synthetic_network import RULES, SYNTH, synthetic_catalog

    import webapp.views.entities
    from museumkg.network.derive import derive
    from webapp import create_app

    store, _expected = synthetic_catalog(2)
    derive(store, base_iri=SYNTH, derived_graph=f"{SYNTH}graph/derived", rules_dir=RULES)
    org = f"{SYNTH}id/org/synthetic-00"
    everyone = partners_of(store, org, "en", SYNTH)
    assert len(everyone) > 3
    monkeypatch.setattr(webapp.views.entities, "PANEL_SIZE", 3)
    client = create_app(store=store, settings=Settings(base_iri=SYNTH)).test_client()
    html = client.get("/id/org/synthetic-00", headers={"Accept": "text/html"}).get_data(True)
    panel = html.split('class="partners-panel"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<td><a href="/id/org/([^"]+)">', panel)
    assert shown == [p["slug"] for p in everyone[:3]]
    assert f"The 3 strongest of {len(everyone)} partners" in panel
    assert "partners=all" in panel
    strong = [p for p in everyone if p["strong"]]
    assert f"{len(strong)}: listed under" in html and "inferred by rule" in html
    whole = client.get("/id/org/synthetic-00?partners=all", headers={"Accept": "text/html"})
    assert len(re.findall(r"<td><a href=\"/id/org/", whole.get_data(True))) == len(everyone)
    data = client.get("/id/org/synthetic-00.json").get_json()
    assert len(data["partner_panel"]["partners"]) == data["partner_panel"]["total"]
    assert data["partners"]  # the partnership nodes are in the JSON twin
    assert any(g["property"]["iri"].endswith("#partnerOf") for g in data["groups"])
