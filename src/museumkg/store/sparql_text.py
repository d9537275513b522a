"""SPARQL text without an engine: a query's form, safe VALUES injection, a row limit for a
server, and the text of the push's batches (one update replacing several graphs, one query
counting them).

A remote server has no pyoxigraph ``substitutions``, so bound values are given to it as a
``VALUES`` block placed at the start of the query's WHERE group. The terms are serialized by
pyoxigraph (N-Triples syntax, which is valid SPARQL), never pasted from user text.

The scanner skips comments, strings (all four quote styles) and IRIs, so braces or keywords
inside them are not mistaken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox

_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9-]*")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
_LIMIT_VALUE = re.compile(r"\s*([0-9]+)")


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


def limit_solutions(text: str, most: int) -> str:
    """A SELECT query that asks for at most ``most`` solutions; any other form unchanged.

    The query's own top-level ``LIMIT`` is kept when it is no larger, lowered to ``most`` when
    it is; without one, ``LIMIT most`` is added after the solution modifiers (before a final
    ``VALUES`` clause). Only the outer query is touched: a subquery's ``LIMIT`` is inside
    braces. A query with a top-level ``ORDER BY`` is left as it is: the server has to reach
    every solution to sort them anyway, and Virtuoso refuses a sorted ``LIMIT`` over its
    ``MaxSortedTopRows`` (10,000 by default: "SR353: Sorted TOP clause specifies more then
    10001 rows to sort").

    >>> limit_solutions("SELECT DISTINCT ?s { ?s ?p ?o } # no limit", 11)
    'SELECT DISTINCT ?s { ?s ?p ?o } # no limit\\nLIMIT 11\\n'
    >>> limit_solutions("SELECT * { {SELECT ?s {?s ?p ?o} ORDER BY ?s} } LIMIT 50 OFFSET 5", 11)
    'SELECT * { {SELECT ?s {?s ?p ?o} ORDER BY ?s} } LIMIT 11 OFFSET 5'
    >>> limit_solutions("SELECT ?s { ?s ?p ?o } ORDER BY ?s", 11)
    'SELECT ?s { ?s ?p ?o } ORDER BY ?s'
    >>> limit_solutions("SELECT * { ?s ?p ?o } LIMIT 3 VALUES ?s { <http://ex.org/a> }", 11)
    'SELECT * { ?s ?p ?o } LIMIT 3 VALUES ?s { <http://ex.org/a> }'
    >>> limit_solutions("ASK { ?s ?p ?o }", 11)
    'ASK { ?s ?p ?o }'
    """
    form, limit_end, values_at, ordered = _outer_query(text)
    if form != "SELECT" or ordered:
        return text
    if limit_end is not None:
        value = _LIMIT_VALUE.match(text, limit_end)
        if value is None or int(value.group(1)) <= most:
            return text  # (no number: the server names the syntax error)
        return text[: value.start(1)] + str(most) + text[value.end(1) :]
    at = len(text) if values_at is None else values_at
    return f"{text[:at]}\nLIMIT {most}\n{text[at:]}"


def _outer_query(text: str) -> tuple[str | None, int | None, int | None, bool]:
    """The outer query's form, where its ``LIMIT`` keyword ends and where its final ``VALUES``
    clause starts (``None`` when it has none), and whether it has an ``ORDER BY``: the words
    outside every bracket."""
    depth = 0
    form: str | None = None
    limit_end: int | None = None
    values_at: int | None = None
    ordered = False
    for pos, token in _code(text):
        if token in ("{", "(", "["):
            depth += 1
        elif token in ("}", ")", "]"):
            depth -= 1
        elif depth == 0:
            upper = token.upper()
            if form is None and (upper in _FORMS or upper in _UPDATES):
                form = upper
            elif upper == "LIMIT":
                limit_end = pos + len(token)
            elif upper == "VALUES":
                values_at = pos
            elif upper == "ORDER":
                ordered = True
    return form, limit_end, values_at, ordered


def replace_graphs_update(graphs: Mapping[str, Sequence[ox.Triple]]) -> bytes:
    """One SPARQL Update replacing each of ``graphs``: a ``DROP SILENT GRAPH`` for each, then
    one ``INSERT DATA`` of all their triples, written by pyoxigraph (N-Triples, valid SPARQL).
    Blank nodes in it would be one node across its graphs (:func:`has_blank_node`)."""
    drops = "".join(f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n" for graph in graphs)
    parts = [drops.encode(), b"INSERT DATA {\n"]
    for graph, triples in graphs.items():
        if triples:
            parts.append(f"GRAPH {ox.NamedNode(graph)} {{\n".encode())
            parts += [ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", b"}\n"]
    parts.append(b"}\n")
    return b"".join(parts)


def graph_sizes_query(graphs: Sequence[str]) -> str:
    """A SELECT of ``?g ?n``: the number of triples in each of ``graphs`` that is not empty."""
    values = " ".join(str(ox.NamedNode(graph)) for graph in graphs)
    return (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )


def has_blank_node(triples: Sequence[ox.Triple]) -> bool:
    """Whether a blank node is the subject or object of one of ``triples`` (or of a quoted
    triple in them)."""
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                return True
            if isinstance(term, ox.Triple) and has_blank_node([term]):
                return True
    return False
