"""Browsing the catalog, as plain data: the class tree, class listings with facets, the topic
scheme as a tree, places by country.

Listings and facets read the catalog index (:mod:`museumkg.index.catalog_index`): a class page is
one
range scan of ``listing`` in the reader's sort order, keyset-paged; facet counts without
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
from museumkg.queries import load_query
from museumkg.store import Store, select_rows
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
    counts = {r["class"]: int(r["n"]) for r in index.rows("SELECT class, n FROM class_counts")}
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


def _filter_sql(filters: Mapping[str, str]) -> tuple[str, list[str]]:
    sql, params = "", []
    for facet in FACETS:
        if filters.get(facet):
            sql += " AND l.entity IN (SELECT entity FROM facets WHERE facet = ? AND value = ?)"
            params += [facet, filters[facet]]
    return sql, params


def _facet_values(
    index: CatalogIndex,
    vocab: Vocabulary,
    class_iri: str,
    filters: Mapping[str, str],
    chain: Sequence[str],
) -> list[dict[str, Any]]:
    if any(filters.get(f) for f in FACETS):
        where, params = _filter_sql(filters)
        rows = index.rows(
            "SELECT f.facet, f.value, COUNT(*) AS n FROM facets f WHERE f.entity IN "
            f"(SELECT l.entity FROM types l WHERE l.class = ?{where}) "
            "GROUP BY f.facet, f.value ORDER BY f.facet, n DESC, f.value",
            [class_iri, *params],
        )
    else:
        rows = index.rows(
            "SELECT facet, value, n FROM facet_counts WHERE class = ? "
            "ORDER BY facet, n DESC, value",
            [class_iri],
        )
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
    if not iris:
        return {}
    marks = ",".join("?" * len(iris))
    ids = [r["id"] for r in index.rows(f"SELECT id FROM entities WHERE iri IN ({marks})", iris)]
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
    where, params = _filter_sql(filters)
    key_after, key_before = decode_cursor(after, _CURSOR), decode_cursor(before, _CURSOR)
    sql = f"SELECT l.sort_key, l.entity FROM listing l WHERE l.class = ? AND l.lang = ?{where}"
    args: list[Any] = [class_iri, lang, *params]
    if key_before is not None:
        sql += " AND (l.sort_key, l.entity) < (?, ?) ORDER BY l.sort_key DESC, l.entity DESC"
        args += key_before
    else:
        if key_after is not None:
            sql += " AND (l.sort_key, l.entity) > (?, ?)"
            args += key_after
        sql += " ORDER BY l.sort_key, l.entity"
    rows = index.rows(sql + " LIMIT ?", [*args, PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    if key_before is not None:
        rows.reverse()
    if filters:
        count_sql = f"SELECT COUNT(*) AS n FROM types l WHERE l.class = ?{where}"
        count = int(index.rows(count_sql, [class_iri, *params])[0]["n"])
    else:
        found = index.rows("SELECT n FROM class_counts WHERE class = ?", [class_iri])
        count = int(found[0]["n"]) if found else 0
    ids = [r["entity"] for r in rows]
    described = index.describe(ids, chain)
    types = _asserted_types(index, ids)
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


def _asserted_types(index: CatalogIndex, ids: Sequence[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    found: dict[int, list[str]] = {}
    sql = (
        f"SELECT entity, class FROM types WHERE asserted = 1 AND entity IN ({marks}) ORDER BY class"
    )
    for row in index.rows(sql, ids):
        if row["class"].startswith(MKG):
            found.setdefault(row["entity"], []).append(row["class"])
    return found


def topic_tree(store: Store, index: CatalogIndex, chain: Sequence[str]) -> list[dict[str, Any]]:
    """Each topic scheme with its topics as a tree (``skos:broader``), with program counts."""
    rows = list(select_rows(store.query(load_query("topic_tree").text)))
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
        r["value"]: int(r["n"])
        for r in index.rows(
            "SELECT value, n FROM facet_counts WHERE class = ? AND facet = 'topic'",
            [f"{MKG}Program"],
        )
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
    countries = [
        r["entity"]
        for r in index.rows(
            "SELECT entity FROM listing WHERE class = ? AND lang = ? ORDER BY sort_key LIMIT 500",
            [f"{MKG}Country", lang],
        )
    ]
    cities = index.rows(
        "SELECT f.value AS country, l.entity FROM listing l JOIN facets f "
        "ON f.entity = l.entity AND f.facet = 'country' "
        "WHERE l.class = ? AND l.lang = ? ORDER BY l.sort_key LIMIT 5000",
        [f"{MKG}City", lang],
    )
    described = index.describe(sorted({*countries, *(r["entity"] for r in cities)}), chain)
    usage: dict[tuple[str, str], int] = {}
    for cls in ("Institution", "Program"):
        for row in index.rows(
            "SELECT value, n FROM facet_counts WHERE class = ? AND facet IN ('country', 'city')",
            [f"{MKG}{cls}"],
        ):
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
        by_country.setdefault(row["country"], []).append(entry(row["entity"]))
    result = []
    for number in countries:
        country = entry(number)
        country["cities"] = by_country.get(country["iri"], [])
        result.append(country)
    return result
