"""The writer behind :func:`museumkg.synth.generate.generate`: the catalog's shape, quad by quad.

Kept apart from the public API (:mod:`museumkg.synth.generate`) because it is long: the gazetteer,
the
topic scheme, registries of institutions, directories of people, then programs (one news item
each) and memoranda until the requested number of quads is reached. Everything random comes
from one seeded :class:`random.Random`, drawn in a fixed order, so the output is a function of
(triples, seed) alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TypeVar

from museumkg.namespaces import DCTERMS, FOAF, GEO, MKG, RDF, SKOS, WGS, XSD
from museumkg.synth import names

#: The synthetic dataset's base IRI (a reserved ``.example`` host, never the real base).
SYNTH_BASE = "https://synthetic.museumkg.example/"
#: Slug of the dataset document that carries the ``mkg:synthetic true`` flag.
DATASET_SLUG = "synthetic-dataset"
#: Bumped whenever the output for a given (N, seed) changes.
GENERATOR_VERSION = "1"
#: The dataset document's date: fixed, so the output never depends on the clock.
DATASET_ISSUED = "2026-01-01"
#: Quads per program, with its share of institutions, people and topics (measured).
TRIPLES_PER_PROGRAM = 50
_T = TypeVar("_T")
_SKEW = 2.0  # popularity skew when picking institutions and people (a few hubs, a long tail)
_CHUNK = 400  # entities per registry or directory document

_INSTITUTION_CLASSES = {  # class → weight; the first of each is generated in this order
    "GovernmentBody": 9,
    "Museum": 30,
    "Gallery": 8,
    "ContemporaryArtCentre": 5,
    "Library": 8,
    "Theatre": 5,
    "MediaOutlet": 5,
    "ResearchInstitute": 6,
    "University": 7,
    "ResearchUnit": 5,
    "Foundation": 10,
    "IntergovernmentalOffice": 2,
}
_PROGRAM_CLASSES = {
    "Training": 30,
    "Exhibition": 25,
    "JointProject": 15,
    "EducationalProgram": 15,
    "Conference": 15,
}
_ORGANISER_COUNTS = ((1, 45), (2, 30), (3, 15), (4, 10))
_PARENT_CLASSES = ("ResearchInstitute", "University")
_FORMATS = (
    "Lecture",
    "MasterClass",
    "BusinessGame",
    "ExpertConsultation",
    "IndividualWork",
    "AnalyticalSession",
    "DesignSession",
)
_ORGANISER_SIDE_ROLES = ("LeadTrainer", "KeyTrainer", "GroupCoordinator", "Organiser", "Expert")

# N-Triples forms of the terms used.
_A = f"<{RDF}type>"
_PREF = f"<{SKOS}prefLabel>"
_ALT = f"<{SKOS}altLabel>"


def _m(local: str) -> str:
    return f"<{MKG}{local}>"


def _d(local: str) -> str:
    return f"<{DCTERMS}{local}>"


def _esc(text: str) -> str:
    if any(ch in text for ch in '\\"\n\r'):
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text


def _lang(text: str, tag: str) -> str:
    return f'"{_esc(text)}"@{tag}'


def typed_literal(value: str, datatype: str) -> str:
    """A typed literal in N-Triples syntax (``datatype`` a local name in XSD)."""
    return f'"{value}"^^<{XSD}{datatype}>'


def _plain(text: str) -> str:
    return f'"{_esc(text)}"'


@dataclass(frozen=True)
class ProgramFacts:
    """What the partnership rules read about one program (IRIs as plain strings)."""

    iri: str
    source: str
    year: str
    organisers: tuple[str, ...]
    participants: tuple[str, ...]  # partners, institution agents, on-behalf-of; no organisers
    topics: tuple[str, ...]


@dataclass(frozen=True)
class AgreementFacts:
    """A memorandum: its source, the year it was issued and the pairs it calls partners."""

    source: str
    year: str
    pairs: tuple[tuple[str, str], ...]


@dataclass
class SynthCatalog:
    """What :func:`generate` wrote: counts, and the facts partnerships are derived from."""

    requested: int
    seed: int
    base_iri: str
    triples: int = 0
    graphs: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    programs: list[ProgramFacts] = field(default_factory=list)
    agreements: list[AgreementFacts] = field(default_factory=list)


@dataclass
class _Org:
    iri: str
    cls: str
    name: names.Name
    country: str
    city: str
    people: list[int] = field(default_factory=list)


@dataclass
class _Person:
    iri: str
    affiliations: list[str]


class _Out:
    """Buffers the quads of one graph; counts what is committed to the sink."""

    def __init__(self, sink: IO[str] | None) -> None:
        self.sink = sink
        self.lines: list[str] = []
        self.count = 0
        self.graphs = 0
        self.graph = ""

    def begin(self, graph: str) -> None:
        self.graph = graph

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")

    def commit(self) -> None:
        if self.lines:
            self.count += len(self.lines)
            self.graphs += 1
            if self.sink is not None:
                self.sink.write("".join(self.lines))
        self.lines = []

    def discard(self) -> None:
        self.lines = []


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _skewed(rng: random.Random, items: list[_T]) -> _T:
    """Pick with a popularity skew: early items (hubs) are chosen far more often."""
    return items[int(len(items) * rng.random() ** _SKEW)]


class CatalogWriter:
    """Writes one synthetic catalog; :meth:`run` returns what it wrote."""

    def __init__(self, triples: int, seed: int, base: str, sink: IO[str] | None) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.out = _Out(sink)
        self.catalog = SynthCatalog(requested=triples, seed=seed, base_iri=base)
        estimate = max(10, triples // TRIPLES_PER_PROGRAM)
        self.n_institutions = max(24, estimate // 3)
        self.n_people = max(16, estimate // 2)
        self.n_topics = max(6, estimate // 6)
        self.n_countries = min(len(names.COUNTRIES), 3 + estimate // 150)
        self.n_cities = max(8, self.n_institutions // 12)
        span = min(30, max(3, estimate // 50))
        self.years = (2025 - span, 2024)
        self.agreement_every = min(25, max(4, estimate // 8))
        self.editors = self.ent("org", "synthetic-catalog-editors")
        self.countries: list[tuple[str, str, str, str, int]] = []
        self.cities: dict[str, list[str]] = {}
        self.topics: list[tuple[str, str, str, str]] = []  # iri, en, ru, kk
        self.orgs: list[_Org] = []
        self.orgs_by_country: dict[str, list[_Org]] = {}
        self.org_index: dict[str, _Org] = {}
        self.people: list[_Person] = []
        self.counts: dict[str, int] = {}

    # --- helpers -----------------------------------------------------------------------------
    def ent(self, kind: str, slug: str) -> str:
        return f"<{self.base}id/{kind}/{slug}>"

    def count(self, cls: str) -> None:
        self.counts[cls] = self.counts.get(cls, 0) + 1

    def labels(self, s: str, name: names.Name) -> None:
        self.out.add(s, _PREF, _lang(name.en, "en"))
        self.out.add(s, _PREF, _lang(name.ru, "ru"))
        self.out.add(s, _PREF, _lang(name.kk, "kk"))

    def source(
        self, s: str, title: str, publisher: str, issued: str, *, vocab: bool = False
    ) -> None:
        self.out.add(s, _A, _m("SourceDocument"))
        if vocab:
            self.out.add(s, _A, _m("EditorialVocabulary"))
        self.out.add(s, _d("title"), _lang(title, "en"))
        self.out.add(s, _d("publisher"), publisher)
        self.out.add(s, _d("issued"), typed_literal(issued, "date"))
        self.out.add(s, _d("language"), _plain("en"))
        slug = s[len(self.base) + 1 : -1].removeprefix("id/source/")
        self.out.add(
            s, _m("permanentLink"), f"<https://documents.synthetic.museumkg.example/{slug}>"
        )
        self.count("SourceDocument")

    def random_date(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # --- the parts of the catalog --------------------------------------------------------------
    def run(self) -> SynthCatalog:
        self.dataset()
        self.gazetteer()
        self.topic_scheme()
        self.institutions()
        self.directory()
        self.programs()
        self.catalog.triples = self.out.count
        self.catalog.graphs = self.out.graphs
        self.catalog.entities = dict(sorted(self.counts.items()))
        return self.catalog

    def dataset(self) -> None:
        s = self.ent("source", DATASET_SLUG)
        self.out.begin(s)
        self.source(s, "museumkg synthetic catalog", self.editors, DATASET_ISSUED, vocab=True)
        self.out.add(s, _m("synthetic"), typed_literal("true", "boolean"))
        self.out.add(s, _d("title"), _lang("Синтетический каталог museumkg", "ru"))
        text = (
            f"Generated by museumkg.synth.generate version {GENERATOR_VERSION} with seed "
            f"{self.catalog.seed} for about {self.catalog.requested} triples. Every name in it "
            "is invented; it describes no real institution, person or program."
        )
        self.out.add(s, _d("description"), _lang(text, "en"))
        self.out.add(self.editors, _A, _m("Foundation"))
        self.labels(
            self.editors,
            names.Name(
                "Synthetic catalog editors",
                "Редакция синтетического каталога",
                "Синтетикалық каталог редакциясы",
            ),
        )
        self.count("Foundation")
        self.out.commit()

    def gazetteer(self) -> None:
        s = self.ent("source", "synthetic-gazetteer")
        self.out.begin(s)
        self.source(s, "Synthetic gazetteer", self.editors, DATASET_ISSUED, vocab=True)
        self.countries = list(names.COUNTRIES[: self.n_countries])
        for code, en, ru, kk, _weight in self.countries:
            c = self.ent("place", code.lower())
            self.out.add(c, _A, _m("Country"))
            self.labels(c, names.Name(en, ru, kk))
            self.out.add(c, _m("isoCode"), _plain(code))
            self.cities[code] = []
            self.count("Country")
        weights = [w for *_rest, w in self.countries]
        for number in range(1, self.n_cities + 1):
            # every country gets a city before any gets a second one
            if number <= len(self.countries):
                code = self.countries[number - 1][0]
            else:
                code = self.rng.choices(self.countries, weights=weights)[0][0]
            name = names.stem(self.rng)
            c = self.ent("place", f"{name.slug}-{number}")
            self.out.add(c, _A, _m("City"))
            self.labels(c, name)
            if self.rng.random() < 0.25:
                old = names.stem(self.rng)
                self.out.add(c, _ALT, _lang(f"{old.en}-Ata", "en"))
                self.out.add(c, _ALT, _lang(f"{old.ru}-Ата", "ru"))
            self.out.add(c, _m("country"), self.ent("place", code.lower()))
            self.coordinates(c, code, number)
            self.cities[code].append(c)
            self.count("City")
        self.out.commit()

    def coordinates(self, city: str, code: str, number: int) -> None:
        """Invented WGS84 and GeoSPARQL coordinates for a synthetic city (GeoNames' shape).

        Drawn from their own generator (seed, country, city number), so the rest of the catalog
        is the same bytes with or without them: a country gets an invented centre in Eurasia
        (latitude 30-55, longitude 40-90), its cities lie within 3 degrees of it.
        """
        centre = random.Random(f"{self.catalog.seed}-country-{code}")
        lat0, long0 = centre.uniform(30, 55), centre.uniform(40, 90)
        rng = random.Random(f"{self.catalog.seed}-city-{number}")
        lat, long = (
            f"{value:.4f}".rstrip("0").rstrip(".")
            for value in (lat0 + rng.uniform(-3, 3), long0 + rng.uniform(-3, 3))
        )
        geometry = f"<{city[1:-1]}/geometry>"
        self.out.add(city, f"<{WGS}lat>", typed_literal(lat, "decimal"))
        self.out.add(city, f"<{WGS}long>", typed_literal(long, "decimal"))
        self.out.add(city, f"<{GEO}hasGeometry>", geometry)
        self.out.add(geometry, _A, f"<{GEO}Geometry>")
        self.out.add(geometry, f"<{GEO}asWKT>", f'"POINT({long} {lat})"^^<{GEO}wktLiteral>')

    def topic_scheme(self) -> None:
        s = self.ent("source", "synthetic-topics")
        self.out.begin(s)
        self.source(s, "Synthetic topic scheme", self.editors, DATASET_ISSUED, vocab=True)
        scheme = self.ent("topic", "synthetic-scheme")
        self.out.add(scheme, _A, f"<{SKOS}ConceptScheme>")
        self.out.add(scheme, _PREF, _lang("Synthetic topic scheme", "en"))
        self.out.add(scheme, _PREF, _lang("Синтетическая тематическая схема", "ru"))
        tops = []
        for en, ru, kk in names.TOP_TOPICS:
            slug = "-".join(en.lower().split())
            t = self.ent("topic", slug)
            self.topic(t, names.Name(en, ru, kk), scheme)
            self.out.add(t, f"<{SKOS}topConceptOf>", scheme)
            tops.append((t, en, ru, kk))
        for number in range(1, self.n_topics + 1):
            top, top_en, top_ru, top_kk = tops[self.rng.randrange(len(tops))]
            a_en, a_ru, a_kk = names.TOPIC_ASPECTS[self.rng.randrange(len(names.TOPIC_ASPECTS))]
            school = names.stem(self.rng)
            label = names.Name(
                f"{top_en}: {a_en}, {school.en} school",
                f"{top_ru}: {a_ru}, школа «{school.ru}»",
                f"{top_kk}: {a_kk}, «{school.kk}» мектебі",
            )
            t = self.ent("topic", f"{school.slug}-{'-'.join(a_en.split())}-{number}")
            self.topic(t, label, scheme)
            self.out.add(t, f"<{SKOS}broader>", top)
            if self.rng.random() < 0.2:
                self.out.add(t, _ALT, _lang(f"{school.en} {a_en}", "en"))
        self.out.commit()

    def topic(self, t: str, label: names.Name, scheme: str) -> None:
        self.out.add(t, _A, _m("Topic"))
        self.out.add(t, _A, f"<{SKOS}Concept>")
        self.out.add(t, f"<{SKOS}inScheme>", scheme)
        self.labels(t, label)
        self.topics.append((t, label.en, label.ru, label.kk))
        self.count("Topic")

    def institutions(self) -> None:
        weights = [w for *_rest, w in self.countries]
        classes = list(_INSTITUTION_CLASSES)
        for code, *_rest in self.countries:  # each country's culture department publishes
            self.new_org("GovernmentBody", code)  # its registry
        for number in range(self.n_institutions - len(self.countries)):
            cls = (
                classes[number]
                if number < len(classes)
                else _weighted(self.rng, _INSTITUTION_CLASSES)
            )
            code = self.rng.choices(self.countries, weights=weights)[0][0]
            self.new_org(cls, code)
        for code, en, *_rest in self.countries:
            orgs = self.orgs_by_country[code]
            publisher = orgs[0].iri
            for part, start in enumerate(range(0, len(orgs), _CHUNK), start=1):
                s = self.ent("source", f"synthetic-registry-{code.lower()}-{part}")
                self.out.begin(s)
                issued = self.random_date(self.years[1]).isoformat()
                self.source(
                    s, f"Registry of cultural institutions: {en}, part {part}", publisher, issued
                )
                for org in orgs[start : start + _CHUNK]:
                    self.describe_org(org)
                self.out.commit()

    def new_org(self, cls: str, code: str) -> _Org:
        stem = names.stem(self.rng)
        slug = f"{stem.slug}-{'-'.join(_words(cls))}-{len(self.orgs) + 1}"
        city = self.cities[code][self.rng.randrange(len(self.cities[code]))]
        org = _Org(self.ent("org", slug), cls, stem, code, city)
        self.orgs.append(org)
        self.orgs_by_country.setdefault(code, []).append(org)
        self.org_index[org.iri] = org
        return org

    def describe_org(self, org: _Org) -> None:
        rng = self.rng
        en, ru, kk = names.INSTITUTION_TEMPLATES[org.cls]
        f_en, f_ru, f_kk = names.MUSEUM_FIELDS[rng.randrange(len(names.MUSEUM_FIELDS))]
        s = org.iri
        self.out.add(s, _A, _m(org.cls))
        fields = {"fen": f_en, "fru": f_ru, "fkk": f_kk}
        label = names.Name(
            en.format(s=org.name.en, **fields),
            ru.format(s=org.name.ru, **fields),
            kk.format(s=org.name.kk, **fields),
        )
        self.labels(s, label)
        if rng.random() < 0.4:
            initials = "".join(w[0] for w in label.en.split() if w[0].isupper())
            self.out.add(s, _ALT, _lang(initials, "en"))
        self.out.add(s, _m("location"), org.city)
        if rng.random() < 0.7:
            year = rng.randint(1850, 2015)
            if rng.random() < 0.7:
                self.out.add(s, _m("foundingDate"), typed_literal(str(year), "gYear"))
            else:
                self.out.add(
                    s, _m("foundingDate"), typed_literal(self.random_date(year).isoformat(), "date")
                )
        if rng.random() < 0.5:
            host = org.iri[len(self.base) + 1 : -1].removeprefix("id/org/")
            self.out.add(s, _m("website"), f"<https://{host}.synthetic.museumkg.example/>")
        if org.cls == "ResearchUnit":
            parents = [o for o in self.orgs_by_country[org.country] if o.cls in _PARENT_CLASSES]
            parents = parents or [o for o in self.orgs if o.cls in _PARENT_CLASSES]
            self.out.add(s, _m("unitOf"), parents[rng.randrange(len(parents))].iri)
        self.count(org.cls)

    def directory(self) -> None:
        rng = self.rng
        for part, start in enumerate(range(0, self.n_people, _CHUNK), start=1):
            s = self.ent("source", f"synthetic-people-{part}")
            self.out.begin(s)
            issued = self.random_date(self.years[1]).isoformat()
            self.source(s, f"Directory of museum professionals, part {part}", self.editors, issued)
            for number in range(start + 1, min(start + _CHUNK, self.n_people) + 1):
                full, given, family, _gender = names.person_name(rng)
                p = self.ent("person", f"{given.slug}-{family.slug}-{number}")
                self.out.add(p, _A, _m("Person"))
                self.labels(p, full)
                if rng.random() < 0.5:
                    self.out.add(p, _ALT, _lang(f"{given.en[0]}. {family.en}", "en"))
                self.out.add(p, f"<{FOAF}givenName>", _plain(given.en))
                self.out.add(p, f"<{FOAF}familyName>", _plain(family.en))
                job_en, job_ru = names.JOB_TITLES[rng.randrange(len(names.JOB_TITLES))]
                self.out.add(p, _m("jobTitle"), _lang(job_en, "en"))
                self.out.add(p, _m("jobTitle"), _lang(job_ru, "ru"))
                if rng.random() < 0.15:
                    self.out.add(p, _m("honorificPrefix"), _plain("Dr."))
                affiliations: list[str] = []
                for _ in range(1 if rng.random() < 0.8 else 2):
                    org = _skewed(rng, self.orgs)
                    if org.iri not in affiliations:
                        affiliations.append(org.iri)
                        org.people.append(len(self.people))
                        self.out.add(p, _m("affiliation"), org.iri)
                self.people.append(_Person(p, affiliations))
                self.count("Person")
            self.out.commit()

    # --- programs and agreements ------------------------------------------------------------
    def programs(self) -> None:
        target = self.catalog.requested
        classes = list(_PROGRAM_CLASSES)
        for number in itertools.count(1):
            if number % self.agreement_every == 0:
                self.agreement(len(self.catalog.agreements) + 1)
                self.out.commit()
            cls = (
                classes[number - 1]
                if number <= len(classes)
                else _weighted(self.rng, _PROGRAM_CLASSES)
            )
            counts = dict(self.counts)
            facts = self.program(number, cls)
            pending = len(self.out.lines)
            if self.out.count + pending > target and number > len(classes):
                if self.out.count + pending - target > target - self.out.count:
                    self.out.discard()  # stopping short of the target is closer to it
                    self.counts = counts
                    return
                self.out.commit()
                self.catalog.programs.append(facts)
                return
            self.out.commit()
            self.catalog.programs.append(facts)

    def pick_orgs(self, code: str, count: int, exclude: Iterable[str] = ()) -> list[str]:
        chosen: list[str] = []
        taken = set(exclude)
        for _attempt in range(count * 8):
            if len(chosen) == count:
                break
            local = self.rng.random() < (0.7 if not chosen else 0.6)
            org = _skewed(self.rng, self.orgs_by_country[code] if local else self.orgs)
            if org.iri not in taken:
                taken.add(org.iri)
                chosen.append(org.iri)
        return chosen

    # Complexity: one program's facts drawn in a fixed order: the random stream, and so every
    # generated catalog, depends on that order
    def program(self, number: int, cls: str) -> ProgramFacts:  # noqa: C901
        rng = self.rng
        weights = [w for *_rest, w in self.countries]
        code = rng.choices(self.countries, weights=weights)[0][0]
        year = rng.randint(*self.years)
        stem = names.stem(rng)
        slug = f"{'-'.join(_words(cls))}-{stem.slug}-{year}-{number}"
        p = self.ent("program", slug)
        s = self.ent("source", f"news-{slug}")
        self.out.begin(s)
        n_org = rng.choices([n for n, _ in _ORGANISER_COUNTS], [w for _, w in _ORGANISER_COUNTS])[0]
        organisers = self.pick_orgs(code, n_org)
        partners = self.pick_orgs(code, rng.choice((0, 0, 1, 1, 1, 2, 2)), exclude=organisers)
        n_topics = 1 if rng.random() < 0.65 else (2 if rng.random() < 0.85 else 3)
        topics: list[tuple[str, str, str, str]] = []
        tops = len(names.TOP_TOPICS)  # programs are indexed with the narrower concepts
        for _ in range(n_topics):
            topic = self.topics[tops + rng.randrange(len(self.topics) - tops)]
            if topic not in topics:
                topics.append(topic)
        start = self.random_date(year)
        issued = start - dt.timedelta(days=rng.randrange(1, 45))
        # the news item
        en, ru, kk = names.PROGRAM_TEMPLATES[cls]
        _t, t_en, t_ru, t_kk = topics[0]
        title = names.Name(
            en.format(s=stem.en, ten=t_en.lower(), y=year),
            ru.format(s=stem.ru, tru=t_ru.lower(), y=year),
            kk.format(s=stem.kk, tkk=t_kk.lower(), y=year),
        )
        self.source(s, f"Announcement: {title.en}", organisers[0], issued.isoformat())
        if rng.random() < 0.5:
            self.out.add(s, _d("title"), _lang(f"Анонс: {title.ru}", "ru"))
        # the program
        self.out.add(p, _A, _m(cls))
        self.labels(p, title)
        if rng.random() < 0.3:
            self.out.add(p, _ALT, _lang(f"{stem.en} {year}", "en"))
        shape = rng.random()
        if shape < 0.85:
            self.out.add(p, _m("startDate"), typed_literal(start.isoformat(), "date"))
            end = start + dt.timedelta(days=rng.randrange(0, 8))
            self.out.add(p, _m("endDate"), typed_literal(end.isoformat(), "date"))
        elif shape < 0.95:
            self.out.add(p, _m("startDate"), typed_literal(start.isoformat()[:7], "gYearMonth"))
        else:
            self.out.add(p, _m("startDate"), typed_literal(str(year), "gYear"))
        city = self.cities[code][rng.randrange(len(self.cities[code]))]
        self.out.add(p, _m("place"), city)
        for org in organisers:
            self.out.add(p, _m("organizer"), org)
        for org in partners:
            self.out.add(p, _m("partner"), org)
        for topic in topics:
            self.out.add(p, _m("topic"), topic[0])
        self.out.add(p, _m("goal"), _lang(f"To share practice in {t_en.lower()}.", "en"))
        if rng.random() < 0.5:
            self.out.add(p, _m("goal"), _lang(f"Обмен опытом: {t_ru.lower()}.", "ru"))
        if rng.random() < 0.3:
            self.out.add(p, _m("audience"), _lang("museum staff and curators", "en"))
        self.parts(p, slug)
        participants = self.roles(p, slug, organisers, partners)
        self.count("Program")
        return ProgramFacts(
            iri=p[1:-1],
            source=s[1:-1],
            year=str(year),
            organisers=tuple(o[1:-1] for o in organisers),
            participants=tuple(o[1:-1] for o in participants),
            topics=tuple(t[0][1:-1] for t in topics),
        )

    def parts(self, p: str, slug: str) -> None:
        rng = self.rng
        for position in range(1, rng.choice((0, 0, 1, 2, 2, 3)) + 1):
            part = self.ent("program", f"{slug}/part/{position}")
            self.out.add(p, _m("hasPart"), part)
            self.out.add(part, _A, _m("ProgramPart"))
            self.out.add(part, _m("partOf"), p)
            self.out.add(part, _m("position"), typed_literal(str(position), "integer"))
            t_en, t_ru = names.PART_TITLES[rng.randrange(len(names.PART_TITLES))]
            self.out.add(part, _PREF, _lang(t_en, "en"))
            if rng.random() < 0.5:
                self.out.add(part, _PREF, _lang(t_ru, "ru"))
            for fmt in rng.sample(_FORMATS, rng.choice((1, 1, 2))):
                self.out.add(part, _m("format"), _m(fmt))

    def roles(self, p: str, slug: str, organisers: list[str], partners: list[str]) -> list[str]:
        """Write the program's roles; return its participants (in order, no organisers)."""
        rng = self.rng
        involved = list(partners)
        for number in range(1, rng.randint(1, 5) + 1):
            r = self.ent("role", f"{slug}-role-{number}")
            side = rng.random()
            behalf: str | None = None
            if number == 1 or side < 0.5:  # someone working for an organiser
                org = self.org_index[organisers[rng.randrange(len(organisers))]]
                if org.people:
                    agent = self.people[org.people[rng.randrange(len(org.people))]].iri
                else:
                    agent = _skewed(rng, self.people).iri
                behalf = org.iri if rng.random() < 0.8 else None
                kind = "LeadTrainer" if number == 1 else rng.choice(_ORGANISER_SIDE_ROLES)
            elif side < 0.85:  # a participant, often sent by their institution
                person = _skewed(rng, self.people)
                agent = person.iri
                behalf = person.affiliations[0] if rng.random() < 0.7 else None
                kind = rng.choice(("Participant", "Participant", "Expert"))
            else:  # an institution funding or hosting
                agent = _skewed(rng, self.orgs).iri
                kind = rng.choice(("Funder", "Host"))
                involved.append(agent)
            if behalf is not None:
                involved.append(behalf)
            self.out.add(r, _A, _m("Role"))
            self.out.add(r, _m("agent"), agent)
            self.out.add(r, _m("inProgram"), p)
            self.out.add(r, _m("roleType"), _m(kind))
            if behalf is not None:
                self.out.add(r, _m("onBehalfOf"), behalf)
            self.count("Role")
        participants: list[str] = []
        for iri in involved:
            if iri not in organisers and iri not in participants:
                participants.append(iri)
        return participants

    def agreement(self, number: int) -> None:
        rng = self.rng
        weights = [w for *_rest, w in self.countries]
        code = rng.choices(self.countries, weights=weights)[0][0]
        members = self.pick_orgs(code, 2 if rng.random() < 0.75 else 3)
        if len(members) < 2:
            return
        year = rng.randint(*self.years)
        s = self.ent("source", f"synthetic-memorandum-{number}")
        self.out.begin(s)
        first = self.org_index[members[0]].name.en
        kind = "Memorandum of cooperation" if len(members) == 2 else "Network agreement"
        title = f"{kind} of {first} and {len(members) - 1} partner(s), {year}"
        self.source(s, title, members[0], self.random_date(year).isoformat())
        pairs = []
        for a, b in itertools.combinations(members, 2):
            self.out.add(a, _m("statedPartner"), b)
            pairs.append((a[1:-1], b[1:-1]))
        self.catalog.agreements.append(AgreementFacts(s[1:-1], str(year), tuple(pairs)))


def _words(cls: str) -> list[str]:
    """``ContemporaryArtCentre`` → ``["contemporary", "art", "centre"]``."""
    words: list[str] = []
    for ch in cls:
        if ch.isupper():
            words.append(ch.lower())
        else:
            words[-1] += ch
    return words
