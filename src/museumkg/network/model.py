"""The partnership network as plain data: load it from a store, filter and aggregate it.

The derived graph holds one ``mkg:Partnership`` node per pair of institutions and kind of
evidence (``ontology/rules/``). :func:`load_network` reads those nodes, their evidence items
(programs with their start year, or stating sources for a partnership without a program), the
institutions' names, classes and countries, and the build-time metrics, in seven named queries.
:mod:`museumkg.network.views` answers filtered views of it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from museumkg.iris import parse_entity_iri
from museumkg.lang import keep_label, pick_value
from museumkg.namespaces import MKG
from museumkg.queries import named_rows, named_solutions
from museumkg.store import Store, Term
from museumkg.store.terms import lexical

T = TypeVar("T")

#: Partnership kinds: the slug used in URLs and exports → the concept's local name in mkg:.
KINDS: dict[str, str] = {
    "co-organised": "CoOrganised",
    "participated": "ParticipatedInProgramOf",
    "stated": "StatedPartnership",
    "shared-topic": "SharedTopicSameYear",
}
#: The kinds that make ``mkg:partnerOf``; shared topics are the weak kind, off by default
#: (``tests/network/test_derive.py`` reads both from the rules' ``# derives:`` headers).
STRONG_KINDS: tuple[str, ...] = ("co-organised", "participated", "stated")
#: How many pairs a view draws unless asked otherwise, and the most it ever draws.
DEFAULT_LIMIT = 300
MAX_LIMIT = 5000


def kind_slug(iri: str) -> str | None:
    """The slug of a partnership kind IRI (``None`` for an unknown kind).

    >>> kind_slug("https://w3id.org/museumkg/ontology#CoOrganised")
    'co-organised'
    """
    local = iri.removeprefix(MKG)
    return next((slug for slug, name in KINDS.items() if name == local), None)


def add_label(labels: dict[str, str], term: Term) -> None:
    """Keep a literal under its language tag (as :func:`museumkg.lang.keep_label` chooses)."""
    if isinstance(term, ox.Literal):
        keep_label(labels, term.language or "", term.value)


@dataclass(frozen=True)
class Evidence:
    """One evidence item of a partnership: a program, or a source stating the partnership."""

    item: str
    year: int | None
    is_program: bool


@dataclass(frozen=True)
class Link:
    """One partnership node: a pair, one kind, its stored strength and its evidence items."""

    iri: str
    a: str
    b: str
    kind: str
    strength: float
    evidence: tuple[Evidence, ...]

    @property
    def weight(self) -> float:
        """Strength per evidence item (the kind's weight in the strength formula)."""
        return self.strength / len(self.evidence) if self.evidence else self.strength


@dataclass
class Institution:
    """An institution of the network: names by language, catalog classes, countries, metrics."""

    iri: str
    slug: str
    labels: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    metrics: dict[str, float] = field(default_factory=dict)

    def label(self, languages: Sequence[str]) -> str:
        """The name in the first available language (the slug when it has none)."""
        return pick_value(self.labels, languages, self.slug)


@dataclass
class Network:
    """The whole partnership network of a store, as loaded by :func:`load_network`."""

    base_iri: str
    institutions: dict[str, Institution]
    links: list[Link]
    program_topics: dict[str, frozenset[str]]
    names: dict[str, dict[str, str]]
    #: What is computed once from the (unchanging) network and kept with it: the pair index,
    #: the strong graph, the edge order of views (:meth:`memo`).
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed on the first call for ``key`` and kept with the network.

        A loaded network never changes (a new store version is a new network), so what is
        derived from it is made once per version, not once per request.
        """
        if key not in self._memo:
            self._memo[key] = make()
        found: T = self._memo[key]
        return found

    def pair_links(self, a: str, b: str) -> list[Link]:
        """The partnership nodes of one pair (any order), by an index made on first use."""

        def index() -> dict[tuple[str, str], list[Link]]:
            pairs: dict[tuple[str, str], list[Link]] = defaultdict(list)
            for link in self.links:
                pairs[(link.a, link.b)].append(link)
            return dict(pairs)

        pairs: dict[tuple[str, str], list[Link]] = self.memo("pairs", index)
        return pairs.get((a, b) if a <= b else (b, a), [])

    def member_links(self, iri: str) -> list[Link]:
        """The partnership nodes ``iri`` is a member of, by an index made on first use."""

        def index() -> dict[str, list[Link]]:
            members: dict[str, list[Link]] = defaultdict(list)
            for link in self.links:
                members[link.a].append(link)
                members[link.b].append(link)
            return dict(members)

        members: dict[str, list[Link]] = self.memo("members", index)
        return members.get(iri, [])

    def name(self, iri: str, languages: Sequence[str]) -> str:
        """The name of a vocabulary term (country, topic, class, kind), else its local name."""
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return pick_value(self.names.get(iri, {}), languages, local)

    def years(self) -> list[int]:
        """Every year of any evidence item, ascending."""
        return sorted({e.year for link in self.links for e in link.evidence if e.year})


#: The network as JSON inside the store folder, written by the build beside the store so the
#: web app reads it in one go instead of scanning the derived graph on a first request.
NETWORK_FILE = "network.json"


def network_to_json(network: Network) -> dict[str, Any]:
    """The network as JSON-ready data (read back by :func:`network_from_json`)."""
    return {
        "base_iri": network.base_iri,
        "institutions": [
            {
                "iri": org.iri,
                "slug": org.slug,
                "labels": org.labels,
                "types": sorted(org.types),
                "countries": sorted(org.countries),
                "metrics": org.metrics,
            }
            for org in network.institutions.values()
        ],
        "links": [
            {
                "iri": link.iri,
                "a": link.a,
                "b": link.b,
                "kind": link.kind,
                "strength": link.strength,
                "evidence": [[e.item, e.year, e.is_program] for e in link.evidence],
            }
            for link in network.links
        ],
        "program_topics": {p: sorted(t) for p, t in network.program_topics.items()},
        "names": network.names,
    }


def network_from_json(data: dict[str, Any]) -> Network:
    """Rebuild a :class:`Network` from :func:`network_to_json` output."""
    institutions = {
        org["iri"]: Institution(
            org["iri"],
            org["slug"],
            dict(org["labels"]),
            set(org["types"]),
            set(org["countries"]),
            dict(org["metrics"]),
        )
        for org in data["institutions"]
    }
    links = [
        Link(
            link["iri"],
            link["a"],
            link["b"],
            link["kind"],
            float(link["strength"]),
            tuple(Evidence(item, year, is_program) for item, year, is_program in link["evidence"]),
        )
        for link in data["links"]
    ]
    return Network(
        data["base_iri"],
        institutions,
        links,
        {p: frozenset(t) for p, t in data["program_topics"].items()},
        {term: dict(labels) for term, labels in data["names"].items()},
    )


def save_network(network: Network, path: Path) -> None:
    """Write the network as JSON to ``path``."""
    path.write_text(json.dumps(network_to_json(network), ensure_ascii=False), encoding="utf-8")


def read_network(path: Path) -> Network:
    """Read a network written by :func:`save_network`.

    Raises:
        OSError: when the file cannot be read; ValueError: when it is not a network.
    """
    try:
        return network_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path} is not a network file: {err}") from err


def _year(term: Term | None) -> int | None:
    text = term.value if isinstance(term, ox.Literal) else ""
    return int(text) if len(text) == 4 and text.isdigit() else None


def _members(store: Store) -> dict[str, list[str]]:
    """The members of every partnership node, by the node's IRI (as ``STR`` gives them: blank
    nodes, which have none, left out)."""
    members: dict[str, list[str]] = defaultdict(list)
    for node, member in named_solutions(store, "network_partnership_members"):
        if isinstance(member, ox.NamedNode | ox.Literal) and node is not None:
            members[lexical(node)].append(member.value)
    return members


# Complexity: one pass over each of the network's queries (institutions, links, evidence,
# metrics), filling the tables a view reads
def load_network(store: Store, base_iri: str) -> Network:  # noqa: C901
    """Read the partnership network of ``store`` (derived graph, names, metrics).

    Args:
        store: a built catalog (the derived graph filled by the rules).
        base_iri: the dataset base (to read institutions' slugs).

    Returns:
        the network; an empty one when the store holds no partnership.

    >>> from museumkg.store import EmbeddedStore
    >>> load_network(EmbeddedStore(), "http://ex.org/").links
    []
    """
    items: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for row in named_rows(store, "network_evidence"):
        node, item = lexical(row["partnership"]), lexical(row["item"])
        year = _year(row.get("year"))
        known = items[node].get(item)
        if known is None or (year is not None and (known.year is None or year < known.year)):
            items[node][item] = Evidence(item, year, is_program=True)
    members = _members(store)
    links: list[Link] = []
    for row in named_rows(store, "network_partnership_nodes"):
        kind = kind_slug(lexical(row["kind"]))
        if kind is None:
            continue
        node = lexical(row["partnership"])
        evidence = tuple(sorted(items.get(node, {}).values(), key=lambda e: e.item))
        if kind == "stated":
            evidence = tuple(Evidence(e.item, e.year, is_program=False) for e in evidence)
        strength = float(lexical(row["strength"]))
        pair = members.get(node, [])
        links += [Link(node, a, b, kind, strength, evidence) for a in pair for b in pair if a < b]
    links.sort(key=lambda link: (link.a, link.b, link.kind, link.iri, link.strength))

    institutions: dict[str, Institution] = {}
    for row in named_rows(store, "network_institutions"):
        iri = lexical(row["org"])
        org = institutions.get(iri)
        if org is None:
            ref = parse_entity_iri(base_iri, iri)
            org = institutions[iri] = Institution(iri, ref.slug if ref else iri)
        if "label" in row:
            add_label(org.labels, row["label"])
        if "type" in row:
            org.types.add(lexical(row["type"]))
        if "country" in row:
            org.countries.add(lexical(row["country"]))
    for org in institutions.values():
        # a class the institution also has a subclass of says nothing more: keep the specific
        if len(org.types) > 1:
            org.types.discard(MKG + "Institution")
    for row in named_rows(store, "network_metrics"):
        org = institutions.get(lexical(row["org"]))
        if org is not None:
            org.metrics = {
                "degree": int(lexical(row["degree"])),
                "weighted_degree": float(lexical(row["weightedDegree"])),
                "betweenness": float(lexical(row["betweenness"])),
                "community": int(lexical(row["community"])),
            }
    topics: dict[str, set[str]] = defaultdict(set)
    for row in named_rows(store, "network_program_topics"):
        topics[lexical(row["program"])].add(lexical(row["topic"]))
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "network_vocabulary"):
        add_label(names[lexical(row["term"])], row["label"])
    return Network(
        base_iri,
        institutions,
        links,
        {program: frozenset(found) for program, found in topics.items()},
        dict(names),
    )
