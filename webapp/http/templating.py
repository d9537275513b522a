"""What every template uses: ``init_app(app)`` gives the Jinja environment



- ``t(key, **values)`` / ``tm(key, **markup_parts)``: interface strings (:mod:`webapp.http.i18n`);
- ``ui_lang``, ``ui_languages``, ``language_names``, ``lang_url(lang)``: the language switch;
- ``href(iri)``: where an IRI is shown on this server (``None`` for foreign IRIs);
- ``with_lang(path, **params)``: a local link keeping the reader's ``?lang=``;
- the ``script_json`` filter: JSON for a ``<script>`` element, with ``<``, ``>`` and ``&``
  escaped as ``\\u003c`` etc., so no value can close the element.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from markupsafe import Markup, escape

from webapp.http.i18n import LANGUAGE_NAMES, UI_LANGUAGES, explicit_language, t, tm, ui_language
from webapp.http.links import href, is_web_iri, url_with, with_lang

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


def term(v: Mapping[str, Any]) -> Markup:
    """One value as HTML: a link for IRIs this server shows, an external link for http(s)
    IRIs, text (with its language tag) for literals. Everything is escaped.

    A Python function rather than a template macro: an entity page renders hundreds of
    values, and a Jinja macro call costs more than the value it prints.
    """
    iri = v.get("iri")
    if iri:
        lang = v.get("label_lang")
        lang_attr = Markup(' lang="%s"') % lang if lang else Markup("")
        label = v.get("label", "")
        local = href(iri)
        if local:
            return Markup('<a href="%s"%s>%s</a>') % (local, lang_attr, label)
        if is_web_iri(iri):
            return Markup(
                '<a href="%s" class="external" rel="external noopener noreferrer"%s>%s</a>'
            ) % (iri, lang_attr, label)
        return Markup('<span class="iri"%s>%s</span>') % (lang_attr, label)
    lang = v.get("lang")
    text = v.get("text", "")
    if lang:
        return Markup(
            '<span class="literal" lang="%s">%s</span> <span class="tag" title="%s">%s</span>'
        ) % (lang, text, t("language"), lang)
    return Markup('<span class="literal">%s</span>') % (text,)


def refs(v: Mapping[str, Any]) -> Markup:
    """A value's source references ([1] [2], linking to the page's sources) and, for an
    inferred value, what inferred it (a rule, or a build step)."""
    parts = [
        Markup(' <a class="ref" href="#source-%s" aria-label="%s">[%s]</a>')
        % (n, t("source_ref", n=n), n)
        for n in v.get("sources") or ()
    ]
    if v.get("inferred"):
        by = v.get("derived_by")
        if by and by.get("kind") == "rule":
            link = Markup('<a href="%s">%s</a>') % (href(by.get("iri")), by.get("name"))
            said = tm("inferred_by_rule", rule=link)
        elif by and by.get("kind") == "step":
            rules = with_lang(request.script_root + "/rules/")
            link = Markup('<a href="%s#%s">%s</a>') % (rules, by.get("name"), by.get("name"))
            said = tm("inferred_by_step", step=link)
        else:
            said = escape(t("inferred"))
        parts.append(
            Markup(' <span class="inferred" title="%s">%s</span>') % (t("inferred_title"), said)
        )
    return Markup("").join(parts)


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
    """Give ``app``'s templates the helpers above."""
    app.jinja_env.globals.update(
        t=t,
        tm=tm,
        href=href,
        with_lang=with_lang,
        url_with=url_with,
        lang_url=lang_url,
        is_web_iri=is_web_iri,
        term=term,
        refs=refs,
    )
    app.jinja_env.filters["script_json"] = script_json
    app.context_processor(_template_context)
