"""Browsing the catalog, as plain data: the class tree, class listings with facets, the topic
scheme as a tree, places by country.

Listings and facets read the catalog index (:mod:`museumkg.index.catalog_index`): a class page
is one range scan of ``listing`` in the reader's sort order, keyset-paged; facet counts without
filters are precomputed per class (``facet_counts``), with filters they are counted over the
filtered entities. The topic tree's structure comes from one bounded SPARQL query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import FACETS, CatalogIndex
from museumkg.index.vocab import Vocabulary, local_name
from museumkg.namespaces import MKG
from museumkg.paging import decode_cursor, encode_cursor
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical

#: Entities per listing page.
PAGE = 25
#: Values shown per facet (the most frequent).
FACET_VALUES = 15
_CURSOR = (str, int)


def sort_language(index: CatalogIndex, chain: Sequence[str]) -> str:
    """The language whose names a listing is sorted by: the reader's first indexed language."""
    indexed = index.languages()
    return next((lang for lang in chain if lang in indexed), indexed[0])


def _class_entry(vocab: Vocabulary, iri: str, chain: Sequence[str]) -> dict[str, Any]:
    label = vocab.label(iri, chain)
    definition = vocab.definition(iri, chain)
    return {
        "iri": iri,
        "name": local_name(iri),
        "label": label.value,
        "label_lang": label.lang,
        "definition": definition.value if definition else None,
        "definition_lang": definition.lang if definition else None,
    }


def class_tree(
    index: CatalogIndex, vocab: Vocabulary, chain: Sequence[str]
) -> list[dict[str, Any]]:
    """The catalog's classes as a tree (by ``rdfs:subClassOf``), each with how many entities
    it has (subclasses included); classes without entities are left out."""
    counts = index.class_counts()
    classes = [c for c in vocab.catalog_classes() if counts.get(c)]
    present = set(classes)

    def parents(cls: str) -> list[str]:
        return [
            p
            for p in vocab.values(cls, "http://www.w3.org/2000/01/rdf-schema#subClassOf")
            if p in present
        ]

    def node(cls: str, seen: frozenset[str]) -> dict[str, Any]:
        children = [c for c in classes if cls in parents(c) and c not in seen]
        entry = _class_entry(vocab, cls, chain)
        entry["count"] = counts[cls]
        entry["children"] = sorted(
            (node(c, seen | {c}) for c in children), key=lambda e: e["label"].casefold()
        )
        return entry

    roots = [c for c in classes if not parents(c)]
    return sorted((node(c, frozenset({c})) for c in roots), key=lambda e: e["label"].casefold())


def _facet_values(
    index: CatalogIndex,
    vocab: Vocabulary,
    class_iri: str,
    filters: Mapping[str, str],
    chain: Sequence[str],
) -> list[dict[str, Any]]:
    rows = index.facet_counts(class_iri, filters)
    by_facet: dict[str, list[tuple[str, int]]] = {f: [] for f in FACETS}
    for row in rows:
        counted = by_facet.get(row["facet"])
        if counted is not None and len(counted) < FACET_VALUES:
            counted.append((row["value"], int(row["n"])))
    entity_values = [v for f in ("country", "city", "topic") for v, _n in by_facet[f]]
    names = _names_by_iri(index, entity_values, chain)
    facets = []
    for facet in FACETS:
        values: list[dict[str, Any]] = []
        for value, count in by_facet[facet]:
            if facet == "type":
                label = vocab.label(value, chain)
                text, lang = label.value, label.lang
            elif facet == "year":
                text, lang = value, ""
            else:
                text, lang = names.get(value, (local_name(value), ""))
            values.append(
                {
                    "value": value,
                    "label": text,
                    "label_lang": lang,
                    "count": count,
                    "selected": filters.get(facet) == value,
                }
            )
        if facet == "year":
            values.sort(key=lambda v: v["value"], reverse=True)
        if values and not (facet == "type" and len(values) == 1 and not filters.get("type")):
            facets.append({"facet": facet, "values": values, "selected": filters.get(facet)})
    return facets


def _names_by_iri(
    index: CatalogIndex, iris: Sequence[str], chain: Sequence[str]
) -> dict[str, tuple[str, str]]:
    ids = list(index.ids_of(iris).values())
    return {e["iri"]: (e["label"], e["label_lang"]) for e in index.describe(ids, chain).values()}


