"""The seed catalog: the project's data/ without the records made by the catalog-sources ingest.

Most tests know the answers of the 2005 seed (three organisers, one training, one lead trainer).
The ingested tables of both deliveries (data/sources/catalog-sources-*.yaml, their topic
vocabularies and decisions) add about three hundred institutions, which would change every such
answer; tests/records/test_ingest.py and test_ingest_second.py cover them on the full catalog.
``seed_data`` copies data/ into a test folder leaving them out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
#: File names (glob patterns) of the records written by `museumkg ingest-catalog-sources`.
INGESTED = ("catalog-sources-*",)


def seed_data(target: Path) -> Path:
    """Copy the project's data/ to ``target`` without the ingested records; return ``target``."""
    shutil.copytree(PROJECT_DIR / "data", target, ignore=shutil.ignore_patterns(*INGESTED))
    return target
