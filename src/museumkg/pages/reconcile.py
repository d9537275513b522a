"""The W3C Entity Reconciliation API (0.2, as OpenRefine 3.x speaks it), minus HTTP.

Candidates come from the one matcher (:func:`museumkg.index.matcher.find`), so ``/search``
and ``/reconcile`` rank alike. Scores (0..100), documented in docs/reconciliation.md:

- the name: 100 for an exact match of a preferred name, 98 of another name (an alternative
  name, a name without its parentheses, an acronym), 95 for the same name spelt another way;
  a partial match scores by tier and by how much of the name the query covers
  (prefix 60..90, words 55..85, loose words 50..80, misspelt words 40..70), an entity found
  through its place 30;
- each query property (``country``, ``city``, ``type``, ``founded``, any ontology property):
  +10 when a value of the entity agrees, -20 when the entity has values and none agrees, 0
  when it has none;
- clamped to 0..100. ``match: true`` only for an unambiguous exact match: the best candidate
  matched a name exactly, no other named entity did, it is a named entity, and no property
  disagreed.

Candidates are named entities (institutions, people, programs, places, topics, sources), best
score first; derived nodes (partnerships, roles, claims) only when the query's type asks for
them (``Partnership``...): a spreadsheet names entities, and derived candidates would crowd
them and mislead OpenRefine's guess of the column's type. A candidate's ``type`` lists its
asserted classes, then their catalog superclasses (a museum is also an ``Institution``).
Every candidate has ``features`` (``name`` score, per property ``property:<id>`` agreement)
and a ``description`` saying why it matched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from museumkg.index.match_tables import NAMED_KINDS
from museumkg.index.matcher import (
    CANDIDATES,
    EXACT,
    FUZZY,
    LOOSE_WORDS,
    MAX_QUERY,
    PLACE,
    PREFIX,
    SPELLING,
    WORDS,
    Match,
    find,
)
from museumkg.index.name_keys import HOW_NAME
from museumkg.namespaces import MKG
from museumkg.pages.reconcile_data import PROPERTIES, PROPOSED, Catalog
from museumkg.textfold import fold, latin

#: Most queries in one batch (a larger batch is refused with 413).
MAX_BATCH = 50
#: Candidates per query: by default, and at most.
DEFAULT_LIMIT, MAX_LIMIT = 5, 25
#: Most properties per query, and values per property.
MAX_PROPERTIES, MAX_PROPERTY_VALUES = 10, 10
#: Score of a partial match by tier: (lowest, highest) as the query covers more of the name.
PARTIAL = {PREFIX: (60, 90), WORDS: (55, 85), LOOSE_WORDS: (50, 80), FUZZY: (40, 70)}
AGREES, DISAGREES = 10.0, -20.0
#: The types OpenRefine offers first (and the suggest service's defaults).
DEFAULT_TYPES = ("Institution", "Person", "Program", "Place", "Topic")
#: Classes of derived nodes: reconciled against only when the query's type is one of them.
DERIVED_TYPES = ("Partnership", "Role", "Claim")


class BadRequest(ValueError):
    """Input the service refuses, with a message naming what and where (400)."""


class TooLarge(BadRequest):
    """A batch or list larger than the service accepts (413)."""


@dataclass
class Query:
    """One reconciliation query of a batch."""

    key: str
    text: str
    type_iri: str | None = None
    limit: int = DEFAULT_LIMIT
    properties: list[tuple[str, list[str]]] = field(default_factory=list)


def parse_batch(raw: str, catalog: Catalog) -> list[Query]:
    """The queries of a ``queries=`` batch (JSON object of keys to queries)."""
    try:
        batch = json.loads(raw)
    except ValueError as err:
        raise BadRequest(f"queries is not JSON: {err}") from err
    if not isinstance(batch, dict):
        raise BadRequest('queries must be a JSON object such as {"q0": {"query": "Almaty"}}')
    if len(batch) > MAX_BATCH:
        raise TooLarge(f"{len(batch)} queries in one batch: at most {MAX_BATCH}")
    return [_query(str(key), value, catalog) for key, value in batch.items()]


def _query(key: str, value: Any, catalog: Catalog) -> Query:
    where = f"query {key[:40]!r}"
    if not isinstance(value, dict):
        raise BadRequest(f"{where}: must be an object with a 'query' string")
    text = value.get("query", "")
    if not isinstance(text, str):
        raise BadRequest(f"{where}: 'query' must be a string")
    if len(text) > MAX_QUERY:
        raise BadRequest(f"{where}: the query has {len(text)} characters, at most {MAX_QUERY}")
    query = Query(key, text.strip())
    query.type_iri = type_iri(value.get("type"), catalog, where)
    limit = value.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise BadRequest(f"{where}: 'limit' must be a whole number")
    query.limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    props = value.get("properties", [])
    if not isinstance(props, list) or len(props) > MAX_PROPERTIES:
        raise BadRequest(f"{where}: 'properties' must be a list of at most {MAX_PROPERTIES}")
    for number, prop in enumerate(props):
        pid = prop.get("pid", prop.get("p")) if isinstance(prop, dict) else None
        if not isinstance(pid, str) or "v" not in prop:
            raise BadRequest(f"{where}, property {number}: needs 'pid' and 'v'")
        try:
            catalog.property_iri(pid)
        except ValueError as err:
            raise BadRequest(f"{where}, property {number}: {err}") from err
        query.properties.append((pid, _values(prop["v"], f"{where}, property {number}")))
    if not query.text and not query.properties:
        raise BadRequest(f"{where}: give a 'query' or 'properties'")
    return query


def _values(raw: Any, where: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    values = []
    for item in items[:MAX_PROPERTY_VALUES]:
        if isinstance(item, dict):
            item = item.get("id", item.get("name", ""))
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise BadRequest(f"{where}: values must be strings, numbers or {{'id': ...}}")
        values.append(str(item)[:MAX_QUERY])
    return values


def type_iri(raw: Any, catalog: Catalog, where: str = "type") -> str | None:
    """A class IRI from a query's ``type`` (IRI, ``mkg:Name`` or ``Name``; a list: the first)."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if isinstance(raw, dict):
        raw = raw.get("id")
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise BadRequest(f"{where}: 'type' must be a string")
    name = raw.removeprefix(MKG).removeprefix("mkg:")
    iri = raw if raw.startswith("http") else f"{MKG}{name}"
    if iri not in catalog.vocab.catalog_classes():
        raise BadRequest(f"{where}: unknown type {raw[:80]!r}: use a class such as Institution")
    return iri


