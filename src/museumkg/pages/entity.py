"""Everything an entity page shows, as plain data (no Flask here).

Built from explicit, bounded queries (``queries/entity_*.rq``), each bound to the entity's IRI:
its statements with their graphs, the sources those graphs are, one page of incoming links and
their count, the roles it plays or that are played in it, its derived partnerships and what the
SHACL shapes said about it at build time. Labels follow the reader's language chain
(:mod:`museumkg.lang`); properties and classes are labelled from the ontology
(:mod:`museumkg.index.vocab`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

import pyoxigraph as ox

from museumkg.checks.quality import Finding, entity_findings, quality_graph
from museumkg.config import Settings
from museumkg.index.catalog_index import CatalogIndex
from museumkg.index.roles import PATTERNS, RoleFacts, lower_first, role_facts, role_name
from museumkg.index.vocab import Vocabulary, local_name, vocabulary
from museumkg.iris import parse_entity_iri
from museumkg.lang import Text, pick
from museumkg.namespaces import MKG
from museumkg.network.rules import derived_by
from museumkg.pages.schema_org import schema_org
from museumkg.pages.shapes import (
    EntityPage,
    FindingEntry,
    IncomingLink,
    IncomingPage,
    Link,
    PartnerEntry,
    RoleEntry,
    ShownElsewhere,
)
from museumkg.pages.statements import (
    Collected,
    GraphKinds,
    collect,
    name_values,
    names,
    preferred_label,
    property_groups,
    source_list,
)
from museumkg.pages.summary import same_as, sections, summary
from museumkg.paging import decode_cursor, encode_cursor
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical

#: Incoming links per page.
INCOMING_PAGE = 25
#: Most roles a page reads (``entity_roles.rq`` LIMIT); :func:`role_count` counts them all.
ROLE_CAP = 50
#: The links that make a role an entity's: who played it, in which program, on whose behalf.
ROLE_LINKS = (f"{MKG}agent", f"{MKG}inProgram", f"{MKG}onBehalfOf")
#: Most statements a page reads (``entity_statements.rq`` LIMIT).
STATEMENT_CAP = 5000
#: Characters allowed in an IRI written into an editor query (the IRI is ours, but check).
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def store_names(store: Store, iri: str) -> list[Text]:
    """Every preferred name, title and label of ``iri`` in the store (``labels.rq``)."""
    return [
        Text(row["label"].value, row["label"].language or "")
        for row in named_rows(store, "labels", term=ox.NamedNode(iri))
        if isinstance(row["label"], ox.Literal)
    ]


class Labeler:
    """Names of IRIs for one page: from the page's own rows, the ontology, the catalog index
    (many at once, :meth:`prefetch`), or one lookup each."""

    def __init__(
        self,
        store: Store,
        vocab: Vocabulary,
        chain: Sequence[str],
        found: Collected,
        index: CatalogIndex | None = None,
    ) -> None:
        self.store, self.vocab, self.chain, self.found = store, vocab, chain, found
        self.index = index
        self._cache: dict[str, Text] = {}

    def prefetch(self, iris: Iterable[str | None]) -> None:
        """Name many IRIs with one index read instead of one store query each.

        The index holds every dataset entity's preferred names, titles and labels (what
        ``labels.rq`` reads); IRIs it does not know are looked up one by one as before.
        """
        wanted = {
            iri
            for iri in iris
            if iri
            and iri not in self._cache
            and pick(self.found.names.get(iri, []), self.chain) is None
            and not self.vocab.has(iri)
        }
        if self.index is None or not wanted:
            return
        for named in self.index.name_texts(sorted(wanted)).items():
            iri, texts = named
            chosen = pick(texts, self.chain)
            if chosen is not None:
                self._cache[iri] = chosen

    def text(self, iri: str) -> Text:
        """The name of ``iri`` in the reader's language (a slug-like fallback if it has none)."""
        if iri not in self._cache:
            self._cache[iri] = self._lookup(iri)
        return self._cache[iri]

    def _lookup(self, iri: str) -> Text:
        chosen = pick(self.found.names.get(iri, []), self.chain)
        if chosen is None and self.vocab.has(iri):
            return self.vocab.label(iri, self.chain)
        if chosen is None:
            chosen = pick(store_names(self.store, iri), self.chain)
        return chosen if chosen else Text(local_name(iri).replace("-", " "))

    def link(self, iri: str | None) -> Link | None:
        """``{"iri", "label", "label_lang"}`` for a template, or ``None``."""
        if iri is None:
            return None
        text = self.text(iri)
        return {"iri": iri, "label": text.value, "label_lang": text.lang}

    def value(self, iri: str) -> str:
        """The name alone (for plain-text sentences)."""
        return self.text(iri).value


