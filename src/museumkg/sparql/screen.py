"""Screening query text before it reaches the engine: size, nesting, and what it may do.

The public endpoint runs any text a client sends. pyoxigraph parses and plans it in native code
that recurses on nesting (a few thousand brackets overflow the stack and kill the process) and
that would contact any host a ``SERVICE`` clause names. So the text is tokenized first, by the
SPARQL 1.1 grammar's lexical rules (strings in all four quote styles, IRIs, comments, prefixed
names and variables), and refused before any engine sees it when it is too large, nests too
deeply, federates (``SERVICE``) or is an update (``INSERT``, ``LOAD``, ...). A keyword inside a
string, an IRI, a comment, a prefixed name (``ex:service``) or a variable (``?load``) is not a
keyword, so it neither fools the screen nor is refused by it.

The screen is a first line, not the only one: queries run in worker processes opened read-only
(:mod:`museumkg.sparql.workers`), where a crash or a runaway plan costs one worker, not the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from museumkg.store import QuerySyntaxError, StoreError

#: Query forms, in the order the grammar allows them to start a query.
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
#: Keywords that only SPARQL Update uses; none of them can appear in a query.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())

# Lexical rules of the SPARQL 1.1 grammar (section 19.8), close enough that anything they read
# differently from the engine is a syntax error there, never a hidden keyword.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            r"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
            r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
            r"|'(?:[^'\\\n\r]|\\.)*'"
            r'|"(?:[^"\\\n\r]|\\.)*")',
            f'(?P<iri><(?:[^<>"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>)',
            f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\\u00b7\\u0300-\\u036f\\u203f-\\u2040]*)",
            f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.*+\-/|^!=<>?])",
            r"(?P<quote>['\"])",  # an opening quote that no string rule closed
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)


class QueryRefused(StoreError):
    """The query text is refused before it runs (the message says why and what to do)."""


class QueryTooLarge(QueryRefused):
    """The query text is longer than the configured limit."""


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (a group name of the lexer), text and position (1-based)."""

    kind: str
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Screened:
    """What the screen learnt about an accepted query."""

    form: str | None  # SELECT, CONSTRUCT, ASK, DESCRIBE; None when none was found
    has_dataset_clause: bool  # FROM or FROM NAMED in the text
    depth: int  # deepest nesting of (), [] and {}
    tokens: int


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into tokens, leaving out white space and comments.

    Raises:
        QuerySyntaxError: for a string that is never closed (with its line and column).

    >>> [t.text for t in tokenize('SELECT ?s { ?s ex:p "}" } # SERVICE')]
    ['SELECT', '?s', '{', '?s', 'ex:p', '"}"', '}']
    """
    tokens: list[Token] = []
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        start = match.start()
        if kind == "quote":
            column = start - line_start + 1
            raise QuerySyntaxError(
                f"a string opened at line {line}, column {column} is never closed", line, column
            )
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), line, start - line_start + 1))
        newlines = match.group().count("\n")
        if newlines:
            line += newlines
            line_start = match.start() + match.group().rindex("\n") + 1
    return tokens


def _position(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Complexity: one pass over the tokens, each kind of refusal with its own message and position
def screen_query(text: str, *, max_bytes: int, max_depth: int) -> Screened:  # noqa: C901
    """Check query text before it runs, and tell its form.

    Every request of the endpoint passes here, so the pass reads the lexer's matches as they
    come (no :class:`Token` objects) and works out a line and column only for a refusal; it
    reads the text exactly as :func:`tokenize` does.

    Args:
        text: the query as the client sent it.
        max_bytes: the longest text accepted, in UTF-8 bytes.
        max_depth: the deepest nesting of brackets (``(``, ``[``, ``{``) accepted.

    Raises:
        QueryTooLarge: when the text is longer than ``max_bytes``.
        QueryRefused: for SPARQL Update, ``SERVICE`` and nesting deeper than ``max_depth``.
        QuerySyntaxError: for a string that is never closed.

    >>> screen_query("ASK { ?s ?p 'SERVICE' }", max_bytes=1000, max_depth=8).form
    'ASK'
    >>> screen_query("SELECT * FROM <http://ex.org/g> {}", max_bytes=1000, max_depth=8)
    Screened(form='SELECT', has_dataset_clause=True, depth=1, tokens=6)
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise QueryTooLarge(f"the query is {size:,} bytes long; the limit is {max_bytes:,} bytes")
    form: str | None = None
    has_dataset = False
    depth = deepest = count = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        count += 1
        if kind == "punct":
            char = match.group()
            if char in _OPENERS:
                depth += 1
                if depth > max_depth:
                    line, column = _position(text, match.start())
                    raise QueryRefused(
                        f"the query nests brackets deeper than {max_depth} levels "
                        f"(line {line}, column {column}); simplify it"
                    )
                deepest = max(deepest, depth)
            elif char in _CLOSERS:
                depth = max(depth - 1, 0)
            continue
        if kind == "quote":
            line, column = _position(text, match.start())
            raise QuerySyntaxError(
                f"a string opened at line {line}, column {column} is never closed", line, column
            )
        if kind != "word":
            continue
        keyword = match.group().upper()
        if keyword == "SERVICE":
            line, column = _position(text, match.start())
            raise QueryRefused(
                "SERVICE (federated query) is not allowed here: this endpoint never contacts "
                f"other servers (line {line}, column {column})"
            )
        if keyword in UPDATE_KEYWORDS:
            line, column = _position(text, match.start())
            raise QueryRefused(
                f"{keyword} is SPARQL Update: this endpoint is read-only and answers queries "
                f"only (line {line}, column {column})"
            )
        if keyword == "FROM":
            has_dataset = True
        elif form is None and keyword in FORMS:
            form = keyword
    return Screened(form, has_dataset, deepest, count)
