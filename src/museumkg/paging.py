"""Keyset paging cursors: the last row's sort key, carried in a URL parameter as JSON text.

A cursor is data, never query text: its parts are bound as SQL parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def encode_cursor(key: Sequence[object]) -> str:
    """A paging cursor (the last row's sort key) as URL-safe text."""
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def decode_cursor(text: str, shape: Sequence[type]) -> list[Any] | None:
    """The key a cursor holds (``None`` for ``""``).

    Raises:
        ValueError: when ``text`` is not a cursor of this shape.

    >>> decode_cursor('["almaty",3,"p"]', (str, int, str))
    ['almaty', 3, 'p']
    """
    if not text:
        return None
    try:
        key = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError("not a paging cursor") from err
    if not isinstance(key, list) or len(key) != len(shape):
        raise ValueError("not a paging cursor")
    if not all(
        isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, shape, strict=True)
    ):
        raise ValueError("not a paging cursor")
    return key
