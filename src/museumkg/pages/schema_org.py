"""schema.org JSON-LD for an entity page, from the ontology's own alignments.

The type is the most specific ``schema:`` superclass of the entity's classes
(``mkg:Training`` ⊑ ``schema:EducationEvent``); each property whose ``rdfs:subPropertyOf``
chain reaches a ``schema:`` property (``mkg:organizer`` ⊑ ``schema:organizer``) is written under
that name. Nothing is hard-coded per class, so a new aligned term needs no code.

The result is a plain dict; the web app serialises it for a ``<script>`` element (escaping
``<``, ``>`` and ``&``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from museumkg.index.vocab import Vocabulary

#: schema.org properties the page fills itself (never overwritten from the data).
_RESERVED = {"name", "alternateName", "url", "identifier"}


def _json_value(value: dict[str, Any]) -> Any:
    if "iri" in value:
        return {"@id": value["iri"], "name": value["label"]}
    return value["text"]


def schema_org(
    iri: str,
    label: str,
    alternate_names: Sequence[str],
    types: Sequence[dict[str, Any]],
    groups: Sequence[dict[str, Any]],
    vocab: Vocabulary,
) -> dict[str, Any]:
    """The entity as schema.org JSON-LD.

    >>> schema_org("http://e/x", "X", [], [], [], Vocabulary())["@type"]
    'Thing'
    """
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": vocab.schema_type([t["iri"] for t in types if "iri" in t]) or "Thing",
        "@id": iri,
        "url": iri,
        "name": label,
    }
    if alternate_names:
        document["alternateName"] = list(alternate_names)
    for group in groups:
        name = vocab.schema_property(group["property"]["iri"])
        if name is None or name in _RESERVED:
            continue
        values = [_json_value(v) for v in group["values"]]
        current = document.get(name)
        before = current if isinstance(current, list) else [] if current is None else [current]
        merged = before + values
        document[name] = merged[0] if len(merged) == 1 else merged
    return document
