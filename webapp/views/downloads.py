"""Blueprint: the release's downloads, the dataset description and the JSON-LD context.

- ``/downloads/``: the files of the serving release (format, size, triples, SHA-256, licence)
  and the changes from the previous release; ``?format=json`` is ``release.json``.
- ``/downloads/<name>`` and ``/downloads/<version>/<name>``: one file of the serving release
  or of another kept one, sent from disk with its media type, ``Content-Disposition`` and the
  file's SHA-256 as a strong ``ETag`` (conditional and range requests work). A plain dump kept
  only compressed (its release.json entry names the ``stored`` file) is sent gzip-encoded or
  decompressed on the fly (:mod:`webapp.http.packed_files`).
- ``/.well-known/void``: VoID + DCAT (Turtle, JSON-LD or N-Triples by ``Accept`` or
  ``?format=``), with the endpoint and download URLs on the host that was asked.
- ``/ns/context.jsonld`` and ``/ns/context-<version>.jsonld``: the JSON-LD context, the
  latest and each kept release's frozen copy.

Views are thin: the files and counts are made at build time by :mod:`museumkg.release.assemble`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    redirect,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import NotAcceptable
from werkzeug.wrappers import Response as WerkzeugResponse

from museumkg.release.assemble import CONTEXT_FILE, dumps_dir, read_release, stats_of
from museumkg.release.export import dump_format
from museumkg.release.metadata import (
    DESCRIPTION_FORMATS,
    EXTERNAL,
    LICENCE,
    DatasetStats,
    Site,
    collect_stats,
    describe_dataset,
    serialize_description,
)
from webapp.http.negotiation import best_match
from webapp.http.packed_files import PackedFile, send_packed
from webapp.http.releases import citation_data, served_citation
from webapp.http.state import web_state
from webapp.http.twins import render_twin

bp = Blueprint("downloads", __name__)

_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,80}$")
#: How long clients may cache a release file without asking again (it never changes).
_MAX_AGE = 3600


def _store_dir() -> Path | None:
    return web_state().folder


def serving_release() -> tuple[Path | None, dict[str, Any] | None]:
    """The serving store's folder and its ``release.json`` (``None`` when it has none)."""
    store_dir = _store_dir()
    return store_dir, read_release(store_dir) if store_dir is not None else None


def _version_dir(version: str) -> Path:
    """The folder of a kept version, or 404."""
    if not _VERSION.match(version):
        abort(404, description=f"no release {version!r}")
    store_dir = _store_dir()
    if store_dir is not None and store_dir.name == version:
        return store_dir
    candidate = web_state().settings.stores_dir / version
    if read_release(candidate) is None:
        abort(404, description=f"no release {version!r} is kept on this server")
    return candidate