def class_listing(
    index: CatalogIndex,
    vocab: Vocabulary,
    class_iri: str,
    chain: Sequence[str],
    *,
    filters: Mapping[str, str] | None = None,
    after: str = "",
    before: str = "",
) -> dict[str, Any]:
    """One page of a class's entities sorted by name, with facets and counts.

    Args:
        filters: facet → value (an IRI, or a year), all of which an entity must have.
        after, before: cursors of the neighbouring pages (``next`` / ``previous`` of a page).

    Returns:
        ``class``, ``count`` (entities matching), ``items`` (``iri``, ``label``, ``kind``,
        ``types``), ``facets``, ``filters``, ``next``, ``previous``, ``sort_lang``.

    Raises:
        ValueError: for a malformed cursor.
    """
    filters = {f: v for f, v in (filters or {}).items() if f in FACETS and v}
    lang = sort_language(index, chain)
    key_after, key_before = decode_cursor(after, _CURSOR), decode_cursor(before, _CURSOR)
    rows = index.listing_page(
        class_iri, lang, filters, after=key_after, before=key_before, limit=PAGE + 1
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    if key_before is not None:
        rows.reverse()
    count = index.class_count(class_iri, filters)
    ids = [r["entity"] for r in rows]
    described = index.describe(ids, chain)
    types = index.types_of(ids, within=MKG)
    items = []
    for number in ids:
        entry = described[number]
        items.append(
            {
                **{k: entry[k] for k in ("iri", "label", "label_lang", "kind")},
                "types": [
                    {"iri": t, "label": vocab.label(t, chain).value}
                    for t in types.get(number, [])
                    if t != class_iri
                ],
            }
        )
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    has_next = more if key_before is None else True
    has_previous = (key_after is not None) or (key_before is not None and more)
    return {
        "class": _class_entry(vocab, class_iri, chain),
        "count": count,
        "items": items,
        "facets": _facet_values(index, vocab, class_iri, filters, chain),
        "filters": filters,
        "sort_lang": lang,
        "next": encode_cursor([last["sort_key"], last["entity"]]) if has_next and last else None,
        "previous": encode_cursor([first["sort_key"], first["entity"]])
        if has_previous and first
        else None,
    }


def topic_tree(store: Store, index: CatalogIndex, chain: Sequence[str]) -> list[dict[str, Any]]:
    """Each topic scheme with its topics as a tree (``skos:broader``), with program counts."""
    rows = named_rows(store, "topic_tree")
    topics: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = topics.setdefault(lexical(row["topic"]), {"schemes": set(), "broader": set()})
        for name, bucket in (("scheme", "schemes"), ("topOf", "schemes"), ("broader", "broader")):
            term = row.get(name)
            if isinstance(term, ox.NamedNode):
                entry[bucket].add(term.value)
    schemes = sorted({s for t in topics.values() for s in t["schemes"]}) or [""]
    names = _names_by_iri(index, [*topics, *[s for s in schemes if s]], chain)
    counts = {
        r["value"]: int(r["n"]) for r in index.facet_counts(f"{MKG}Program", facets=["topic"])
    }

    def node(iri: str, seen: frozenset[str]) -> dict[str, Any]:
        label, lang = names.get(iri, (local_name(iri), ""))
        children = [t for t, e in topics.items() if iri in e["broader"] and t not in seen]
        return {
            "iri": iri,
            "label": label,
            "label_lang": lang,
            "programs": counts.get(iri, 0),
            "children": sorted(
                (node(c, seen | {c}) for c in children), key=lambda n: n["label"].casefold()
            ),
        }

    tree = []
    for scheme in schemes:
        members = [t for t, e in topics.items() if scheme in e["schemes"] or not scheme]
        roots = [t for t in members if not (topics[t]["broader"] & set(topics))]
        label, lang = names.get(scheme, (local_name(scheme), "")) if scheme else ("", "")
        tree.append(
            {
                "iri": scheme or None,
                "label": label,
                "label_lang": lang,
                "topics": sorted(
                    (node(t, frozenset({t})) for t in roots), key=lambda n: n["label"].casefold()
                ),
            }
        )
    return tree


def places(index: CatalogIndex, vocab: Vocabulary, chain: Sequence[str]) -> list[dict[str, Any]]:
    """Countries (by name) with their cities, and how many institutions and programs each has."""
    lang = sort_language(index, chain)
    countries = index.listed(f"{MKG}Country", lang, 500)
    cities = index.listed_with_facet(f"{MKG}City", "country", lang, 5000)
    described = index.describe(sorted({*countries, *(r["entity"] for r in cities)}), chain)
    usage: dict[tuple[str, str], int] = {}
    for cls in ("Institution", "Program"):
        for row in index.facet_counts(f"{MKG}{cls}", facets=["country", "city"]):
            usage[(row["value"], cls)] = int(row["n"])

    def entry(number: int) -> dict[str, Any]:
        found = described[number]
        iri = found["iri"]
        return {
            "iri": iri,
            "label": found["label"],
            "label_lang": found["label_lang"],
            "institutions": usage.get((iri, "Institution"), 0),
            "programs": usage.get((iri, "Program"), 0),
        }

    by_country: dict[str, list[dict[str, Any]]] = {}
    for row in cities:
        by_country.setdefault(row["value"], []).append(entry(row["entity"]))
    result = []
    for number in countries:
        country = entry(number)
        country["cities"] = by_country.get(country["iri"], [])
        result.append(country)
    return result