def name_score(match: Match) -> float:
    """The name part of a candidate's score (see the module docstring)."""
    if match.tier == EXACT:
        return 100.0 if match.pref and match.how == HOW_NAME else 98.0
    if match.tier == SPELLING:
        return 95.0
    if match.tier == PLACE:
        return 30.0
    low, high = PARTIAL.get(match.tier, (40, 70))
    return round(low + (high - low) * match.similarity, 2)


def _agrees(values: list[dict[str, Any]], wanted: Sequence[str], catalog: Catalog) -> bool:
    keys = {latin(w) for w in wanted} | {catalog.iri(w) for w in wanted}
    for value in values:
        for text in (value.get("id"), value.get("name"), value.get("str"), value.get("int")):
            if text is None:
                continue
            text = str(text)
            if latin(text) in keys or catalog.iri(text) in keys:
                return True
            if value.get("id") and local(text) and latin(local(text)) in keys:
                return True
    return False


def local(text: str) -> str:
    """The last part of an id or IRI (``Museum`` of ``...ontology#Museum``)."""
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def reconcile(catalog: Catalog, queries: Sequence[Query]) -> dict[str, Any]:
    """The result batch: ``{key: {"result": [candidates]}}``."""
    return {q.key: {"result": candidates(catalog, q)} for q in queries}