def _entry(release: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((f for f in release.get("files", []) if f["name"] == name), None)


def _on_disk(store_dir: Path, name: str) -> Path:
    path = dumps_dir(store_dir) / name
    if not path.is_file():
        abort(404, description=f"the file {name!r} is missing on this server")
    return path


def _send(store_dir: Path, release: dict[str, Any], name: str) -> Response:
    entry = _entry(release, name)
    if entry is None:
        abort(404, description=f"the release has no file {name!r}")
    stem, _, extension = name.partition(".")
    download_name = f"{stem}-{release['version']}.{extension}"
    stored = _entry(release, entry["stored"]) if entry.get("stored") else None
    if stored is not None:  # a plain dump kept compressed
        packed = PackedFile(
            path=_on_disk(store_dir, stored["name"]),
            sha256=stored["sha256"],
            content_size=entry["size"],
            content_sha256=entry["sha256"],
            media_type=entry["media_type"],
        )
        response = send_packed(packed, download_name, _MAX_AGE)
    else:
        media_type = "application/gzip" if name.endswith(".gz") else entry["media_type"]
        response = send_file(
            _on_disk(store_dir, name),
            mimetype=media_type,
            as_attachment=True,
            download_name=download_name,
            etag=entry["sha256"],
            conditional=True,
            max_age=_MAX_AGE,
        )
    response.headers["Link"] = f'<{LICENCE["iri"]}>; rel="license"'
    if name == CONTEXT_FILE:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _page_data(store_dir: Path | None, release: dict[str, Any] | None) -> dict[str, Any]:
    if release is None:
        return {"ok": True, "release": None, "licence": LICENCE, "citation": None}
    files = []
    for entry in release.get("files", []):
        item = dict(entry)
        item["url"] = url_for("downloads.file", name=entry["name"])
        if entry.get("kind") == "dump":
            item["parses_as"] = dump_format(entry["format"]).media_type
        files.append(item)
    diff = release.get("diff")
    previous = None
    if diff and diff.get("previous"):
        kept = read_release(web_state().settings.stores_dir / diff["previous"])
        if kept is not None:
            previous = {
                "version": diff["previous"],
                "url": url_for(
                    "downloads.versioned_file", version=diff["previous"], name="museumkg.nq"
                ),
            }
    version = release["version"]
    return {
        "ok": True,
        "citation": citation_data(),
        "release": {key: release[key] for key in ("version", "built_at", "base_iri", "title")},
        "licence": release.get("licence", LICENCE),
        "files": files,
        "diff": diff,
        "previous": previous,
        "context": {
            "latest": url_for("downloads.context", _external=True),
            "versioned": url_for("downloads.versioned_context", version=version, _external=True),
        },
        "void": url_for("downloads.void", _external=True),
        "stats": {k: (release.get("stats") or {}).get(k) for k in ("triples", "entities")},
        "linksets": [
            {**row, "title": EXTERNAL.get(row["target"], row["target"])}
            for row in _stats(release).linksets
        ],
    }


@bp.get("/downloads/")
def index() -> Response:
    """The release's files, its licence and what changed since the previous release."""
    store_dir, release = serving_release()
    return render_twin(["html", "json"], "downloads.html", _page_data(store_dir, release))


@bp.get("/downloads/<name>")
def file(name: str) -> Response:
    """One file of the serving release."""
    store_dir, release = serving_release()
    if store_dir is None or release is None:
        abort(404, description="this server's store has no release files")
    return _send(store_dir, release, name)


@bp.get("/downloads/<version>/<name>")
def versioned_file(version: str, name: str) -> Response:
    """One file of a kept release (the serving one or the previous)."""
    store_dir = _version_dir(version)
    release = read_release(store_dir)
    assert release is not None
    return _send(store_dir, release, name)


def _context_response(path: Path, version: str | None) -> Response:
    response = send_file(path, mimetype="application/ld+json", etag=True, conditional=True)
    response.headers["Access-Control-Allow-Origin"] = "*"  # JSON-LD processors in browsers
    response.cache_control.public = True
    response.cache_control.max_age = 86400 if version else 300
    return response


@bp.get("/ns/context.jsonld")
def context() -> Response:
    """The JSON-LD context of the serving release (the ontology's file when there is none)."""
    store_dir, release = serving_release()
    if store_dir is not None and release is not None:
        return _context_response(dumps_dir(store_dir) / CONTEXT_FILE, None)
    return _context_response(web_state().settings.ontology_dir / "context.jsonld", None)


@bp.get("/ns/context-<version>.jsonld")
def versioned_context(version: str) -> Response:
    """The JSON-LD context frozen with one release; never changes."""
    store_dir = _version_dir(version)
    return _context_response(dumps_dir(store_dir) / CONTEXT_FILE, version)


def _stats(release: dict[str, Any] | None) -> DatasetStats:
    """Counts from the release; for a store without one, counted once by SPARQL and kept."""
    stats = stats_of(release)
    if stats is not None:
        return stats
    state = web_state()
    return state.part("void-stats", lambda: collect_stats(state.store, state.settings.base_iri))


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID + DCAT description of the dataset, negotiated (Turtle by default)."""
    explicit = request.args.get("format", "").strip().lower()
    if explicit:
        if explicit not in DESCRIPTION_FORMATS:
            abort(400, description=f"unknown format {explicit!r}; offered: ttl, jsonld, nt")
        fmt = explicit
    else:
        media = best_match(request.headers.get("Accept"), list(DESCRIPTION_FORMATS.values()))
        if media is None:
            raise NotAcceptable(f"offered: {', '.join(DESCRIPTION_FORMATS.values())}")
        fmt = next(k for k, v in DESCRIPTION_FORMATS.items() if v == media)
    state = web_state()
    _, release = serving_release()
    site = Site(url_for("home.index", _external=True))
    triples = describe_dataset(
        base_iri=state.settings.base_iri,
        title=state.settings.dataset_title,
        stats=_stats(release),
        release=release,
        site=site,
        citation=citation.text() if (citation := served_citation()) is not None else None,
    )
    response = Response(serialize_description(triples, fmt), mimetype=DESCRIPTION_FORMATS[fmt])
    if not explicit:
        response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/dataset")
def dataset() -> WerkzeugResponse:  # a redirect is werkzeug's Response
    """The dataset's IRI (``{base}dataset``) is described by the VoID document."""
    return redirect(url_for("downloads.void"), code=303)


def download_links(kind_iri: str) -> list[dict[str, str]]:
    """Links for an entity page's download section: its RDF twins and the licence.

    ``kind_iri``'s page URL plus ``.ttl``/``.jsonld``/``.nt``/``.rdf`` (the entity twins).
    """
    return [
        {"label": label, "url": f"{kind_iri}.{ext}", "media_type": media}
        for ext, label, media in (
            ("ttl", "Turtle", "text/turtle"),
            ("jsonld", "JSON-LD", "application/ld+json"),
            ("nt", "N-Triples", "application/n-triples"),
            ("rdf", "RDF/XML", "application/rdf+xml"),
        )
    ]


def setup(app: Flask) -> None:
    """Give templates the ``download_links`` / ``data_licence`` globals."""
    app.jinja_env.globals["download_links"] = download_links
    app.jinja_env.globals["data_licence"] = LICENCE
