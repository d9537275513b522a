"""What every measuring module gets: the data, the store, the running servers, the settings.

Plug-in contract (see bench/README.md): a module of ``bench/`` exposing
``measure(context: BenchContext) -> list[Figure | dict]`` is called once per size with the
servers running; it returns figures (dicts with the keys of ``latest.json`` are accepted).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.queries import Query, Samples


@dataclass
class BenchContext:
    """One size's run: files, store, servers and knobs."""

    size: int  # the requested size (the table's size column)
    triples: int  # quads in the generated N-Quads file
    nquads: Path  # the generated synthetic catalog
    var_dir: Path  # MUSEUMKG_VAR_DIR of the loaded catalog
    store_dir: Path  # the loaded store folder (served by both servers)
    store_triples: int  # quads in the store (sources + ontology + derived graph)
    base_iri: str
    workdir: Path  # scratch space, removed at the end
    samples: Samples
    queries: list[Query]
    quick: bool = False
    push: bool = True  # the backends step pushes the catalog to the remote servers
    museumkg_url: str | None = None
    oxigraph_url: str | None = None
    museumkg_pid: int | None = None
    oxigraph_pid: int | None = None
    load_seconds: dict[str, float] = field(default_factory=dict)
    whole_build_s: float | None = None
    oxigraph_ms: dict[str, float] = field(default_factory=dict)  # median per query name
    page_urls: list[str] = field(default_factory=list)  # paths of the pages found (for load)
    slow_pages: list[str] = field(default_factory=list)  # pages not answering within the limit
    notes: list[str] = field(default_factory=list)
    deadline: float = field(default_factory=lambda: time.monotonic() + 3600)

    @property
    def reps(self) -> int:
        """Timed repetitions of each query or page (after one warm-up)."""
        return 3 if self.quick else 15

    @property
    def cap_s(self) -> float:
        """Longest time spent repeating one query or page on one target."""
        return 3.0 if self.quick else 10.0

    def note(self, text: str) -> None:
        """Record a note for the README (a skipped measurement, a cap hit, a missing route)."""
        line = f"{self.size:,} triples: {text}"
        if line not in self.notes:
            self.notes.append(line)

    def time_left(self) -> float:
        """Seconds until this size's deadline."""
        return self.deadline - time.monotonic()
