"""The editor's example queries: each has its header, parses, and answers on the real catalog."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from museumkg.namespaces import sparql_prologue
from museumkg.queries import NamedQuery, example_queries, parse_header, query_names
from museumkg.store import EmbeddedStore, select_rows

EXAMPLES = example_queries()
#: Examples about data only the ingested tables hold (claims): tests/records/test_ingest.py
#: runs them on the full catalog; the shared fixture here is the seed catalog.
#: The map's examples need places with coordinates and partners in other countries, which the
#: seed lacks: tests/network/test_geomap.py runs them on a generated catalog with coordinates
#: and checks their answers against the map, tests/records/test_ingest.py on the full catalog.
FULL_CATALOG_ONLY = {
    "uncertain-and-disputed-facts",
    "institutions-near-a-city",
    "partnerships-across-borders",
    "cities-by-international-partners",
}


def test_there_are_at_least_twelve_examples_with_distinct_questions() -> None:
    assert len(EXAMPLES) >= 12
    assert len({q.name for q in EXAMPLES}) == len(EXAMPLES)
    assert len({q.summary for q in EXAMPLES}) == len(EXAMPLES)
    # examples live in their own folder: the named queries of the library do not list them
    assert not set(query_names()) & {q.name for q in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.name for q in EXAMPLES])
def test_example_header(example: NamedQuery) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", example.name)
    assert example.text.startswith(sparql_prologue())
    header = parse_header(example.text[len(sparql_prologue()) :])
    assert header["summary"] == example.summary and len(example.summary) > 20
    assert header.get("params") == "none", "examples run as they are: '# params: none'"


@pytest.mark.parametrize("example", EXAMPLES, ids=[q.name for q in EXAMPLES])
def test_example_answers_on_the_catalog(example: NamedQuery, store: EmbeddedStore) -> None:
    if example.name in FULL_CATALOG_ONLY:
        pytest.skip("answers on the full catalog: tests/records/test_ingest.py runs it")
    result = store.query(example.text)
    assert isinstance(result, ox.QuerySolutions), "examples are SELECT queries (table results)"
    rows = list(select_rows(result))
    assert rows, f"{example.name} returns no row on the current catalog"
    # the union default graph repeats a triple stated in several sources: no repeated rows
    distinct = {tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows}
    assert len(distinct) == len(rows), f"{example.name} repeats rows (use DISTINCT)"


def _column(store: EmbeddedStore, name: str, variable: str) -> list[str]:
    query = next(q for q in EXAMPLES if q.name == name)
    return [row[variable].value for row in select_rows(store.query(query.text)) if variable in row]


def test_co_organisers_of_unesco_almaty(store: EmbeddedStore) -> None:
    partners = set(_column(store, "co-organisers-of-an-institution", "partnerLabel"))
    assert partners == {"Soros Center of Contemporary Art, Almaty", "Laboratory of Museum Projects"}
    sources = set(_column(store, "co-organisers-of-an-institution", "sourceTitle"))
    assert sources == {"Central Asian Museum Management Training Museum in a Changing World"}


def test_lead_trainer_and_affiliation(store: EmbeddedStore) -> None:
    assert _column(store, "lead-trainers-and-affiliations", "trainerLabel") == ["Dr. Lebedev"]
    assert _column(store, "lead-trainers-and-affiliations", "parentLabel") == [
        "Russian Institute of Culturology"
    ]


def test_institutions_by_country(store: EmbeddedStore) -> None:
    countries = _column(store, "institutions-by-country-and-type", "country")
    assert "Russia" in countries and "(not stated)" in countries


def test_program_parts_in_order(store: EmbeddedStore) -> None:
    positions = _column(store, "program-parts-and-formats", "position")
    assert positions == ["1", "2", "3"]
    formats = _column(store, "program-parts-and-formats", "formats")
    assert "Master class" in formats[1]
