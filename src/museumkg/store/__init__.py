"""Stores behind one interface: ``open_store(location)`` picks the implementation."""

from __future__ import annotations

from pathlib import Path

from museumkg.store.base import (
    Capabilities,
    NotSupported,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
    StoreUnavailable,
    Term,
    is_graph_result,
    rdf_format,
    select_rows,
    syntax_error,
)
from museumkg.store.embedded import EmbeddedStore

__all__ = [
    "Capabilities",
    "EmbeddedStore",
    "NotSupported",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Term",
    "is_graph_result",
    "open_store",
    "rdf_format",
    "select_rows",
    "syntax_error",
]


def open_store(
    location: str | Path,
    *,
    read_only: bool = True,
    update_url: str | None = None,
    store_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout_s: float = 10.0,
    dialect: str | None = None,
    path: Path | None = None,
) -> Store:
    """Open the store at ``location``: a directory means embedded; an http(s) URL means remote.

    Args:
        location: a store directory, or a SPARQL query endpoint URL.
        read_only: refuse writes.
        update_url, store_url: remote only; default to the server's conventions.
        user, password: remote only; HTTP basic credentials.
        timeout_s: remote only; the limit for one request.
        dialect: remote only; a key of ``museumkg.store.remote.DIALECTS`` (default: guessed).
        path: remote only; the local build folder of the catalog on the server.

    Raises:
        StoreUnavailable: when the store cannot be opened.
    """
    text = str(location)
    if text.startswith(("http://", "https://")):
        from museumkg.store.remote import RemoteStore  # SPARQLWrapper only when needed

        return RemoteStore(
            text,
            update_url=update_url,
            store_url=store_url,
            user=user,
            password=password,
            timeout_s=timeout_s,
            read_only=read_only,
            dialect=dialect or None,
            path=path,
        )
    return EmbeddedStore(Path(text), read_only=read_only)
