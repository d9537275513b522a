"""Which old releases a build removes: the last ``keep_releases``, within ``keep_releases_mb``.

The store folders are real folders with files of known sizes, made oldest first (their
modification times order them, as the build's do).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from museumkg.build.pipeline import releases_to_remove
from museumkg.config import Settings


def _releases(settings: Settings, sizes_mb: list[int]) -> list[Path]:
    """Store folders holding ``sizes_mb`` MB each, oldest first; the last one is serving."""
    folders = []
    for number, size in enumerate(sizes_mb):
        folder = settings.stores_dir / f"2026010{number}-release"
        (folder / "dumps").mkdir(parents=True)
        (folder / "store.sst").write_bytes(b"\0" * (size * 1_000_000 - 1000))
        (folder / "dumps" / "release.json").write_bytes(b"\0" * 1000)
        os.utime(folder, (1_767_225_600 + number, 1_767_225_600 + number))
        folders.append(folder)
    (settings.stores_dir / ".building-1-x").mkdir()  # a build under way is never counted
    return folders


def test_without_a_budget_the_last_releases_are_kept_by_count(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, keep_releases=3)
    folders = _releases(settings, [5, 5, 5, 5, 5])
    assert releases_to_remove(settings, keep=folders[-1]) == [folders[1], folders[0]]


def test_a_budget_keeps_the_latest_releases_that_fit_without_gaps(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, keep_releases=5, keep_releases_mb=12)
    # the serving 5 MB and the previous 4 MB fit; the 6 MB before them does not, so it and
    # every older one go, though the oldest (1 MB) alone would fit
    folders = _releases(settings, [1, 6, 4, 5])
    assert releases_to_remove(settings, keep=folders[-1]) == [folders[1], folders[0]]


def test_the_serving_release_is_kept_even_beyond_the_budget(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, keep_releases=5, keep_releases_mb=3)
    folders = _releases(settings, [1, 1, 4])
    assert releases_to_remove(settings, keep=folders[-1]) == [folders[1], folders[0]]


def test_the_budget_is_read_from_the_environment_and_checked() -> None:
    assert Settings.from_env({"MUSEUMKG_KEEP_RELEASES_MB": "5000"}).keep_releases_mb == 5000
    with pytest.raises(ValueError, match="keep_releases_mb must be 0 or more: -1"):
        Settings(keep_releases_mb=-1)
