"""Three rebuilds under load: 8 clients read pages and ``/sparql`` from a real server while the
catalog is rebuilt three times. Zero failed requests; every answer agrees with the release it
names; the old releases' worker processes are stopped; the server's memory stays flat."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from news_release import add_record
from seed import seed_data
from servers import ServerProcess, museumkg_server

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.store.catalog import current_store_dir

CLIENTS = 8
REBUILDS = 3
#: Requests each client makes at most (the loop ends on the stop event well before).
MAX_REQUESTS = 5000
COUNT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m skos:prefLabel ?l "
    'FILTER(STRSTARTS(STR(?l), "Swap Museum")) }'
)


@dataclass
class Seen:
    """What the clients saw: (release, what it said) pairs, failures, and new releases."""

    answers: list[tuple[str, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    releases: set[str] = field(default_factory=set)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, release: str, what: str, value: int) -> None:
        with self.changed:
            self.answers.append((release, what, value))
            self.releases.add(release)
            self.changed.notify_all()

    def wait_for(self, release: str, timeout_s: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: release in self.releases, timeout=timeout_s)


def _client(url: str, seen: Seen, stop: threading.Event, seed: int) -> None:
    session = requests.Session()
    pick = random.Random(seed)
    for _ in range(MAX_REQUESTS):
        if stop.is_set():
            return
        try:
            if pick.random() < 0.5:
                k = pick.randint(1, REBUILDS)
                response = session.get(
                    f"{url}/id/org/swap-museum-{k}", headers={"Accept": "application/json"}
                )
                if response.status_code not in (200, 404):
                    seen.failures.append(f"page {k}: {response.status_code} {response.text[:200]}")
                    continue
                # 1 when the release has museum k, else 0
                seen.record(response.headers["X-Museumkg-Release"], f"page{k}", response.ok)
            else:
                response = session.get(
                    f"{url}/sparql",
                    params={"query": COUNT},
                    headers={"Accept": "application/sparql-results+json"},
                )
                if response.status_code != 200:
                    seen.failures.append(f"sparql: {response.status_code} {response.text[:200]}")
                    continue
                n = int(response.json()["results"]["bindings"][0]["n"]["value"])
                seen.record(response.headers["X-Museumkg-Release"], "count", n)
        except (requests.RequestException, KeyError, ValueError) as err:
            seen.failures.append(f"{type(err).__name__}: {err}")


def _children(pid: int) -> set[int]:
    """Process ids of ``pid``'s child processes (from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(child) for child in text)
    return found


def _app_process(pid: int) -> int:
    """The app's process: ``museumkg serve`` is granian's supervisor, over one app process
    (whose children are the query workers)."""
    children = _children(pid)
    assert len(children) == 1, f"museumkg serve {pid} should have one app process: {children}"
    return children.pop()


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("swap-load")
    built = Settings(data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False)
    build_catalog(built)
    return built


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("swap-load-log") / "server.log"
    with museumkg_server(settings, log=log, MUSEUMKG_SPARQL_WORKERS="2") as running:
        yield running


def test_three_rebuilds_under_load(server: ServerProcess, settings: Settings) -> None:
    assert server.process is not None
    pid = _app_process(server.process.pid)
    seen, stop = Seen(), threading.Event()
    first = current_store_dir(settings)
    assert first is not None
    museums = {first.name: 0}  # release -> how many swap museums it has
    clients = [
        threading.Thread(target=_client, args=(server.url, seen, stop, n), daemon=True)
        for n in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    try:
        assert seen.wait_for(first.name, 60), f"no answer from the first release: {seen.failures}"
        workers_before = _children(pid)
        rss_before = _rss_kb(pid)
        for k in range(1, REBUILDS + 1):
            release = add_record(settings, f"swap-museum-{k}", f"Swap Museum {k}")
            museums[release] = k
            assert seen.wait_for(release, 60), f"release {release} never served: {seen.failures}"
        last_seen = len(seen.answers)
        with seen.changed:  # a few more answers from the last release
            seen.changed.wait_for(lambda: len(seen.answers) > last_seen + 50, timeout=60)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)

    assert seen.failures == []
    assert set(museums) <= seen.releases
    wrong = []
    for release, what, value in seen.answers:
        has = museums[release]
        expected = has if what == "count" else int(int(what.removeprefix("page")) <= has)
        if value != expected:
            wrong.append((release, what, value, expected))
    assert wrong == [], f"answers inconsistent with the release they name: {wrong[:5]}"

    # the old releases' workers are gone: only the current release's pool is left
    def settled() -> bool:
        now = _children(pid)
        return len(now) == 2 and not now & workers_before

    retired = threading.Event()
    for _ in range(300):  # bounded: the old pools are stopped in the background
        if settled():
            retired.set()
            break
        retired.wait(0.1)
    assert retired.is_set(), f"workers before {workers_before}, now {_children(pid)}"
    # memory flat: three releases later the server holds about what it held with one
    rss_after = _rss_kb(pid)
    assert rss_after < rss_before * 1.5 + 30_000, (rss_before, rss_after)
