"""Two builds of the same data give byte-identical release files.

Nothing random or timed reaches a release: blank nodes are labelled stably (the ontology's
OWL restrictions and lists, any record's; VoID's partitions and checksums), the dumps are
written in the store's order, gzip stores no time, and the build time comes from
``SOURCE_DATE_EPOCH`` when it is set.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from seed import seed_data

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.release.assemble import dumps_dir
from museumkg.store.catalog import current_store_dir


def _build(root: Path) -> Path:
    settings = Settings(data_dir=seed_data(root / "data"), var_dir=root / "var", check_owl=False)
    build_catalog(settings)
    store_dir = current_store_dir(settings)
    assert store_dir is not None
    return dumps_dir(store_dir)


def test_two_builds_of_the_seed_give_the_same_release_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    first, second = _build(tmp_path / "a"), _build(tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    dumps = {"museumkg.nq.gz", "museumkg.ttl.gz", "museumkg.jsonld.gz"}
    assert dumps | {"void.ttl", "release.json"} <= set(names)
    # the ontology's blank nodes are there
    assert b"_:" in gzip.decompress((first / "museumkg.nq.gz").read_bytes())
    assert b"2026-01-01T00:00:00" in (first / "release.json").read_bytes()
    different = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert different == []


def test_a_build_time_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from museumkg.build.pipeline import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH='yesterday'"):
        build_time()
