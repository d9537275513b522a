"""Debian's Chromium driven by Playwright for Python, shared by the browser tests.

Playwright's own browser downloads are never used: ``/usr/bin/chromium`` comes from Debian
(scripts/system-deps.sh). Screenshots go to ``test-artifacts/``, which CI keeps.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a headless run as root on a machine with no network but loopback.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 20_000


def require(path: Path, what: str) -> None:
    """Fail under CI (the set-up must provide ``path``), skip on a developer's machine."""
    if not path.exists():
        message = f"{path} is missing: {what}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
