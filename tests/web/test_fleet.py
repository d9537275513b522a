"""Two ``museumkg serve`` processes behind one nginx balancer on 127.0.0.1 (docs/deploy.md).

Both layouts of the deployment guide, each a real nginx (``testing/servers.py``,
``nginx_balancer``) in front of two real app processes:

- ``copies``: each app serves its own copy of the release folder. The copies are made from a
  staging copy that is deleted before the apps start, so a path of the build folder written
  into a manifest, a link or an index would break them: a copied release must serve by itself.
- ``endpoint``: each app (with its own copy of the build folder, as on separate hosts) serves
  ``--endpoint`` over one ``oxigraph serve`` the catalog was pushed into.

For each: both processes answer (nginx names the upstream of each answer in ``X-Upstream`` and
in its access log), with the same ``X-Museumkg-Release`` and identical bodies for the same URL;
with one process stopped, nginx still answers every request, from the other.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from servers import ServerProcess, museumkg_server, nginx_balancer, oxigraph_process

from museumkg.config import Settings
from museumkg.release.push import push_catalog
from museumkg.store import EmbeddedStore, open_store
from museumkg.store.catalog import current_manifest

RELEASE = "X-Museumkg-Release"
BASE = "https://w3id.org/museumkg/"
#: Pages, RDF twins, a query, search, listings and the downloads: what a reader asks for.
URLS = [
    "/",
    "/id/org/unesco-almaty",
    "/id/org/unesco-almaty.ttl",
    "/id/place/almaty.jsonld",
    "/browse",
    "/search?q=almaty",
    "/downloads/?format=json",
    "/network/data.json",
    "/sparql?query="
    + requests.utils.quote(
        f"SELECT ?p ?o WHERE {{ <{BASE}id/org/unesco-almaty> ?p ?o }} ORDER BY ?p STR(?o)"
    ),
]


@dataclass
class Fleet:
    """nginx in front of two app processes."""

    url: str
    apps: list[ServerProcess]
    folder: Path  # nginx's folder: access.log, error.log

    def upstream(self, app: ServerProcess) -> str:
        return f"127.0.0.1:{app.port}"


def _copy_release(var_dir: Path, root: Path, hosts: int) -> list[Path]:
    """One copy of the build folder per host, made from a staging copy then deleted."""
    staging = root / "staging"
    shutil.copytree(var_dir, staging, symlinks=True, ignore=shutil.ignore_patterns("LOCK"))
    copies = [
        Path(shutil.copytree(staging, root / f"host-{n}", symlinks=True)) for n in range(hosts)
    ]
    shutil.rmtree(staging)
    return copies


def _push(store: EmbeddedStore, endpoint: str) -> None:
    target = open_store(endpoint, read_only=False, timeout_s=120)
    for _graph, _count in push_catalog(store, target):
        pass


@pytest.fixture(scope="module", params=["copies", "endpoint"])
def fleet(
    request: pytest.FixtureRequest,
    catalog_settings: Settings,
    store: EmbeddedStore,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp(f"fleet-{request.param}")
    copies = _copy_release(catalog_settings.var_dir, root, 2)
    with ExitStack() as stack:
        args: list[str] = []
        if request.param == "endpoint":
            server = stack.enter_context(
                oxigraph_process(root / "oxigraph", timeout_s=catalog_settings.query_timeout_s)
            )
            _push(store, f"{server.url}/query")
            args = ["--endpoint", f"{server.url}/query"]
        apps = [
            stack.enter_context(
                museumkg_server(
                    catalog_settings.with_overrides(var_dir=copy),
                    *args,
                    log=root / f"app-{n}.log",
                )
            )
            for n, copy in enumerate(copies)
        ]
        balancer = stack.enter_context(nginx_balancer([app.url for app in apps], root / "nginx"))
        yield Fleet(balancer.url, apps, root / "nginx")


def _get(url: str) -> requests.Response:
    response = requests.get(url, timeout=60)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    return response


def test_both_processes_answer_the_same_release_with_the_same_bodies(
    fleet: Fleet, catalog_settings: Settings
) -> None:
    manifest = current_manifest(catalog_settings)
    assert manifest is not None
    upstreams = {fleet.upstream(app) for app in fleet.apps}
    for path in URLS:
        answers: dict[str, requests.Response] = {}
        for _ in range(4):  # round robin: two rounds reach both processes
            response = _get(fleet.url + path)
            answers[response.headers["X-Upstream"]] = response
        assert set(answers) == upstreams, f"{path}: answered by {sorted(answers)} only"
        first, second = answers.values()
        assert first.headers[RELEASE] == second.headers[RELEASE] == manifest.version, path
        assert first.headers["Content-Type"] == second.headers["Content-Type"], path
        assert first.content == second.content, f"{path}: the two processes answer differently"
    logged = (fleet.folder / "access.log").read_text(encoding="utf-8").splitlines()
    for upstream in upstreams:  # nginx's own record of who answered
        assert any(line.startswith("GET / 200 ") and line.endswith(upstream) for line in logged)


def test_health_is_the_same_on_both_copies(fleet: Fleet) -> None:
    bodies = {}
    for _ in range(4):
        response = _get(f"{fleet.url}/health")
        bodies[response.headers["X-Upstream"]] = response.json()
    assert len(bodies) == 2
    first, second = bodies.values()
    assert first == second  # no absolute path (each copy is elsewhere): the same body
    assert first["ok"] is True and first["path"].startswith("stores/")


def test_one_process_stopped_nginx_still_answers(fleet: Fleet) -> None:
    stopped, alive = fleet.apps
    stopped.stop()
    try:
        for path in URLS + URLS:
            response = _get(fleet.url + path)
            assert response.headers["X-Upstream"].endswith(fleet.upstream(alive)), path
        errors = (fleet.folder / "error.log").read_text(encoding="utf-8")
        # nginx did try the stopped process and moved on: the failover was exercised
        assert f'upstream: "http://{fleet.upstream(stopped)}' in errors
        assert "Connection refused" in errors
    finally:
        stopped.start()  # nginx takes it back after its fail_timeout (10 s by default)
