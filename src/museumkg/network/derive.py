"""Derived knowledge: run the CONSTRUCT rules in ``ontology/rules/`` into the derived graph.

Rules run in file-name order against the union of all graphs; each rule's output is added to
``{base}graph/derived`` before the next runs, so later rules (strength, ``partnerOf``) read
earlier ones. Rules mint IRIs relative to the dataset base, given as a SPARQL ``BASE``.

The rules do not run on the store itself but on a *scratch* store in memory holding only what
they read: the statements (outside the derived graph) whose predicate is an IRI named in a
rule (:func:`rule_predicates`); when that would take more memory than a budget
(:func:`scratch_in_memory`), a scratch store on disk instead, in a folder beside the store
being built (so that a failed or stopped build takes it away with its own folder). On the
store itself every join step of a rule is a RocksDB seek, several times slower than in memory,
and the rules that read the derived graph right after it was bulk-written were slower still;
each rule's output goes into the scratch as one native N-Triples bulk load, without a Python
object per triple (a transactional load would hold it all in memory). The finished derived
graph then replaces the store's in bulk loads of bounded chunks (:func:`derive`,
:func:`land_in_chunks`). A progress line says as each rule, and each slice of a rule, ends:
its time, CPU time, what it read and made and the process's memory. The same scratch serves an
incremental re-derivation over part of the sources (:mod:`museumkg.network.rederive`).
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from museumkg.network.rules import Rule, load_rules, rule_predicates
from museumkg.network.slices import (
    SLICE_PLANS,
    SlicePlan,
    anchors,
    assign_slices,
    clear_slices,
    resliced,
    slice_count,
    slice_quads,
    slice_statement_cap,
    subclass_statements,
)
from museumkg.network.usage import available_memory, usage_note
from museumkg.store import Store, StoreError, select_rows
from museumkg.store.terms import lexical


@dataclass(frozen=True)
class RuleReport:
    """What one rule added to the derived graph, and how long it took."""

    rule: str
    summary: str
    triples: int  # as constructed: in slices, a triple two slices make is counted twice
    seconds: float
    slices: int = 1


#: In memory the scratch store takes about this many bytes per statement read, the derived
#: graph it grows included (1.5 GB at 10^6 catalog triples, 433,000 statements read).
SCRATCH_BYTES_PER_STATEMENT = 3_500
#: The most memory a derivation may take (bytes; ``Settings.derive_memory_mb``): half of it
#: for the scratch store (a larger one is a folder on disk, where the rules run several times
#: slower), half for one rule's evaluation (a rule that would need more runs in slices, each
#: over a bounded part of the data: :mod:`museumkg.network.slices`).
SCRATCH_MEMORY_BUDGET = 3 * 1024 * 1024 * 1024
#: The pseudo-rules of a derivation's reports: reading the sources, landing the result.
READ_STEP = "(read sources)"
LAND_STEP = "(land derived graph)"
#: Called with one line as each rule, and each slice of a rule, ends.
Progress = Callable[[str], None]


NEWLINE = b"\n"


def _quiet(_line: str) -> None:
    """A progress that says nothing."""


def source_quads(store: Store, predicates: Iterable[str], derived_graph: str) -> Iterator[ox.Quad]:
    """The store's statements with these predicates, outside the derived graph."""
    derived = ox.NamedNode(derived_graph)
    for predicate in sorted(predicates):
        for quad in store.quads(None, ox.NamedNode(predicate), None, None):
            if quad.graph_name != derived:
                yield quad


