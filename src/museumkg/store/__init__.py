"""Stores behind one interface: ``open_store(location)`` picks the implementation."""

from __future__ import annotations

from pathlib import Path

from museumkg.store.base import (
    Capabilities,
    NotSupported,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreError,
    StoreUnavailable,
    Term,
    rdf_format,
    select_rows,
)
from museumkg.store.embedded import EmbeddedStore

__all__ = [
    "Capabilities",
    "EmbeddedStore",
    "NotSupported",
    "QueryResult",
    "QuerySyntaxError",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Term",
    "open_store",
    "rdf_format",
    "select_rows",
]


def open_store(location: str | Path, *, read_only: bool = True) -> Store:
    """Open the store at ``location``: a directory means embedded; an http(s) URL means remote.

    Raises:
        NotSupported: for a remote URL (the remote store is not built yet).
        StoreUnavailable: when the store cannot be opened.
    """
    text = str(location)
    if text.startswith(("http://", "https://")):
        raise NotSupported("remote stores are not available yet: serve the embedded store")
    return EmbeddedStore(Path(text), read_only=read_only)
