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

from museumkg.namespaces import MKG, RDF
from museumkg.sparql import parse_header
from museumkg.store import Store, StoreError, is_graph_result

#: The rule a partnership node names as its own (``mkg:derivedByRule``) made this statement.
OWN_RULE = "own rule"
#: The build step :mod:`museumkg.metrics` made this statement (not a rule file).
METRICS_STEP = "metrics"

#: What makes each statement of the derived graph, by predicate: a rule's name (the file
#: ``ontology/rules/NN-<name>.rq``, IRI ``{base}rule/<name>``), :data:`OWN_RULE` or
#: :data:`METRICS_STEP`. ``rdf:type`` is :data:`OWN_RULE` on partnership nodes, else the
#: metrics step (``mkg:YearMetrics``). Keep in step with the rules' CONSTRUCT templates.
DERIVED_BY: dict[str, str] = {
    f"{MKG}partnerOf": "partner-of",
    f"{MKG}strength": "strength-and-years",
    f"{MKG}firstYear": "strength-and-years",
    f"{MKG}lastYear": "strength-and-years",
    f"{MKG}partnershipMember": OWN_RULE,
    f"{MKG}partnershipKind": OWN_RULE,
    f"{MKG}evidenceProgram": OWN_RULE,
    f"{MKG}evidenceSource": OWN_RULE,
    f"{MKG}derivedByRule": OWN_RULE,
    f"{MKG}degree": METRICS_STEP,
    f"{MKG}weightedDegree": METRICS_STEP,
    f"{MKG}betweenness": METRICS_STEP,
    f"{MKG}community": METRICS_STEP,
    f"{MKG}metricsOf": METRICS_STEP,
    f"{MKG}metricsYear": METRICS_STEP,
}


def rule_iri(base_iri: str, name: str) -> str:
    """The IRI of a rule, as partnership nodes name it: ``{base}rule/<name>``."""
    return f"{base_iri}rule/{name}"


def derived_by(predicate: str, own_rule: str | None, base_iri: str) -> dict[str, str] | None:
    """What made a derived statement with ``predicate``, or ``None`` when the table is silent.

    Args:
        predicate: the statement's predicate IRI.
        own_rule: the subject's own ``mkg:derivedByRule`` IRI, if it has one.
        base_iri: the dataset base.

    Returns:
        ``{"kind": "rule", "name": ..., "iri": ...}`` or ``{"kind": "step", "name": "metrics"}``.

    >>> derived_by("https://w3id.org/museumkg/ontology#partnerOf", None, "http://x/")
    {'kind': 'rule', 'name': 'partner-of', 'iri': 'http://x/rule/partner-of'}
    """
    made_by = DERIVED_BY.get(predicate)
    if predicate == f"{RDF}type":
        made_by = OWN_RULE if own_rule else METRICS_STEP
    if made_by == METRICS_STEP:
        return {"kind": "step", "name": METRICS_STEP}
    if made_by == OWN_RULE:
        prefix = rule_iri(base_iri, "")
        if not own_rule or not own_rule.startswith(prefix):
            return None
        made_by = own_rule[len(prefix) :]
    if made_by is None:
        return None
    return {"kind": "rule", "name": made_by, "iri": rule_iri(base_iri, made_by)}


def rule_header(text: str) -> list[tuple[str, str]]:
    """The ``# key: value`` header of a rule file, continuation lines (``#   ...``) joined.

    >>> rule_header("# summary: a\\n# why: b\\n#   c\\nCONSTRUCT {}")
    [('summary', 'a'), ('why', 'b c')]
    """
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#")
        key, sep, value = body.partition(":")
        if sep and not body.startswith("  ") and key.strip() and " " not in key.strip():
            fields.append((key.strip().lower(), value.strip()))
        elif fields and body.strip():
            name, previous = fields[-1]
            fields[-1] = (name, f"{previous} {body.strip()}")
    return fields


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