def _country_of(store: Store, labeler: Labeler, place: str) -> dict[str, Any] | None:
    """The country a place lies in (``mkg:country``), as a link, or the place if a country."""
    for quad in store.quads(ox.NamedNode(place), ox.NamedNode(f"{MKG}country")):
        if isinstance(quad.object, ox.NamedNode):
            return cast(dict[str, Any] | None, labeler.link(quad.object.value))  # a Link
    return None


def interface_language(chain: Sequence[str]) -> str:
    """The first language of ``chain`` that sentences have patterns for (else ``en``)."""
    return next((lang for lang in chain if lang in PATTERNS), "en")


_CURSOR = (str, int, str)


def incoming_links(
    index: CatalogIndex, iri: str, labeler: Labeler, *, after: str = ""
) -> IncomingPage:
    """One page of the links pointing at ``iri``, by the linking things' names, and their count.

    Read from the catalog index (``links``): a counted range scan, keyset-paged.

    Args:
        after: the ``next`` cursor of the previous page (``""`` for the first page).

    Raises:
        ValueError: for a malformed cursor.
    """
    key = decode_cursor(after, _CURSOR)
    target = index.entity_id(iri)
    empty: IncomingPage = {"count": 0, "items": [], "after": after, "next": None}
    if target is None:
        return empty
    count = index.link_count(target)
    rows = index.links_page(target, key, INCOMING_PAGE + 1)
    page, more = rows[:INCOMING_PAGE], len(rows) > INCOMING_PAGE
    names = index.describe(sorted({r["source"] for r in page}), labeler.chain)
    items: list[IncomingLink] = [
        {
            "subject": {
                "iri": names[r["source"]]["iri"],
                "label": names[r["source"]]["label"],
                "label_lang": names[r["source"]]["label_lang"],
            },
            "property": labeler.link(r["prop"]),
        }
        for r in page
        if r["source"] in names
    ]
    last = page[-1] if page else None
    return {
        "count": count,
        "items": items,
        "after": after,
        "next": encode_cursor([last["sort_key"], last["source"], last["prop"]])
        if more and last is not None
        else None,
    }


def _role_dict(fact: RoleFacts, labeler: Labeler, lang: str) -> RoleEntry:
    role_type = labeler.link(fact.role_type)
    if role_type is not None:
        role_type["label"] = lower_first(role_type["label"])
    return {
        "role": {"iri": fact.role},
        "agent": labeler.link(fact.agent),
        "role_type": role_type,
        "program": labeler.link(fact.program),
        "behalf": labeler.link(fact.behalf),
        "year": fact.year,
        "text": role_name(fact, labeler.value, lang),
    }


def roles(store: Store, iri: str, labeler: Labeler, *, is_role: bool) -> list[RoleEntry]:
    """Roles played by, in or on behalf of ``iri`` (or, for a role, the role itself)."""
    lang = interface_language(labeler.chain)
    if is_role:
        rows = named_rows(store, "role_parts", role=ox.NamedNode(iri))
    else:
        rows = named_rows(store, "entity_roles", entity=ox.NamedNode(iri))
    facts = role_facts(rows)
    labeler.prefetch(part for f in facts for part in (f.agent, f.role_type, f.program, f.behalf))
    return [_role_dict(fact, labeler, lang) for fact in facts]


