"""What a source states: its graph's statements, subject by subject, for the source's page.

The subjects come from the catalog index (``graph_subjects``: keyset-paged by name); for each
subject on the page, ``queries/source_facts.rq`` reads what this graph says about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import CatalogIndex
from museumkg.index.vocab import Vocabulary, local_name
from museumkg.lang import Text, pick
from museumkg.paging import decode_cursor, encode_cursor
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical, text_of

#: Subjects per page.
SUBJECTS_PAGE = 20
_CURSOR = (str, int)


def _value(
    term: ox.NamedNode | ox.Literal, texts: list[Text], chain: Sequence[str], vocab: Vocabulary
) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        chosen = pick(texts, chain)
        if chosen is None:
            chosen = (
                vocab.label(term.value, chain)
                if vocab.has(term.value)
                else Text(local_name(term.value))
            )
        return {"iri": term.value, "label": chosen.value, "label_lang": chosen.lang}
    return {"text": term.value, "lang": term.language or ""}


def subject_facts(
    store: Store, graph: str, subject: str, vocab: Vocabulary, chain: Sequence[str]
) -> list[dict[str, Any]]:
    """What ``graph`` states about ``subject``: ``{"property", "value"}`` pairs."""
    rows = named_rows(store, "source_facts", graph=graph, s=subject)
    facts: dict[tuple[str, ox.NamedNode | ox.Literal], list[Text]] = {}
    for row in rows:
        obj = row["o"]
        if not isinstance(obj, ox.NamedNode | ox.Literal):
            continue
        texts = facts.setdefault((lexical(row["p"]), obj), [])
        name = text_of(row.get("olabel"))
        if name is not None:
            texts.append(name)
    items = []
    for (prop, obj), texts in facts.items():
        label = vocab.label(prop, chain)
        items.append(
            {
                "property": {"iri": prop, "label": label.value, "label_lang": label.lang},
                "value": _value(obj, texts, chain, vocab),
            }
        )
    items.sort(key=lambda f: (f["property"]["label"].casefold(), str(f["value"])))
    return items


def source_facts(
    store: Store,
    index: CatalogIndex,
    graph: str,
    vocab: Vocabulary,
    chain: Sequence[str],
    *,
    after: str = "",
) -> dict[str, Any]:
    """One page of the source's subjects, each with every statement the graph makes about it.

    Returns:
        ``subjects`` (each ``iri``, ``label``, ``label_lang``, ``facts``), ``count`` (subjects in
        the graph), ``after`` and ``next`` (cursor of the following page, or ``None``).

    Raises:
        ValueError: for a malformed cursor.
    """
    key = decode_cursor(after, _CURSOR)
    count = index.subject_count(graph)
    rows = index.subjects_page(graph, key, SUBJECTS_PAGE + 1)
    page, more = rows[:SUBJECTS_PAGE], len(rows) > SUBJECTS_PAGE
    names = index.describe([r["entity"] for r in page], chain)
    subjects = []
    for row in page:
        entry = names.get(row["entity"])
        if entry is None:
            continue
        facts = subject_facts(store, graph, entry["iri"], vocab, chain)
        subjects.append({**{k: entry[k] for k in ("iri", "label", "label_lang")}, "facts": facts})
    last = page[-1] if page else None
    return {
        "subjects": subjects,
        "count": count,
        "after": after,
        "next": encode_cursor([last["sort_key"], last["entity"]]) if more and last else None,
    }
