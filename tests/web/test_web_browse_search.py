"""Browsing, search across scripts, and the ontology page, over HTTP on the live server."""

from __future__ import annotations

import re
from html import unescape

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from museumkg.config import Settings
from museumkg.store import EmbeddedStore, select_rows
from museumkg.textfold import fold

MKG = "https://w3id.org/museumkg/ontology#"
SEED_SOURCE = "Central Asian Museum Management Training Museum in a Changing World"


def _json(url: str, **params: str) -> dict:
    response = requests.get(url, params=params, headers={"Accept": "application/json"}, timeout=20)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def _count(store: EmbeddedStore, cls: str, base: str) -> int:
    query = (
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a/<http://www.w3.org/2000/01/rdf-schema#"
        f'subClassOf>* <{MKG}{cls}> FILTER(STRSTARTS(STR(?e), "{base}id/")) }}'
    )
    return int(next(select_rows(store.query(query)))["n"].value)


def test_class_index_counts_match_sparql(
    live_server: str, store: EmbeddedStore, catalog_settings: Settings
) -> None:
    tree = _json(f"{live_server}/browse")["classes"]
    flat = {}
    stack = list(tree)
    while stack:
        node = stack.pop()
        flat[node["name"]] = node["count"]
        stack += node["children"]
    for cls in ("Institution", "City", "Training", "Person", "SourceDocument"):
        assert flat[cls] == _count(store, cls, catalog_settings.base_iri), cls
    html = requests.get(f"{live_server}/browse", timeout=20).text
    assert 'href="/browse/City"' in html and 'href="/browse/topics"' in html


def test_class_listing_is_sorted_paged_and_complete(
    live_server: str, store: EmbeddedStore, catalog_settings: Settings
) -> None:
    seen: list[str] = []
    params: dict[str, str] = {}
    first = None
    while True:
        page = _json(f"{live_server}/browse/Institution", **params)
        first = first or page
        seen += [item["label"] for item in page["items"]]
        if not page["next"]:
            break
        params = {"after": page["next"]}
    assert len(seen) == first["count"] == _count(store, "Institution", catalog_settings.base_iri)
    keys = [fold(label) for label in seen]
    assert keys == sorted(keys)
    if first["next"]:  # back from the second page to the first
        second = _json(f"{live_server}/browse/Institution", after=first["next"])
        back = _json(f"{live_server}/browse/Institution", before=second["previous"])
        assert [i["iri"] for i in back["items"]] == [i["iri"] for i in first["items"]]


def test_facets_filter_and_count(live_server: str, catalog_settings: Settings) -> None:
    kz = f"{catalog_settings.base_iri}id/place/kz"
    cities = _json(f"{live_server}/browse/City", country=kz)
    labels = {item["label"] for item in cities["items"]}
    assert "Almaty" in labels and "Moscow" not in labels
    assert cities["count"] == len(cities["items"]) or cities["next"]
    programs = _json(f"{live_server}/browse/Program", year="2005")
    assert "Museums in a Changing World" in {item["label"] for item in programs["items"]}
    facets = {f["facet"]: f for f in programs["facets"]}
    years = {v["value"]: v for v in facets["year"]["values"]}
    assert years["2005"]["selected"] and years["2005"]["count"] == programs["count"]
    unfiltered = {f["facet"]: f for f in _json(f"{live_server}/browse/Program")["facets"]}
    assert {"country", "city", "year", "topic"} <= set(unfiltered)
    html = requests.get(f"{live_server}/browse/Program?year=2005", timeout=20).text
    assert 'aria-current="true"' in html and "Museums in a Changing World" in html


def test_topics_places_and_sources(live_server: str) -> None:
    schemes = _json(f"{live_server}/browse/topics")["schemes"]
    topics = {t["label"] for s in schemes for t in s["topics"]}
    assert "Museums and tourism" in topics
    ru = requests.get(f"{live_server}/browse/topics?lang=ru", timeout=20).text
    assert "Музеи и туризм" in ru
    countries = {c["label"]: c for c in _json(f"{live_server}/browse/places")["countries"]}
    assert "Almaty" in {city["label"] for city in countries["Kazakhstan"]["cities"]}
    sources = _json(f"{live_server}/browse/sources")
    assert SEED_SOURCE in {item["label"] for item in sources["items"]}
    assert requests.get(f"{live_server}/browse/NoSuchClass", timeout=20).status_code == 404


@pytest.mark.parametrize("query", ["Алматы", "Almaty", "Alma-Ata", "алма-ата", "ALMATY"])
def test_search_finds_the_city_in_any_script(
    live_server: str, catalog_settings: Settings, query: str
) -> None:
    found = _json(f"{live_server}/search", q=query)
    assert found["hits"][0]["iri"] == f"{catalog_settings.base_iri}id/place/almaty"
    assert found["hits"][0]["match"] == "exact"
    html = requests.get(f"{live_server}/search", params={"q": query}, timeout=20).text
    assert 'href="/id/place/almaty"' in html