def role_count(index: CatalogIndex, iri: str) -> int:
    """How many roles are played by, in or on behalf of ``iri`` (from the catalog index)."""
    target = index.entity_id(iri)
    if target is None:
        return 0
    return index.linking_sources(target, ROLE_LINKS)


def partners(store: Store, iri: str, labeler: Labeler) -> list[PartnerEntry]:
    """The institution's derived partnerships, strongest first, with their evidence."""
    merged: dict[str, PartnerEntry] = {}
    rows = named_rows(store, "entity_partners", entity=ox.NamedNode(iri))
    named = ("other", "kind", "rule", "program", "source")
    labeler.prefetch(lexical(row[name]) for row in rows for name in named if name in row)
    for row in rows:
        key = lexical(row["partnership"])
        entry = merged.setdefault(
            key,
            {
                "partnership": {"iri": key},
                "other": labeler.link(lexical(row["other"])),
                "programs": [],
                "sources": [],
            },
        )
        if "kind" in row and "kind" not in entry:
            entry["kind"] = labeler.link(lexical(row["kind"]))
        if "rule" in row and "rule" not in entry:
            entry["rule"] = labeler.link(lexical(row["rule"]))
        if "strength" in row and "strength" not in entry:
            entry["strength"] = lexical(row["strength"])
        if "first" in row and "first" not in entry:
            entry["first"] = lexical(row["first"])
        if "last" in row and "last" not in entry:
            entry["last"] = lexical(row["last"])
        for name, bucket in (("program", entry["programs"]), ("source", entry["sources"])):
            link = labeler.link(lexical(row[name])) if name in row else None
            if link is not None and link not in bucket:
                bucket.append(link)
    # strongest first, then by the partner's IRI: the same order whatever engine answered
    return sorted(merged.values(), key=_partner_order)


def _partner_order(entry: PartnerEntry) -> tuple[float, str, str]:
    try:
        strength = float(entry.get("strength") or 0)
    except ValueError:
        strength = 0.0
    other = entry["other"]
    return (-strength, other["iri"] if other is not None else "", entry["partnership"]["iri"])


def _finding(finding: Finding, labeler: Labeler) -> FindingEntry:
    entry: FindingEntry = {
        "severity": finding.severity,
        "message": finding.message,
        "message_lang": finding.message_lang,
        "path": finding.path,
        "value": finding.value,
        "rule": finding.rule,
    }
    if finding.path:
        label = labeler.text(finding.path)
        entry["path_label"], entry["path_label_lang"] = label.value, label.lang
    return entry


def editor_query(iri: str) -> str | None:
    """A SPARQL query listing the entity's statements per graph, to open in the editor."""
    if not _SAFE_IRI.match(iri):
        return None
    return (
        "SELECT ?property ?value ?graph\n"
        f"WHERE {{ GRAPH ?graph {{ <{iri}> ?property ?value }} }}\n"
        "ORDER BY ?property ?value\nLIMIT 1000\n"
    )


