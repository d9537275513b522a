"""Why are two institutions linked? Their evidence paths, their shortest chains, their partners.

:func:`explain_pair` answers for a pair: each partnership node between them (kind, strength,
years, the rule that derived it) and, under it, each evidence path: the program, how each of
the two took part in it (organiser, named partner, a role played by or on behalf of it) and
the source document that says so; for a stated partnership, the stating sources. When the two
have no strong partnership (``mkg:partnerOf``), it adds the shortest chains of strong
partnerships that connect them (breadth-first over the network's edge list, by networkx), each
hop with its kinds, strength and evidence.

:func:`partners_in_network` is the institution panel: partners ranked by summed strength.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from itertools import islice
from typing import Any

import networkx as nx
import pyoxigraph as ox

from museumkg.iris import parse_entity_iri
from museumkg.lang import pick_value, reader_chain
from museumkg.namespaces import MKG
from museumkg.network.model import KINDS, STRONG_KINDS, Network, add_label, kind_slug
from museumkg.network.shapes import (
    Hop,
    Institution,
    Metrics,
    NetworkPosition,
    PairExplained,
    Partner,
    PartnerKind,
    YearMetrics,
)
from museumkg.queries import named_rows
from museumkg.store import Store, Term
from museumkg.store.terms import lexical

#: How many shortest chains the why page lists at most.
MAX_CHAINS = 5

Languages = Sequence[str]


def _text(row: dict[str, Term], name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None and not isinstance(term, ox.Triple) else None


def describe_institution(
    store: Store, base_iri: str, iri: str, languages: Languages
) -> Institution | None:
    """Name, slug and classes of an institution; ``None`` when ``iri`` is not one.

    An institution is anything typed with a catalog class under ``mkg:Institution`` or a
    member of a partnership.
    """
    labels: dict[str, str] = {}
    types: set[str] = set()
    for row in named_rows(store, "entity_names", entity=iri):
        if "label" in row:
            add_label(labels, row["label"])
        if "type" in row:
            types.add(lexical(row["type"]))
    ref = parse_entity_iri(base_iri, iri)
    if ref is None or ref.kind != "org" or not (types or labels):
        return None
    return {"iri": iri, "slug": ref.slug, "label": pick_value(labels, languages, ref.slug)}


def _kind_names(store: Store) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "partnership_kinds"):
        add_label(names[lexical(row["kind"])], row["label"])
    return names


def _role_text(found: dict[str, Any], member: str, languages: Languages) -> str:
    """How ``member`` took part, in words: organiser, named partner, or a role (and by whom)."""
    if found["how"] == "organizer":
        return "organiser"
    if found["how"] == "partner":
        return "named partner"
    role = pick_value(found["role_labels"], languages, "role").lower()
    agent = found["agent"]
    if found["via"] == "onBehalfOf" and agent and agent != member:
        who = pick_value(found["agent_labels"], languages, agent.rsplit("/", 1)[-1])
        return f"{role}: {who}, on its behalf"
    return role


# Complexity: one pass over the evidence rows, grouping them by partnership node, program and
# source
def _evidence(store: Store, a: str, b: str, languages: Languages) -> dict[str, Any]:  # noqa: C901
    """Partnership nodes between ``a`` and ``b``, with programs, sources and involvement."""
    kind_names = _kind_names(store)
    nodes: dict[str, dict[str, Any]] = {}
    for row in named_rows(store, "why_partnerships", a=a, b=b):
        kind_iri = lexical(row["kind"])
        rule = _text(row, "rule")
        nodes.setdefault(
            lexical(row["partnership"]),
            {
                "iri": lexical(row["partnership"]),
                "kind": kind_slug(kind_iri) or kind_iri,
                "kind_label": pick_value(kind_names.get(kind_iri, {}), languages, kind_iri),
                "strength": float(_text(row, "strength") or 0),
                "first": _text(row, "first"),
                "last": _text(row, "last"),
                "rule": rule,
                "rule_name": rule.rsplit("/rule/", 1)[-1] if rule else None,
                "programs": {},
                "sources": {},
            },
        )
    program_labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "why_programs", a=a, b=b):
        node = nodes.get(lexical(row["partnership"]))
        if node is None:
            continue
        iri = lexical(row["program"])
        program = node["programs"].setdefault(
            iri,
            {"iri": iri, "start": None, "end": None, "topics": set(), "roles": defaultdict(list)},
        )
        program["start"] = program["start"] or _text(row, "start")
        program["end"] = program["end"] or _text(row, "end")
        if "label" in row:
            add_label(program_labels[iri], row["label"])
        if "topic" in row:
            program["topics"].add(lexical(row["topic"]))
    sources: dict[str, dict[str, Any]] = {}
    for row in named_rows(store, "why_sources", a=a, b=b):
        iri = lexical(row["source"])
        source = sources.setdefault(iri, {"iri": iri, "titles": {}, "issued": None, "link": None})
        if "title" in row:
            add_label(source["titles"], row["title"])
        source["issued"] = source["issued"] or _text(row, "issued")
        source["link"] = source["link"] or _text(row, "link")
        node = nodes.get(lexical(row["partnership"]))
        if node is not None:
            node["sources"][iri] = source
    # one involvement per program, member, way of taking part and source; its labels come in
    # one row per language
    involved: dict[tuple[str | None, ...], dict[str, Any]] = {}
    rows = [
        r
        for member in (a, b)
        for r in named_rows(store, "why_involvement", a=a, b=b, member=member)
    ]
    for row in rows:
        key = tuple(
            _text(row, name)
            for name in ("program", "member", "how", "roleType", "agent", "via", "source")
        )
        entry = involved.setdefault(
            key,
            {
                "how": key[2],
                "agent": key[4],
                "via": key[5],
                "role_labels": {},
                "agent_labels": {},
            },
        )
        if "roleTypeLabel" in row:
            add_label(entry["role_labels"], row["roleTypeLabel"])
        if "agentLabel" in row:
            add_label(entry["agent_labels"], row["agentLabel"])
    roles: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for key, entry in sorted(involved.items(), key=lambda item: str(item[0])):
        program, member, cited = str(key[0]), str(key[1]), str(key[6])
        text = {"role": _role_text(entry, member, languages), "source": cited}
        if text not in roles[(program, member)]:
            roles[(program, member)].append(text)
    for source in sources.values():
        source["title"] = pick_value(source.pop("titles"), languages, source["iri"])
    return {
        "nodes": nodes,
        "program_labels": program_labels,
        "sources": sources,
        "roles": roles,
    }


def _paths(found: dict[str, Any], a: str, b: str, languages: Languages) -> list[dict[str, Any]]:
    """Flatten partnership nodes into evidence paths, strongest kind first."""
    paths: list[dict[str, Any]] = []
    order = list(KINDS)
    nodes = sorted(
        found["nodes"].values(),
        key=lambda n: (order.index(n["kind"]) if n["kind"] in order else 99, n["iri"]),
    )
    for node in nodes:
        base = {k: node[k] for k in ("kind", "kind_label", "rule", "rule_name")}
        programs = sorted(node["programs"].values(), key=lambda p: (p["start"] or "", p["iri"]))
        # a shared-topic node may rest on several topic-year pairs: a program's shared topics
        # are those another of the node's programs has too
        shared: set[str] = set()
        if node["kind"] == "shared-topic":
            counts: dict[str, int] = defaultdict(int)
            for program in programs:
                for topic in program["topics"]:
                    counts[topic] += 1
            shared = {topic for topic, count in counts.items() if count > 1}
        for program in programs:
            roles = []
            for member in (a, b):
                for entry in found["roles"].get((program["iri"], member), []):
                    roles.append(
                        {
                            "member": member,
                            "role": entry["role"],
                            "source": found["sources"].get(entry["source"])
                            or {"iri": entry["source"], "title": entry["source"]},
                        }
                    )
            label = pick_value(found["program_labels"].get(program["iri"], {}), languages)
            paths.append(
                {
                    **base,
                    "program": {
                        "iri": program["iri"],
                        "label": label or program["iri"].rsplit("/", 1)[-1],
                        "start": program["start"],
                        "end": program["end"],
                    },
                    "roles": roles,
                    "shared_topics": sorted(shared & program["topics"]),
                    "sources": [],
                }
            )
        if not programs:
            paths.append(
                {
                    **base,
                    "program": None,
                    "roles": [],
                    "shared_topics": [],
                    "sources": sorted(node["sources"].values(), key=lambda s: s["iri"]),
                }
            )
    return paths


def strong_graph(network: Network) -> nx.Graph:
    """The graph of strong partnerships (``mkg:partnerOf``) of a network (made once per
    network: it is read-only afterwards)."""

    def make() -> nx.Graph[str]:
        graph: nx.Graph[str] = nx.Graph()
        for link in network.links:
            if link.kind in STRONG_KINDS:
                graph.add_edge(link.a, link.b)
        return graph

    graph: nx.Graph = network.memo("strong_graph", make)
    return graph


def _hop(network: Network, x: str, y: str, languages: Languages) -> Hop:
    links = network.pair_links(x, y)
    strong = [link for link in links if link.kind in STRONG_KINDS]
    years = [e.year for link in strong for e in link.evidence if e.year]

    def end(iri: str) -> Institution:
        org = network.institutions.get(iri)
        slug = org.slug if org else iri.rsplit("/", 1)[-1]
        return {"iri": iri, "slug": slug, "label": org.label(languages) if org else slug}

    return {
        "from": end(x),
        "to": end(y),
        "strength": round(sum(link.strength for link in strong), 3),
        "kinds": [link.kind for link in strong],
        "first": min(years) if years else None,
        "last": max(years) if years else None,
        "programs": sorted({e.item for link in strong for e in link.evidence if e.is_program}),
        "sources": sorted({e.item for link in strong for e in link.evidence if not e.is_program}),
    }


def explain_pair(
    store: Store,
    network: Network,
    a: str,
    b: str,
    languages: Languages = ("en",),
    max_chains: int = MAX_CHAINS,
) -> PairExplained:
    """Why are ``a`` and ``b`` linked? Evidence paths, and chains when not directly linked.

    Args:
        store: the catalog.
        network: its partnership network (:func:`museumkg.network.model.load_network`), for chains.
        a, b: IRIs of two institutions.
        languages: label languages, best first.
        max_chains: most shortest chains listed.

    Returns:
        ``paths`` (evidence paths: ``kind``, ``kind_label``, ``rule``, ``program``, ``roles``
        with each role's ``source``, ``sources`` for stated partnerships), ``linked`` (a
        strong partnership exists), ``weakly_linked``, ``strength`` (of the pair), ``chains``
        (lists of hops, each with ``from``, ``to``, ``kinds``, ``strength``, ``programs``,
        ``sources``), ``distance`` (hops of the shortest chain, ``None`` when unconnected).
    """
    found = _evidence(store, a, b, languages)
    paths = _paths(found, a, b, languages)
    kinds = {node["kind"] for node in found["nodes"].values()}
    linked = bool(kinds & set(STRONG_KINDS))
    strength = sum(node["strength"] for node in found["nodes"].values())
    chains: list[list[Hop]] = []
    distance: int | None = 1 if linked else None
    if not linked:
        graph = strong_graph(network)
        if a in graph and b in graph and nx.has_path(graph, a, b):
            shortest = list(islice(nx.all_shortest_paths(graph, a, b), max_chains))
            distance = len(shortest[0]) - 1
            chains = [
                [_hop(network, x, y, languages) for x, y in zip(path, path[1:], strict=False)]
                for path in shortest
            ]
    return {
        "linked": linked,
        "weakly_linked": bool(kinds) and not linked,
        "strength": round(strength, 3),
        "kinds": sorted(kinds, key=lambda k: list(KINDS).index(k) if k in KINDS else 99),
        "paths": paths,
        "chains": chains,
        "distance": distance,
    }


#: Institutions whose partner lists are kept with a loaded network (least recently used go).
PARTNER_CACHE = 256
_PARTNER_LOCK = threading.Lock()


def _partner_rows(network: Network, iri: str) -> list[dict[str, Any]]:
    """The language-free part of an institution's partner list, made once per network."""
    cache: OrderedDict[str, list[dict[str, Any]]] = network.memo("partner_rows", OrderedDict)
    with _PARTNER_LOCK:
        if iri in cache:
            cache.move_to_end(iri)
            return cache[iri]
    partners: dict[str, dict[str, Any]] = {}
    for link in network.member_links(iri):
        other = link.b if link.a == iri else link.a
        partner = partners.setdefault(other, {"kinds": {}, "items": set(), "years": set()})
        partner["kinds"].setdefault(link.kind, link.strength)
        years = [e.year for e in link.evidence if e.year is not None]
        if years:
            partner["years"].update((min(years), max(years)))
        partner["items"].update(e.item for e in link.evidence)
    rows = []
    for other, partner in partners.items():
        org = network.institutions.get(other)
        years = sorted(partner["years"])
        rows.append(
            {
                "iri": other,
                "slug": org.slug if org else other.rsplit("/", 1)[-1],
                "labels": org.labels if org else {},
                "kinds": partner["kinds"],
                "strength": round(sum(partner["kinds"].values()), 3),
                "first": str(years[0]) if years else None,
                "last": str(years[-1]) if years else None,
                "evidence": len(partner["items"]),
                "strong": any(kind in STRONG_KINDS for kind in partner["kinds"]),
            }
        )
    with _PARTNER_LOCK:
        cache[iri] = rows
        while len(cache) > PARTNER_CACHE:
            cache.popitem(last=False)
    return rows


