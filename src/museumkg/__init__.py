"""museumkg: a linked-data catalog of museums, their partners, programs, topics and people.

The public API, re-exported here; everything else is internal. Names are imported on first
use, so importing one module (say, the store for the web app) does not load the build
pipeline with pyshacl and owlready2.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from museumkg.build.pipeline import build_catalog, check_catalog
    from museumkg.config import Settings
    from museumkg.problems import Problem, ProblemsFound
    from museumkg.store import EmbeddedStore, Store, StoreError, open_store
    from museumkg.store.catalog import Manifest, open_current

_EXPORTS = {
    "EmbeddedStore": "museumkg.store",
    "Manifest": "museumkg.store.catalog",
    "Problem": "museumkg.problems",
    "ProblemsFound": "museumkg.problems",
    "Settings": "museumkg.config",
    "Store": "museumkg.store",
    "StoreError": "museumkg.store",
    "build_catalog": "museumkg.build.pipeline",
    "check_catalog": "museumkg.build.pipeline",
    "open_current": "museumkg.store.catalog",
    "open_store": "museumkg.store",
}

__all__ = [
    "EmbeddedStore",
    "Manifest",
    "Problem",
    "ProblemsFound",
    "Settings",
    "Store",
    "StoreError",
    "build_catalog",
    "check_catalog",
    "open_current",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'museumkg' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
