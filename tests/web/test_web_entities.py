"""Entity IRIs resolve on the running server: HTML for browsers, RDF twins for clients, 404s
that suggest, pages in the reader's language. Real HTTP through the live server."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, select_rows

SEED = "unesco-almaty-2005-museum-management-training"
#: One stable entity of every kind in the seed data.
KINDS = {
    "org": "org/unesco-almaty",
    "program": "program/museums-in-a-changing-world-2005",
    "program part": "program/museums-in-a-changing-world-2005/part/2",
    "person": "person/dr-lebedev",
    "role": "role/dr-lebedev-lead-trainer-2005",
    "topic": "topic/museums-and-tourism",
    "place": "place/almaty",
    "source": f"source/{SEED}",
    "partnership": "partnership/scca-almaty--unesco-almaty/co-organised",
}
RDF_TYPES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=20)


def _text(html: str) -> str:
    """The visible text of a page fragment, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _h1(html: str) -> tuple[str | None, str]:
    match = re.search(r"<h1(?: lang=\"([^\"]+)\")?>(.*?)</h1>", html, re.S)
    assert match, "the page has no h1"
    return match.group(1), _text(match.group(2))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_negotiates_html_and_rdf(
    live_server: str, catalog_settings: Settings, kind: str
) -> None:
    path = f"/id/{KINDS[kind]}"
    iri = rdflib.URIRef(f"{catalog_settings.base_iri}id/{KINDS[kind]}")

    page = _get(live_server + path, Accept=BROWSER)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    vary = {v.strip() for v in page.headers["Vary"].split(",")}
    assert {"Accept", "Accept-Language"} <= vary
    assert f'<{path}.ttl>; rel="alternate"; type="text/turtle"' in page.headers["Link"]
    assert f'<{path}.jsonld>; rel="alternate"; type="application/ld+json"' in page.headers["Link"]

    graphs = {}
    for fmt, (media, parser) in RDF_TYPES.items():
        negotiated = _get(live_server + path, Accept=media)
        assert negotiated.status_code == 200, (fmt, negotiated.text[:300])
        assert negotiated.headers["Content-Type"].split(";")[0] == media
        assert negotiated.headers["Content-Location"] == f"{path}.{fmt}"
        assert "Accept" in negotiated.headers["Vary"]
        by_suffix = _get(f"{live_server}{path}.{fmt}")
        assert by_suffix.status_code == 200
        assert by_suffix.headers["Content-Type"].split(";")[0] == media
        assert by_suffix.content == negotiated.content
        graph = rdflib.Graph().parse(data=negotiated.content, format=parser)
        assert (iri, rdflib.RDF.type, None) in graph, f"{fmt}: the entity's own triples are missing"
        graphs[fmt] = graph
    assert isomorphic(graphs["ttl"], graphs["jsonld"]), "Turtle and JSON-LD differ"
    assert isomorphic(graphs["ttl"], graphs["nt"]), "Turtle and N-Triples differ"
    assert isomorphic(graphs["ttl"], graphs["rdf"]), "Turtle and RDF/XML differ"


def test_jsonld_is_compacted_with_the_catalog_context(live_server: str) -> None:
    body = _get(f"{live_server}/id/person/dr-lebedev.jsonld").json()
    context = body["@context"]
    assert context["mkg"] == "https://w3id.org/museumkg/ontology#"
    people = [n for n in body["@graph"] if n.get("type") == "Person"]
    assert len(people) == 1
    assert people[0]["prefLabel"] == {"en": "Dr. Lebedev"}
    assert people[0]["jobTitle"] == {"en": "senior scientist"}


def test_description_is_bounded_and_carries_names_and_incoming_links(
    live_server: str, catalog_settings: Settings
) -> None:
    base = catalog_settings.base_iri
    graph = rdflib.Graph().parse(data=_get(f"{live_server}/id/person/dr-lebedev.ttl").text)
    lab = rdflib.URIRef(f"{base}id/org/lab-museum-design-rik")
    role = rdflib.URIRef(f"{base}id/role/dr-lebedev-lead-trainer-2005")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    mkg = rdflib.Namespace("https://w3id.org/museumkg/ontology#")
    assert (
        lab,
        skos.prefLabel,
        rdflib.Literal("Laboratory of Museum Projects", lang="en"),
    ) in graph
    assert (role, mkg.agent, rdflib.URIRef(f"{base}id/person/dr-lebedev")) in graph
    assert (mkg.Person, rdflib.RDFS.label, rdflib.Literal("Персона", lang="ru")) in graph
    assert len(graph) < 100