def entity_page(
    store: Store,
    index: CatalogIndex,
    settings: Settings,
    iri: str,
    chain: Sequence[str],
    *,
    after: str = "",
    with_partners: bool = True,
    elsewhere: str | None = None,
) -> EntityPage | None:
    """Everything the page of ``iri`` shows, or ``None`` when the catalog knows nothing of it.

    Args:
        store: the catalog.
        index: its catalog index (incoming links).
        settings: base IRI, graph names and languages.
        iri: the entity.
        chain: the reader's language chain (:func:`museumkg.lang.language_chain`).
        after: cursor of the incoming-links page to show.
        with_partners: read an institution's partnership nodes (``partners``: each node with
            its programs and sources, for the JSON twin; the HTML page shows the network's
            partners panel instead, so it leaves them out and gets ``[]``).
        elsewhere: a property the page shows in a panel of its own (an institution's
            ``mkg:partnerOf``: the partners panel): its statements are counted, not read
            (``elsewhere``: ``{"property", "count"}``), so a hub's thousand partners are not
            read twice. ``None``: every statement is read.

    Raises:
        ValueError: for a malformed ``after`` cursor.
    """
    node = ox.NamedNode(iri)
    vocab = vocabulary(store, settings.ontology_graph)
    shown_elsewhere: ShownElsewhere | None = None
    if elsewhere is None:
        statement_rows = named_rows(store, "entity_statements", entity=node)
    else:
        prop = ox.NamedNode(elsewhere)
        statement_rows = named_rows(store, "entity_statements_omit", entity=node, omit=prop)
        counted = named_rows(store, "entity_property_count", entity=node, p=prop)
        prop_label = vocab.label(elsewhere, chain)
        made_by = derived_by(elsewhere, None, settings.base_iri)
        shown_elsewhere = {
            "property": {
                "iri": elsewhere,
                "label": prop_label.value,
                "label_lang": prop_label.lang,
            },
            "count": int(lexical(counted[0]["n"])) if counted else 0,
            # how the values are marked on the page (mkg:partnerOf: inferred by its rule)
            "sources": [],
            "inferred": made_by is not None,
            "derived_by": made_by,
        }
    found = collect(statement_rows)
    name_values(found, vocab, index.name_texts, lambda value: store_names(store, value))
    labeler = Labeler(store, vocab, chain, found, index)
    incoming = incoming_links(index, iri, labeler, after=after)
    nothing_elsewhere = shown_elsewhere is None or not shown_elsewhere["count"]
    if found.rows == 0 and incoming["count"] == 0 and nothing_elsewhere:
        return None
    kinds = GraphKinds(
        settings.ontology_graph, settings.derived_graph, quality_graph(settings.base_iri)
    )
    sources = source_list(
        named_rows(store, "entity_sources", entity=node), found.graphs, kinds, chain
    )
    types, groups = property_groups(
        found,
        sources,
        vocab,
        chain,
        derived_graph=settings.derived_graph,
        base_iri=settings.base_iri,
    )
    ref = parse_entity_iri(settings.base_iri, iri)
    kind, slug = (ref.kind, ref.slug) if ref else ("thing", local_name(iri))
    role_list = roles(store, iri, labeler, is_role=kind == "role")
    own_role = next((r for r in role_list if r["role"]["iri"] == iri), None)
    label = preferred_label(found, chain)
    if label is None and own_role is not None:
        label = Text(own_role["text"])
    if label is None:  # the index names what has no name of its own (partnerships)
        number = index.entity_id(iri)
        named = index.describe([number], chain).get(number) if number is not None else None
        label = Text(named["label"], named["label_lang"]) if named else Text(slug)
    all_names = names(found, chain)
    alternates = [n["text"] for n in all_names if n["text"] != label.value]
    return {
        "iri": iri,
        "kind": kind,
        "slug": slug,
        "label": label.value,
        "label_lang": label.lang,
        "names": all_names,
        "types": types,
        "groups": groups,
        # the groups again, in sections (names, place, activity, metrics, provenance, other)
        "sections": sections(groups),
        "same_as": same_as(groups),
        "summary": summary(kind, types, groups, lambda place: _country_of(store, labeler, place)),
        "sources": sources,
        "incoming": incoming,
        "roles": role_list,
        # roles in all (the page shows at most ROLE_CAP; all are among the incoming links)
        "roles_total": max(len(role_list), role_count(index, iri)) if kind != "role" else 0,
        "partners": partners(store, iri, labeler) if kind == "org" and with_partners else [],
        "quality": [_finding(f, labeler) for f in entity_findings(store, iri, chain)],
        "truncated": found.rows >= STATEMENT_CAP,
        "elsewhere": shown_elsewhere,
        "schema_org": schema_org(iri, label.value, alternates, types, groups, vocab),
        "editor_query": editor_query(iri),
    }