def partners_in_network(
    network: Network, iri: str, lang: str | Sequence[str] | None = "en"
) -> list[Partner]:
    """An institution's partners, strongest first, read from a loaded network (the network
    file is built with the store): the one partners list of the institution panel, the entity
    page and the network views (``tests/network/test_network.py`` checks it against the store's
    ``partners_of.rq``).

    Returns:
        one dict per partner: ``iri``, ``slug``, ``label``, ``strength`` (summed over kinds),
        ``kinds`` (``kind``, ``label``, ``strength`` each; strongest kind first), ``first``
        and ``last`` year, ``evidence`` (distinct evidence items), ``strong`` (false when only
        a shared topic links them).

    The partnership nodes of one institution come from an index made once per network
    (:meth:`museumkg.network.model.Network.member_links`) and the language-free part of the list is
    kept for the last :data:`PARTNER_CACHE` institutions asked (and the list itself per
    institution and languages), so the cost follows the
    institution's own partners, not the size of the catalog. Years are those of the evidence
    items (the rules' ``mkg:firstYear``/``mkg:lastYear`` are made from the same dates).
    """
    languages = reader_chain(lang)
    cache: OrderedDict[tuple[str, ...], list[Partner]] = network.memo("partner_lists", OrderedDict)
    key = (iri, *languages)
    with _PARTNER_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return [p.copy() for p in cache[key]]
    order = list(KINDS)
    kind_labels = {kind: network.name(MKG + name, languages) for kind, name in KINDS.items()}
    result: list[Partner] = []
    for row in _partner_rows(network, iri):
        kinds: list[PartnerKind] = [
            {"kind": kind, "label": kind_labels[kind], "strength": strength}
            for kind, strength in row["kinds"].items()
        ]
        kinds.sort(key=lambda k: (-k["strength"], order.index(k["kind"])))
        result.append(
            {
                "iri": row["iri"],
                "slug": row["slug"],
                "label": pick_value(row["labels"], languages, row["slug"]),
                "strength": row["strength"],
                "kinds": kinds,
                "first": row["first"],
                "last": row["last"],
                "evidence": row["evidence"],
                "strong": row["strong"],
            }
        )
    result.sort(key=lambda p: (-p["strength"], p["label"].casefold(), p["iri"]))
    with _PARTNER_LOCK:
        cache[key] = result
        while len(cache) > PARTNER_CACHE:
            cache.popitem(last=False)
    return [p.copy() for p in result]


def network_position(store: Store, iri: str) -> NetworkPosition | None:
    """An institution's build-time network metrics: ``overall`` and per-year ``years``.

    ``None`` when the institution is in no strong partnership (no metrics were computed).
    """
    overall: Metrics | None = None
    years: list[YearMetrics] = []
    for row in named_rows(store, "institution_metrics", org=iri):
        values: Metrics = {
            "degree": int(lexical(row["degree"])),
            "weighted_degree": float(lexical(row["weightedDegree"])),
            "betweenness": float(lexical(row["betweenness"])),
            "community": int(lexical(row["community"])),
        }
        year = _text(row, "year")
        if year is None:
            overall = values
        else:
            years.append({"year": year, **values})
    if overall is None and not years:
        return None
    return {"overall": overall, "years": years}
