"""A deterministic synthetic catalog for benchmarks and tests (never mixed with the real one).

``museumkg generate --triples N --seed S -o FILE`` writes N-Quads (within a few triples of N):
one named graph per synthetic source document, under its own base IRI
(:data:`SYNTH_BASE`, never the real dataset base), with a dataset document
``{base}id/source/synthetic-dataset`` stating ``mkg:synthetic true``. The same N and S give
byte-identical output (one seeded :class:`random.Random`, no set or hash ordering, no clock).

What it holds, valid against ``ontology/shapes.ttl``:

- a gazetteer (real countries with ISO codes, generated cities) and a topic scheme (12 top
  concepts, generated narrower ones; the scheme grows with the catalog so that the weak
  "shared topic in the same year" links grow linearly, as in a real thesaurus);
- institutions of every institution class across countries and cities, in per-country registry
  documents (research units ``mkg:unitOf`` an institute or university), with en/ru/kk names
  and alternate names;
- people with en/ru/kk names and affiliations, in directory documents;
- programs of every program class, one news item (source) each, with 1–4 organisers, 0–2
  partners, topics, parts, and roles played by people (often on behalf of an institution) or
  by institutions (funders, hosts);
- memoranda stating partnerships (``mkg:statedPartner``) between two or three institutions.

Names are generated (:mod:`museumkg.synth.names`), clearly not real. The partnerships the
rules in ``ontology/rules/`` must derive are known by construction:
:func:`expected_partnerships`.

>>> import io
>>> out = io.StringIO()
>>> catalog = generate(2000, 7, out)
>>> abs(catalog.triples - 2000) <= 100 and out.getvalue().count("\\n") == catalog.triples
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from museumkg.namespaces import MKG
from museumkg.synth.base import (
    DATASET_SLUG,
    GENERATOR_VERSION,
    SYNTH_BASE,
    AgreementFacts,
    ProgramFacts,
    SynthCatalog,
    typed_literal,
)
from museumkg.synth.writer import CatalogWriter

__all__ = [
    "DATASET_SLUG",
    "GENERATOR_VERSION",
    "MIN_TRIPLES",
    "STRONG_KINDS",
    "SYNTH_BASE",
    "WEIGHTS",
    "AgreementFacts",
    "ExpectedPartnership",
    "ProgramFacts",
    "SynthCatalog",
    "dataset_iri",
    "expected_partner_pairs",
    "expected_partnerships",
    "generate",
    "generate_file",
    "synthetic_base",
]

#: Smallest catalog worth generating (the vocabularies alone take a few hundred triples).
MIN_TRIPLES = 1000
#: Partnership kinds (local names in the mkg namespace) and their weights (docs/partnerships.md).
WEIGHTS = {
    "CoOrganised": 3.0,
    "ParticipatedInProgramOf": 2.0,
    "StatedPartnership": 2.0,
    "SharedTopicSameYear": 0.5,
}
#: Kinds that give ``mkg:partnerOf`` (all but the weak shared-topic kind).
STRONG_KINDS = ("CoOrganised", "ParticipatedInProgramOf", "StatedPartnership")
#: A (topic, year) with more organising institutions than this gives no shared-topic links
#: (``ontology/rules/40-shared-topic.rq``, docs/partnerships.md).
SHARED_TOPIC_CAP = 10
_REAL_BASE = "https://w3id.org/museumkg/"


@dataclass(frozen=True)
class ExpectedPartnership:
    """A partnership node the rules must derive, with its strength and evidence."""

    strength: float
    programs: frozenset[str]
    sources: frozenset[str]
    first_year: str
    last_year: str


def generate(
    triples: int, seed: int, out: IO[str] | None = None, *, base_iri: str = SYNTH_BASE
) -> SynthCatalog:
    """Generate the synthetic catalog as N-Quads into ``out`` (or only plan it, if ``None``).

    Args:
        triples: how many quads to write; the result is within one program (~60) of it.
        seed: the random seed; the same ``triples`` and ``seed`` give the same bytes.
        out: a text stream (UTF-8) to write the N-Quads to.
        base_iri: the synthetic dataset's base; never the real catalog's.

    Returns:
        the counts and the facts :func:`expected_partnerships` needs.

    Raises:
        ValueError: for fewer than :data:`MIN_TRIPLES` triples or the real dataset base.
    """
    if triples < MIN_TRIPLES:
        raise ValueError(f"ask for at least {MIN_TRIPLES} triples (got {triples})")
    if base_iri.rstrip("/") == _REAL_BASE.rstrip("/") or not base_iri.endswith("/"):
        raise ValueError(f"{base_iri!r} cannot be a synthetic base: use e.g. {SYNTH_BASE}")
    return CatalogWriter(triples, seed, base_iri, out).run()


def generate_file(
    path: Path, triples: int, seed: int, *, base_iri: str = SYNTH_BASE
) -> SynthCatalog:
    """:func:`generate` into the file ``path`` (UTF-8 N-Quads, ``\\n`` line ends)."""
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        return generate(triples, seed, out, base_iri=base_iri)


def dataset_iri(base_iri: str = SYNTH_BASE) -> str:
    """The IRI of the document flagging a synthetic dataset (``mkg:synthetic true``)."""
    return f"{base_iri}id/source/{DATASET_SLUG}"


def synthetic_base(path: Path, *, lines: int = 50) -> str | None:
    """The base IRI of the synthetic dataset in an N-Quads file, or ``None`` if not flagged.

    The flag is looked for in the first ``lines`` lines (:func:`generate` writes it first).
    """
    marker = f"<{MKG}synthetic> {typed_literal('true', 'boolean')}"
    with path.open(encoding="utf-8", errors="replace") as text:
        for line in itertools.islice(text, lines):
            if marker in line and line.startswith("<"):
                subject = line[1 : line.index(">")]
                if subject.endswith(f"id/source/{DATASET_SLUG}"):
                    return subject.removesuffix(f"id/source/{DATASET_SLUG}")
    return None


# Complexity: the derivation rules restated in order, one branch per rule, so a test can compare
# them
def expected_partnerships(  # noqa: C901
    catalog: SynthCatalog,
) -> dict[tuple[str, str, str], ExpectedPartnership]:
    """The partnership nodes the rules in ``ontology/rules/`` must derive from ``catalog``.

    Follows docs/partnerships.md: one node per pair (IRIs in string order) and kind; strength
    = weight × distinct evidence programs (or stating sources when none); years from the
    evidence programs' start years (else the sources' issue years).

    Returns:
        ``(a, b, kind) → ExpectedPartnership``, ``kind`` the local name (``"CoOrganised"``, ...).
    """
    programs: dict[tuple[str, str, str], set[str]] = {}
    sources: dict[tuple[str, str, str], set[str]] = {}
    years: dict[tuple[str, str, str], set[str]] = {}

    def note(x: str, y: str, kind: str, program: str | None, source: str, year: str) -> None:
        key = (min(x, y), max(x, y), kind)
        if program is not None:
            programs.setdefault(key, set()).add(program)
        sources.setdefault(key, set()).add(source)
        years.setdefault(key, set()).add(year)

    buckets: dict[tuple[str, str], list[ProgramFacts]] = {}
    for prog in catalog.programs:
        for a, b in itertools.combinations(prog.organisers, 2):
            note(a, b, "CoOrganised", prog.iri, prog.source, prog.year)
        for organiser in prog.organisers:
            for participant in prog.participants:
                note(
                    organiser,
                    participant,
                    "ParticipatedInProgramOf",
                    prog.iri,
                    prog.source,
                    prog.year,
                )
        for topic in prog.topics:
            buckets.setdefault((topic, prog.year), []).append(prog)
    seen: set[tuple[str, str]] = set()
    for bucket in buckets.values():
        if len({o for prog in bucket for o in prog.organisers}) > SHARED_TOPIC_CAP:
            continue  # a field-wide theme that year: no shared-topic links (rule 40)
        for one, two in itertools.combinations(bucket, 2):
            if (one.iri, two.iri) in seen:
                continue
            seen.add((one.iri, two.iri))
            for x in one.organisers:
                for y in two.organisers:
                    if x not in two.organisers and y not in one.organisers:
                        for prog in (one, two):
                            note(x, y, "SharedTopicSameYear", prog.iri, prog.source, prog.year)
    for agreement in catalog.agreements:
        for a, b in agreement.pairs:
            note(a, b, "StatedPartnership", None, agreement.source, agreement.year)
    expected = {}
    for key, stating in sources.items():
        evidence = programs.get(key, set())
        count = len(evidence) or len(stating)
        expected[key] = ExpectedPartnership(
            strength=WEIGHTS[key[2]] * count,
            programs=frozenset(evidence),
            sources=frozenset(stating),
            first_year=min(years[key]),
            last_year=max(years[key]),
        )
    return expected


def expected_partner_pairs(
    expected: dict[tuple[str, str, str], ExpectedPartnership],
) -> set[tuple[str, str]]:
    """The ``mkg:partnerOf`` links (both directions) the strong kinds give."""
    pairs = set()
    for a, b, kind in expected:
        if kind in STRONG_KINDS:
            pairs |= {(a, b), (b, a)}
    return pairs
