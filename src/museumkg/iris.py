"""Minting and parsing entity IRIs: ``{base}id/<kind>/<slug>``. The only place that knows it."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Entity kinds, in the order pages list them.
KINDS = ("org", "program", "person", "role", "topic", "place", "source", "partnership", "claim")

#: Words joined by ``-``; ``--`` joins two slugs (derived partnerships: ``a--b/kind``).
_SLUG = re.compile(r"^[a-z0-9]+(?:--?[a-z0-9]+)*(?:/[a-z0-9]+(?:--?[a-z0-9]+)*)*$")


@dataclass(frozen=True)
class EntityRef:
    """An entity IRI split into its parts."""

    kind: str
    slug: str


def is_slug(text: str) -> bool:
    """Tell whether ``text`` is a valid slug (lower-case words joined by ``-``, parts by ``/``).

    >>> is_slug("unesco-almaty"), is_slug("museums-2005/part/1"), is_slug("Bad Slug")
    (True, True, False)
    >>> is_slug("scca-almaty--unesco-almaty/co-organised"), is_slug("a---b"), is_slug("a-")
    (True, False, False)
    """
    return bool(_SLUG.match(text))


def entity_iri(base: str, kind: str, slug: str) -> str:
    """Mint the IRI of an entity.

    Args:
        base: the dataset base IRI (ends with ``/``).
        kind: one of :data:`KINDS`.
        slug: the entity's slug.

    Raises:
        ValueError: for an unknown kind or a malformed slug.

    >>> entity_iri("https://w3id.org/museumkg/", "org", "unesco-almaty")
    'https://w3id.org/museumkg/id/org/unesco-almaty'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not is_slug(slug):
        raise ValueError(f"malformed slug {slug!r}: use lower-case letters, digits and '-'")
    return f"{base}id/{kind}/{slug}"


def source_iri(base: str, slug: str) -> str:
    """IRI of a source document, which is also the name of its graph.

    >>> source_iri("http://ex.org/", "seed")
    'http://ex.org/id/source/seed'
    """
    return entity_iri(base, "source", slug)


def parse_entity_iri(base: str, iri: str) -> EntityRef | None:
    """Split an entity IRI into kind and slug, or return ``None`` if it is not one of ours.

    >>> parse_entity_iri("http://ex.org/", "http://ex.org/id/org/unesco-almaty")
    EntityRef(kind='org', slug='unesco-almaty')
    >>> parse_entity_iri("http://ex.org/", "http://other.org/id/org/x") is None
    True
    """
    prefix = entity_prefix(base)
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix) :].partition("/")
    if kind not in KINDS or not is_slug(slug):
        return None
    return EntityRef(kind, slug)


def entity_prefix(base: str) -> str:
    """The prefix every entity IRI starts with (``{base}id/``).

    The ontology namespace may share the base (``{base}ontology#``): it is not an entity.

    >>> entity_prefix("http://ex.org/")
    'http://ex.org/id/'
    """
    return f"{base}id/"


def is_entity_iri(base: str, iri: str) -> bool:
    """Tell whether ``iri`` names one of the dataset's entities.

    >>> is_entity_iri("http://ex.org/", "http://ex.org/id/org/a"), is_entity_iri(
    ...     "http://ex.org/", "http://ex.org/ontology#Museum")
    (True, False)
    """
    return iri.startswith(entity_prefix(base))
