"""OpenRefine 3.6 (Debian's ``openrefine``) reconciles and extends a column against museumkg.

Both run for real on 127.0.0.1: ``museumkg serve`` over the whole catalog (``data/``, built
here) and OpenRefine headless with its own workspace, both stopped after. The first test drives
OpenRefine through its own HTTP commands (create-project-from-upload, the reconcile and
extend-data operations via apply-operations, get-rows), as its web page does; the second adds
the service the way a person does, in Chromium, and keeps a screenshot in test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from servers import OPENREFINE, museumkg_server, openrefine_server

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.namespaces import MKG

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: The spreadsheet a researcher brings: names as written in English, Russian, transliterated
#: (ICAO) and misspelt, with a country column; and the entity each row names.
ROWS = [
    ("UNESCO Almaty Cluster Office", "Kazakhstan", "org/unesco-almaty"),
    ("Национальная библиотека Узбекистана имени Алишера Навои", "Uzbekistan",
     "org/national-library-uz"),
    ("Natsionalnaia biblioteka Uzbekistana imeni Alishera Navoi", "Uzbekistan",
     "org/national-library-uz"),
    ("Soros Centre of Contemporary Art Almaty", "Kazakhstan", "org/scca-almaty"),
    ("Kasteev State Museum of Arts", "Kazakhstan", "org/kasteyev-museum"),
]  # fmt: skip
#: Rows whose name is exactly one entity's name: OpenRefine matches them on its own.
EXACT = {0, 1}
#: City and founding year the catalog states for them (data/sources, catalog-sources tables).
FACTS = {
    "org/unesco-almaty": ("Almaty", 1994),
    "org/national-library-uz": ("Tashkent", 1870),
    "org/scca-almaty": ("Almaty", 1998),
}


@pytest.fixture(scope="module")
def full_catalog(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The whole catalog of data/ (the seed alone has too few institutions), built once."""
    settings = Settings(var_dir=tmp_path_factory.mktemp("full-var"), check_owl=False)
    build_catalog(settings)
    return settings