def run_rules(
    scratch: ox.Store,
    rules: list[Rule],
    *,
    base_iri: str,
    derived_graph: str,
    spool: Path | None = None,
    budget: int | None = None,
    statements: int = 0,
    progress: Progress = _quiet,
) -> list[RuleReport]:
    """Run the rules in order on a scratch store, each one's output into ``derived_graph``.

    Args:
        spool: a file for each rule's output on its way into the store (kept out of memory);
            none: in memory.
        budget: bytes one rule's evaluation may take: a rule whose evaluation would need more
            for ``statements`` read runs in slices (:mod:`museumkg.network.slices`); none: every
            rule whole.
        statements: how many source statements the scratch was filled with.
        progress: called with a line as each rule and each slice ends (its time, what it read
            and made, this process's memory).

    Raises:
        StoreError: naming the rule that failed.
    """
    target = ox.NamedNode(derived_graph)
    reports = []
    for rule in rules:
        started, cpu = time.perf_counter(), time.process_time()
        plan = SLICE_PLANS.get(rule.name)
        if budget is not None and plan is not None:
            slices = slice_count(statements, budget, plan.bytes_per_statement)
        else:
            slices = 1
        try:
            if plan is not None and slices > 1:
                triples, slices = _run_sliced(
                    scratch, rule, plan, slices, base_iri, target, spool, progress, budget
                )
            else:
                triples = _run_whole(scratch, rule, base_iri, target, spool)
        except (SyntaxError, OSError, RuntimeError, StoreError) as err:
            raise StoreError(f"rule {rule.path.name} failed: {err}") from err
        report = RuleReport(rule.name, rule.summary, triples, _since(started), slices)
        reports.append(report)
        sliced = f" in {slices} slices" if slices > 1 else ""
        progress(
            f"rule {rule.name}: {triples} triples{sliced} in {report.seconds:.2f}s, "
            f"{usage_note(cpu)}"
        )
    return reports


def _construct(store: ox.Store, rule: Rule, base_iri: str) -> ox.QueryTriples:
    result = store.query(f"BASE <{base_iri}>\n{rule.text}", use_default_graph_as_union=True)
    if not isinstance(result, ox.QueryTriples):
        raise StoreError("it must be a CONSTRUCT query")
    return result


def _run_whole(
    scratch: ox.Store, rule: Rule, base_iri: str, target: ox.NamedNode, spool: Path | None
) -> int:
    """Run a rule over the whole scratch store; its output goes into ``target``."""
    result = _construct(scratch, rule, base_iri)
    if spool is None:
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        scratch.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        return data.count(b"\n")
    result.serialize(str(spool), format=ox.RdfFormat.N_TRIPLES)
    return _bulk_load_spool(scratch, spool, target)


def _run_sliced(
    scratch: ox.Store,
    rule: Rule,
    plan: SlicePlan,
    slices: int,
    base_iri: str,
    target: ox.NamedNode,
    spool: Path | None,
    progress: Progress,
    budget: int | None = None,
) -> tuple[int, int]:
    """Run a rule slice by slice, each on a store in memory holding its slice's statements.

    The output of every slice is kept apart (in ``spool``, else in memory) and goes into
    ``target`` once all have run: the rule sees the scratch as it was, as a whole run does.
    Each slice, as it ends, is told to ``progress``.

    The count planned is checked against the first slice's statements, gathered before it
    runs: when they are more than ``budget`` allows (:func:`slice_statement_cap`), the anchors
    are dealt again into more slices (:func:`resliced`), so that a slice's size follows the
    budget, not a cost per statement measured on a smaller catalog.

    Returns:
        the triples made (a triple two slices make counted twice), and the slices run.
    """
    match = scratch.quads_for_pattern
    subclass = subclass_statements(match)
    predicates = rule_predicates([rule])
    out: IO[bytes] = spool.open("wb") if spool is not None else io.BytesIO()
    anchored = assign_slices(scratch, plan, slices)
    try:
        started, cpu = time.perf_counter(), time.process_time()  # the first slice's, gathered
        first = slice_quads(match, plan, anchors(match, 0), predicates, subclass)
        cap = None if budget is None else slice_statement_cap(budget, plan)
        if cap is not None and len(first) > cap:
            more = resliced(slices, len(first), cap, anchored)
            progress(
                f"rule {rule.name}: {len(first)} statements in slice 1/{slices}, more than "
                f"{cap} the budget allows: {more} slices"
            )
            if more > slices:
                slices, first = more, []
                clear_slices(scratch)
                assign_slices(scratch, plan, slices)
                started, cpu = time.perf_counter(), time.process_time()
        with out:
            for number in range(slices):
                if number:
                    started, cpu = time.perf_counter(), time.process_time()
                found = anchors(match, number)
                quads = first or slice_quads(match, plan, found, predicates, subclass)
                first = []
                part = ox.Store()
                part.bulk_extend(quads)
                made = _construct(part, rule, base_iri).serialize(format=ox.RdfFormat.N_TRIPLES)
                out.write(made or b"")
                del part
                progress(
                    f"rule {rule.name}: slice {number + 1}/{slices}: {len(found)} anchors, "
                    f"{len(quads)} statements read, {(made or b'').count(NEWLINE)} triples in "
                    f"{_since(started):.2f}s, {usage_note(cpu)}"
                )
                del quads, made
            data = out.getvalue() if isinstance(out, io.BytesIO) else None
    finally:
        clear_slices(scratch)
    if data is not None:
        scratch.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        return data.count(b"\n"), slices
    assert spool is not None
    return _bulk_load_spool(scratch, spool, target), slices


