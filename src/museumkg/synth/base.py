"""The pieces the synthetic writer is made of: constants, N-Quads text, the facts it records.

:class:`WriterBase` holds one run's state (the seeded random stream, the output, what was
written so far) and the small writers every part uses (an entity's IRI, labels, a source
document); :class:`~museumkg.synth.writer.CatalogWriter` writes the catalog's parts with it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import IO, TypeVar

from museumkg.namespaces import DCTERMS, MKG, RDF, SKOS, XSD
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


class WriterBase:
    """One run's state and the small writers every part of the catalog uses."""

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
