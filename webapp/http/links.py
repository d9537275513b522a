"""IRIs ↔ paths on this server, whatever host and port it runs on.

The request path ``/id/<kind>/<slug>`` names ``{base}id/<kind>/<slug>``; ontology terms
(``mkg:Museum``) link to their entry on ``/ontology``, derivation rules (``{base}rule/<name>``) to
``/rules/<name>``. Links carry an explicit ``?lang=`` along.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask import request

from museumkg.iris import entity_prefix, is_slug
from museumkg.namespaces import MKG, ONTOLOGY_IRI
from webapp.http.i18n import explicit_language
from webapp.http.state import web_state


def with_lang(path: str, **params: str | None) -> str:
    """``path`` with query parameters (``None`` dropped) and the reader's explicit ``?lang=``."""
    query = {k: v for k, v in params.items() if v is not None and v != ""}
    lang = explicit_language()
    if lang and "lang" not in query:
        query["lang"] = lang
    fragment = ""
    if "#" in path:
        path, fragment = path.split("#", 1)
        fragment = f"#{fragment}"
    return f"{path}?{urlencode(query)}{fragment}" if query else f"{path}{fragment}"


def url_with(path: str, params: Mapping[str, str], **changes: str | None) -> str:
    """``path`` with ``params`` updated by ``changes`` (``None`` removes one), and ``?lang=``."""
    merged: dict[str, str | None] = {**params, **changes}
    return with_lang(path, **merged)


def local_path(iri: str) -> str | None:
    """The path on this server that shows ``iri``, or ``None`` for an IRI it does not serve."""
    base = web_state().settings.base_iri
    root = request.script_root
    if iri.startswith(entity_prefix(base)):
        return f"{root}/{iri[len(base) :]}"
    rules = f"{base}rule/"
    if iri.startswith(rules) and is_slug(iri[len(rules) :]):
        return f"{root}/rules/{iri[len(rules) :]}"
    if iri.startswith(MKG):
        return f"{root}/ontology#{iri[len(MKG) :]}"
    if iri == ONTOLOGY_IRI:
        return f"{root}/ontology"
    return None


def href(iri: str | None, **params: str | None) -> str | None:
    """A link target for ``iri`` on this server (with ``?lang=``), or ``None``."""
    if not iri:
        return None
    path = local_path(iri)
    return with_lang(path, **params) if path is not None else None


def is_web_iri(iri: object) -> bool:
    """Only http(s) IRIs may become external links (never ``javascript:`` or ``data:``)."""
    return isinstance(iri, str) and iri.lower().startswith(("http://", "https://"))
