"""Languages: the reader's preferences, the fallback chain, and picking a label by it.

The chain is deterministic: the languages the reader asked for (``?lang=``, then
``Accept-Language`` by quality), then the configured languages (``Settings.languages``), then
untagged text, then any other language (in alphabetical order of the tag, then of the text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: A language tag as BCP 47 writes it, loosely: letters, digits and hyphens.
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def normal_tag(text: str) -> str | None:
    """A language tag in lower case, or ``None`` when ``text`` is not one.

    >>> normal_tag("en-GB"), normal_tag("ru"), normal_tag("<script>")
    ('en-gb', 'ru', None)
    """
    text = text.strip()
    return text.lower() if _TAG.match(text) else None


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, best first (``*`` and ``q=0`` dropped).

    Malformed elements are skipped; equal qualities keep the header's order.

    >>> parse_accept_language("ru-RU,ru;q=0.9,en;q=0.8,*;q=0.1,de;q=0")
    ['ru-ru', 'ru', 'en']
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag_text, _, params = part.partition(";")
        tag = normal_tag(tag_text)
        if tag is None:
            continue
        q = 1.0
        name, eq, value = params.partition("=")
        if eq and name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                continue
            if not math.isfinite(q) or not 0.0 <= q <= 1.0:
                continue
        if q > 0:
            weighted.append((-q, index, tag))
    return [tag for _q, _i, tag in sorted(weighted)]


def language_chain(requested: Iterable[str], configured: Sequence[str]) -> tuple[str, ...]:
    """The languages to try, in order: each requested tag then its primary subtag, then the
    configured languages; no repeats.

    >>> language_chain(["ru-RU", "de"], ["en", "ru", "kk"])
    ('ru-ru', 'ru', 'de', 'en', 'kk')
    """
    chain: list[str] = []
    for raw in [*requested, *configured]:
        tag = normal_tag(raw)
        if tag is None:
            continue
        for candidate in (tag, tag.split("-", 1)[0]):
            if candidate not in chain:
                chain.append(candidate)
    return tuple(chain)


@dataclass(frozen=True)
class Text:
    """A piece of text and its language tag (``""`` when untagged)."""

    value: str
    lang: str = ""


def _rank(text: Text, chain: Sequence[str]) -> tuple[int, str, str]:
    tag = text.lang.lower()
    for position, wanted in enumerate(chain):
        if tag == wanted or tag.split("-", 1)[0] == wanted:
            return (position, tag, text.value)
    if not tag:
        return (len(chain), "", text.value)
    return (len(chain) + 1, tag, text.value)


def pick(texts: Iterable[Text], chain: Sequence[str]) -> Text | None:
    """The text to show: the first language of ``chain`` that has one, then untagged, then any.

    >>> chain = ("de", "en", "ru")
    >>> pick([Text("Москва", "ru"), Text("Moscow", "en")], chain)
    Text(value='Moscow', lang='en')
    >>> pick([Text("Алматы", "kk"), Text("Almaty-x")], chain)
    Text(value='Almaty-x', lang='')
    >>> pick([Text("Ꭰ", "chr"), Text("Ալմաթի", "hy")], chain)
    Text(value='Ꭰ', lang='chr')
    """
    best: tuple[tuple[int, str, str], Text] | None = None
    for text in texts:
        key = _rank(text, chain)
        if best is None or key < best[0]:
            best = (key, text)
    return best[1] if best else None


def pick_value(labels: Mapping[str, str], chain: Sequence[str], fallback: str = "") -> str:
    """The text :func:`pick` prefers among ``labels`` (language tag → text), else ``fallback``.

    >>> pick_value({"ru": "Музей", "en": "Museum"}, ["de", "en"])
    'Museum'
    >>> pick_value({}, ["en"], "unesco-almaty")
    'unesco-almaty'
    """
    chosen = pick((Text(value, tag) for tag, value in labels.items()), chain)
    return chosen.value if chosen is not None else fallback


def keep_label(labels: dict[str, str], tag: str, value: str) -> None:
    """Keep ``value`` as the text of ``tag`` in ``labels`` if :func:`pick` would prefer it to
    the one kept (of several in one language, the first in code-point order), so that
    :func:`pick_value` over ``labels`` names a thing as :func:`pick` over all its texts does."""
    tag = tag.lower()
    if tag not in labels or value < labels[tag]:
        labels[tag] = value


def reader_chain(lang: str | Sequence[str] | None, last: str = "en") -> tuple[str, ...]:
    """A language chain from one tag or tags best first, ending with ``last``.

    >>> reader_chain("ru"), reader_chain(None)
    (('ru', 'en'), ('en',))
    """
    tags = [lang] if isinstance(lang, str) else list(lang or [])
    return language_chain([t for t in tags if t], [last])


def order(texts: Iterable[Text], chain: Sequence[str]) -> list[Text]:
    """All ``texts``, distinct, in the order :func:`pick` prefers them.

    >>> [t.lang for t in order([Text("b", "kk"), Text("a", "ru"), Text("c")], ("ru", "en"))]
    ['ru', '', 'kk']
    """
    return sorted(set(texts), key=lambda t: _rank(t, chain))
