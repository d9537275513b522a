"""museumkg: a linked-data catalog of museums, their partners, programs, topics and people.

The public API, re-exported here; everything else is internal.
"""

from museumkg.build import build_catalog, check_catalog
from museumkg.catalog import Manifest, open_current
from museumkg.config import Settings
from museumkg.problems import Problem, ProblemsFound
from museumkg.store import EmbeddedStore, Store, StoreError, open_store

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
