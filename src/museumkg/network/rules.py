"""The derivation rules: the CONSTRUCT files in ``ontology/rules/``, what they make and read.

A rule is a file ``NN-<name>.rq`` with a ``# summary:`` header (:func:`load_rules`); its IRI is
``{base}rule/<name>`` (:func:`rule_iri`). :data:`DERIVED_BY` tells, for each predicate of the
derived graph, which rule (or the metrics step) makes it, so that a page can say where a
derived statement comes from (:func:`derived_by`); :func:`rule_predicates` lists what the
rules read. Running them is :mod:`museumkg.network.derive`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from museumkg.namespaces import GEO, MKG, RDF, WGS
from museumkg.queries import header_fields, parse_header

#: The rule a partnership node names as its own (``mkg:derivedByRule``) made this statement.
OWN_RULE = "own rule"
#: The build step :mod:`museumkg.network.metrics` made this statement (not a rule file).
METRICS_STEP = "metrics"

#: What makes each statement of the derived graph, by predicate: a rule's name (the file
#: ``ontology/rules/NN-<name>.rq``, IRI ``{base}rule/<name>``), :data:`OWN_RULE` or
#: :data:`METRICS_STEP`. ``rdf:type`` is :data:`OWN_RULE` on partnership nodes, else the
#: metrics step (``mkg:YearMetrics``). ``tests/network/test_derive.py`` holds it to the rules'
#: CONSTRUCT templates: every predicate they make is here, under the rule that makes it.
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
    f"{WGS}lat": "city-location",
    f"{WGS}long": "city-location",
    f"{GEO}hasGeometry": "city-location",
    f"{GEO}asWKT": "city-location",
    f"{MKG}locationPrecision": "city-location",
}
#: The rule placing institutions at their city: a function of each institution's own
#: statements, redone for the institutions a change concerns by an incremental derivation
#: (:mod:`museumkg.network.rederive`).
LOCATION_RULE = "city-location"


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
    return [(key, " ".join(lines)) for key, lines in header_fields(text)]


@dataclass(frozen=True)
class Rule:
    """One derivation rule: its name (file stem without the order prefix) and text."""

    name: str
    path: Path
    summary: str
    text: str


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


_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_TOKEN = re.compile(
    r"#[^\n]*"  # a comment
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"  # a string
    r"|<([^<>\"{}|^`\\\s]*)>"  # an IRI
    r"|(?<![\w?$])([A-Za-z][\w-]*)?:((?:[\w-]|\.(?=[\w-]))*)"  # a prefixed name
)


def rule_predicates(rules: Iterable[Rule]) -> frozenset[str]:
    r"""The IRIs the rules name (and ``rdf:type``): the predicates a derivation must read.

    A lexical scan (comments and strings skipped, prefixed names expanded), so it may name a
    few IRIs that are no predicate, which costs nothing. A rule with a variable predicate
    would need every statement; ``tests/network/test_derive.py`` checks with a SPARQL parser that no
    rule has one and that every predicate of every rule is in this set.

    >>> text = "PREFIX x: <http://x/>\n# y:z\nCONSTRUCT { ?s x:p ?o } { ?s <http://y/q> 'x:r' }"
    >>> sorted(rule_predicates([Rule("t", Path("t.rq"), "t", text)]))
    ['http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'http://x/p', 'http://y/q']
    """
    iris = {f"{RDF}type"}
    for rule in rules:
        prefixes = {name or "": iri for name, iri in _PREFIX.findall(rule.text)}
        for match in _TOKEN.finditer(_PREFIX.sub(" ", rule.text)):
            iri, prefix, local = match.groups()
            if iri and ":" in iri:  # relative IRIs (the rules' graphs, minted IRIs) skipped
                iris.add(iri)
            elif local is not None and (prefix or "") in prefixes:
                iris.add(prefixes[prefix or ""] + local)
    return frozenset(iris)
