"""An entity's RDF twins are the same bytes in every process (pages.describe)."""

from __future__ import annotations

import os
import subprocess
import sys

import rdflib
from rdflib.compare import isomorphic

from museumkg.config import Settings
from museumkg.store.catalog import current_store_dir

#: Serialize one entity's description as each format, in a process of its own.
_PROGRAM = """
import sys
from pathlib import Path
from museumkg.pages.describe import bounded_description, serialize
from museumkg.store import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]), read_only=True)
triples = bounded_description(store, sys.argv[2])
for fmt in ("jsonld", "ttl", "nt", "rdf"):
    body = serialize(triples, fmt, base_iri=sys.argv[3], context_path=Path(sys.argv[4]))
    sys.stdout.buffer.write(fmt.encode() + b"\\0" + body + b"\\0")
"""


def _twins(settings: Settings, iri: str, hash_seed: str) -> dict[str, bytes]:
    store_dir = current_store_dir(settings)
    assert store_dir is not None
    context = settings.ontology_dir / "context.jsonld"
    command = [sys.executable, "-c", _PROGRAM, str(store_dir), iri, settings.base_iri]
    done = subprocess.run(
        [*command, str(context)],
        capture_output=True,
        check=True,
        env=dict(os.environ, PYTHONHASHSEED=hash_seed),
    )
    parts = done.stdout.split(b"\0")
    return {parts[i].decode(): parts[i + 1] for i in range(0, len(parts) - 1, 2)}


def test_twins_are_the_same_bytes_under_any_hash_seed(catalog_settings: Settings) -> None:
    # two app processes behind one balancer answer the same URL (and the same strong ETag):
    # the bytes must not depend on the process (rdflib's JSON-LD writer follows set order)
    iri = f"{catalog_settings.base_iri}id/place/almaty"
    first, second = (_twins(catalog_settings, iri, seed) for seed in ("1", "2"))
    assert set(first) == {"jsonld", "ttl", "nt", "rdf"}
    for fmt, body in first.items():
        assert body == second[fmt], f"{fmt} differs between two processes"
    # and still the same graph as the Turtle twin
    ttl, jsonld = rdflib.Graph(), rdflib.Graph()
    ttl.parse(data=first["ttl"], format="turtle")
    jsonld.parse(data=first["jsonld"], format="json-ld")
    assert len(ttl) > 20 and isomorphic(ttl, jsonld)
