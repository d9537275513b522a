"""The SPARQL query editor page (YASGUI) and links that open a query in it.

``GET /sparql`` from a browser (no ``query`` parameter, or one whose client prefers HTML) is
answered by :func:`editor_page`, called by the endpoint in :mod:`webapp.views.sparql`. The page runs
YASGUI, served from ``node_modules`` by :mod:`webapp.views.vendor`, against ``/sparql`` on the same
origin. Everything the page needs (endpoint, prefixes, the query, the examples) goes in as one
JSON document through ``|tojson``; nothing is pasted into HTML or JavaScript.

The query lives in the page's URL (``/sparql?query=...``), so every query is a shareable link:
opening such a link in a browser shows the editor with that query, and running a query (or
editing it) updates the address bar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Flask, Response, render_template, request, url_for

from museumkg.iris import entity_prefix
from museumkg.namespaces import MKG, PREFIXES, sparql_prologue
from museumkg.queries import example_queries, load_query
from museumkg.store import Term
from webapp.http.releases import latest_root
from webapp.http.state import web_state
from webapp.views import vendor

#: Where the SPARQL endpoint answers, relative to the app's root (same origin, any host).
ENDPOINT_PATH = "/sparql"

#: The editor's query when no ``query`` is given: the catalog's prefixes and a first question.
STARTER_QUERY = (
    sparql_prologue()
    + """# Write a SPARQL query, or pick an example question below, then press the run button.
# What kinds of things does the catalog hold, and how many of each?
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities)
WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(mkg:)))
}
GROUP BY ?class
ORDER BY DESC(?entities)
"""
)

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def endpoint_url() -> str:
    """The endpoint's path for the current request (honours a mount point, never a host)."""
    return request.script_root + ENDPOINT_PATH


def editor_link(query_text: str, bindings: Mapping[str, Term | str] | None = None) -> str:
    """The link that opens ``query_text`` in the editor: ``/sparql?query=<urlencoded>``.

    Registered as the Jinja global ``editor_link`` (for "open this query in the editor").

    Args:
        query_text: the query, as the panel ran it.
        bindings: the values the panel bound to variables (``{"entity": term}``; a ``str`` is
            an IRI). They are shown in the editor as a trailing ``VALUES`` block, each term in
            its N-Triples form, so the user sees and runs the same question.
    """
    if bindings:
        bad = [name for name in bindings if not _VARIABLE.fullmatch(name)]
        if bad:
            raise ValueError(f"not SPARQL variable names: {bad}")
        terms = {name: ox.NamedNode(v) if isinstance(v, str) else v for name, v in bindings.items()}
        variables = " ".join(f"?{name}" for name in terms)
        row = " ".join(str(term) for term in terms.values())
        query_text = f"{query_text.rstrip()}\nVALUES ({variables}) {{ ({row}) }}\n"
    return endpoint_url() + "?" + urlencode({"query": query_text}, quote_via=quote)


def named_query_text(name: str) -> str:
    """The text of the named query ``queries/<name>.rq`` (Jinja global ``query_text``)."""
    return load_query(name).text


def _page_config(query: str) -> dict[str, Any]:
    """What the page script needs, as plain JSON-ready data."""
    return {
        "endpoint": endpoint_url(),
        "share": share_roots(),
        "query": query,
        "starter": STARTER_QUERY,
        "prefixes": dict(PREFIXES),
        # result IRIs under these link to this server's own pages (static/editor.js)
        "local": local_roots(),
        "examples": [
            {"name": q.name, "summary": q.summary, "query": q.text} for q in example_queries()
        ],
    }


def local_roots() -> dict[str, str]:
    """Where result IRIs the server has pages for lead: ``{"base", "entities", "rules",
    "ontology", "root"}``; an IRI under ``entities`` opens ``root`` + its path after ``base``
    (the same rule as :func:`webapp.http.links.local_path`, whatever host serves the page)."""
    base = web_state().settings.base_iri
    return {
        "base": base,
        "entities": entity_prefix(base),
        "rules": f"{base}rule/",
        "ontology": MKG,
        "root": f"{request.script_root}/",
    }


def share_roots() -> dict[str, str] | None:
    """Where the share links of a query point (``None`` for a store that is no release):
    ``latest``, the editor of the current release; ``pinned``, the editor of the release this
    page shows (``/r/<release>/sparql``); ``cite``, its pinned query page; and the release id."""
    snapshot = web_state()
    if not snapshot.is_release:
        return None
    latest = latest_root()
    pinned = f"{latest}/r/{snapshot.release}"
    return {
        "release": snapshot.release,
        "latest": latest + ENDPOINT_PATH,
        "pinned": pinned + ENDPOINT_PATH,
        "cite": pinned + ENDPOINT_PATH + "/cite",
    }


def editor_page(query: str | None = None, status: int = 200) -> Response:
    """Render the query editor, prefilled with ``query`` (or a starter query when empty).

    Args:
        query: the query text to show, as received (for example from ``?query=``); it is
            shown, never run, until the user presses the run button.
        status: the HTTP status of the page.
    """
    text = query if query and query.strip() else STARTER_QUERY
    node_modules = vendor.DEFAULT_NODE_MODULES
    html = render_template(
        "editor.html",
        config=_page_config(text),
        examples=example_queries(),
        yasgui_version=vendor.package_version(node_modules, "yasgui"),
        endpoint=endpoint_url(),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.vary.add("Accept")
    return response


def setup(app: Flask) -> None:
    """Offer ``editor_link``, ``query_text`` and ``vendor_url`` to every template."""
    app.jinja_env.globals["editor_link"] = editor_link
    app.jinja_env.globals["query_text"] = named_query_text
    app.jinja_env.globals["vendor_url"] = _vendor_url


def _vendor_url(library: str, filename: str, version: str | None = None) -> str:
    """URL of a vendored file, with the package version as a cache-busting parameter."""
    values: dict[str, Any] = {"library": library, "filename": filename}
    if version:
        values["v"] = version
    return url_for("vendor.asset", **values)
