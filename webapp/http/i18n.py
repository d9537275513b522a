"""The interface in English and Russian: the reader's language chain and the message catalog.

The chain (:func:`museumkg.lang.language_chain`) is built per request from ``?lang=``, then
``Accept-Language``, then the configured languages; data labels follow all of it, the interface
takes its first language that has a catalog below (else English). An explicit ``?lang=`` is
carried along in the links the pages make (:func:`explicit_language`), so a choice sticks
while browsing without cookies.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from markupsafe import Markup, escape
from werkzeug.http import HTTP_STATUS_CODES

from museumkg.lang import language_chain, normal_tag, parse_accept_language
from webapp.http.messages import MESSAGES
from webapp.http.state import web_state

#: Interface languages, in the order the language switch lists them.
UI_LANGUAGES = tuple(MESSAGES)
#: Each interface language's name in itself, for the language switch.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def explicit_language() -> str | None:
    """The ``?lang=`` of this request, when it is a well-formed language tag (read once per
    request: every link a page makes asks)."""
    if "museumkg_lang" not in g:
        raw = request.args.get("lang", "")
        g.museumkg_lang = normal_tag(raw) if raw else None
    found: str | None = g.museumkg_lang
    return found


def request_chain() -> tuple[str, ...]:
    """The reader's language chain for this request (computed once per request)."""
    cached: tuple[str, ...] | None = g.get("museumkg_chain")
    if cached is None:
        requested = [explicit_language() or ""]
        requested += parse_accept_language(request.headers.get("Accept-Language"))
        cached = language_chain([r for r in requested if r], web_state().settings.languages)
        g.museumkg_chain = cached
    return cached


def ui_language() -> str:
    """The interface language: the first of the chain that has a message catalog."""
    return next((lang for lang in request_chain() if lang in MESSAGES), "en")


def t(key: str, **values: Any) -> str:
    """The message ``key`` in the interface language (English if missing), formatted."""
    text = MESSAGES[ui_language()].get(key) or MESSAGES["en"][key]
    return text.format(**values) if values else text


def tm(key: str, **parts: Any) -> Markup:
    """The message ``key`` with markup parts (links) put in; the message itself is escaped.

    Parts that are not :class:`~markupsafe.Markup` are escaped too.
    """
    text = MESSAGES[ui_language()].get(key) or MESSAGES["en"][key]
    return Markup(escape(text)).format(**parts)


def status_title(status: int) -> str:
    """The name of an HTTP status in the interface language (the standard English name else)."""
    if f"status_{status}" in MESSAGES["en"]:
        return t(f"status_{status}")
    return HTTP_STATUS_CODES.get(status, "Error")
