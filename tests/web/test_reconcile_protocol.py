"""/reconcile over HTTP (a real server on the seed catalog): every service of the W3C Entity
Reconciliation API 0.2 (manifest, batches, types, properties, preview, suggest, extend) and bad
input. The matching itself is tests/index/test_matcher.py's; OpenRefine's own run is
tests/web/test_openrefine.py's.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from museumkg.namespaces import MKG


def _get(base: str, path: str, **params: str) -> requests.Response:
    return requests.get(f"{base}{path}", params=params, timeout=30)


def _batch(base: str, queries: dict[str, Any], *, method: str = "POST") -> requests.Response:
    data = {"queries": json.dumps(queries)}
    if method == "GET":
        return requests.get(f"{base}/reconcile", params=data, timeout=30)
    return requests.post(f"{base}/reconcile", data=data, timeout=30)


def test_manifest_declares_every_service(live_server: str) -> None:
    response = _get(live_server, "/reconcile")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/museumkg/id/"
    assert manifest["schemaSpace"] == MKG
    assert [t["id"] for t in manifest["defaultTypes"]] == [
        f"{MKG}{t}" for t in ("Institution", "Person", "Program", "Place", "Topic")
    ]
    assert manifest["view"]["url"] == f"{live_server}/id/{{{{id}}}}"
    assert "{{id}}" in manifest["preview"]["url"] and manifest["preview"]["width"] > 0
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        assert (service["service_url"], service["service_path"]) == (
            f"{live_server}/reconcile",
            f"/suggest/{kind}",
        )
    assert manifest["extend"]["propose_properties"]["service_path"] == "/properties"
    # the view URL leads to the entity's page
    page = requests.get(manifest["view"]["url"].replace("{{id}}", "org/unesco-almaty"), timeout=30)
    assert page.status_code == 200 and "UNESCO Almaty Cluster Office" in page.text
    jsonp = _get(live_server, "/reconcile", callback="cb_1")
    assert jsonp.headers["Content-Type"].startswith("application/javascript")
    assert jsonp.text.startswith("/**/cb_1(") and '"versions"' in jsonp.text
    assert _get(live_server, "/reconcile", callback="alert(1)").status_code == 400
    preflight = requests.options(
        f"{live_server}/reconcile",
        headers={"Origin": "http://elsewhere", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_batch_by_get_and_post_with_scores_and_match(live_server: str) -> None:
    queries = {
        "exact": {"query": "UNESCO Almaty Cluster Office"},
        "alternative": {"query": "russian institute of culture"},
        "partial": {"query": "UNESCO Almaty", "limit": 3},
        "typed": {"query": "Almaty", "type": "City"},
        "derived": {"query": "UNESCO Almaty", "type": "Partnership"},
    }
    for method in ("GET", "POST"):
        response = _batch(live_server, queries, method=method)
        assert response.status_code == 200, response.text
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        found = response.json()
        assert set(found) == set(queries)
        exact = found["exact"]["result"][0]
        assert (exact["id"], exact["score"], exact["match"]) == ("org/unesco-almaty", 100, True)
        assert exact["type"][0]["id"] == f"{MKG}IntergovernmentalOffice"
        assert {"id": "name", "value": 100.0} in exact["features"]
        assert "preferred name" in exact["description"]
        alternative = found["alternative"]["result"][0]
        assert (alternative["id"], alternative["score"]) == ("org/rik-moscow", 98)
        assert alternative["match"] is True
        partial = found["partial"]["result"]
        assert partial[0]["id"] == "org/unesco-almaty"  # the seed's only named one
        assert not any(c["match"] for c in partial) and partial[0]["score"] < 95
        # derived nodes only when the type asks for them; types include superclasses
        assert not any(c["id"].startswith(("partnership/", "role/", "claim/")) for c in partial)
        assert f"{MKG}Institution" in [t["id"] for t in exact["type"]]
        derived = found["derived"]["result"]
        assert derived and all(c["id"].startswith("partnership/") for c in derived)
        assert [c["id"] for c in found["typed"]["result"]] == ["place/almaty"]


def test_properties_raise_or_lower_the_score(live_server: str) -> None:
    base = {"query": "Russian Institute of Culturology", "type": f"{MKG}Institution"}
    found = _batch(
        live_server,
        {
            "plain": base,
            "agrees": {**base, "properties": [{"pid": "city", "v": "Moscow"}]},
            "disagrees": {**base, "properties": [{"pid": "city", "v": "Almaty"}]},
            "by_id": {**base, "properties": [{"pid": "mkg:location", "v": {"id": "place/moscow"}}]},
        },
    ).json()
    score = {key: found[key]["result"][0]["score"] for key in found}
    assert score["plain"] == 100 and score["agrees"] == 100  # clamped at 100
    assert score["disagrees"] == 80 and found["disagrees"]["result"][0]["match"] is False
    assert {"id": "property:city", "value": False} in found["disagrees"]["result"][0]["features"]
    assert {"id": "property:mkg:location", "value": True} in found["by_id"]["result"][0]["features"]


def test_suggest_entities_types_and_properties(live_server: str) -> None:
    entities = _get(live_server, "/reconcile/suggest/entity", prefix="unesco al").json()
    assert entities["result"][0]["id"] == "org/unesco-almaty"
    assert entities["result"][0]["notable"][0]["id"] == f"{MKG}IntergovernmentalOffice"
    everything = _get(live_server, "/reconcile/suggest/entity", prefix="almaty").json()["result"]
    later = _get(live_server, "/reconcile/suggest/entity", prefix="almaty", cursor="1").json()
    assert later["result"][0] == everything[1]  # the cursor skips
    by_id = _get(live_server, "/reconcile/suggest/entity", prefix="place/kz").json()
    assert by_id["result"] == [{"id": "place/kz", "name": "Kazakhstan"}]
    types = _get(live_server, "/reconcile/suggest/type", prefix="inst").json()["result"]
    assert types[0] == {"id": f"{MKG}Institution", "name": "Institution"}
    props = _get(live_server, "/reconcile/suggest/property", prefix="coun").json()["result"]
    assert props[0]["id"] == "country"
    assert "mkg:country" in [p["id"] for p in props]
    assert _get(live_server, "/reconcile/suggest/nothing").status_code == 404


def test_preview_card(live_server: str) -> None:
    response = _get(live_server, "/reconcile/preview", id="org/rik-moscow")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    html = response.text
    assert "Russian Institute of Culturology" in html and "Russian Institute of Culture" in html
    assert "Moscow" in html and 'href="/id/org/rik-moscow"' in html
    missing = _get(live_server, "/reconcile/preview", id="org/<nope>")
    assert missing.status_code == 404 and "<nope>" not in missing.headers["Content-Type"]
    assert missing.json()["ok"] is False


def test_data_extension(live_server: str) -> None:
    proposed = _get(live_server, "/reconcile/properties", type="Institution", limit="3").json()
    assert proposed["limit"] == 3 and [p["id"] for p in proposed["properties"]] == [
        "city",
        "country",
        "founded",
    ]
    request = {
        "ids": ["org/rik-moscow", "org/unesco-almaty"],
        "properties": [
            {"id": "city"},
            {"id": "partners", "settings": {"limit": 2}},
            {"id": "partnerStrengths", "settings": {"limit": 2}},
        ],
    }
    response = requests.post(
        f"{live_server}/reconcile", data={"extend": json.dumps(request)}, timeout=30
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert [m["id"] for m in found["meta"]] == ["city", "partners", "partnerStrengths"]
    assert found["meta"][0]["type"]["id"] == f"{MKG}Place"
    rows = found["rows"]
    assert rows["org/rik-moscow"]["city"] == [{"id": "place/moscow", "name": "Moscow"}]
    assert rows["org/unesco-almaty"]["city"] == []  # the seed states no location for it
    partners = rows["org/unesco-almaty"]["partners"]
    assert 0 < len(partners) <= 2 and all(p["id"].startswith("org/") for p in partners)
    strengths = [v["float"] for v in rows["org/unesco-almaty"]["partnerStrengths"]]
    assert len(strengths) == len(partners) and strengths == sorted(strengths, reverse=True)
    assert all(s > 0 for s in strengths)


def test_bad_input_is_a_clear_json_error(live_server: str) -> None:
    def post(**form: str) -> requests.Response:
        return requests.post(f"{live_server}/reconcile", data=form, timeout=30)

    cases = [
        (post(queries="{not json"), 400, "queries is not JSON"),
        (post(queries="[1]"), 400, "must be a JSON object"),
        (_batch(live_server, {"q": {"query": "x" * 301}}), 400, "at most 300"),
        (_batch(live_server, {"q": {"query": "x", "type": "Nope"}}), 400, "unknown type"),
        (
            _batch(live_server, {"q": {"query": "x", "properties": [{"pid": "zz", "v": "1"}]}}),
            400,
            "unknown property",
        ),
        (_batch(live_server, {f"q{i}": {"query": "a"} for i in range(51)}), 413, "at most 50"),
        (post(extend=json.dumps({"ids": ["x"] * 201, "properties": [{"id": "city"}]})), 413, ""),
        (post(extend=json.dumps({"ids": [], "properties": []})), 400, "properties"),
        (_get(live_server, "/reconcile/suggest/entity", prefix="a", cursor="-1"), 400, "cursor"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert body["ok"] is False and words in body["error"]