def test_browsers_and_wildcards_get_html_json_clients_get_page_data(live_server: str) -> None:
    url = f"{live_server}/id/place/almaty"
    assert _get(url, Accept="*/*").headers["Content-Type"].startswith("text/html")
    assert _get(url).headers["Content-Type"].startswith("text/html")
    data = _get(url, Accept="application/json").json()
    assert data["ok"] is True and data["label"] == "Almaty"
    assert {n["text"] for n in data["names"]} >= {"Almaty", "Алматы", "Alma-Ata", "Алма-Ата"}
    assert _get(url + ".json").json()["iri"].endswith("/id/place/almaty")
    head = requests.head(url, headers={"Accept": "text/turtle"}, timeout=20)
    assert head.status_code == 200 and head.headers["Content-Type"].startswith("text/turtle")


def test_unknown_entities_get_a_404_with_suggestions(live_server: str) -> None:
    page = _get(f"{live_server}/id/place/almati", Accept=BROWSER)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'href="/id/place/almaty"' in page.text
    assert "Did you mean" in page.text

    body = _get(f"{live_server}/id/org/unesco-almati", Accept="application/json").json()
    assert body["ok"] is False and body["status"] == 404
    suggested = {e["href"]: e["message"] for e in body["errors"]}
    assert suggested["/id/org/unesco-almaty"] == "UNESCO Almaty Cluster Office"

    for path in ("/id/org/nothing-like-this-zzz", "/id/no-such-kind/x", "/id/org/Bad%20Slug"):
        for accept in (BROWSER, "text/turtle", "application/json"):
            response = _get(live_server + path, Accept=accept)
            assert response.status_code == 404, (path, accept)
    assert _get(f"{live_server}/id/org/nothing-like-this.ttl").status_code == 404


def test_unacceptable_and_bad_requests(live_server: str) -> None:
    refused = _get(f"{live_server}/id/org/unesco-almaty", Accept="image/png")
    assert refused.status_code == 406
    bad = _get(f"{live_server}/id/org/unesco-almaty?format=pdf", Accept="application/json")
    assert bad.status_code == 400 and "ttl" in bad.json()["error"]
    cursor = _get(f"{live_server}/id/org/unesco-almaty?after=%5B1%5D", Accept="application/json")
    assert cursor.status_code == 400


def test_label_in_the_readers_language_with_fallback(live_server: str) -> None:
    moscow = f"{live_server}/id/place/moscow"
    assert _h1(_get(moscow).text) == ("en", "Moscow")
    assert _h1(_get(moscow + "?lang=ru").text) == ("ru", "Москва")
    assert _h1(_get(moscow, **{"Accept-Language": "ru-RU,ru;q=0.9"}).text) == ("ru", "Москва")
    # no Kazakh name: the configured languages come next (en first)
    assert _h1(_get(moscow + "?lang=kk").text) == ("en", "Moscow")
    assert _h1(_get(moscow + "?lang=de").text) == ("en", "Moscow")
    # ?lang= wins over Accept-Language
    assert _h1(_get(moscow + "?lang=en", **{"Accept-Language": "ru"}).text) == ("en", "Moscow")
    assert _h1(_get(f"{live_server}/id/place/kz?lang=kk").text) == ("kk", "Қазақстан")
    program = _get(f"{live_server}/id/program/museums-in-a-changing-world-2005?lang=ru").text
    assert _h1(program) == ("en", "Museums in a Changing World")  # only English is stated
    assert '<html lang="ru">' in program
    assert "Источники" in program and "Сведения" in program  # the interface is Russian
    assert 'href="/id/place/almaty?lang=ru"' in program  # the choice is carried along