@pytest.fixture(scope="module")
def services(
    full_catalog: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(museumkg URL, OpenRefine URL), both running on 127.0.0.1."""
    if not OPENREFINE.exists():
        message = f"{OPENREFINE} is missing: scripts/system-deps.sh installs Debian's openrefine"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("openrefine")
    with museumkg_server(full_catalog, log=folder / "museumkg.log") as museumkg:
        with openrefine_server(folder) as openrefine:
            yield museumkg.url, openrefine


class Refine:
    """OpenRefine's HTTP commands (each POST carries a CSRF token, as its web page does)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def _token(self) -> str:
        token: str = self.session.get(f"{self.url}/command/core/get-csrf-token", timeout=30).json()[
            "token"
        ]
        return token

    def create_project(self, name: str, rows: list[tuple[str, str]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["name", "country"])
        writer.writerows(rows)
        options = {"separator": ",", "headerLines": 1, "encoding": "UTF-8"}
        options |= {"guessCellValueTypes": False, "processQuotes": True, "ignoreLines": -1}
        response = self.session.post(
            f"{self.url}/command/core/create-project-from-upload",
            params={"csrf_token": self._token()},
            files={"project-file": ("names.csv", buffer.getvalue().encode(), "text/csv")},
            data={"project-name": name, "format": "text/line-based/*sv"}
            | {"options": json.dumps(options)},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"].split("project=", 1)[1]

    def apply(self, project: str, operation: dict[str, Any]) -> None:
        response = self.session.post(
            f"{self.url}/command/core/apply-operations",
            params={"csrf_token": self._token()},
            data={"project": project, "operations": json.dumps([operation])},
            timeout=60,
        )
        assert response.json()["code"] in ("ok", "pending"), response.text[:500]
        deadline = time.monotonic() + 120
        while True:  # long operations run as processes: wait until none is left
            processes = self.session.get(
                f"{self.url}/command/core/get-processes", params={"project": project}, timeout=30
            ).json()
            if not processes.get("processes"):
                return
            assert time.monotonic() < deadline, f"still running: {processes}"
            time.sleep(0.25)  # the pause between polls, not a wait for a result

    def table(self, project: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Rows as {column name: cell}, and the pool of reconciliation records."""
        models = self.session.get(
            f"{self.url}/command/core/get-models", params={"project": project}, timeout=30
        ).json()
        columns = {c["name"]: c["cellIndex"] for c in models["columnModel"]["columns"]}
        found = self.session.get(
            f"{self.url}/command/core/get-rows",
            params={"project": project, "start": 0, "limit": 100},
            timeout=30,
        ).json()
        rows = []
        for row in found["rows"]:
            cells = row["cells"]
            rows.append({name: cells[i] if i < len(cells) else None for name, i in columns.items()})
        return rows, found.get("pool", {}).get("recons", {})


ENGINE = {"facets": [], "mode": "row-based"}
#: True once OpenRefine's page (jQuery) has no animation running.
_SETTLED = "() => window.jQuery !== undefined && window.jQuery(':animated').length === 0"
#: True once no "Working..." or "Refreshing facets..." notice is shown and nothing animates.
_IDLE = (
    "() => window.jQuery !== undefined && window.jQuery(':animated').length === 0 && "
    "!window.jQuery(':visible').filter((i, e) => e.childElementCount === 0 && "
    "/^(Working|Refreshing facets)/.test(e.textContent.trim())).length"
)


def test_openrefine_reconciles_and_extends_a_column(services: tuple[str, str]) -> None:
    museumkg, openrefine = services
    manifest = requests.get(f"{museumkg}/reconcile", timeout=30).json()
    refine = Refine(openrefine)
    project = refine.create_project("lenders", [(name, country) for name, country, _ in ROWS])
    endpoint = f"{museumkg}/reconcile"
    spaces = {"identifierSpace": manifest["identifierSpace"]}
    spaces |= {"schemaSpace": manifest["schemaSpace"]}
    config = {"mode": "standard-service", "service": endpoint, **spaces}
    config |= {"type": {"id": f"{MKG}Institution", "name": "Institution"}, "autoMatch": True}
    config |= {"columnDetails": [{"column": "country", "propertyName": "country"}]}
    config["columnDetails"][0]["propertyID"] = "country"
    refine.apply(
        project,
        {"op": "core/recon", "engineConfig": ENGINE, "columnName": "name", "config": config},
    )
    rows, recons = refine.table(project)
    assert len(rows) == len(ROWS)
    for number, (row, (name, _country, expected)) in enumerate(zip(rows, ROWS, strict=True)):
        assert row["name"]["v"] == name
        recon = recons[str(row["name"]["r"])]
        if number in EXACT:  # matched by OpenRefine itself: the service said match: true
            assert recon["j"] == "matched" and recon["m"]["id"] == expected, recon
        else:  # a candidate to confirm, the right one first
            assert recon["j"] == "none", recon
            assert recon["c"][0]["id"] == expected, recon
    # the researcher accepts the best candidates, then adds columns from the catalog
    refine.apply(
        project,
        {"op": "core/recon-match-best-candidates", "engineConfig": ENGINE, "columnName": "name"},
    )
    extension = {"properties": [{"id": "city", "name": "city"}, {"id": "founded"}]}
    extension["properties"][1]["name"] = "founded (year)"
    refine.apply(
        project,
        {
            "op": "core/extend-reconciled-data",
            "engineConfig": ENGINE,
            "baseColumnName": "name",
            "endpoint": endpoint,
            **spaces,
            "extension": extension,
            "columnInsertIndex": 1,
        },
    )
    rows, recons = refine.table(project)
    for row, (_name, _country, expected) in zip(rows, ROWS, strict=True):
        assert recons[str(row["name"]["r"])]["m"]["id"] == expected
        if expected in FACTS:
            city, year = FACTS[expected]
            assert row["city"]["v"] == city
            assert row["founded (year)"]["v"] == year
    # a reconciled city cell is itself an entity of the catalog
    city_recon = recons[str(rows[0]["city"]["r"])]
    assert city_recon["m"]["id"] == "place/almaty"


def test_a_person_adds_the_service_in_openrefine(services: tuple[str, str], browser: Any) -> None:
    """In OpenRefine's page, as a person would: column menu, Reconcile, Add standard service."""
    from browser import ARTIFACTS, TIMEOUT_MS

    museumkg, openrefine = services
    refine = Refine(openrefine)
    project = refine.create_project("by hand", [(name, country) for name, country, _ in ROWS])
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{openrefine}/project?project={project}")
        header = page.locator(".column-header", has=page.locator(".column-header-name"))
        header.filter(has_text="name").locator(".column-header-menu").first.click()
        page.get_by_text("Reconcile", exact=True).hover()
        page.get_by_text("Start reconciling").click()
        page.get_by_text("Add standard service...").click()
        prompt = page.locator(".dialog-frame").last
        prompt.locator("input").fill(f"{museumkg}/reconcile")
        prompt.get_by_role("button", name="Add service").click()
        # the manifest was read across origins (CORS) and the column's type guessed from
        # the service's answers for the first cells: Institution, not a derived class
        dialog = page.locator(".dialog-frame").last
        dialog.get_by_text("museums of Central Asia", exact=False).first.wait_for()
        first_type = dialog.locator('input[name="type-choice"]').first
        first_type.wait_for()
        assert first_type.get_attribute("value") == f"{MKG}Institution"
        page.wait_for_function(_SETTLED)  # the service pane has finished sliding in
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "openrefine-add-service.png"))
        first_type.check()
        dialog.get_by_role("button", name="Start reconciling...").click()
        page.locator("a", has_text="UNESCO Almaty Cluster Office").first.wait_for()
        page.locator(".facet-choice-label", has_text="matched").first.wait_for()
        page.wait_for_function(_IDLE)
        page.screenshot(path=str(ARTIFACTS / "openrefine-reconciled.png"))
    finally:
        context.close()
    rows, recons = refine.table(project)
    assert recons[str(rows[0]["name"]["r"])]["m"]["id"] == "org/unesco-almaty"
