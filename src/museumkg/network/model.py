"""The partnership network as plain data: load it from a store, filter and aggregate it.

The derived graph holds one ``mkg:Partnership`` node per pair of institutions and kind of
evidence (``ontology/rules/``). :func:`load_network` reads those nodes, their evidence items
(programs with their start year, or stating sources for a partnership without a program), the
institutions' names, classes and countries, and the build-time metrics, in six named queries.
:func:`select` then answers one filtered view of it in Python: the pairs that pass the
filters, their strength recomputed from the evidence that passes, cut to the strongest
``limit`` pairs, with the programs per year as a timeline.

Filtering rules (also in ``docs/partnerships.md``):

- ``kinds``: partnership kinds to include (by default the strong ones, not shared topics);
- ``year_from``/``year_to``: keep evidence items whose year is in the range (inclusive);
  items without a year drop out when a range is set;
- ``topic``: keep evidence programs on that topic (so stated partnerships, which have no
  program, drop out);
- ``country``/``type``: keep pairs where *at least one* institution is in that country or of
  that class; the partners of the selected institutions stay visible (``match`` is false on
  them).

A pair's strength in a view is ``Σ weight(kind) × evidence items that pass``, where the weight
is the node's stored strength divided by its evidence count: unfiltered, it is the stored
strength exactly.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from museumkg.iris import parse_entity_iri
from museumkg.namespaces import MKG
from museumkg.queries import named_rows
from museumkg.store import Store, Term

T = TypeVar("T")

#: Partnership kinds: the slug used in URLs and exports → the concept's local name in mkg:.
KINDS: dict[str, str] = {
    "co-organised": "CoOrganised",
    "participated": "ParticipatedInProgramOf",
    "stated": "StatedPartnership",
    "shared-topic": "SharedTopicSameYear",
}
#: The kinds that make ``mkg:partnerOf``; shared topics are the weak kind, off by default.
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


def pick_label(labels: Mapping[str, str], languages: Sequence[str], fallback: str = "") -> str:
    """The label in the first of ``languages`` present, then untagged, then any (sorted).

    >>> pick_label({"ru": "Музей", "en": "Museum"}, ["de", "en"])
    'Museum'
    >>> pick_label({}, ["en"], "unesco-almaty")
    'unesco-almaty'
    """
    for lang in (*languages, ""):
        if lang in labels:
            return labels[lang]
        primary = lang.split("-", 1)[0]
        if primary in labels:
            return labels[primary]
    return labels[sorted(labels)[0]] if labels else fallback


def add_label(labels: dict[str, str], term: Term) -> None:
    """Keep a literal under its language tag (the first one met per language)."""
    if isinstance(term, ox.Literal):
        labels.setdefault((term.language or "").lower(), term.value)


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
        return pick_label(self.labels, languages, self.slug)


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
        return pick_label(self.names.get(iri, {}), languages, local)

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


def load_network(store: Store, base_iri: str) -> Network:
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
        node, item = row["partnership"].value, row["item"].value
        year = _year(row.get("year"))
        known = items[node].get(item)
        if known is None or (year is not None and (known.year is None or year < known.year)):
            items[node][item] = Evidence(item, year, is_program=True)
    links: list[Link] = []
    for row in named_rows(store, "network_partnerships"):
        kind = kind_slug(row["kind"].value)
        if kind is None:
            continue
        node = row["partnership"].value
        evidence = tuple(sorted(items.get(node, {}).values(), key=lambda e: e.item))
        if kind == "stated":
            evidence = tuple(Evidence(e.item, e.year, is_program=False) for e in evidence)
        strength = float(row["strength"].value)
        links.append(Link(node, row["a"].value, row["b"].value, kind, strength, evidence))
    links.sort(key=lambda link: (link.a, link.b, link.kind))

    institutions: dict[str, Institution] = {}
    for row in named_rows(store, "network_institutions"):
        iri = row["org"].value
        org = institutions.get(iri)
        if org is None:
            ref = parse_entity_iri(base_iri, iri)
            org = institutions[iri] = Institution(iri, ref.slug if ref else iri)
        if "label" in row:
            add_label(org.labels, row["label"])
        if "type" in row:
            org.types.add(row["type"].value)
        if "country" in row:
            org.countries.add(row["country"].value)
    for org in institutions.values():
        # a class the institution also has a subclass of says nothing more: keep the specific
        if len(org.types) > 1:
            org.types.discard(MKG + "Institution")
    for row in named_rows(store, "network_metrics"):
        org = institutions.get(row["org"].value)
        if org is not None:
            org.metrics = {
                "degree": int(row["degree"].value),
                "weighted_degree": float(row["weightedDegree"].value),
                "betweenness": float(row["betweenness"].value),
                "community": int(row["community"].value),
            }
    topics: dict[str, set[str]] = defaultdict(set)
    for row in named_rows(store, "network_program_topics"):
        topics[row["program"].value].add(row["topic"].value)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "network_vocabulary"):
        add_label(names[row["term"].value], row["label"])
    return Network(
        base_iri,
        institutions,
        links,
        {program: frozenset(found) for program, found in topics.items()},
        dict(names),
    )


@dataclass(frozen=True)
class NetworkFilter:
    """What a view of the network shows (see the module docstring for the rules).

    ``country`` and ``topic`` are slugs (``kz``, ``museums-and-tourism``); ``type`` is the
    local name of a catalog class (``Museum``); ``limit`` ``None`` means every pair.
    """

    kinds: tuple[str, ...] = STRONG_KINDS
    year_from: int | None = None
    year_to: int | None = None
    country: str | None = None
    type: str | None = None
    topic: str | None = None
    limit: int | None = DEFAULT_LIMIT

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> NetworkFilter:
        """Read a filter from query parameters (each name → its values, as given).

        ``kind`` may be repeated or comma-separated, ``all`` or ``none``; empty values are
        ignored.

        Raises:
            ValueError: with a message a user can act on, for an unknown kind, a year or
                limit that is not a number, or a range that ends before it starts.

        >>> NetworkFilter.from_params({"kind": ["stated,co-organised"], "from": ["2005"]})
        NetworkFilter(kinds=('co-organised', 'stated'), year_from=2005, year_to=None, \
country=None, type=None, topic=None, limit=300)
        """

        def one(name: str) -> str | None:
            values = [v.strip() for v in params.get(name, ()) if v and v.strip()]
            return values[-1] if values else None

        wanted = [k.strip() for v in params.get("kind", ()) for k in v.split(",") if k.strip()]
        if "all" in wanted:
            kinds = tuple(KINDS)
        elif wanted == ["none"]:
            kinds = ()
        elif wanted:
            unknown = sorted(set(wanted) - set(KINDS))
            if unknown:
                raise ValueError(
                    f"unknown partnership kind {', '.join(unknown)}; "
                    f"use {', '.join(KINDS)}, all or none"
                )
            kinds = tuple(k for k in KINDS if k in wanted)
        else:
            kinds = STRONG_KINDS
        year_from, year_to = _int(one("from"), "from"), _int(one("to"), "to")
        if year_from is not None and year_to is not None and year_to < year_from:
            raise ValueError(f"the year range ends ({year_to}) before it starts ({year_from})")
        limit = _int(one("limit"), "limit")
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        return cls(
            kinds=kinds,
            year_from=year_from,
            year_to=year_to,
            country=one("country"),
            type=one("type"),
            topic=one("topic"),
            limit=limit if limit is not None else DEFAULT_LIMIT,
        )

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters, leaving out defaults (for links and exports).

        >>> NetworkFilter(year_from=2005, limit=50).as_params()
        {'from': '2005', 'limit': '50'}
        """
        params: dict[str, str] = {}
        if self.kinds != STRONG_KINDS:
            params["kind"] = ",".join(self.kinds) or "none"
        for name, value in (
            ("from", self.year_from),
            ("to", self.year_to),
            ("country", self.country),
            ("type", self.type),
            ("topic", self.topic),
        ):
            if value is not None:
                params[name] = str(value)
        if self.limit != DEFAULT_LIMIT:
            params["limit"] = "all" if self.limit is None else str(self.limit)
        return params

    def describe(self) -> str:
        """Every filter spelled out, defaults included (what an export states it used).

        >>> NetworkFilter().describe()
        'kind=co-organised,participated,stated; from=any; to=any; country=any; type=any; \
topic=any; limit=300'
        """
        parts = [f"kind={','.join(self.kinds) or 'none'}"]
        for name, value in (
            ("from", self.year_from),
            ("to", self.year_to),
            ("country", self.country),
            ("type", self.type),
            ("topic", self.topic),
        ):
            parts.append(f"{name}={value if value is not None else 'any'}")
        parts.append(f"limit={self.limit if self.limit is not None else 'none'}")
        return "; ".join(parts)


