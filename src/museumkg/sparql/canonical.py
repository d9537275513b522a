"""A query answer's canonical serialisation and its checksum, so an answer can be cited and
checked again: the same query on the same release gives the same checksum.

The canonical form (UTF-8 text, each line ending in ``\\n``):

- ``SELECT``: a first line with the projected variable names in the query's order, separated
  by a tab; then one line per solution: each variable's value in N-Triples syntax (``<iri>``,
  ``"text"@lang``, ``"text"^^<datatype>``, ``"text"`` for a simple literal, ``_:`` for any blank
  node, since blank node labels are not stable between runs; nothing when unbound), separated
  by tabs; the solution lines sorted by their UTF-8 bytes (duplicates kept).
- ``ASK``: one line, ``true`` or ``false``.
- ``CONSTRUCT`` / ``DESCRIBE``: the triples in N-Triples, blank node labels replaced by ``_:``,
  sorted by their UTF-8 bytes, duplicates removed (a graph is a set).

The checksum is the SHA-256 of that text, in hex. Literal text is escaped as N-Triples
requires (``\\\\``, ``\\"``, ``\\n``, ``\\r``); numbers and dates are compared as written by the
engine, so ``"1"^^xsd:integer`` and ``"01"^^xsd:integer`` differ.

>>> body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", '
>>> body += b'"value": "b"}}, {"x": {"type": "uri", "value": "http://e/a"}}]}}'
>>> print(canonical_solutions(body).decode(), end="")
x
"b"
<http://e/a>
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

#: A blank node as the subject (start of the line) or the object (before the final dot).
_BLANK_SUBJECT = re.compile(r"^_:\S+")
_BLANK_OBJECT = re.compile(r"\s_:\S+(\s*\.)$")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _term(value: dict[str, Any] | None) -> str:
    """One SPARQL JSON term in N-Triples syntax (blank nodes unlabelled)."""
    if value is None:
        return ""
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return f"<{text}>"
    if kind == "bnode":
        return "_:"
    literal = f'"{_escape(text)}"'
    if "xml:lang" in value:
        return f"{literal}@{value['xml:lang'].lower()}"
    datatype = value.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return f"{literal}^^<{datatype}>"
    return literal


def canonical_solutions(json_body: bytes) -> bytes:
    """The canonical form of a SPARQL JSON answer (``SELECT`` or ``ASK``)."""
    answer = json.loads(json_body)
    if "boolean" in answer:
        return b"true\n" if answer["boolean"] else b"false\n"
    names: list[str] = list(answer.get("head", {}).get("vars", []))
    rows = [
        "\t".join(_term(binding.get(name)) for name in names)
        for binding in answer.get("results", {}).get("bindings", [])
    ]
    rows.sort(key=lambda row: row.encode("utf-8"))
    return ("\n".join(["\t".join(names), *rows]) + "\n").encode("utf-8")


def canonical_graph(ntriples: bytes) -> bytes:
    """The canonical form of a graph answer given as N-Triples."""
    lines = {
        _BLANK_OBJECT.sub(r" _:\1", _BLANK_SUBJECT.sub("_:", line.strip()))
        for line in ntriples.decode("utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    ordered = sorted(lines, key=lambda line: line.encode("utf-8"))
    return ("".join(line + "\n" for line in ordered)).encode("utf-8")


def checksum(canonical: bytes) -> str:
    """SHA-256 of a canonical form, in hex."""
    return hashlib.sha256(canonical).hexdigest()
