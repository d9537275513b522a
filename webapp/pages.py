"""The reader-facing pages: entities, browsing, search, the ontology; and what their templates use.

``init_app(app)`` registers the blueprints and gives every template:

- ``t(key, **values)`` / ``tm(key, **markup_parts)``: interface strings (:mod:`webapp.i18n`);
- ``ui_lang``, ``ui_languages``, ``language_names``, ``lang_url(lang)``: the language switch;
- ``href(iri)``: where an IRI is shown on this server (``None`` for foreign IRIs);
- ``with_lang(path, **params)``: a local link keeping the reader's ``?lang=``;
- the ``script_json`` filter: JSON for a ``<script>`` element, with ``<``, ``>`` and ``&``
  escaped as ``\\u003c`` etc., so no value can close the element.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from markupsafe import Markup

from webapp import browse, entities, indexes, ontology, rules, search
from webapp.i18n import LANGUAGE_NAMES, UI_LANGUAGES, explicit_language, t, tm, ui_language
from webapp.links import href, is_web_iri, url_with, with_lang

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> Markup:
    """``value`` as JSON safe inside ``<script type="application/ld+json">``.

    >>> str(script_json({"name": "</script><b>&"}))
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def lang_url(lang: str) -> str:
    """The current page in another interface language (its other parameters kept)."""
    params = {k: v for k, v in request.args.items() if k != "lang"}
    params["lang"] = lang
    return f"{request.script_root}{request.path}?{urlencode(params)}"


def _template_context() -> dict[str, Any]:
    return {
        "ui_lang": ui_language(),
        "explicit_lang": explicit_language(),
        "ui_languages": UI_LANGUAGES,
        "language_names": LANGUAGE_NAMES,
    }


def init_app(app: Flask) -> None:
    """Register the page blueprints and the template helpers on ``app``."""
    indexes.init_app(app)
    for blueprint in (entities.bp, browse.bp, search.bp, ontology.bp, rules.bp):
        app.register_blueprint(blueprint)
    ontology.init_app(app)
    app.jinja_env.globals.update(
        t=t,
        tm=tm,
        href=href,
        with_lang=with_lang,
        url_with=url_with,
        lang_url=lang_url,
        is_web_iri=is_web_iri,
    )
    app.jinja_env.filters["script_json"] = script_json
    app.context_processor(_template_context)
