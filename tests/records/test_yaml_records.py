"""YAML records: the curator's format converts deterministically, agrees with Turtle, and says
exactly what is wrong, where."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from museumkg.config import PROJECT_DIR
from museumkg.records.files import RecordFile, parse_record, record_file
from museumkg.records.yaml_records import convert

BASE = "https://w3id.org/museumkg/"
SEED = "unesco-almaty-2005-museum-management-training"
SEED_TTL = PROJECT_DIR / "data" / "sources" / f"{SEED}.ttl"
SEED_YAML = PROJECT_DIR / "docs" / "examples" / f"{SEED}.yaml"


def _graph(record: RecordFile) -> rdflib.Graph:
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in record.quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def _parsed(path: Path) -> RecordFile:
    record = record_file(path, BASE)
    assert parse_record(record, BASE) == []
    return record


def test_the_seed_in_yaml_is_isomorphic_to_the_seed_in_turtle() -> None:
    yaml_graph = _graph(_parsed(SEED_YAML))
    turtle_graph = _graph(_parsed(SEED_TTL))
    assert len(yaml_graph) == len(turtle_graph) > 80
    assert isomorphic(yaml_graph, turtle_graph)


def test_yaml_fills_the_graph_named_after_the_file() -> None:
    record = _parsed(SEED_YAML)
    assert {q.graph_name.value for q in record.quads} == {f"{BASE}id/source/{SEED}"}


def test_conversion_is_deterministic() -> None:
    text = SEED_YAML.read_text(encoding="utf-8")
    first = convert(text, slug=SEED, base_iri=BASE).triples
    second = convert(text, slug=SEED, base_iri=BASE).triples
    assert first == second  # same triples, same order


def test_relative_ids_follow_the_configured_base() -> None:
    out = convert(SEED_YAML.read_text(encoding="utf-8"), slug=SEED, base_iri="http://ex.org/")
    subjects = {t.subject.value for t in out.triples}
    assert "http://ex.org/id/org/unesco-almaty" in subjects
    assert all(s.startswith("http://ex.org/id/") for s in subjects)


def test_entity_lines_point_at_the_entry() -> None:
    record = _parsed(SEED_YAML)
    lines = SEED_YAML.read_text(encoding="utf-8").splitlines()
    line = record.entity_lines[f"{BASE}id/org/rik-moscow"]
    assert lines[line - 1].strip() == "rik-moscow:"


RECORD = """\
source:
  title: {en: A news item}
  publisher: unesco-almaty
  issued: 2024-05-01
  permanentLink: https://example.org/news
institutions:
  a-museum:
    type: Museum
    prefLabel: {en: A museum}
"""


def _problems(text: str) -> list[tuple[str, int | None, str | None]]:
    out = convert(text, slug="news", base_iri=BASE, display="news.yaml")
    return [(p.rule, p.line, p.field) for p in out.problems]


def test_a_valid_record_converts_without_problems() -> None:
    assert _problems(RECORD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    type: Museum\n", "    type: Museum\n    colour: blue\n"),
            ("unknown-field", 9, "colour"),
        ),
        (("    type: Museum\n", "    type: Muzeum\n"), ("unknown-type", 8, "type")),
        (("    type: Museum\n", ""), ("missing-field", 7, "type")),
        (("issued: 2024-05-01", "issued: 1 May 2024"), ("bad-value", 4, "issued")),
        (("prefLabel: {en: A museum}", "prefLabel: A museum"), ("bad-value", 9, "prefLabel")),
        (
            ("publisher: unesco-almaty", "publisher: Unesco Almaty"),
            ("bad-reference", 3, "publisher"),
        ),
        (("institutions:\n", "institution:\n"), ("unknown-section", 6, None)),
        (("{en: A news item}", "{en: A news item"), ("syntax", 3, None)),
    ],
)
def test_mistakes_give_their_own_rule_line_and_field(
    change: tuple[str, str], expected: tuple[str, int, str | None]
) -> None:
    old, new = change
    assert old in RECORD
    assert expected in _problems(RECORD.replace(old, new)), _problems(RECORD.replace(old, new))


def test_an_id_given_twice_is_a_duplicate_id() -> None:
    text = RECORD + "  a-museum:\n    type: Gallery\n    prefLabel: {en: Again}\n"
    assert ("duplicate-id", 10, None) in _problems(text)


def test_a_missing_source_section_is_reported() -> None:
    text = RECORD.split("institutions:")[1]
    assert ("missing-field", 1, "source") in _problems("institutions:" + text)


def test_claims_become_claim_nodes_with_certainty_and_sources() -> None:
    text = RECORD + (
        "claims:\n"
        "  - about: org/a-museum\n"
        "    property: foundingDate\n"
        "    value: 1935\n"
        "    certainty: Disputed\n"
        "    source: [https://example.org/a, https://example.org/b]\n"
        "    comment: {en: as the state art gallery}\n"
    )
    out = convert(text, slug="news", base_iri=BASE)
    assert out.problems == []
    claim = ox.NamedNode(f"{BASE}id/claim/org-a-museum/founding-date/1935")
    mkg = "https://w3id.org/museumkg/ontology#"
    found = {(t.predicate.value, str(t.object)) for t in out.triples if t.subject == claim}
    assert (f"{mkg}claimValue", '"1935"^^<http://www.w3.org/2001/XMLSchema#gYear>') in found
    assert (f"{mkg}certainty", f"<{mkg}Disputed>") in found
    assert (f"{mkg}claimProperty", f"<{mkg}foundingDate>") in found
    assert ("http://purl.org/dc/terms/source", "<https://example.org/b>") in found


def test_the_curation_guide_shows_the_example_as_it_is() -> None:
    guide = (PROJECT_DIR / "docs" / "curation.md").read_text(encoding="utf-8")
    assert "```yaml\n" + SEED_YAML.read_text(encoding="utf-8") + "```" in guide
