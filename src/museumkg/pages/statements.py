"""An entity's own statements as a page shows them: names, types, property groups, sources.

Input: the rows of ``queries/entity_statements.rq`` (statement, graph; the values' names by
:func:`name_values`) and ``queries/entity_sources.rq`` (what each graph is). Output: plain
dicts, every value a ``str``, ``int``, ``bool``, list or dict, ready for a template and for
``json.dumps``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from museumkg.index.vocab import PROPERTY_ORDER, Vocabulary
from museumkg.lang import Text, order, pick
from museumkg.namespaces import DCTERMS, MKG, RDF, RDFS, SKOS
from museumkg.network.rules import derived_by
from museumkg.pages.shapes import NameEntry, SourceEntry
from museumkg.store import Term
from museumkg.store.terms import lexical, text_of

#: Properties that name the entity: shown as its names, not as property groups.
NAME_PROPERTIES = (f"{SKOS}prefLabel", f"{DCTERMS}title", f"{RDFS}label", f"{SKOS}altLabel")
PREFERRED_NAMES = NAME_PROPERTIES[:3]
TYPE = f"{RDF}type"
RULE = f"{MKG}derivedByRule"


@dataclass(frozen=True)
class GraphKinds:
    """The graphs that are not source documents, by role."""

    ontology: str
    derived: str
    quality: str


@dataclass
class Collected:
    """Statements regrouped: (property, value) → graphs, and names of IRI values."""

    values: dict[tuple[str, Term], list[str]] = field(default_factory=dict)
    names: dict[str, list[Text]] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)
    rows: int = 0


def collect(rows: Iterable[dict[str, Term]]) -> Collected:
    """Merge statement rows: one entry per (property, value), with every graph stating it."""
    found = Collected()
    for row in rows:
        found.rows += 1
        prop, value, graph = lexical(row["p"]), row["o"], lexical(row["g"])
        graphs = found.values.setdefault((prop, value), [])
        if graph not in graphs:
            graphs.append(graph)
        if graph not in found.graphs:
            found.graphs.append(graph)
        label = row.get("olabel")
        if isinstance(value, ox.NamedNode) and isinstance(label, ox.Literal):
            texts = found.names.setdefault(value.value, [])
            text = Text(label.value, label.language or "")
            if text not in texts:
                texts.append(text)
    return found


#: Most IRI values named one store query each when the catalog index does not know them.
LOOKUPS = 50


def name_values(
    found: Collected,
    vocab: Vocabulary,
    index_names: Callable[[Sequence[str]], Mapping[str, list[Text]]],
    store_names: Callable[[str], list[Text]],
) -> None:
    """Fill ``found.names`` for the IRI values of the statements.

    Ontology terms are named by ``vocab`` later; every other IRI by ``index_names`` (the
    catalog index: every name, title and label of the dataset's entities, one read for all);
    what the index does not know by ``store_names``, one query each, at most :data:`LOOKUPS`
    (the rest show their local name).
    """
    iris = sorted(
        {
            term.value
            for (_prop, term) in found.values
            if isinstance(term, ox.NamedNode)
            and term.value not in found.names
            and not vocab.has(term.value)
        }
    )
    known = index_names(iris) if iris else {}
    unknown = 0
    for iri in iris:
        texts = known.get(iri)
        if not texts and unknown < LOOKUPS:
            unknown += 1
            texts = store_names(iri)
        if texts:
            found.names[iri] = list(dict.fromkeys(texts))


def names(found: Collected, chain: Sequence[str]) -> list[NameEntry]:
    """Every name of the entity, preferred names first, each in the reader's order."""
    result: list[NameEntry] = []
    for prop in NAME_PROPERTIES:
        texts = [
            Text(v.value, v.language or "")
            for (p, v) in found.values
            if p == prop and isinstance(v, ox.Literal)
        ]
        kind = "alt" if prop == f"{SKOS}altLabel" else "pref"
        for text in order(texts, chain):
            entry: NameEntry = {"text": text.value, "lang": text.lang, "kind": kind}
            if entry not in result:
                result.append(entry)
    return result


def preferred_label(found: Collected, chain: Sequence[str]) -> Text | None:
    """The entity's name in the reader's language (preferred names and titles only)."""
    texts = [
        Text(v.value, v.language or "")
        for (p, v) in found.values
        if p in PREFERRED_NAMES and isinstance(v, ox.Literal)
    ]
    return pick(texts, chain)


def term_label(iri: str, found: Collected, vocab: Vocabulary, chain: Sequence[str]) -> Text:
    """The name of an IRI value: from the data, else the ontology, else its prefixed name."""
    chosen = pick(found.names.get(iri, []), chain)
    return chosen if chosen else vocab.label(iri, chain)


def source_list(
    rows: Iterable[dict[str, Term]], graphs: Sequence[str], kinds: GraphKinds, chain: Sequence[str]
) -> list[SourceEntry]:
    """The graphs an entity's statements come from, numbered, source documents first.

    Each: ``n``, ``graph``, ``kind`` (``source``, ``ontology``, ``derived``, ``quality``,
    ``other``) and, for sources, ``title`` (+ ``title_lang``), ``issued``, ``link``, ``publisher``.
    """
    titles: dict[str, list[Text]] = {g: [] for g in graphs}
    facts: dict[str, dict[str, str]] = {g: {} for g in graphs}
    for row in rows:
        graph = lexical(row["g"])
        title_text = text_of(row.get("title"))
        titles.setdefault(graph, [])
        if title_text is not None:
            titles[graph].append(title_text)
        found = facts.setdefault(graph, {})
        for key in ("issued", "link", "publisher"):
            if key in row and key not in found:
                found[key] = lexical(row[key])
    kind = {kinds.ontology: "ontology", kinds.derived: "derived", kinds.quality: "quality"}
    sources: list[SourceEntry] = []
    for graph, graph_titles in titles.items():
        item = _source_entry(graph, kind.get(graph, "other"), facts[graph])
        title = pick(graph_titles, chain)
        if title is not None:
            item["kind"], item["title"], item["title_lang"] = "source", title.value, title.lang
        sources.append(item)
    rank = {"source": 0, "derived": 1, "ontology": 2, "quality": 3, "other": 4}
    sources.sort(key=lambda s: (rank[s["kind"]], s.get("issued", ""), s["graph"]))
    for number, item in enumerate(sources, start=1):
        item["n"] = number
    return sources


def _source_entry(graph: str, kind: str, facts: dict[str, str]) -> SourceEntry:
    item: SourceEntry = {"graph": graph, "kind": kind}
    for key, value in facts.items():  # in the order the rows gave them
        if key == "issued":
            item["issued"] = value
        elif key == "link":
            item["link"] = value
        else:
            item["publisher"] = value
    return item


def _value(term: Term, found: Collected, vocab: Vocabulary, chain: Sequence[str]) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.language is None else None
        entry: dict[str, Any] = {"text": term.value, "lang": term.language or ""}
        if datatype and not datatype.endswith("#string"):
            entry["datatype"] = datatype
        return entry
    if isinstance(term, ox.NamedNode):
        label = term_label(term.value, found, vocab, chain)
        return {"iri": term.value, "label": label.value, "label_lang": label.lang}
    return {"text": str(term), "lang": ""}


def _value_key(value: dict[str, Any], chain: Sequence[str]) -> tuple[int, str]:
    if "iri" in value:
        return (0, value["label"].casefold())
    lang = value.get("lang", "")
    position = chain.index(lang) if lang in chain else len(chain)
    return (position, value["text"])


def property_groups(
    found: Collected,
    sources: Sequence[SourceEntry],
    vocab: Vocabulary,
    chain: Sequence[str],
    *,
    derived_graph: str,
    base_iri: str = "",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The types, and every other property with its values, labelled in the reader's language.

    Returns:
        ``(types, groups)``. A type: ``iri``, ``label``, ``sources``, ``inferred``. A group:
        ``property`` (``iri``, ``label``, ``label_lang``, ``definition``) and ``values``, each
        value with ``sources`` (source numbers) and ``inferred`` (stated only by the rules);
        an inferred value also has ``derived_by``, what made it
        (:func:`museumkg.network.rules.derived_by`: a rule, or the metrics step), when known.
    """
    numbers = {s["graph"]: s["n"] for s in sources}
    rules = [v.value for (p, v) in found.values if p == RULE and isinstance(v, ox.NamedNode)]
    own_rule = rules[0] if rules else None
    grouped: dict[str, list[dict[str, Any]]] = {}
    types: list[dict[str, Any]] = []
    for (prop, term), graphs in found.values.items():
        if prop in NAME_PROPERTIES:
            continue
        value = _value(term, found, vocab, chain)
        value["sources"] = sorted(numbers[g] for g in graphs if g in numbers)
        value["inferred"] = all(g == derived_graph for g in graphs)
        if value["inferred"]:
            value["derived_by"] = derived_by(prop, own_rule, base_iri)
        if prop == TYPE:
            types.append(value)
        else:
            grouped.setdefault(prop, []).append(value)
    types.sort(key=lambda v: _value_key(v, chain))
    groups: list[dict[str, Any]] = []
    for prop, values in grouped.items():
        label = vocab.label(prop, chain)
        definition = vocab.definition(prop, chain)
        groups.append(
            {
                "property": {
                    "iri": prop,
                    "label": label.value,
                    "label_lang": label.lang,
                    "definition": definition.value if definition else None,
                },
                "values": sorted(values, key=lambda v: _value_key(v, chain)),
            }
        )
    position = {iri: n for n, iri in enumerate(PROPERTY_ORDER)}
    groups.sort(
        key=lambda g: (
            position.get(g["property"]["iri"], len(position)),
            g["property"]["label"].casefold(),
        )
    )
    return types, groups