def candidates(catalog: Catalog, query: Query) -> list[dict[str, Any]]:
    """The scored candidates of one query, best first (see the module docstring)."""
    if not fold(query.text):
        return []
    derived = bool(query.type_iri and local(query.type_iri) in DERIVED_TYPES)
    matches = find(
        catalog.index,
        query.text,
        catalog.chain,
        type_iri=query.type_iri,
        cap=CANDIDATES if derived else max(query.limit * 4, 20),
        derived=derived,
        whole=True,
    )
    if not derived:
        matches = [m for m in matches if m.named]
    pool = matches[: max(query.limit * 4, 20)]
    types = catalog.types([m.entity for m in pool])
    evidence = {
        pid: catalog.values([m.iri for m in pool], pid) for pid, _wanted in query.properties
    }
    exact_named = [m for m in matches if m.tier == EXACT and m.named]
    scored = []
    for match in pool:
        features: list[dict[str, Any]] = [{"id": "name", "value": name_score(match)}]
        score, disagreed = name_score(match), False
        for pid, wanted in query.properties:
            values = evidence[pid].get(match.iri, [])
            if not values:
                continue
            agrees = _agrees(values, wanted, catalog)
            score += AGREES if agrees else DISAGREES
            disagreed |= not agrees
            features.append({"id": f"property:{pid}", "value": agrees})
        scored.append((match, max(0.0, min(100.0, score)), disagreed, features))
    scored.sort(key=lambda s: (not s[0].named, -s[1], s[0].rank()))  # named: see above
    result = []
    for number, (match, score, disagreed, features) in enumerate(scored[: query.limit]):
        unambiguous = len(exact_named) == 1 and exact_named[0] is match
        result.append(
            {
                "id": catalog.entity_id(match.iri),
                "name": match.label.value,
                "description": f"{match.kind}: {match.why()}",
                "type": types.get(match.entity, []),
                "score": round(score, 2),
                "match": number == 0 and unambiguous and not disagreed,
                "features": features,
            }
        )
    return result


def suggest_entities(
    catalog: Catalog, prefix: str, cursor: int, type_raw: Any = None, limit: int = 10
) -> list[dict[str, Any]]:
    """Entities for a partly typed name (or an entity id), from the ``cursor``-th on."""
    text = prefix.strip()[:MAX_QUERY]
    iri = catalog.iri(text)
    if text and catalog.index.ids_of([iri]) and cursor == 0:
        label, _names = catalog.names(iri)
        return [{"id": catalog.entity_id(iri), "name": label.value if label else text}]
    matches = find(catalog.index, text, catalog.chain, type_iri=type_iri(type_raw, catalog))
    page = matches[cursor : cursor + limit]
    types = catalog.types([m.entity for m in page])
    return [
        {
            "id": catalog.entity_id(m.iri),
            "name": m.label.value,
            "description": m.kind,
            "notable": types.get(m.entity, []),
        }
        for m in page
    ]


def suggest_types(catalog: Catalog, prefix: str, cursor: int, limit: int = 10) -> list:
    """Catalog classes whose label or name starts a word with ``prefix`` (defaults first)."""
    wanted = latin(prefix)
    found = []
    classes = catalog.vocab.catalog_classes()
    ordered = [f"{MKG}{t}" for t in DEFAULT_TYPES] + [
        c for c in classes if local(c) not in DEFAULT_TYPES
    ]
    for iri in ordered:
        label = catalog.vocab.label(iri, catalog.chain).value or local(iri)
        words = f"{latin(label)} {latin(local(iri))}".split()
        if (
            not wanted
            or any(w.startswith(wanted) for w in words)
            or latin(label).startswith(wanted)
        ):
            found.append({"id": iri, "name": label})
    return found[cursor : cursor + limit]


def suggest_properties(catalog: Catalog, prefix: str, cursor: int, limit: int = 10) -> list:
    """The service's properties, then the ontology's, whose name or id starts with ``prefix``."""
    wanted = latin(prefix)
    found = []
    for pid, (name, what) in PROPERTIES.items():
        found.append({"id": pid, "name": name, "description": what})
    for iri in catalog.ontology_properties():
        found.append({"id": f"mkg:{local(iri)}", "name": catalog.property_name(iri)})
    if wanted:
        found = [
            p
            for p in found
            if any(w.startswith(wanted) for w in f"{latin(p['name'])} {latin(p['id'])}".split())
        ]
    return found[cursor : cursor + limit]


