"""Blueprint ``/ontology``: the ontology IRI serves its documentation and the OWL file.

``/ontology`` (and the path of the ontology IRI itself, ``/museumkg/ontology`` for
``https://w3id.org/museumkg/ontology``) negotiates like an entity (:mod:`webapp.http.rdf_twins`):
HTML documentation in English or Russian for browsers; the OWL file as Turtle (the curated file
itself), RDF/XML, N-Triples or JSON-LD for clients; explicit suffixes ``.ttl``, ``.rdf`` (also
``.owl``), ``.nt``, ``.jsonld``, ``.json``. Term links (``mkg:Museum``) point at ``#Museum``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import NotFound

from museumkg.namespaces import ONTOLOGY_IRI
from museumkg.pages.describe import jsonld_context, prefixes, to_jsonld
from museumkg.pages.ontology_doc import ontology_documentation
from webapp.http.i18n import request_chain
from webapp.http.rdf_twins import RESOURCE_FORMATS, choose_format, finish, media_type
from webapp.http.state import web_state

bp = Blueprint("ontology", __name__)
#: Suffixes of the ontology's representations (``.owl`` is RDF/XML, as OWL tools expect).
_SUFFIXES = {"ttl": "ttl", "rdf": "rdf", "owl": "rdf", "nt": "nt", "jsonld": "jsonld"}
_SUFFIXES |= {"html": "html", "json": "json"}
_CACHE: dict[tuple[str, float, str], bytes] = {}
_LOCK = threading.Lock()


def _serialized(path: Path, fmt: str) -> bytes:
    """The ontology file as ``fmt`` (Turtle: the file itself), cached per file version."""
    key = (str(path), path.stat().st_mtime, fmt)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    if fmt == "ttl":
        body = path.read_bytes()
    else:
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
        if fmt == "jsonld":
            settings = web_state().settings
            body = to_jsonld(triples, jsonld_context(settings.ontology_dir / "context.jsonld"))
        else:
            target = ox.RdfFormat.RDF_XML if fmt == "rdf" else ox.RdfFormat.N_TRIPLES
            base = web_state().settings.base_iri
            used = prefixes(base) if fmt == "rdf" else None
            body = ox.serialize(triples, format=target, prefixes=used) or b""
    with _LOCK:
        _CACHE[key] = body
    return body


def _respond(suffix: str | None, path: str) -> Response:
    fmt, negotiated = choose_format(RESOURCE_FORMATS, suffix)
    state = web_state()
    if fmt in ("ttl", "rdf", "nt", "jsonld"):
        source = state.settings.ontology_dir / "museumkg.ttl"
        response = Response(_serialized(source, fmt), content_type=media_type(fmt))
    else:
        vocab = state.vocabulary()
        data = ontology_documentation(vocab, request_chain())
        if fmt == "json":
            response = jsonify({"ok": True, **data})
        else:
            html = render_template("ontology.html", data=data, path=path)
            response = Response(html, content_type=media_type("html"))
    return finish(response, path, fmt, negotiated, RESOURCE_FORMATS)


@bp.get("/ontology")
def ontology() -> Response:
    """The ontology: documentation or OWL, by ``Accept``."""
    return _respond(None, f"{request.script_root}/ontology")


@bp.get("/ontology.<suffix>")
def ontology_as(suffix: str) -> Response:
    """One representation of the ontology, named by its suffix."""
    if suffix not in _SUFFIXES:
        raise NotFound(f"the ontology is available as {', '.join(sorted(_SUFFIXES))}")
    return _respond(_SUFFIXES[suffix], f"{request.script_root}/ontology")


def setup(app: Flask) -> None:
    """Also answer on the ontology IRI's own path (``/museumkg/ontology``), so the IRI
    resolves when this server is the one its host points to."""
    path = urlsplit(ONTOLOGY_IRI).path.rstrip("/")
    if path and path != "/ontology":
        app.add_url_rule(path, "ontology_iri", ontology)
