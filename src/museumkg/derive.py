"""Derived knowledge: run the CONSTRUCT rules in ``ontology/rules/`` into the derived graph.

Rules run in file-name order against the union of all graphs; each rule's output is added to
``{base}graph/derived`` before the next runs, so later rules (strength, ``partnerOf``) read
earlier ones. The derived graph is dropped first, so a derivation always starts from the
sources as they are. Rules mint IRIs relative to the dataset base, given as a SPARQL ``BASE``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from museumkg.sparql import parse_header
from museumkg.store import Store, StoreError, is_graph_result


@dataclass(frozen=True)
class Rule:
    """One derivation rule: its name (file stem without the order prefix) and text."""

    name: str
    path: Path
    summary: str
    text: str


@dataclass(frozen=True)
class RuleReport:
    """What one rule added to the derived graph, and how long it took."""

    rule: str
    summary: str
    triples: int
    seconds: float


def load_rules(rules_dir: Path) -> list[Rule]:
    """Read the rule files, in order.

    Raises:
        ValueError: when a rule lacks its ``# summary:`` header.
    """
    rules = []
    for path in sorted(rules_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text)
        if "summary" not in header:
            raise ValueError(f"{path}: a rule needs a '# summary:' header line")
        name = path.stem.split("-", 1)[1] if path.stem[:2].isdigit() else path.stem
        rules.append(Rule(name=name, path=path, summary=header["summary"], text=text))
    return rules


def derive(store: Store, *, base_iri: str, derived_graph: str, rules_dir: Path) -> list[RuleReport]:
    """Rebuild the derived graph from the rules.

    Args:
        store: a writable store holding the sources.
        base_iri: the dataset base (rules' relative IRIs resolve against it).
        derived_graph: the graph the results go into (dropped first).
        rules_dir: the folder of ``NN-name.rq`` CONSTRUCT rules.

    Returns:
        one report per rule: how many triples it added, and its time.

    Raises:
        StoreError: naming the rule that failed.
    """
    store.drop_graph(derived_graph)
    target = ox.NamedNode(derived_graph)
    reports = []
    for rule in load_rules(rules_dir):
        started = time.perf_counter()
        try:
            result = store.query(f"BASE <{base_iri}>\n{rule.text}")
        except StoreError as err:
            raise StoreError(f"rule {rule.path.name} failed: {err}") from err
        if not is_graph_result(result):
            raise StoreError(f"rule {rule.path.name} must be a CONSTRUCT query")
        quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in result]
        _insert(store, quads)
        reports.append(
            RuleReport(rule.name, rule.summary, len(quads), round(time.perf_counter() - started, 4))
        )
    return reports


def _insert(store: Store, quads: list[ox.Quad]) -> None:
    """Add one rule's output to the store.

    On the embedded store this is pyoxigraph's bulk loader, not a transaction: rules only run
    on a store being built, whose folder lands whole or is thrown away, so a transaction buys
    nothing, and at 10^6 triples it made derivation about three times slower (the inserts, and
    the rules reading the derived graph after them; see bench/README.md).
    """
    native = getattr(store, "native", None)
    if isinstance(native, ox.Store):
        native.bulk_extend(quads)
    else:
        store.add_quads(quads)
