"""Content negotiation: a small, strict-enough ``Accept`` parser over the format table.

``best_match`` follows RFC 9110 section 12.5.1: each offered media type takes the quality of the
*most specific* media range that matches it (``text/html;level=1`` > ``text/html`` >
``text/*`` > ``*/*``); ``q=0`` means "not acceptable"; among equally good offers, the one
matched by a more specific range wins, then the one listed first in ``offered``. Malformed
elements of the header are skipped, never raised; a header with no usable element counts as
absent (anything is acceptable).

Every request negotiates, often twice (the answer, then the error shape), with one of a handful
of ``Accept`` values: choices are remembered per (header, offers) in a small LRU, for headers up
to :data:`MEMO_MAX_HEADER` characters (a longer one is parsed each time, so a client cannot fill
memory with large headers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from museumkg.formats import page_media_types

#: Format names used in ``?format=`` and suffixes → the media type each one answers with
#: (the ``page`` names of :data:`museumkg.formats.FORMATS`).
MEDIA_TYPES: dict[str, str] = page_media_types()
#: ``Accept`` headers longer than this are not memoized (see the module docstring).
MEMO_MAX_HEADER = 512


class UnknownFormat(ValueError):
    """An explicit ``?format=`` names a format the resource does not offer."""


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header (or one offered media type).

    ``type`` and ``subtype`` are lower case; ``*`` is a wildcard. ``params`` excludes ``q``.
    """

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()
    q: float = 1.0

    @property
    def specificity(self) -> tuple[int, int, int]:
        """How specific the range is: exact type, exact subtype, number of parameters."""
        return (self.type != "*", self.subtype != "*", len(self.params))

    def matches(self, offer: MediaRange) -> bool:
        """Tell whether this range covers the concrete media type ``offer``."""
        if self.type not in ("*", offer.type):
            return False
        if self.subtype not in ("*", offer.subtype):
            return False
        offered = dict(offer.params)
        return all(offered.get(name) == value for name, value in self.params)


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside double-quoted strings (which may contain backslash escapes)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _token(text: str) -> bool:
    """A media-type token: non-empty, no spaces, separators or control characters."""
    return bool(text) and all(
        c.isascii() and c.isprintable() and c not in ' \t"(),/:;<=>?@[\\]{}' for c in text
    )


def _parse_q(text: str) -> float | None:
    try:
        q = float(text)
    except ValueError:
        return None
    return q if math.isfinite(q) and 0.0 <= q <= 1.0 else None


def parse_media_range(text: str) -> MediaRange | None:
    """Parse one media range like ``text/html;level=1;q=0.5``; ``None`` when malformed.

    Parameters after ``q`` (old accept-extensions) are ignored. A lone ``*`` is read as ``*/*``.

    >>> parse_media_range("Text/HTML; q=0.5")
    MediaRange(type='text', subtype='html', params=(), q=0.5)
    >>> parse_media_range("text/html; q=high") is None
    True
    """
    pieces = _split(text, ";")
    full = pieces[0].strip().lower()
    if full == "*":
        full = "*/*"
    main, slash, sub = full.partition("/")
    if not slash or not _token(main) or not _token(sub) or (main == "*" and sub != "*"):
        return None
    params: list[tuple[str, str]] = []
    q = 1.0
    for piece in pieces[1:]:
        if not piece.strip():
            continue
        name, eq, value = piece.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not eq or not _token(name) or not value:
            return None
        if name == "q":
            parsed = _parse_q(value)
            if parsed is None:
                return None
            q = parsed
            break
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params.append((name, value))
    return MediaRange(main, sub, tuple(params), q)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header into media ranges, skipping malformed elements.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/*;q=0.3, bad, */*;q=0.1")]
    [('text', '*', 0.3), ('*', '*', 0.1)]
    """
    if not header:
        return []
    ranges = (parse_media_range(part) for part in _split(header, ",") if part.strip())
    return [r for r in ranges if r is not None]


def best_match(accept_header: str | None, offered: Sequence[str]) -> str | None:
    """Pick the offered media type the client likes best, or ``None`` if none is acceptable.

    Args:
        accept_header: the request's ``Accept`` value (``None`` or empty: anything goes).
        offered: media types the resource can produce, in the server's order of preference.

    Returns:
        One of ``offered`` exactly as given, or ``None`` when every offer has quality 0.

    >>> best_match("application/json;q=0.9, text/html", ["application/json", "text/html"])
    'text/html'
    >>> best_match("text/*, text/html;q=0", ["text/html", "text/plain"])
    'text/plain'
    >>> best_match("image/png", ["text/html"]) is None
    True
    """
    offers = tuple(offered)
    if accept_header is not None and len(accept_header) > MEMO_MAX_HEADER:
        return _best_match(accept_header, offers)
    return _remembered_match(accept_header, offers)


def _best_match(accept_header: str | None, offered: tuple[str, ...]) -> str | None:
    ranges = parse_accept(accept_header) or [MediaRange("*", "*")]
    best: tuple[float, tuple[int, int, int], int] | None = None
    chosen: str | None = None
    for index, offer_text in enumerate(offered):
        offer = _offer(offer_text)
        if offer is None:
            continue
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        top = max(matching, key=lambda r: r.specificity)
        if top.q <= 0:
            continue
        key = (top.q, top.specificity, -index)
        if best is None or key > best:
            best, chosen = key, offer_text
    return chosen


_remembered_match = lru_cache(maxsize=256)(_best_match)
#: Offered media types are the app's own few constants: each is parsed once.
_offer = lru_cache(maxsize=256)(parse_media_range)


def pick_format(
    accept_header: str | None, explicit: str | None, formats: Sequence[str]
) -> str | None:
    """Choose a format name among ``formats``: an explicit ``?format=`` wins, else ``Accept``.

    Raises:
        UnknownFormat: when ``explicit`` is given and not one of ``formats``.

    >>> pick_format("application/json", None, ["html", "json"])
    'json'
    >>> pick_format("application/json", "html", ["html", "json"])
    'html'
    """
    if explicit:
        name = explicit.strip().lower()
        if name not in formats:
            raise UnknownFormat(
                f"unknown format {explicit!r}; this page offers: {', '.join(formats)}"
            )
        return name
    media = best_match(accept_header, [MEDIA_TYPES[name] for name in formats])
    if media is None:
        return None
    return next(name for name in formats if MEDIA_TYPES[name] == media)
