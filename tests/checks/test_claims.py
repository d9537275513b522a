"""Claims: certainty and conflicting values are checked by the shapes, and the SPARQL-based
shapes give each focus node its own answer (the parsed query is cached across focus nodes)."""

from __future__ import annotations

from pathlib import Path

import rdflib

from museumkg.checks.validate import Locator, shacl_problems
from museumkg.config import PROJECT_DIR

ONTOLOGY = PROJECT_DIR / "ontology"
DATA = """
@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@base <http://x.org/> .
<id/org/o> a mkg:Museum ; skos:prefLabel "O"@en .
<id/program/good> a mkg:Training ; skos:prefLabel "G"@en ; mkg:organizer <id/org/o> ;
    mkg:startDate "2005-01-01"^^xsd:date ; mkg:endDate "2005-02-01"^^xsd:date .
<id/program/bad> a mkg:Training ; skos:prefLabel "B"@en ; mkg:organizer <id/org/o> ;
    mkg:startDate "2005-03-01"^^xsd:date ; mkg:endDate "2005-02-01"^^xsd:date .
<id/program/good2> a mkg:Training ; skos:prefLabel "G2"@en ; mkg:organizer <id/org/o> ;
    mkg:startDate "2006-01-01"^^xsd:date ; mkg:endDate "2006-02-01"^^xsd:date .
<id/program/unknown-organiser> a mkg:Conference ; skos:prefLabel "U"@en ;
    mkg:notStated mkg:organizer .
# two disputed founding years, side by side: fine
<id/claim/a> a mkg:Claim ; mkg:claimSubject <id/org/o> ; mkg:claimProperty mkg:foundingDate ;
    mkg:claimValue "1931"^^xsd:gYear ; mkg:certainty mkg:Disputed ;
    dcterms:source <https://example.org/a> .
<id/claim/b> a mkg:Claim ; mkg:claimSubject <id/org/o> ; mkg:claimProperty mkg:foundingDate ;
    mkg:claimValue "1932"^^xsd:gYear ; mkg:certainty mkg:Disputed .
# a disputed end date that is also stated as the fact, with no alternative
<id/claim/c> a mkg:Claim ; mkg:claimSubject <id/program/good> ; mkg:claimProperty mkg:endDate ;
    mkg:claimValue "2005-02-01"^^xsd:date ; mkg:certainty mkg:Disputed .
# a place given as a string
<id/claim/d> a mkg:Claim ; mkg:claimSubject <id/org/o> ; mkg:claimProperty mkg:location ;
    mkg:claimValue "Almaty" ; mkg:certainty mkg:StatedBySource .
# no certainty, a source that is a string
<id/claim/e> a mkg:Claim ; mkg:claimSubject <id/org/o> ; mkg:claimProperty mkg:location ;
    mkg:claimValue <id/place/almaty> ; dcterms:source "a web page" .
"""


def _problems() -> set[tuple[str, str, str]]:
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    data.parse(ONTOLOGY / "museumkg.ttl")
    closure = "CONSTRUCT { ?s a ?super } WHERE { ?s a ?c . ?c rdfs:subClassOf+ ?super }"
    for triple in list(data.query(closure)):
        data.add(triple)  # type: ignore[arg-type]
    found = shacl_problems(data, Path(ONTOLOGY / "shapes.ttl"), Locator([], "http://x.org/"))
    return {(p.record or "", p.severity, p.message.split(":")[0]) for p in found}


def test_claim_rules_each_focus_node_on_its_own() -> None:
    assert _problems() == {
        ("id/program/bad", "error", "A program ends before it starts"),
        (
            "id/claim/c",
            "error",
            "A disputed value is also stated as a plain fact, which silently resolves the dispute",
        ),
        ("id/claim/c", "warning", "A value is marked disputed but no other value is recorded"),
        ("id/claim/d", "error", "A claim's value does not fit its property"),
        ("id/claim/e", "error", "A claim says how sure it is"),
        (
            "id/claim/e",
            "error",
            "A claim's source is the page it is taken from, an IRI in angle brackets",
        ),
    }
