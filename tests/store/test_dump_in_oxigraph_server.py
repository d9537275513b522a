"""The dumps load into another triple store, a real ``oxigraph serve`` process, unchanged.

The server is started here with its own folder (not the shared session server, whose content
other tests change), loaded through the SPARQL 1.1 Graph Store HTTP Protocol, counted by
SPARQL over HTTP, and stopped.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import requests
from servers import oxigraph_server

from museumkg.release.assemble import dumps_dir, read_release
from museumkg.store import EmbeddedStore

pytestmark = pytest.mark.slow


def count(url: str, query: str) -> list[dict[str, str]]:
    response = requests.post(
        f"{url}/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


def test_turtle_and_nquads_dumps_load_into_oxigraph_server(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    assert store.path is not None
    release = read_release(store.path)
    assert release is not None
    files = {f["name"]: f for f in release["files"]}
    turtle = gzip.decompress((dumps_dir(store.path) / "museumkg.ttl.gz").read_bytes())
    nquads = gzip.decompress((dumps_dir(store.path) / "museumkg.nq.gz").read_bytes())
    with oxigraph_server(tmp_path / "server") as url:
        put = requests.put(
            f"{url}/store?default",
            data=turtle,
            headers={"Content-Type": "text/turtle"},
            timeout=60,
        )
        assert put.status_code in (200, 201, 204), put.text
        rows = count(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0]["n"]) == files["museumkg.ttl"]["triples"]
        assert int(rows[0]["n"]) == release["stats"]["triples"]

        post = requests.post(
            f"{url}/store",
            data=nquads,
            headers={"Content-Type": "application/n-quads"},
            timeout=60,
        )
        assert post.status_code in (200, 201, 204), post.text
        rows = count(url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        per_graph = {row["g"]: int(row["n"]) for row in rows}
        assert per_graph == {g: store.count(g) for g in store.graphs()}
