"""Roles told as sentences: who played which part in which program, on whose behalf.

"Dr. Lebedev — lead trainer of Museums in a Changing World (2005), for the Laboratory of
Museum Projects". Pages get the parts (with IRIs, to make links) from :func:`role_facts`; the
plain-text form (:func:`role_name`) names a role in lists and in the search index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from museumkg.store import Term

#: Plain-text sentence patterns per interface language (``en`` is the fallback).
PATTERNS: dict[str, dict[str, str]] = {
    "en": {
        "role": "{agent} — {role_type} of {program}",
        "role_no_program": "{agent} — {role_type}",
        "year": " ({year})",
        "behalf": ", for {behalf}",
        "unknown": "someone",
        "took_part": "took part",
    },
    "ru": {
        "role": "{agent} — {role_type}: {program}",
        "role_no_program": "{agent} — {role_type}",
        "year": " ({year})",
        "behalf": ", от имени: {behalf}",
        "unknown": "кто-то",
        "took_part": "участник",
    },
}


@dataclass(frozen=True)
class RoleFacts:
    """The IRIs (and year) a role sentence is made of; absent parts are ``None``."""

    role: str
    agent: str | None = None
    role_type: str | None = None
    program: str | None = None
    behalf: str | None = None
    year: str | None = None


def _iri(row: dict[str, Term], name: str) -> str | None:
    term = row.get(name)
    return term.value if isinstance(term, ox.NamedNode) else None


def role_facts(rows: Iterable[dict[str, Term]]) -> list[RoleFacts]:
    """One :class:`RoleFacts` per role from rows of ``entity_roles``/``index_roles``.

    When a role has several values for a part (several sources disagree), the smallest IRI
    wins, so the sentence is stable; the page lists every statement anyway.
    """
    merged: dict[str, dict[str, str]] = {}
    for row in rows:
        role = _iri(row, "role")
        if role is None:
            continue
        parts = merged.setdefault(role, {})
        for key, name in (
            ("agent", "agent"),
            ("role_type", "roleType"),
            ("program", "program"),
            ("behalf", "behalf"),
        ):
            value = _iri(row, name)
            if value is not None and (key not in parts or value < parts[key]):
                parts[key] = value
        start = row.get("start")
        if isinstance(start, ox.Literal) and start.value[:4].isdigit():
            year = start.value[:4]
            if "year" not in parts or year < parts["year"]:
                parts["year"] = year
    return [RoleFacts(role, **parts) for role, parts in merged.items()]


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the word looks like an acronym (``UNESCO``).

    >>> lower_first("Lead trainer"), lower_first("UNESCO office")
    ('lead trainer', 'UNESCO office')
    """
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def role_name(facts: RoleFacts, label: Callable[[str], str], lang: str = "en") -> str:
    """The role as one line of plain text in ``lang`` (``en`` or ``ru``).

    >>> names = {"p": "Dr. Lebedev", "t": "Lead trainer", "m": "Museums", "o": "the Lab"}
    >>> role_name(RoleFacts("r", "p", "t", "m", "o", "2005"), names.__getitem__)
    'Dr. Lebedev — lead trainer of Museums (2005), for the Lab'
    """
    words = PATTERNS.get(lang, PATTERNS["en"])
    agent = label(facts.agent) if facts.agent else words["unknown"]
    role_type = lower_first(label(facts.role_type)) if facts.role_type else words["took_part"]
    if facts.program:
        text = words["role"].format(agent=agent, role_type=role_type, program=label(facts.program))
    else:
        text = words["role_no_program"].format(agent=agent, role_type=role_type)
    if facts.year:
        text += words["year"].format(year=facts.year)
    if facts.behalf:
        text += words["behalf"].format(behalf=label(facts.behalf))
    return text
