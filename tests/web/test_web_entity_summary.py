"""Entity pages lead with what matters: an institution's summary, "Same as" links, sections.

Through the Flask test client over the seed catalog, in English and Russian.
"""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from museumkg.config import Settings

ORG = "/id/org/rik-moscow"


def _html(client: FlaskClient, path: str, lang: str = "en") -> str:
    response = client.get(path, query_string={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_an_institution_page_leads_with_its_summary(client: FlaskClient) -> None:
    html = _html(client, ORG)
    summary_at = html.index('id="summary-heading"')
    assert summary_at < html.index('id="statements-heading"')
    summary = html[summary_at : html.index('id="statements-heading"')]
    assert "City and country" in summary and "Moscow" in summary and "Russia" in summary
    # the small map, in the summary, at the city-level point of the rule city-location
    data = re.search(r'<script type="application/json" id="small-map-data">(.*?)</script>', summary)
    assert data is not None, summary
    point = json.loads(data.group(1))
    assert 55 < point["lat"] < 56 and 37 < point["lon"] < 38
    assert "city level" in summary


def test_statements_come_in_sections_in_page_order(client: FlaskClient) -> None:
    order = ["Names", "Place", "Activity", "Network metrics", "Provenance", "Other statements"]
    html = _html(client, ORG)
    statements = html[html.index('id="statements-heading"') : html.index('id="referred-heading"')]
    assert re.findall(r'<h3 class="section-heading">([^<]+)</h3>', statements) == ["Place"]
    assert "latitude" in statements and "location precision" in statements
    html = _html(client, "/id/org/unesco-almaty")
    statements = html[html.index('id="statements-heading"') : html.index('id="referred-heading"')]
    headings = re.findall(r'<h3 class="section-heading">([^<]+)</h3>', statements)
    assert "Network metrics" in headings, headings
    assert headings == [h for h in order if h in headings]
    metrics = statements[statements.index(">Network metrics</h3>") :]
    assert "betweenness" in metrics.split("</dl>")[0]


def test_the_summary_and_sections_in_russian(client: FlaskClient) -> None:
    html = _html(client, ORG, "ru")
    assert "Кратко" in html and "Город и страна" in html and "Москва" in html
    assert '<h3 class="section-heading">Место</h3>' in html
    html = _html(client, "/id/org/unesco-almaty", "ru")
    assert '<h3 class="section-heading">Показатели сети</h3>' in html


def test_a_place_page_shows_its_geonames_link_as_same_as(
    client: FlaskClient, catalog_settings: Settings
) -> None:
    html = _html(client, "/id/place/almaty")
    row = html[html.index('<div class="same-as">') :]
    row = row[: row.index("</div>")]
    assert "Same as" in row and '<span class="authority">GeoNames</span>' in row
    assert 'href="https://sws.geonames.org/1526384/"' in row and "<code>1526384</code>" in row
    page = client.get("/id/place/almaty.json").get_json()
    assert {"authority": "GeoNames", "iri": "https://sws.geonames.org/1526384/"}.items() <= (
        page["same_as"][0].items()
    )
    turtle = client.get("/id/place/almaty.ttl").get_data(as_text=True)
    assert "sws.geonames.org/1526384/" in turtle
    assert "Верный" in turtle  # GeoNames' alternate names travel with the twin