#: Most entities and properties in one data extension request (more is refused with 413).
MAX_EXTEND_IDS, MAX_EXTEND_PROPERTIES = 200, 20
#: The class of the entities a property's values are (for the extension's column metadata).
VALUE_TYPES = {
    "country": "Place",
    "city": "Place",
    "partners": "Institution",
    "programs": "Program",
}


# Complexity: a flat list of checks of the request, each with its own error message
def parse_extend(raw: str, catalog: Catalog) -> tuple[list[str], list[tuple[str, int]]]:  # noqa: C901
    """The ids and ``(property, value limit)`` pairs of an ``extend=`` request."""
    try:
        request = json.loads(raw)
    except ValueError as err:
        raise BadRequest(f"extend is not JSON: {err}") from err
    if not isinstance(request, dict):
        raise BadRequest('extend must be a JSON object {"ids": [...], "properties": [...]}')
    ids, props = request.get("ids"), request.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadRequest("extend: 'ids' must be a list of entity ids")
    if not isinstance(props, list) or not props:
        raise BadRequest("extend: 'properties' must be a non-empty list of {'id': ...}")
    if len(ids) > MAX_EXTEND_IDS:
        raise TooLarge(f"extend: {len(ids)} ids, at most {MAX_EXTEND_IDS}")
    if len(props) > MAX_EXTEND_PROPERTIES:
        raise TooLarge(f"extend: {len(props)} properties, at most {MAX_EXTEND_PROPERTIES}")
    wanted = []
    for number, prop in enumerate(props):
        pid = prop.get("id") if isinstance(prop, dict) else None
        if not isinstance(pid, str):
            raise BadRequest(f"extend: property {number} needs an 'id'")
        try:
            catalog.property_iri(pid)
        except ValueError as err:
            raise BadRequest(f"extend: property {number}: {err}") from err
        settings = prop.get("settings") or {}
        limit = settings.get("limit", 0) if isinstance(settings, dict) else 0
        try:
            limit = int(limit)
        except (TypeError, ValueError) as err:
            raise BadRequest(f"extend: property {number}: settings.limit must be a number") from err
        wanted.append((pid, max(0, limit)))
    return ids, wanted


def extend(catalog: Catalog, ids: Sequence[str], props: Sequence[tuple[str, int]]) -> dict:
    """The data extension response: column metadata and each entity's values."""
    iris = {entity_id: catalog.iri(entity_id) for entity_id in ids}
    rows: dict[str, dict[str, list[Any]]] = {entity_id: {} for entity_id in ids}
    meta = []
    for pid, limit in props:
        column: dict[str, Any] = {"id": pid, "name": catalog.property_name(pid)}
        if pid in VALUE_TYPES:
            cls = f"{MKG}{VALUE_TYPES[pid]}"
            column["type"] = {"id": cls, "name": catalog.vocab.label(cls, catalog.chain).value}
        meta.append(column)
        values = catalog.values(list(iris.values()), pid)
        for entity_id, iri in iris.items():
            found = values.get(iri, [])
            rows[entity_id][pid] = found[:limit] if limit else found
    return {"meta": meta, "rows": rows}


def propose(catalog: Catalog, type_raw: Any, limit: int) -> dict[str, Any]:
    """Properties worth adding for entities of a type (data extension property proposal)."""
    iri = type_iri(type_raw, catalog)
    kind = {
        f"{MKG}Person": "person",
        f"{MKG}Program": "program",
        f"{MKG}Place": "place",
        f"{MKG}Topic": "topic",
        f"{MKG}SourceDocument": "source",
    }.get(iri or "", "org")
    for cls in catalog.vocab.superclasses(iri) if iri else []:
        kind = {f"{MKG}Program": "program", f"{MKG}Place": "place"}.get(cls, kind)
    pids = list(PROPOSED[kind])[: limit or None]
    return {
        "type": type_raw if isinstance(type_raw, str) else (iri or ""),
        "properties": [{"id": pid, "name": catalog.property_name(pid)} for pid in pids],
        "limit": limit or len(pids),
    }


def is_named(entity_id: str) -> bool:
    """Whether a service id is a named entity's (its kind comes first: ``org/...``)."""
    return entity_id.split("/", 1)[0] in NAMED_KINDS
