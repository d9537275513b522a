"""Match keys of a name: the whole forms under which the matcher finds an entity exactly.

A name is found whole by its ``latin`` form (:mod:`museumkg.textfold`), and also by:

- its short form, the name without its parenthesised parts (``Goethe-Institut Kazakhstan
  (Almaty)`` → ``goethe institut kazakhstan``): people leave qualifiers out;
- the acronyms it gives in parentheses (``National Centre for Contemporary Arts (NCCA)`` →
  ``ncca``).

A name that is itself an acronym (``USAID``) is an ordinary name: :func:`is_acronym` says so,
for the matcher's explanations and the relevance set. Each key also has its ``loose`` form, so a
name spelled another way (another transliteration) is still found whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from hashlib import blake2b

from museumkg.textfold import forms

#: How a key was made from its name (``name_keys.how`` in the catalog index).
HOW_NAME, HOW_SHORT, HOW_ACRONYM = 0, 1, 2
#: Words for :data:`HOW_NAME` ... in explanations.
HOW_WORDS = ("name", "name without its parentheses", "acronym")

_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_INNER = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_ACRONYM = re.compile(r"^[^\W\d_a-zа-яё]{2,}(?:[-&.][^\W\d_a-zа-яё]+)*\.?$")


def is_acronym(text: str) -> bool:
    """Whether ``text`` is an acronym: one word of two or more capitals (``-&.`` may join parts).

    >>> is_acronym("USAID"), is_acronym("ЮНЕСКО"), is_acronym("SCCA-Almaty"), is_acronym("A")
    (True, True, False, False)
    """
    word = text.strip()
    return bool(_ACRONYM.match(word)) and word.upper() == word and len(word) <= 16


def short_form(text: str) -> str:
    """``text`` without its parenthesised parts (``""`` when nothing would be left).

    >>> short_form("Goethe-Institut Kazakhstan (Almaty)"), short_form("(Almaty)")
    ('Goethe-Institut Kazakhstan', '')
    """
    return " ".join(_PARENS.sub(" ", text).split())


def name_keys(
    text: str,
    whole: tuple[str, str] | None = None,
    forms_of: Callable[[str], tuple[str, str, str]] = forms,
) -> list[tuple[str, str, int]]:
    """The ``(latin, loose, how)`` keys of a name, the name itself first, no key twice.

    ``whole``: the ``latin`` and ``loose`` forms of ``text`` when the caller has them already;
    ``forms_of``: :func:`museumkg.textfold.forms`, or a cache of it
    (:class:`museumkg.textfold.WordForms`).

    >>> [(key, how) for key, _loose, how in name_keys("Arts Centre (NCCA), Kaliningrad")]
    [('arts centre ncca kaliningrad', 0), ('arts centre kaliningrad', 1), ('ncca', 2)]
    """
    found: dict[str, tuple[str, str, int]] = {}

    def add(value: str, how: int) -> None:
        _folded, latin_form, loose_form = forms_of(value)
        if latin_form and latin_form not in found:
            found[latin_form] = (latin_form, loose_form, how)

    if whole is None:
        add(text, HOW_NAME)
    elif whole[0]:
        found[whole[0]] = (whole[0], whole[1], HOW_NAME)
    if "(" in text or "[" in text:
        add(short_form(text), HOW_SHORT)
        for inner in _INNER.findall(text):
            if is_acronym(inner):
                add(inner, HOW_ACRONYM)
    return list(found.values())


def loose_hash(loose_key: str) -> int:
    """A key's ``loose`` form as a signed 64-bit number: what the index keeps to look it up
    (equal forms, equal numbers; the matcher checks the form of what it finds).

    >>> loose_hash("kazakstan") == loose_hash("kazakstan") != loose_hash("kazakhstan")
    True
    """
    digest = blake2b(loose_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
