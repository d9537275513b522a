"""Named SPARQL queries (``queries/<name>.rq``) and safe parameter binding.

Every query file starts with a header of ``#`` comments::

    # summary: what the query answers
    # params: ?var (what it is), ...   (or "none")

User values never go into query text: callers pass them as ``bindings`` (RDF terms), which the
store substitutes (pyoxigraph ``substitutions``; VALUES for remote stores). A bound variable
must appear in the query's SELECT projection (SEP-0007, as pyoxigraph implements it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from museumkg.namespaces import sparql_prologue

QUERY_PACKAGE = "museumkg.queries"


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name, header fields and text (with the standard prefixes prepended)."""

    name: str
    summary: str
    params: str
    text: str


def parse_header(text: str) -> dict[str, str]:
    """Read ``# key: value`` lines at the top of a query file.

    >>> parse_header("# summary: all things\\n# params: none\\nSELECT * {}")
    {'summary': 'all things', 'params': 'none'}
    """
    header: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").partition(":")
        if sep:
            header[key.strip().lower()] = value.strip()
    return header


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
    body = resource.read_text(encoding="utf-8")
    header = parse_header(body)
    if "summary" not in header:
        raise ValueError(f"queries/{name}.rq has no '# summary:' header line")
    return NamedQuery(
        name, header["summary"], header.get("params", "none"), sparql_prologue() + body
    )


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
        name = resource.name[:-3]
        body = resource.read_text(encoding="utf-8")
        header = parse_header(body)
        if "summary" not in header:
            raise ValueError(f"queries/examples/{name}.rq has no '# summary:' header line")
        examples.append(
            NamedQuery(
                name, header["summary"], header.get("params", "none"), sparql_prologue() + body
            )
        )
    return tuple(examples)
