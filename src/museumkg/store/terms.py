"""Small, typed readers of RDF terms from query rows (a row's value may be any term kind)."""

from __future__ import annotations

import pyoxigraph as ox

from museumkg.lang import Text
from museumkg.store import Term


def lexical(term: Term) -> str:
    """An IRI, a literal's text, a blank node's id, or a quoted triple written out.

    >>> lexical(ox.NamedNode("http://e/a")), lexical(ox.Literal("x", language="en"))
    ('http://e/a', 'x')
    """
    return str(term) if isinstance(term, ox.Triple) else term.value


def iri_of(term: Term | None) -> str | None:
    """The IRI of a named node, else ``None``."""
    return term.value if isinstance(term, ox.NamedNode) else None


def text_of(term: Term | None) -> Text | None:
    """A literal as :class:`~museumkg.lang.Text` (its language, ``""`` if none), else ``None``.

    >>> text_of(ox.Literal("Алматы", language="ru"))
    Text(value='Алматы', lang='ru')
    """
    return Text(term.value, term.language or "") if isinstance(term, ox.Literal) else None
