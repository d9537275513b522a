"""``museumkg export`` as a process: stdout or a file, gzip, one graph."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from museumkg.config import PROJECT_DIR, Settings
from museumkg.store import EmbeddedStore


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, MUSEUMKG_VAR_DIR=str(settings.var_dir))
    command = [sys.executable, "-m", "museumkg.cli.main", "export", *args]
    return subprocess.run(command, capture_output=True, env=env, cwd=PROJECT_DIR, timeout=120)


def test_export_turtle_to_stdout(catalog_settings: Settings, store: EmbeddedStore) -> None:
    done = run(catalog_settings, "--format", "ttl")
    assert done.returncode == 0, done.stderr
    triples = set(ox.parse(done.stdout, ox.RdfFormat.TURTLE))
    assert len(triples) == len({q.triple for q in store.native})
    assert b"exported" in done.stderr and b"triples as Turtle" in done.stderr


def test_export_one_graph_gzipped_to_a_file(
    catalog_settings: Settings, store: EmbeddedStore, tmp_path: Path
) -> None:
    target = tmp_path / "ontology.nq.gz"
    graph = catalog_settings.ontology_graph
    done = run(catalog_settings, "--format", "nq", "--graph", graph, "--gzip", "-o", str(target))
    assert done.returncode == 0, done.stderr
    quads = list(ox.parse(gzip.decompress(target.read_bytes()), ox.RdfFormat.N_QUADS))
    assert len(quads) == store.count(graph)
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}


def test_export_names_an_unknown_graph(catalog_settings: Settings) -> None:
    done = run(catalog_settings, "--format", "nt", "--graph", "http://example.org/none")
    assert done.returncode == 1
    assert b"no named graph http://example.org/none" in done.stderr
