"""``/graph-store``: the SPARQL 1.1 Graph Store Protocol for source graphs (operators only).

- ``GET /graph-store?graph=<source IRI>``: the source's graph as Turtle (public, read-only);
- ``PUT``: replace (or create) the source with the request body, a record in Turtle,
  N-Triples, JSON-LD or YAML (by ``Content-Type``);
- ``DELETE``: take the source out of the catalog.

Updates go through :func:`museumkg.build.curation.import_files`, so they are validated exactly like
``museumkg import`` (every problem at once, in the JSON error body) and land whole or not at
all; the server then answers from the new store. They are enabled only when a token is
configured (``MUSEUMKG_UPDATE_TOKEN``) and the request carries it as ``Authorization: Bearer
<token>`` (compared in constant time). Without a token the server stays read-only: ``PUT`` and
``DELETE`` answer 405. A missing token answers 401, a wrong one 403.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, request

from museumkg.build.curation import import_files
from museumkg.iris import parse_entity_iri
from museumkg.problems import Problem, ProblemsFound
from museumkg.queries import load_query
from museumkg.store import catalog
from webapp.http.errors import error_response
from webapp.http.releases import pinned_release
from webapp.http.state import WebState, web_state

bp = Blueprint("graph_store", __name__)

#: Request media types → record file extension (N-Triples is read as Turtle, its superset).
MEDIA_TYPES = {
    "text/turtle": ".ttl",
    "application/n-triples": ".ttl",
    "application/ld+json": ".jsonld",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
}
READ_ONLY = {"Allow": "GET, HEAD"}


def _problem_dict(problem: Problem) -> dict[str, object]:
    """A problem as JSON for a remote client: its ``file`` is the record's name (relative to
    the data folder for a record of the catalog), never a path on this server."""
    fields = ("rule", "message", "file", "line", "record", "field", "hint", "severity")
    found = {name: getattr(problem, name) for name in fields if getattr(problem, name) is not None}
    for name in ("message", "hint"):
        if isinstance(found.get(name), str):
            found[name] = _scrub(str(found[name]))
    if problem.file is not None:
        found["file"] = _record_name(Path(problem.file))
    return found


def _scrub(text: str) -> str:
    """``text`` without the server's folders (the upload's temporary one, the data folder)."""
    folders = [str(web_state().settings.data_dir), tempfile.gettempdir()]
    for folder in folders:
        text = re.sub(re.escape(folder.rstrip("/")) + r"/(?:museumkg-put-[^/\s]+/)?", "", text)
    return text


def _record_name(path: Path) -> str:
    data_dir = web_state().settings.data_dir
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except (OSError, ValueError):
        return path.name


def _source_slug() -> str | Response:
    """The slug of the ``graph`` parameter, which must name a source graph of this dataset."""
    settings = web_state().settings
    graph = request.args.get("graph", "")
    ref = parse_entity_iri(settings.base_iri, graph)
    if ref is None or ref.kind != "source" or "/" in ref.slug:
        return error_response(
            400,
            "graph must be the IRI of a source graph of this catalog",
            [{"message": f"expected {settings.base_iri}id/source/<slug>, got {graph!r}"}],
        )
    return ref.slug


def _authorised() -> Response | None:
    """None when the request may update; else the error response (405, 401 or 403)."""
    token = web_state().settings.update_token
    if pinned_release() is not None:
        return error_response(405, "a release is read-only: update the current one", [], READ_ONLY)
    if not token:
        return error_response(
            405, "this server is read-only (no update token configured)", [], READ_ONLY
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return error_response(
            401, "updates need `Authorization: Bearer <token>`", [], {"WWW-Authenticate": "Bearer"}
        )
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        return error_response(403, "the update token is not valid")
    return None


def _serve_new_store() -> None:
    """Answer the next requests from the release the update has just made current (this
    request keeps its own)."""
    state: WebState = current_app.extensions["museumkg"]
    if state.follow:
        state.refresh()
    elif state.store.capabilities.local_files:
        state.store = catalog.open_current(state.settings)


def _update(paths: list[Path], remove: list[str]) -> Response:
    state = web_state()
    try:
        done = import_files(paths, state.settings, replace=True, remove=remove)
    except ProblemsFound as err:
        errors = [p for p in err.problems if p.severity == "error"]
        status = 400
        if any(p.rule == "busy" for p in errors):
            status = 409
        elif errors and all(p.rule == "not-found" for p in errors):
            status = 404
        message = f"{len(errors)} problem(s); nothing was changed"
        return error_response(status, message, [_problem_dict(p) for p in err.problems])
    _serve_new_store()
    response = Response(status=204)
    response.headers["X-Museumkg-Version"] = done.manifest.version
    return response


@bp.get("/graph-store")
def get_graph() -> Response:
    """The source graph as Turtle."""
    slug = _source_slug()
    if isinstance(slug, Response):
        return slug
    state = web_state()
    graph = f"{state.settings.base_iri}id/source/{slug}"
    if graph not in state.store.graphs():
        return error_response(404, f"no source graph <{graph}>")
    query = load_query("source_graph").text
    result = state.store.query(query, bindings={"graph": ox.NamedNode(graph)})
    assert isinstance(result, ox.QueryTriples)
    body = ox.serialize(result, format=ox.RdfFormat.TURTLE) or b""
    return Response(body, mimetype="text/turtle")


@bp.put("/graph-store")
def put_graph() -> Response:
    """Replace or create a source from the request body, validated like an import."""
    g.museumkg_error_format = "json"
    denied = _authorised()
    if denied is not None:
        return denied
    slug = _source_slug()
    if isinstance(slug, Response):
        return slug
    media = (request.mimetype or "").lower()
    if media not in MEDIA_TYPES:
        return error_response(
            415, f"unsupported Content-Type {media!r}", [{"message": ", ".join(MEDIA_TYPES)}]
        )
    settings = web_state().settings
    length = request.content_length
    if length is not None and length > settings.max_record_bytes:
        return error_response(413, f"records are limited to {settings.max_record_bytes:,} bytes")
    body = request.get_data(cache=False)
    state = web_state()
    existed = f"{settings.base_iri}id/source/{slug}" in state.store.graphs()
    with tempfile.TemporaryDirectory(prefix="museumkg-put-") as tmp:
        path = Path(tmp) / f"{slug}{MEDIA_TYPES[media]}"
        path.write_bytes(body)
        response = _update([path], [])
    if response.status_code == 204 and not existed:
        response.status_code = 201
    return response


@bp.delete("/graph-store")
def delete_graph() -> Response:
    """Take a source out of the catalog (validated: nothing else may still need it)."""
    g.museumkg_error_format = "json"
    denied = _authorised()
    if denied is not None:
        return denied
    slug = _source_slug()
    if isinstance(slug, Response):
        return slug
    return _update([], [f"{web_state().settings.base_iri}id/source/{slug}"])
