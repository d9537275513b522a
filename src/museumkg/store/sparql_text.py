"""Reading SPARQL text without an engine: its query form, and safe VALUES injection.

A remote server has no pyoxigraph ``substitutions``, so bound values are given to it as a
``VALUES`` block placed at the start of the query's WHERE group. The terms are serialized by
pyoxigraph (N-Triples syntax, which is valid SPARQL), never pasted from user text.

The scanner skips comments, strings (all four quote styles) and IRIs, so braces or keywords
inside them are not mistaken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9-]*")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")


def _code(text: str) -> Iterator[tuple[int, str]]:
    """Yield (position, character-or-word) of the text that is SPARQL syntax.

    Comments, strings and IRIs are skipped; words are yielded whole.
    """
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (match := _IRI.match(text, i)):
            i = match.end()
        elif (match := _WORD.match(text, i)) and (i == 0 or text[i - 1] not in "?$:"):
            yield i, match.group()
            i = match.end()
        else:
            yield i, c
            i += 1


def query_form(text: str) -> str:
    """The query form (SELECT, CONSTRUCT, ASK, DESCRIBE) or the update verb, upper case.

    Raises:
        ValueError: when the text has no query form or update verb.

    >>> query_form("PREFIX ex: <http://ex.org/select> # CONSTRUCT\\nASK { ?s ?p 'SELECT' }")
    'ASK'
    """
    for _pos, token in _code(text):
        upper = token.upper()
        if upper in _FORMS or upper in _UPDATES:
            return upper
    raise ValueError("no query form (SELECT, CONSTRUCT, ASK or DESCRIBE) found")


# Complexity: one pass over the query's tokens, tracking groups and subqueries; split, the state
# would be passed around
def inject_values(  # noqa: C901
    text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.Triple]
) -> str:
    """Bind variables by a ``VALUES`` block at the start of the WHERE group, and of every
    subquery that mentions them.

    A subquery is evaluated on its own before it is joined, so a binding given only outside
    it would come too late (a ``LIMIT`` inside would cut before the binding applies): each
    subquery gets the block for the bound variables it mentions, which is what binding them
    before evaluation (pyoxigraph's ``substitutions``) means.

    Args:
        text: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
        bindings: variable name (without ``?``) → RDF term.

    Raises:
        ValueError: for a malformed variable name or when no WHERE group is found.

    >>> inject_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal("a\\"b")})
    'SELECT ?s WHERE { VALUES (?o) { ("a\\\\"b") } ?s ?p ?o }'
    >>> sub = inject_values("SELECT * {{SELECT ?s {?s ?p 1} LIMIT 1}}", {"s": ox.Literal("a")})
    >>> sub.replace(' VALUES (?s) { ("a") }', "V")
    'SELECT * {V{SELECT ?s {V?s ?p 1} LIMIT 1}}'
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
    form = query_form(text)
    if form == "CONSTRUCT" and _construct_where_shorthand(text):
        raise ValueError("CONSTRUCT WHERE shorthand cannot take bindings: write the template")
    groups_to_skip = 1 if form == "CONSTRUCT" else 0
    depth = 0
    top: int | None = None
    pending: list[int] = []  # depths of subquery SELECTs whose WHERE group is still to come
    opened: dict[int, int] = {}  # depth of an open subquery group → position after its "{"
    inserts: list[tuple[int, list[str]]] = []
    for pos, token in _code(text):
        if token == "{":
            if depth == 0 and top is None:
                if groups_to_skip == 0:
                    top = pos + 1
                else:
                    groups_to_skip -= 1
            elif pending and pending[-1] == depth:
                pending.pop()
                opened[depth + 1] = pos + 1
            depth += 1
        elif token == "}":
            start = opened.pop(depth, None)
            if start is not None:
                inner = text[start:pos]
                mentioned = [n for n in names if re.search(rf"[?$]{n}(?![A-Za-z_0-9])", inner)]
                if mentioned:
                    inserts.append((start, mentioned))
            depth -= 1
        elif token.upper() == "SELECT" and depth > 0:
            pending.append(depth)
    if top is None:
        raise ValueError("no WHERE group found to bind values in")
    inserts.append((top, names))
    for at, chosen in sorted(inserts, reverse=True):
        text = text[:at] + _values_block(chosen, bindings) + text[at:]
    return text


def _values_block(
    names: list[str], bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.Triple]
) -> str:
    return " VALUES ({}) {{ ({}) }}".format(
        " ".join(f"?{name}" for name in names), " ".join(str(bindings[n]) for n in names)
    )


def _construct_where_shorthand(text: str) -> bool:
    """True for ``CONSTRUCT WHERE { ... }`` (no template group)."""
    tokens = [t.upper() for _p, t in _code(text) if not t.isspace()]
    index = tokens.index("CONSTRUCT")
    return index + 1 < len(tokens) and tokens[index + 1] == "WHERE"
