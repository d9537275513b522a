"""Namespace constants, defined once for the whole code base (IRIs as plain strings)."""

from __future__ import annotations

MKG = "https://w3id.org/museumkg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/museumkg/ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
#: W3C WGS84 Basic Geo (lat/long), GeoSPARQL, and the GeoNames ontology (gn:population).
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEO = "http://www.opengis.net/ont/geosparql#"
GN = "http://www.geonames.org/ontology#"

#: Prefixes offered to every query and serializer (prefix -> namespace).
PREFIXES: dict[str, str] = {
    "mkg": MKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "org": ORG,
    "foaf": FOAF,
    "prov": PROV,
    "crm": CRM,
    "wgs": WGS,
    "geo": GEO,
    "gn": GN,
}


def sparql_prologue(prefixes: dict[str, str] = PREFIXES) -> str:
    """Return ``PREFIX`` lines for ``prefixes``.

    >>> sparql_prologue({"ex": "http://example.org/"})
    'PREFIX ex: <http://example.org/>\\n'
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
