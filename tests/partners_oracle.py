"""An institution's partners computed from the store's own queries (``partners_of.rq``,
``partner_names.rq``, ``partnership_kinds.rq``): the oracle the tests hold the network's
partners list (:func:`museumkg.network.why.partners_in_network`) to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from museumkg.iris import parse_entity_iri
from museumkg.lang import pick_value, reader_chain
from museumkg.network.model import KINDS, STRONG_KINDS, add_label, kind_slug
from museumkg.queries import named_rows
from museumkg.store import Store


def _kind_names(store: Store) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "partnership_kinds"):
        add_label(names[row["kind"].value], row["label"])
    return names


def _text(row: dict[str, Any], name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def partners_of(
    store: Store, iri: str, lang: str | Sequence[str] | None = "en", base_iri: str | None = None
) -> list[dict[str, Any]]:
    """An institution's partners, strongest first.

    Args:
        store: the catalog.
        iri: the institution.
        lang: a language tag, or tags best first (English is the last fallback).
        base_iri: the dataset base, to give each partner's ``slug`` (else the IRI's last part).

    Returns:
        one dict per partner: ``iri``, ``slug``, ``label``, ``strength`` (summed over kinds),
        ``kinds`` (``kind``, ``label``, ``strength`` each; strongest kind first), ``first``
        and ``last`` year, ``evidence`` (distinct evidence programs, plus stating sources of
        stated partnerships), ``strong`` (false when only a shared topic links them).

    """
    languages = reader_chain(lang)
    kind_names = _kind_names(store)
    partners: dict[str, dict[str, Any]] = {}
    seen_nodes: set[tuple[str, str]] = set()
    for row in named_rows(store, "partners_of", org=iri):
        other = row["other"].value
        kind_iri = row["kind"].value
        partner = partners.setdefault(
            other, {"iri": other, "kinds": {}, "items": set(), "years": set()}
        )
        if (other, kind_iri) not in seen_nodes:
            seen_nodes.add((other, kind_iri))
            partner["kinds"][kind_iri] = float(row["strength"].value)
        for name in ("first", "last"):
            year = _text(row, name)
            if year:
                partner["years"].add(year[:4])
        if "item" in row:
            partner["items"].add(row["item"].value)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in named_rows(store, "partner_names", org=iri):
        add_label(names[row["other"].value], row["label"])
    order = list(KINDS)
    result = []
    for other, partner in partners.items():
        ref = parse_entity_iri(base_iri, other) if base_iri else None
        slug = ref.slug if ref else other.rsplit("/", 1)[-1]
        kinds = [
            {
                "kind": kind_slug(k) or k,
                "label": pick_value(kind_names.get(k, {}), languages, k.rsplit("#", 1)[-1]),
                "strength": s,
            }
            for k, s in partner["kinds"].items()
        ]
        kinds.sort(
            key=lambda k: (-k["strength"], order.index(k["kind"]) if k["kind"] in order else 9)
        )
        years = sorted(partner["years"])
        result.append(
            {
                "iri": other,
                "slug": slug,
                "label": pick_value(names.get(other, {}), languages, slug),
                "strength": round(sum(partner["kinds"].values()), 3),
                "kinds": kinds,
                "first": years[0] if years else None,
                "last": years[-1] if years else None,
                "evidence": len(partner["items"]),
                "strong": any(k["kind"] in STRONG_KINDS for k in kinds),
            }
        )
    result.sort(key=lambda p: (-p["strength"], p["label"].casefold(), p["iri"]))
    return result
