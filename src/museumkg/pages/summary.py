"""What an entity page leads with, and its statements in sections, as plain data (no Flask).

An institution's page opens with a summary (type, city and country, founded, website, same-as
links, and the point the small map shows), then its statements in sections: names, place,
activity, network metrics, provenance, other. Every page gets the sections and the "Same as"
row (authority name and link, :mod:`museumkg.authorities`); only institutions get the summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from museumkg.authorities import authority_of
from museumkg.namespaces import DCTERMS, GEO, GN, MKG, RDFS, SKOS, WGS

EXACT_MATCH = f"{SKOS}exactMatch"
#: Sections of the statements, in page order, and the properties each holds (the rest: other).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("names", (f"{GN}name", f"{MKG}isoCode", f"{MKG}honorificPrefix")),
    (
        "place",
        (
            f"{MKG}location",
            f"{MKG}country",
            f"{MKG}place",
            f"{WGS}lat",
            f"{WGS}long",
            f"{GEO}hasGeometry",
            f"{MKG}locationPrecision",
            f"{GN}population",
            EXACT_MATCH,
        ),
    ),
    (
        "activity",
        (
            f"{MKG}foundingDate",
            f"{MKG}website",
            f"{MKG}organizer",
            f"{MKG}partner",
            f"{MKG}statedPartner",
            f"{MKG}partnerOf",
            f"{MKG}unitOf",
            f"{MKG}affiliation",
            f"{MKG}topic",
            f"{MKG}startDate",
            f"{MKG}endDate",
            f"{MKG}hasPart",
            f"{MKG}partOf",
            f"{MKG}goal",
            f"{MKG}audience",
            f"{MKG}jobTitle",
        ),
    ),
    (
        "metrics",
        (
            f"{MKG}degree",
            f"{MKG}weightedDegree",
            f"{MKG}betweenness",
            f"{MKG}betweennessSources",
            f"{MKG}community",
        ),
    ),
    (
        "provenance",
        (
            f"{DCTERMS}source",
            f"{RDFS}comment",
            f"{MKG}probablySameAs",
            f"{MKG}notStated",
            f"{MKG}derivedByRule",
            f"{DCTERMS}description",
        ),
    ),
)
_SECTION_OF = {prop: key for key, props in SECTIONS for prop in props}
SECTION_KEYS = (*(key for key, _props in SECTIONS), "other")


def sections(groups: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statement groups in sections (``key``, ``groups``), empty sections left out.

    >>> [s["key"] for s in sections([{"property": {"iri": f"{MKG}degree"}}])]
    ['metrics']
    """
    by_key: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTION_KEYS}
    for group in groups:
        by_key[_SECTION_OF.get(group["property"]["iri"], "other")].append(group)
    order = {prop: n for n, prop in enumerate(_SECTION_OF)}
    return [
        {"key": key, "groups": sorted(found, key=lambda g: order.get(g["property"]["iri"], 999))}
        for key, found in by_key.items()
        if found
    ]


def same_as(groups: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The exact-match links: ``authority`` (its name, or ``None``), ``iri``, ``identifier``."""
    links = []
    for group in groups:
        if group["property"]["iri"] != EXACT_MATCH:
            continue
        for value in group["values"]:
            iri = value.get("iri")
            if not iri:
                continue
            authority = authority_of(iri)
            identifier = authority.identifier(iri) if authority else None
            links.append(
                {
                    "authority": authority.name if authority else None,
                    "iri": iri,
                    "identifier": identifier or iri,
                    "sources": value.get("sources", []),
                }
            )
    return sorted(links, key=lambda link: (link["authority"] or "~", link["identifier"]))


def _values(groups: Sequence[dict[str, Any]], prop: str) -> list[dict[str, Any]]:
    return [v for g in groups if g["property"]["iri"] == prop for v in g["values"]]


def summary(
    kind: str,
    types: Sequence[dict[str, Any]],
    groups: Sequence[dict[str, Any]],
    country_of: Callable[[str], dict[str, Any] | None],
) -> dict[str, Any] | None:
    """An institution's summary: ``types``, ``places`` (city with its country), ``founded``,
    ``website``, ``same_as`` and ``point`` (lat, long, precision: the small map's slot).

    Args:
        kind: the entity's kind (only ``org`` has a summary).
        types, groups: the page's types and statement groups.
        country_of: the country (a value dict) of a place IRI, or ``None``.
    """
    if kind != "org":
        return None
    places = []
    for place in _values(groups, f"{MKG}location"):
        country = country_of(place["iri"]) if place.get("iri") else None
        places.append({"place": place, "country": country})
    lat, long = _values(groups, f"{WGS}lat"), _values(groups, f"{WGS}long")
    precision = _values(groups, f"{MKG}locationPrecision")
    point = None
    if lat and long:
        point = {
            "lat": lat[0].get("text"),
            "long": long[0].get("text"),
            "precision": precision[0] if precision else None,
        }
    return {
        "types": [t for t in types if not t.get("inferred")] or list(types),
        "places": places,
        "founded": _values(groups, f"{MKG}foundingDate"),
        "website": _values(groups, f"{MKG}website"),
        "same_as": same_as(groups),
        "point": point,
    }