def scratch_in_memory(statements: int, budget: int | None = None) -> bool:
    """Whether a scratch store for ``statements`` fits in memory (else: on disk).

    It fits when its expected size (:data:`SCRATCH_BYTES_PER_STATEMENT` each) is within half
    of ``budget`` (default :data:`SCRATCH_MEMORY_BUDGET`) and half the memory available.

    >>> scratch_in_memory(1_000, budget=10**9), scratch_in_memory(10**6, budget=10**9)
    (True, False)
    """
    limit = (SCRATCH_MEMORY_BUDGET if budget is None else budget) // 2
    available = available_memory()
    if available is not None:
        limit = min(limit, available // 2)
    return statements * SCRATCH_BYTES_PER_STATEMENT <= limit


def derive(
    store: Store,
    *,
    base_iri: str,
    derived_graph: str,
    rules_dir: Path,
    memory_budget: int | None = None,
    scratch_dir: Path | None = None,
    progress: Progress = _quiet,
) -> list[RuleReport]:
    """Rebuild the derived graph from the rules (all of it: see :mod:`museumkg.network.rederive`).

    Args:
        store: a writable store holding the sources.
        base_iri: the dataset base (rules' relative IRIs resolve against it).
        derived_graph: the graph the results go into (replaced whole, metrics included).
        rules_dir: the folder of ``NN-name.rq`` CONSTRUCT rules.
        memory_budget: bytes the derivation may take (default :data:`SCRATCH_MEMORY_BUDGET`):
            half for the scratch store (:func:`scratch_in_memory`; a larger one is a folder on
            disk), half for a rule's evaluation (a larger one runs in slices).
        scratch_dir: where the scratch folder (a scratch store on disk, the rules' output on
            its way) goes: beside the store being built, so that a failed or stopped build
            takes it away with its own folder; default the system's temporary folder. The
            scratch folder is removed when the derivation ends, however it ends.
        progress: called with a line as each step, rule and slice ends.

    Returns:
        one report per rule (how many triples it constructed, and its time), between one for
        reading the sources into the scratch store and one for landing the derived graph.

    Raises:
        StoreError: naming the rule that failed; the store's derived graph is then untouched.
    """
    rules = load_rules(rules_dir)
    started, cpu = time.perf_counter(), time.process_time()
    predicates = rule_predicates(rules)
    with tempfile.TemporaryDirectory(prefix="museumkg-derive-", dir=scratch_dir) as folder:
        budget = SCRATCH_MEMORY_BUDGET if memory_budget is None else memory_budget
        big = not scratch_in_memory(_count(store, predicates), budget)
        scratch = ox.Store(str(Path(folder) / "scratch")) if big else ox.Store()
        counted = _Counted(source_quads(store, predicates, derived_graph))
        scratch.bulk_extend(counted)
        what = "the statements the rules read" + (" (scratch on disk)" if big else "")
        read = RuleReport(READ_STEP, what, counted.n, _since(started))
        progress(
            f"rule {READ_STEP}: {counted.n} statements{' (scratch on disk)' if big else ''} in "
            f"{read.seconds:.2f}s, {usage_note(cpu)}"
        )
        spool = Path(folder) / "derived.nt"
        reports = run_rules(
            scratch,
            rules,
            base_iri=base_iri,
            derived_graph=derived_graph,
            spool=spool,
            budget=budget // 2,
            statements=counted.n,
            progress=progress,
        )
        started, cpu = time.perf_counter(), time.process_time()
        scratch.dump(str(spool), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(derived_graph))
        del scratch
        store.drop_graph(derived_graph)
        # Not a transaction: a full derivation only runs on a store being built, whose folder
        # lands whole or is thrown away, so a transaction buys nothing (and at 10^6 triples
        # made the inserts several times slower; see bench/README.md).
        chunks = land_in_chunks(store, spool, derived_graph)
        landed = RuleReport(LAND_STEP, "the derived graph", _lines(spool), _since(started))
        progress(
            f"rule {LAND_STEP}: {landed.triples} triples in {chunks} chunks in "
            f"{landed.seconds:.2f}s, {usage_note(cpu)}"
        )
    return [read, *reports, landed]


#: The derived graph lands, and each rule's output goes into the scratch, in bulk loads of at
#: most this many bytes of N-Triples each, so that the memory of loading does not grow with it
#: (at 10^7 catalog triples one bulk load of a rule's 1.8 million triples took +0.8 GB).
LAND_CHUNK_BYTES = 64 * 1024 * 1024


def land_in_chunks(store: Store, path: Path, graph: str, chunk_bytes: int | None = None) -> int:
    """Bulk-load an N-Triples file into ``graph`` in chunks of whole lines; how many chunks.

    Each chunk is at most ``chunk_bytes`` (default :data:`LAND_CHUNK_BYTES`) or one line.
    """
    chunks = 0
    for data in line_chunks(path, chunk_bytes):
        store.load(data, format="nt", graph=graph)
        chunks += 1
    return chunks


def line_chunks(path: Path, chunk_bytes: int | None = None) -> Iterator[bytes]:
    """A file's bytes in chunks of whole lines, each at most ``chunk_bytes`` (default
    :data:`LAND_CHUNK_BYTES`) or one line (a line longer than a chunk is read on, not cut)."""
    size = LAND_CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    with path.open("rb") as handle:
        rest = b""
        while True:
            block = handle.read(size)
            data = rest + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if cut == 0 and block:  # one line longer than a chunk: read on
                rest = data
                continue
            data, rest = data[:cut], data[cut:]
            if data:
                yield data
            if not block:
                return


def _bulk_load_spool(scratch: ox.Store, spool: Path, target: ox.NamedNode) -> int:
    """A rule's output (N-Triples in ``spool``) into the scratch, in chunks; how many lines."""
    lines = 0
    for data in line_chunks(spool):
        scratch.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        lines += data.count(NEWLINE)
    return lines


def _count(store: Store, predicates: Iterable[str]) -> int:
    """How many statements have these predicates (all graphs)."""
    total = 0
    for predicate in predicates:
        result = store.query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p",
            bindings={"p": ox.NamedNode(predicate)},
            union_default_graph=False,
        )
        for row in select_rows(result):
            total += int(lexical(row["n"]))
    return total


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, items: Iterable[ox.Quad]) -> None:
        self._items = iter(items)
        self.n = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> ox.Quad:
        item = next(self._items)
        self.n += 1
        return item


def _lines(path: Path) -> int:
    """Lines of a file (one N-Triples statement each)."""
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 4)