def test_entity_page_tells_roles_sources_types_and_properties(live_server: str) -> None:
    html = _get(f"{live_server}/id/person/dr-lebedev").text
    text = _text(html)
    assert (
        "Dr. Lebedev — lead trainer of Museums in a Changing World (2005), "
        "for Laboratory of Museum Projects" in text
    )
    assert 'href="/id/program/museums-in-a-changing-world-2005"' in html
    assert 'href="/ontology#Person"' in html  # its type, labelled from the ontology
    assert "job title" in text and "affiliation" in text  # properties, ontology labels
    assert "Central Asian Museum Management Training Museum in a Changing World" in text
    assert "issued 2005-08-18" in text
    assert 'id="source-1"' in html and 'href="#source-1"' in html
    assert 'href="http://en.unesco.kz/central-asian-museum-management-training' in html
    assert "/sparql?query=SELECT" in html
    assert "Cite this" in text and "https://w3id.org/museumkg/id/person/dr-lebedev" in text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    schema = json.loads(scripts[0])
    assert schema["@context"] == "https://schema.org" and schema["@type"] == "Person"
    assert schema["affiliation"]["name"] == "Laboratory of Museum Projects"
    russian = _text(_get(f"{live_server}/id/person/dr-lebedev?lang=ru").text)
    assert "Dr. Lebedev — ведущий тренер: Museums in a Changing World (2005)" in russian


def test_derived_facts_are_marked_inferred_with_their_rule(live_server: str) -> None:
    html = _get(f"{live_server}/id/org/unesco-almaty").text
    assert "inferred" in _text(html)
    data = _get(f"{live_server}/id/org/unesco-almaty.json").json()
    partner_of = [g for g in data["groups"] if g["property"]["iri"].endswith("#partnerOf")]
    assert partner_of and all(v["inferred"] for v in partner_of[0]["values"])
    derived = [s for s in data["sources"] if s["kind"] == "derived"]
    assert derived and all(derived[0]["n"] in v["sources"] for v in partner_of[0]["values"])
    assert all(v["derived_by"]["name"] == "partner-of" for v in partner_of[0]["values"])


def _inferred_marks(html: str) -> list[str]:
    return [_text(m) for m in re.findall(r'<span class="inferred" title=.*?</span>', html, re.S)]


def test_derived_facts_name_the_rule_or_step_that_made_them(live_server: str) -> None:
    html = _get(f"{live_server}/id/org/unesco-almaty", Accept=BROWSER).text
    marks = _inferred_marks(html)
    assert "inferred by rule partner-of" in marks
    assert "inferred by the build step metrics" in marks  # mkg:degree and the other metrics
    assert '<a href="/rules/partner-of">partner-of</a>' in html
    assert '<a href="/rules/#metrics">metrics</a>' in html
    partnership = "/id/partnership/scca-almaty--unesco-almaty/co-organised"
    marks = _inferred_marks(_get(live_server + partnership, Accept=BROWSER).text)
    assert "inferred by rule co-organised" in marks  # members, kind, evidence: its own rule
    assert "inferred by rule strength-and-years" in marks
    assert "inferred" not in marks  # every derived statement names what made it
    russian = _get(f"{live_server}/id/org/unesco-almaty?lang=ru", Accept=BROWSER).text
    assert "выведено правилом partner-of" in _inferred_marks(russian)


def test_rule_pages_show_the_rule_files(live_server: str, catalog_settings: Settings) -> None:
    rules = catalog_settings.ontology_dir / "rules"
    index = _get(f"{live_server}/rules/", Accept=BROWSER)
    assert index.status_code == 200
    for path in rules.glob("*.rq"):
        name = path.stem.split("-", 1)[1]
        assert f'href="/rules/{name}"' in index.text
    page = _get(f"{live_server}/rules/partner-of", Accept=BROWSER)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = _text(page.text)
    assert "Rule partner-of" in text and "mkg:partnerOf both ways" in text
    assert "CONSTRUCT { ?a mkg:partnerOf ?b . ?b mkg:partnerOf ?a . }" in text
    original = (rules / "91-partner-of.rq").read_text(encoding="utf-8")
    for url, headers in (
        ("/rules/partner-of.rq", {}),
        ("/rules/partner-of", {"Accept": "text/plain"}),
        ("/rules/partner-of?format=text", {}),
    ):
        plain = _get(live_server + url, **headers)
        assert plain.status_code == 200 and plain.headers["Content-Type"].startswith("text/plain")
        assert plain.text == original
    data = _get(f"{live_server}/rules/partner-of?format=json").json()
    assert data["iri"] == f"{catalog_settings.base_iri}rule/partner-of"
    assert data["header"][0] == {"key": "summary", "value": data["summary"]}
    for bad in ("nope", "91-partner-of", "..%2F..%2Fpyproject.toml", "partner-of.rq.rq"):
        assert _get(f"{live_server}/rules/{bad}", Accept=BROWSER).status_code == 404
    assert _get(f"{live_server}/rules/../../pyproject.toml").status_code == 404


