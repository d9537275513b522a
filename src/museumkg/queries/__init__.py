"""Named SPARQL queries (``queries/<name>.rq``) and safe parameter binding.

Every query file starts with a header of ``#`` comments::

    # summary: what the query answers
    # params: ?var (what it is), ...   (or "none")

User values never go into query text: callers pass them as ``bindings`` (RDF terms), which the
store substitutes (pyoxigraph ``substitutions``; VALUES for remote stores). A bound variable
must appear in the query's SELECT projection (SEP-0007, as pyoxigraph implements it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

import pyoxigraph as ox

from museumkg.namespaces import sparql_prologue

QUERY_PACKAGE = "museumkg.queries"


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name, header fields and text (with the standard prefixes prepended)."""

    name: str
    summary: str
    params: str
    text: str


def header_fields(text: str) -> list[tuple[str, list[str]]]:
    """The header of a query or rule file: its leading ``# key: value`` lines, each field with
    its lines (the value, then its continuation lines, indented ``#   ...``), in file order.

    The one reader of ``.rq`` headers: named queries, examples and derivation rules.

    >>> header_fields("# summary: a\\n# why: b\\n#   c\\nCONSTRUCT {}")
    [('summary', ['a']), ('why', ['b', 'c'])]
    """
    fields: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#")
        key, sep, value = body.partition(":")
        if sep and not body.startswith("  ") and key.strip() and " " not in key.strip():
            fields.append((key.strip().lower(), [value.strip()]))
        elif fields and body.strip():
            fields[-1][1].append(body.strip())
    return fields


def parse_header(text: str) -> dict[str, str]:
    """The header's fields by key, each its first line (see :func:`header_fields`).

    >>> parse_header("# summary: all things\\n# params: none\\nSELECT * {}")
    {'summary': 'all things', 'params': 'none'}
    """
    return {key: lines[0] for key, lines in header_fields(text)}


#: A SELECT solution as ``{variable: term}`` (unbound variables left out); a term may be any RDF
#: term, a quoted triple included: read it with :mod:`museumkg.store.terms`.
Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


class Queryable(Protocol):
    """What :func:`named_rows` needs of a store (:class:`museumkg.store.Store` has it)."""

    def query(self, sparql: str, *, bindings: Mapping[str, Any] | None = None) -> Any: ...


def named_rows(
    store: Queryable, name: str, /, **bindings: ox.NamedNode | ox.BlankNode | ox.Literal | str
) -> list[Row]:
    """Run the named SELECT query ``queries/<name>.rq`` on ``store``; its rows as
    ``{variable: term}``, unbound variables left out.

    Args:
        bindings: values of the query's ``# params:``, substituted safely (a ``str`` is an IRI).

    Raises:
        ValueError: when the named query is not a SELECT query.
    """
    result = named_solutions(store, name, **bindings)
    names = [v.value for v in result.variables]
    return [
        {n: term for n, term in zip(names, solution, strict=True) if term is not None}
        for solution in result
    ]


def named_solutions(
    store: Queryable, name: str, /, **bindings: ox.NamedNode | ox.BlankNode | ox.Literal | str
) -> ox.QuerySolutions:
    """Like :func:`named_rows`, streamed: each solution iterates its terms in the order of the
    query's variables (``None`` when unbound), for bulk reads that unpack them positionally.

    Raises:
        ValueError: when the named query is not a SELECT query.
    """
    terms = {k: ox.NamedNode(v) if isinstance(v, str) else v for k, v in bindings.items()}
    result = store.query(load_query(name).text, bindings=terms)
    if not isinstance(result, ox.QuerySolutions):
        raise ValueError(f"queries/{name}.rq is not a SELECT query")
    return result


def _named(name: str, where: str, body: str) -> NamedQuery:
    header = parse_header(body)
    if "summary" not in header:
        raise ValueError(f"{where}/{name}.rq has no '# summary:' header line")
    return NamedQuery(
        name, header["summary"], header.get("params", "none"), sparql_prologue() + body
    )


@cache
def load_query(name: str) -> NamedQuery:
    """Load ``queries/<name>.rq`` with the catalog's prefixes prepended.

    Raises:
        FileNotFoundError: naming the query that does not exist.
        ValueError: when the file lacks its ``# summary:`` header.
    """
    resource = resources.files(QUERY_PACKAGE).joinpath(f"{name}.rq")
    if not resource.is_file():
        raise FileNotFoundError(f"no named query {name!r} (looked for queries/{name}.rq)")
    return _named(name, "queries", resource.read_text(encoding="utf-8"))


def query_names() -> list[str]:
    """Names of every packaged query file, sorted."""
    folder = resources.files(QUERY_PACKAGE)
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


EXAMPLES_PACKAGE = "museumkg.queries.examples"


def example_queries() -> list[NamedQuery]:
    """The example queries shown in the SPARQL editor (``queries/examples/*.rq``), by name.

    Each answers a research question about the catalog (its ``# summary:``) and takes no
    parameters; ``text`` has the catalog's prefixes prepended, ready to run anywhere.

    Raises:
        ValueError: when an example lacks its ``# summary:`` header.

    >>> examples = example_queries()
    >>> len(examples) >= 12 and all(q.params == "none" for q in examples)
    True
    """
    return list(_load_examples())


@cache
def _load_examples() -> tuple[NamedQuery, ...]:
    folder = resources.files(EXAMPLES_PACKAGE)
    examples: list[NamedQuery] = []
    for resource in sorted(folder.iterdir(), key=lambda r: r.name):
        if not resource.name.endswith(".rq"):
            continue
        body = resource.read_text(encoding="utf-8")
        examples.append(_named(resource.name[:-3], "queries/examples", body))
    return tuple(examples)