def test_search_ranks_filters_by_type_and_suggests(live_server: str) -> None:
    hits = _json(f"{live_server}/search", q="Almaty")["hits"]
    assert hits[0]["label"] == "Almaty" and len(hits) > 1  # then names containing the word
    # named entities first, derived nodes after them; each group by how well its names matched
    assert [h["named"] for h in hits] == sorted((h["named"] for h in hits), reverse=True)
    tiers = ["exact", "spelling", "prefix", "words", "loose words", "fuzzy", "place"]
    for named in (True, False):
        group = [h["match"] for h in hits if h["named"] is named]
        assert group == sorted(group, key=tiers.index)
    page = requests.get(f"{live_server}/search", params={"q": "UNESCO Almaty"}, timeout=20).text
    heading = page.index("Derived from the catalog")  # partnerships listed under their heading
    assert page.index('href="/id/org/unesco-almaty"') < heading
    assert page.index('href="/id/partnership/', heading) > heading
    cities = _json(f"{live_server}/search", q="Almaty", type="City")["hits"]
    assert [h["label"] for h in cities] == ["Almaty"]
    orgs = _json(f"{live_server}/search", q="Almaty", type="Institution")["hits"]
    assert orgs and all(h["kind"] == "org" for h in orgs)
    suggest = _json(f"{live_server}/search/suggest", q="alm")
    assert suggest["suggestions"][0]["href"] == "/id/place/almaty"
    assert _json(f"{live_server}/search/suggest", q="a")["suggestions"] == []
    bad = requests.get(f"{live_server}/search", params={"q": "x", "type": "Nope"}, timeout=20)
    assert bad.status_code == 400
    empty = _json(f"{live_server}/search", q="")
    assert empty["hits"] == [] and empty["total"] == 0
    odd = requests.get(f"{live_server}/search", params={"q": "<script>\"'"}, timeout=20)
    assert odd.status_code == 200 and "<script>\"'" not in odd.text


@pytest.mark.parametrize("query", ["Almaty", "Алматы", "Alma-Ata"])
def test_search_for_a_place_finds_what_is_there(
    live_server: str, catalog_settings: Settings, query: str
) -> None:
    training = f"{catalog_settings.base_iri}id/program/museums-in-a-changing-world-2005"
    hits = _json(f"{live_server}/search", q=query)["hits"]
    assert hits[0]["iri"] == f"{catalog_settings.base_iri}id/place/almaty"  # names first
    at_place = [h for h in hits if h["match"] == "place"]
    assert training in [h["iri"] for h in at_place]  # held in Almaty (mkg:place)
    assert hits.index(at_place[0]) > max(
        i for i, h in enumerate(hits) if h["match"] != "place" and h["named"]
    )  # ranked after every named entity matched by name
    programs = _json(f"{live_server}/search", q=query, type="Program")["hits"]
    assert [h["iri"] for h in programs] == [training]
    html = requests.get(f"{live_server}/search", params={"q": query}, timeout=20).text
    assert 'href="/id/program/museums-in-a-changing-world-2005"' in html
    assert "held or located in" in html


def test_search_for_a_place_finds_institutions_located_there(
    store: EmbeddedStore, live_server: str
) -> None:
    query = (
        "PREFIX mkg: <https://w3id.org/museumkg/ontology#> PREFIX skos: "
        "<http://www.w3.org/2004/02/skos/core#> SELECT ?org ?name ?place WHERE { "
        "?org mkg:location ?city . ?city skos:prefLabel ?place FILTER(LANG(?place) = 'en') "
        "?org skos:prefLabel ?name FILTER(LANG(?name) = 'en') }"
    )
    rows = [r for r in select_rows(store.query(query))]
    # an institution whose name does not mention its city, to be found through its location
    row = next(r for r in rows if fold(r["place"].value) not in fold(r["name"].value))
    hits = _json(f"{live_server}/search", q=row["place"].value, type="Institution")["hits"]
    found = {h["iri"]: h["match"] for h in hits}
    assert found.get(row["org"].value) == "place"


def test_one_search_box_on_every_page(live_server: str) -> None:
    for path in ("/", "/browse", "/id/place/almaty", "/ontology", "/search?q=x"):
        html = requests.get(live_server + path, timeout=20).text
        assert html.count('role="search"') >= 1, path
        assert 'action="/search"' in html and 'name="q"' in html, path
        assert '<label for="site-search">' in html, path


def test_ontology_page_and_owl_by_negotiation(live_server: str) -> None:
    page = requests.get(f"{live_server}/ontology", timeout=20)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert 'id="Museum"' in html and 'id="organizer"' in html and 'id="LeadTrainer"' in html
    assert "Музей" in html and "Museum" in html  # labels in both languages
    assert 'href="https://schema.org/Museum"' in html  # alignments
    ru = requests.get(f"{live_server}/ontology", headers={"Accept-Language": "ru"}, timeout=20)
    assert '<html lang="ru">' in ru.text and "Классы" in ru.text
    ttl = requests.get(f"{live_server}/ontology", headers={"Accept": "text/turtle"}, timeout=20)
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    assert ttl.headers["Content-Location"] == "/ontology.ttl"
    graph = rdflib.Graph().parse(data=ttl.text, format="turtle")
    owl = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
    assert (rdflib.URIRef(f"{MKG}Museum"), rdflib.RDF.type, owl.Class) in graph
    xml = requests.get(f"{live_server}/ontology.owl", timeout=20)
    assert xml.headers["Content-Type"] == "application/rdf+xml"
    assert isomorphic(graph, rdflib.Graph().parse(data=xml.content, format="xml"))
    by_iri_path = requests.get(
        f"{live_server}/museumkg/ontology", headers={"Accept": "text/turtle"}, timeout=20
    )
    assert by_iri_path.status_code == 200 and by_iri_path.content == ttl.content
    entity = requests.get(f"{live_server}/id/place/almaty", timeout=20).text
    assert 'href="/ontology#City"' in entity
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Subclass of" in text and "Domain" in text
