"""Problems found in curated data or the ontology, reported to curators all at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the checker can.

    Args:
        rule: short name of the rule broken (``syntax``, ``shacl:MinCount``, ``owl:consistency``).
        message: what is wrong, in a curator's words.
        file: the data file, relative to the project where possible.
        line: 1-based line in ``file`` when known.
        record: the entity (IRI or slug) the problem is about.
        field: the property or column concerned.
        hint: what to do about it.
        severity: ``error`` stops a build; ``warning`` is reported only.

    >>> print(Problem(rule="shacl:MinCount", message="needs an organiser",
    ...               file="x.ttl", line=12, record="id/program/p", field="mkg:organizer"))
    x.ttl:12: error [shacl:MinCount] id/program/p mkg:organizer: needs an organiser
    """

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        subject = " ".join(part for part in (self.record, self.field) if part)
        text = f"{where}: {self.severity} [{self.rule}] "
        text += f"{subject}: {self.message}" if subject else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ProblemsFound(Exception):
    """Raised when input has errors; carries every problem, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the input:\n" + "\n".join(map(str, errors)))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems that stop a build (severity ``error``)."""
    return [p for p in problems if p.severity == "error"]
