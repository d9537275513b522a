"""Views of the partnership network: :func:`select` answers one filtered view of a
:class:`~museumkg.network.model.Network` in Python: the pairs that pass the filters, their
strength recomputed from the evidence that passes, cut to the strongest ``limit`` pairs, with
the programs per year as a timeline; :func:`facets` lists what the filters can take.

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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from museumkg.namespaces import MKG
from museumkg.network.model import (
    DEFAULT_LIMIT,
    KINDS,
    MAX_LIMIT,
    STRONG_KINDS,
    Evidence,
    Institution,
    Network,
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


class KindStrength(TypedDict):
    """One kind of partnership of a drawn pair: its strength and evidence in this view."""

    kind: str
    strength: float
    evidence: int


class ViewEdge(TypedDict):
    """A pair drawn in a view (the web app adds ``why``, the path of its why page)."""

    id: str
    source: str
    target: str
    strength: float
    kinds: list[KindStrength]
    first: int | None
    last: int | None
    evidence: int
    why: NotRequired[str]


class ViewNode(TypedDict):
    """An institution drawn in a view (the web app adds ``href``, the path of its page)."""

    id: str
    slug: str
    label: str
    types: list[str]
    type_labels: list[str]
    countries: list[str]
    country_labels: list[str]
    degree: int
    weighted_degree: float
    metrics: dict[str, float]
    match: bool
    href: NotRequired[str]


class TimelineYear(TypedDict):
    year: int
    programs: int
    selected: bool


class _Pair(TypedDict):
    """A pair being aggregated: its kinds' strengths and the evidence that passes."""

    source: str
    target: str
    strength: float
    kinds: list[KindStrength]
    items: set[Evidence]


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
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    total_edges: int
    total_nodes: int
    truncated: bool
    note: str
    timeline: list[TimelineYear]


def _node_match(network: Network, org: Institution | None, flt: NetworkFilter) -> bool:
    if org is None:
        return flt.country is None and flt.type is None
    if flt.country is not None and f"{network.base_iri}id/place/{flt.country}" not in org.countries:
        return False
    return flt.type is None or MKG + flt.type in org.types


# Complexity: the filter's rules applied in the order the module docstring gives them
def select(network: Network, flt: NetworkFilter, languages: Sequence[str] = ("en",)) -> NetworkView:  # noqa: C901
    """Filter and aggregate ``network`` into a view (see the module docstring for the rules).

    >>> view = select(Network("http://ex.org/", {}, [], {}, {}), NetworkFilter())
    >>> view.edges, view.truncated
    ([], False)
    """
    topic = f"{network.base_iri}id/topic/{flt.topic}" if flt.topic else None
    in_range = _range_test(flt.year_from, flt.year_to)
    pairs: dict[tuple[str, str], _Pair] = {}
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


def _edge(pair: _Pair) -> ViewEdge:
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
) -> ViewNode:
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