def _int(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None


@dataclass
class NetworkView:
    """One filtered, aggregated view: JSON-ready nodes, edges and timeline.

    Attributes:
        nodes: one dict per institution drawn (``id``, ``slug``, ``label``, ``types``,
            ``countries``, ``degree`` and ``weighted_degree`` in this view, ``metrics``
            overall, ``match``: whether it passes the country/type filter itself).
        edges: one dict per pair drawn, strongest first (``source``, ``target``,
            ``strength``, ``kinds`` with each kind's strength and evidence count, ``first``,
            ``last``, ``evidence``).
        total_edges / total_nodes: how many pairs and institutions pass the filter before the
            cut to ``limit``.
        truncated: whether pairs were cut; ``note`` says so in words.
        timeline: ``{"year", "programs", "selected"}`` per year: distinct evidence programs of
            the pairs passing every filter but the year range; ``selected`` is in the range.
    """

    filter: NetworkFilter
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    total_edges: int
    total_nodes: int
    truncated: bool
    note: str
    timeline: list[dict[str, Any]]


def _node_match(network: Network, org: Institution | None, flt: NetworkFilter) -> bool:
    if org is None:
        return flt.country is None and flt.type is None
    if flt.country is not None and f"{network.base_iri}id/place/{flt.country}" not in org.countries:
        return False
    return flt.type is None or MKG + flt.type in org.types


def select(network: Network, flt: NetworkFilter, languages: Sequence[str] = ("en",)) -> NetworkView:
    """Filter and aggregate ``network`` into a view (see the module docstring for the rules).

    >>> view = select(Network("http://ex.org/", {}, [], {}, {}), NetworkFilter())
    >>> view.edges, view.truncated
    ([], False)
    """
    topic = f"{network.base_iri}id/topic/{flt.topic}" if flt.topic else None
    in_range = _range_test(flt.year_from, flt.year_to)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    timeline: dict[int, set[str]] = defaultdict(set)
    matches: dict[str, bool] = {}
    for link in network.links:
        if link.kind not in flt.kinds:
            continue
        for end in (link.a, link.b):
            if end not in matches:
                matches[end] = _node_match(network, network.institutions.get(end), flt)
        if not (matches[link.a] or matches[link.b]):
            continue
        items = link.evidence
        if topic is not None:
            items = tuple(e for e in items if topic in network.program_topics.get(e.item, ()))
        for e in items:
            if e.is_program and e.year is not None:
                timeline[e.year].add(e.item)
        if flt.year_from is not None or flt.year_to is not None:
            items = tuple(e for e in items if e.year is not None and in_range(e.year))
        if not items and (topic is not None or link.evidence):
            continue
        strength = link.weight * len(items) if link.evidence else link.strength
        pair = pairs.setdefault(
            (link.a, link.b),
            {"source": link.a, "target": link.b, "strength": 0.0, "kinds": [], "items": set()},
        )
        pair["strength"] += strength
        pair["kinds"].append({"kind": link.kind, "strength": strength, "evidence": len(items)})
        pair["items"].update(items)
    ranked = sorted(pairs.values(), key=lambda p: (-p["strength"], p["source"], p["target"]))
    total_nodes = len({end for p in ranked for end in (p["source"], p["target"])})
    kept = ranked if flt.limit is None else ranked[: flt.limit]
    edges = [_edge(pair) for pair in kept]
    degree: dict[str, int] = defaultdict(int)
    weighted: dict[str, float] = defaultdict(float)
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            degree[end] += 1
            weighted[end] += edge["strength"]
    nodes = [
        _node(network, iri, languages, degree[iri], weighted[iri], matches.get(iri, True))
        for iri in sorted(degree, key=lambda i: (-weighted[i], i))
    ]
    truncated = len(kept) < len(ranked)
    note = (
        f"Showing the {len(kept):,} strongest of {len(ranked):,} links; "
        "narrow the filters or raise the limit to see more."
        if truncated
        else f"{len(edges):,} links between {len(nodes):,} institutions."
    )
    years = sorted(timeline)
    return NetworkView(
        filter=flt,
        nodes=nodes,
        edges=edges,
        total_edges=len(ranked),
        total_nodes=total_nodes,
        truncated=truncated,
        note=note,
        timeline=[
            {"year": y, "programs": len(timeline[y]), "selected": in_range(y)} for y in years
        ],
    )


def _range_test(year_from: int | None, year_to: int | None) -> Any:
    low = year_from if year_from is not None else -10_000
    high = year_to if year_to is not None else 10_000
    return lambda year: low <= year <= high


def _edge(pair: dict[str, Any]) -> dict[str, Any]:
    years = [e.year for e in pair["items"] if e.year is not None]
    return {
        "id": f"{pair['source']} {pair['target']}",
        "source": pair["source"],
        "target": pair["target"],
        "strength": round(pair["strength"], 3),
        "kinds": sorted(pair["kinds"], key=lambda k: list(KINDS).index(k["kind"])),
        "first": min(years) if years else None,
        "last": max(years) if years else None,
        "evidence": len(pair["items"]),
    }


def _node(
    network: Network,
    iri: str,
    languages: Sequence[str],
    degree: int,
    weighted: float,
    match: bool,
) -> dict[str, Any]:
    org = network.institutions.get(iri) or Institution(iri, iri.rsplit("/", 1)[-1])
    types = sorted(org.types)
    countries = sorted(org.countries)
    return {
        "id": iri,
        "slug": org.slug,
        "label": org.label(languages),
        "types": [t.removeprefix(MKG) for t in types],
        "type_labels": [network.name(t, languages) for t in types],
        "countries": [c.rsplit("/", 1)[-1] for c in countries],
        "country_labels": [network.name(c, languages) for c in countries],
        "degree": degree,
        "weighted_degree": round(weighted, 3),
        "metrics": dict(org.metrics),
        "match": match,
    }


def facets(network: Network, languages: Sequence[str] = ("en",)) -> dict[str, list[dict[str, str]]]:
    """What the filters can take, with names: kinds, countries, types, topics, and years.

    Only values that occur in the network are offered (a country with no institution in a
    partnership is not).
    """
    countries = {c for org in network.institutions.values() for c in org.countries}
    types = {t for org in network.institutions.values() for t in org.types}
    topics = {t for found in network.program_topics.values() for t in found}

    def named(iris: set[str], value: Any) -> list[dict[str, str]]:
        rows = [{"value": value(i), "label": network.name(i, languages)} for i in iris]
        return sorted(rows, key=lambda r: r["label"].casefold())

    return {
        "kinds": [
            {"value": k, "label": network.name(MKG + name, languages)} for k, name in KINDS.items()
        ],
        "countries": named(countries, lambda i: i.rsplit("/", 1)[-1]),
        "types": named(types, lambda i: i.removeprefix(MKG)),
        "topics": named(topics, lambda i: i.rsplit("/", 1)[-1]),
        "years": [{"value": str(y), "label": str(y)} for y in network.years()],
    }
