"""Faults of a remote SPARQL server, seen through the web app and the CLI.

A private ``oxigraph serve`` (real process) holds the pushed catalog and ``museumkg serve
--endpoint`` answers from it. The tests kill the server (SIGKILL) and stall it (SIGSTOP: it
accepts connections and never answers, as a hung server does), then check that pages and
``/sparql`` answer with a clear error naming the server (503 unreachable, 504 too slow; never a
500 traceback page) within the configured time limit, and that the app answers again, without
a restart, once the server is back on the same port.

The wall-time checks are correctness bounds (no request may hang past the limit), asserted
with a generous margin; they are not measurements of speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from servers import ServerProcess, free_port, museumkg_env, museumkg_server, oxigraph_process

from museumkg.config import Settings
from museumkg.release.push import push_catalog
from museumkg.store import EmbeddedStore, QueryTimeout, open_store

#: The app's time limit in these tests (MUSEUMKG_QUERY_TIMEOUT_S).
LIMIT_S = 3.0
#: Slack for a loaded CI machine: answering the error, process scheduling.
MARGIN_S = 4.0
PAGE = "/id/org/unesco-almaty"
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def remote(
    catalog_settings: Settings, store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, str]]:
    """(the oxigraph server process, the base URL of the app serving from it)."""
    folder = tmp_path_factory.mktemp("faults")
    with oxigraph_process(folder / "data", timeout_s=LIMIT_S) as server:
        target = open_store(f"{server.url}/query", read_only=False, timeout_s=60)
        for _graph, _count in push_catalog(store, target):
            pass
        log = folder / "serve.log"
        args = ("--endpoint", f"{server.url}/query")
        env = {"MUSEUMKG_QUERY_TIMEOUT_S": str(LIMIT_S)}
        with museumkg_server(catalog_settings, *args, log=log, **env) as web:
            yield server, web.url


def timed_get(url: str, **kwargs: object) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=60, **kwargs)  # type: ignore[arg-type]
    return response, time.monotonic() - started


def assert_clear_error(response: requests.Response, status: int, endpoint: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert endpoint in response.text  # the message names the server
    assert "Traceback" not in response.text


def test_a_killed_server_gives_503_naming_it_and_the_app_recovers(
    remote: tuple[ServerProcess, str],
) -> None:
    server, web = remote
    endpoint = f"{server.url}/query"
    assert requests.get(web + PAGE, timeout=60).status_code == 200
    server.kill()
    page, seconds = timed_get(web + PAGE, headers={"Accept": "text/html"})
    assert_clear_error(page, 503, endpoint)
    assert page.headers["Content-Type"].startswith("text/html")
    assert seconds < LIMIT_S + MARGIN_S
    sparql, seconds = timed_get(f"{web}/sparql", params={"query": ASK})
    assert_clear_error(sparql, 503, endpoint)
    assert sparql.json()["status"] == 503
    assert seconds < LIMIT_S + MARGIN_S
    health = requests.get(f"{web}/health", timeout=60)
    assert health.status_code == 503 and health.json()["ok"] is False
    # the same server back on the same port, same data: the app answers, not restarted
    server.start()
    assert requests.get(web + PAGE, timeout=60).status_code == 200
    answer = requests.get(f"{web}/sparql", params={"query": ASK}, timeout=60)
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_a_stalled_server_gives_504_within_the_limit_and_the_app_recovers(
    remote: tuple[ServerProcess, str],
) -> None:
    server, web = remote
    endpoint = f"{server.url}/query"
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        page, seconds = timed_get(web + PAGE, headers={"Accept": "text/html"})
        assert_clear_error(page, 504, endpoint)
        assert seconds < LIMIT_S + MARGIN_S  # one limit for all the page's queries
        sparql, seconds = timed_get(f"{web}/sparql", params={"query": ASK})
        assert sparql.status_code == 504 and "time limit" in sparql.json()["error"]
        assert seconds < LIMIT_S + MARGIN_S
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert requests.get(web + PAGE, timeout=60).status_code == 200


def test_a_query_past_the_time_limit_is_a_504(remote: tuple[ServerProcess, str]) -> None:
    _server, web = remote
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answer, seconds = timed_get(f"{web}/sparql", params={"query": cartesian, "timeout": "1"})
    assert answer.status_code == 504 and "time limit of 1 s" in answer.json()["error"]
    assert seconds < 1 + MARGIN_S
    assert requests.get(f"{web}/sparql", params={"query": ASK}, timeout=60).status_code == 200


def test_cli_query_and_push_against_a_dead_endpoint_fail_clearly(
    catalog_settings: Settings,
) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    env = museumkg_env(catalog_settings, MUSEUMKG_QUERY_TIMEOUT_S="2")
    for args in (["query", "--endpoint", endpoint, ASK], ["push", "--endpoint", endpoint]):
        done = subprocess.run(
            [sys.executable, "-m", "museumkg.cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        server = endpoint.rsplit("/", 1)[0]  # (push names the Graph Store URL on it)
        assert "cannot reach" in done.stderr and server in done.stderr
        assert "Traceback" not in done.stderr


def test_serve_endpoint_builds_a_missing_local_folder_and_starts_with_the_server_down(
    catalog_settings: Settings, tmp_path: Path
) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    settings = Settings(
        data_dir=catalog_settings.data_dir, var_dir=tmp_path / "var", check_owl=False
    )
    port = free_port()
    command = [sys.executable, "-m", "museumkg.cli.main", "serve", "--endpoint", endpoint]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", "2"]
    env = museumkg_env(settings, MUSEUMKG_CHECK_OWL="false", MUSEUMKG_QUERY_TIMEOUT_S="2")
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        health = None
        deadline = time.monotonic() + 240
        while health is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=10)
            except requests.ConnectionError:
                time.sleep(0.2)  # the pause between polls, not a wait for readiness
        text = log.read_text(errors="replace")
        assert health is not None, text
        assert "no local build under" in text and "building it first" in text
        assert health.status_code == 503 and health.json()["endpoint"] == endpoint
        assert endpoint in health.json()["error"]
        assert (tmp_path / "var" / "current").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_query_the_server_stops_at_its_own_limit_is_a_timeout(tmp_path: Path) -> None:
    """``oxigraph serve --timeout-s`` cancels mid-answer: a 200 whose body ends in a sentence.
    That is a timeout, not a result and not a syntax error."""
    with oxigraph_process(tmp_path / "data", timeout_s=1) as server:
        remote = open_store(f"{server.url}/query", read_only=False, timeout_s=30)
        lines = "".join(
            f"<http://x.example/s{i}> <http://x.example/p> {i} .\n" for i in range(3000)
        )
        remote.load(lines.encode(), format="ttl", graph="http://x.example/g")
        cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(QueryTimeout, match="stopped the query at its own time limit"):
            remote.query(cartesian)
