"""Linked Data responses: one resource, many representations, chosen by suffix or ``Accept``.

The pattern (documented in docs/architecture.md): **direct content negotiation** on the
resource's own path. ``/id/org/x`` answers HTML to browsers and RDF to clients that ask for it
(``Accept``), with ``Vary: Accept, Accept-Language``, a ``Content-Location`` naming the
representation sent, and ``Link: <...>; rel="alternate"; type=...`` headers listing every
representation; each representation also has its own URL (``/id/org/x.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.html``, ``.json``). No redirects: one request, status 200 or an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from museumkg.pages.describe import RDF_MEDIA_TYPES
from webapp.http.negotiation import MEDIA_TYPES, UnknownFormat, pick_format

#: URL suffixes → format names.
SUFFIXES = {f".{name}": name for name in ("ttl", "jsonld", "nt", "rdf", "html", "json")}
#: Formats an RDF resource offers, HTML first (what a browser sending ``*/*`` gets).
RESOURCE_FORMATS = ("html", "ttl", "jsonld", "nt", "rdf", "json")


def split_suffix(path: str) -> tuple[str, str | None]:
    """``"org/x.ttl"`` → ``("org/x", "ttl")``; no known suffix → ``(path, None)``.

    >>> split_suffix("program/a/part/1.jsonld"), split_suffix("org/x")
    (('program/a/part/1', 'jsonld'), ('org/x', None))
    """
    for suffix, name in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], name
    return path, None


def choose_format(formats: Sequence[str], suffix: str | None) -> tuple[str, bool]:
    """The representation to send and whether it was negotiated (no suffix, no ``?format=``).

    Raises:
        BadRequest: for an unknown ``?format=``.
        NotAcceptable: when ``Accept`` rules out every representation.
    """
    if suffix is not None:
        return suffix, False
    explicit = request.args.get("format")
    try:
        chosen = pick_format(request.headers.get("Accept"), explicit, formats)
    except UnknownFormat as err:
        raise BadRequest(str(err)) from err
    if chosen is None:
        offered = ", ".join(MEDIA_TYPES[name] for name in formats)
        raise NotAcceptable(f"this resource is available as {offered}")
    return chosen, not explicit


def media_type(fmt: str) -> str:
    """The ``Content-Type`` of a format (text types in UTF-8)."""
    media = RDF_MEDIA_TYPES.get(fmt) or MEDIA_TYPES[fmt]
    text = media.startswith("text/") or fmt == "nt"
    return f"{media}; charset=utf-8" if text else media


def link_header(path: str, formats: Sequence[str]) -> str:
    """``Link`` header value naming every representation of the resource at ``path``."""
    return ", ".join(
        f'<{path}.{fmt}>; rel="alternate"; type="{MEDIA_TYPES[fmt]}"' for fmt in formats
    )


def finish(
    response: Response, path: str, fmt: str, negotiated: bool, formats: Sequence[str]
) -> Response:
    """Add the Linked Data headers to a representation of the resource at ``path``."""
    response.headers["Link"] = link_header(path, formats)
    if negotiated:
        response.vary.add("Accept")
        response.vary.add("Accept-Language")
        response.headers["Content-Location"] = f"{path}.{fmt}"
    elif fmt in ("html", "json"):
        response.vary.add("Accept-Language")
    return response