def test_incoming_links_are_counted(live_server: str) -> None:
    data = _get(f"{live_server}/id/place/almaty.json").json()
    subjects = {item["subject"]["iri"].rsplit("/id/", 1)[1] for item in data["incoming"]["items"]}
    assert "program/museums-in-a-changing-world-2005" in subjects
    incoming = data["incoming"]
    assert incoming["count"] >= len(incoming["items"]) > 0
    assert (incoming["next"] is None) == (incoming["count"] <= 25)


def test_source_page_lists_every_fact_of_its_graph(
    live_server: str, store: EmbeddedStore, catalog_settings: Settings
) -> None:
    graph = f"{catalog_settings.base_iri}id/source/{SEED}"
    query = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    expected = {row["s"].value for row in select_rows(store.query(query))}
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    statements = int(next(select_rows(store.query(count)))["n"].value)
    seen: set[str] = set()
    facts = 0
    params: dict[str, str] = {}
    while True:
        response = requests.get(f"{live_server}/id/source/{SEED}.json", params=params, timeout=20)
        data = response.json()["facts"]
        for subject in data["subjects"]:
            assert subject["iri"] not in seen
            seen.add(subject["iri"])
            facts += len(subject["facts"])
        if not data["next"]:
            break
        params = {"facts_after": data["next"]}
    assert seen == expected
    assert facts == statements
    html = _get(f"{live_server}/id/source/{SEED}").text
    assert "Facts this source states" in html and "Lectures of key trainers" in html


def test_derived_partnership_has_a_page_named_after_its_institutions(live_server: str) -> None:
    path = "/id/partnership/scca-almaty--unesco-almaty/co-organised"
    html = _get(live_server + path).text
    assert _h1(html)[1] == (
        "Soros Center of Contemporary Art, Almaty — UNESCO Almaty Cluster Office (co-organised)"
    )
    text = _text(html)
    assert "inferred" in text and "Museums in a Changing World" in text
    org = _get(f"{live_server}/id/org/unesco-almaty.json").json()
    names = {i["subject"]["label"] for i in org["incoming"]["items"]}
    assert (
        "Soros Center of Contemporary Art, Almaty — UNESCO Almaty Cluster Office (co-organised)"
        in names
    )


def test_institution_page_shows_the_partners_panel_once(live_server: str) -> None:
    html = _get(f"{live_server}/id/org/unesco-almaty", Accept=BROWSER).text
    assert html.count('class="partners-panel"') == 1
    assert 'id="partners-heading"' not in html  # the simpler partners list is gone
    panel = html.split('class="partners-panel"', 1)[1].split("</section>", 1)[0]
    for slug in ("scca-almaty", "lab-museum-design-rik"):
        assert f'href="/id/org/{slug}"' in panel
        assert f'href="/why/unesco-almaty/{slug}"' in panel
    why = _get(f"{live_server}/why/unesco-almaty/scca-almaty", Accept=BROWSER)
    assert why.status_code == 200
    data = _get(f"{live_server}/id/org/unesco-almaty.json").json()
    assert {p["slug"] for p in data["partner_panel"]["partners"]} == {
        "scca-almaty",
        "lab-museum-design-rik",
    }
    person = _get(f"{live_server}/id/person/dr-lebedev", Accept=BROWSER).text
    assert "partners-panel" not in person


def test_entity_page_offers_the_downloads_and_the_licence(live_server: str) -> None:
    path = "/id/program/museums-in-a-changing-world-2005"
    html = _get(live_server + path, Accept=BROWSER).text
    assert html.count('class="downloads"') == 1
    section = html.split('class="downloads"', 1)[1].split("</section>", 1)[0]
    for ext, media in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("json", "application/json"),
    ):
        assert f'href="{path}.{ext}" type="{media}"' in section
        assert _get(f"{live_server}{path}.{ext}").status_code == 200
    assert 'href="/downloads/"' in section
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in section
    assert "CC BY 4.0" in _text(section)
    assert _get(f"{live_server}/downloads/", Accept=BROWSER).status_code == 200
    russian = _get(f"{live_server}{path}?lang=ru", Accept=BROWSER).text
    section = russian.split('class="downloads"', 1)[1].split("</section>", 1)[0]
    assert "Скачать" in section and 'href="/downloads/?lang=ru"' in section
    assert f'href="{path}.json?lang=ru"' in section
