"""The delivered tables as read: their columns, rows with where they are, and one run's state.

A delivery is a folder of CSV tables (``organisations.csv``, ``programs.csv``, ``people.csv``,
and in the second delivery ``corrections.csv``) with its editorial decisions file under
``data/ingest/``. :func:`read_table` checks a table's columns and cells and keeps its rows;
:class:`Ingest` holds one delivery's rows, its decisions (merged over the earlier deliveries'
maps) and every problem found, reported together with table, line, row and column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from museumkg.iris import is_slug
from museumkg.problems import Problem

#: The tables and their columns, exactly (README of catalog-sources and catalog-sources-2).
COLUMNS = {
    "organisations": [
        "id", "name_en", "name_ru", "name_local", "local_lang", "type", "city", "country",
        "founded", "website", "wikidata", "source_urls", "notes",
    ],
    "programs": [
        "id", "title_en", "title_ru", "start_date", "end_date", "city", "country", "organisers",
        "partners", "topics", "source_urls", "notes",
    ],
    "people": ["id", "name_en", "name_ru", "role", "affiliation", "source_urls", "notes"],
    "corrections": ["table", "id", "field", "value", "source_urls", "note"],
}  # fmt: skip
#: Columns every row must fill.
REQUIRED = {
    "organisations": ("id", "name_en", "source_urls"),
    "programs": ("id", "title_en", "source_urls"),
    "people": ("id", "name_en", "source_urls"),
    "corrections": ("table", "id", "field", "value", "source_urls"),
}
#: The kind of IRI each table's ids name.
KIND = {"organisations": "org", "programs": "program", "people": "person"}
#: Fields whose correcting value conflicts with the earlier value → the claim's property.
CONFLICTS = {"founded": "foundingDate", "start_date": "startDate", "end_date": "endDate"}
#: Maps of the decisions files that a later delivery's file extends (its own entries win).
SHARED_MAPS = ("institution_types", "places", "topics")
URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Delivery:
    """One delivery of tables: its name (the folder's), tables and decisions file."""

    name: str
    tables: tuple[str, ...]
    title: str

    @property
    def decisions(self) -> str:
        """The decisions file, relative to ``data/``."""
        return f"ingest/{self.name}.yaml"

    def output(self, table: str) -> str:
        """The generated record of ``table`` (or ``topics``), relative to ``data/``."""
        folder = "vocabularies" if table == "topics" else "sources"
        return f"{folder}/{self.name}-{table}.yaml"

    def outputs(self) -> dict[str, str]:
        return {table: self.output(table) for table in (*self.tables, "topics")}


DELIVERIES = (
    Delivery("catalog-sources", ("organisations", "programs", "people"), "first delivery"),
    Delivery(
        "catalog-sources-2",
        ("organisations", "programs", "people", "corrections"),
        "second delivery",
    ),
)


@dataclass
class Row:
    """One row of a table, with where it is."""

    table: str
    line: int
    cells: dict[str, str]

    @property
    def id(self) -> str:
        return self.cells.get("id", "")

    def cells_of(self, column: str, sep: str = ";") -> list[str]:
        """A multi-valued cell, split and trimmed (empty parts dropped)."""
        return [part.strip() for part in self.cells.get(column, "").split(sep) if part.strip()]

    @property
    def urls(self) -> list[str]:
        return self.cells_of("source_urls", " ; ")


@dataclass
class Ingest:
    """The state of one delivery's conversion: tables, decisions, problems.

    ``earlier`` are the conversions of the deliveries before this one (same run): their rows
    resolve this delivery's references (the deliveries share one id space). ``later`` are the
    deliveries after it, whose corrections may dispute this delivery's values.
    """

    folder: Path
    delivery: Delivery
    decisions: dict[str, Any]
    existing_labels: dict[tuple[str, str], str]
    base_iri: str
    earlier: list[Ingest] = field(default_factory=list)
    later: list[Ingest] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, rule: str, message: str, row: Row | None, column: str | None = None, **kw: Any
    ) -> None:
        table = row.table if row else kw.pop("table", "organisations")
        record = f"{table} row {row.id}" if row and row.id else kw.pop("record", None)
        if row and table == "corrections":
            record = f"corrections line {row.line} ({row.cells.get('table')} {row.id})"
        self.problems.append(
            Problem(
                rule,
                message,
                file=str(self.folder / f"{table}.csv"),
                line=row.line if row else kw.pop("line", None),
                record=record,
                field=column,
                hint=kw.pop("hint", None),
            )
        )

    def decision_hint(self, key: str) -> str:
        return f"add it under `{key}:` in data/{self.delivery.decisions}"

    def shared(self, key: str) -> dict[str, Any]:
        """A map of the decisions, over the same map of the earlier deliveries."""
        merged: dict[str, Any] = {}
        for ingest in self.earlier:
            merged.update(ingest.decisions.get(key) or {})
        merged.update(self.decisions.get(key) or {})
        return merged

    def corrected(self, table: str, row_id: str, prop: str) -> list[tuple[Ingest, Row]]:
        """Corrections of later deliveries whose value conflicts with this row's ``prop``."""
        found = []
        for later in self.later:
            for row in later.rows.get("corrections", []):
                if (
                    row.cells["table"].strip() == table
                    and row.id == row_id
                    and CONFLICTS.get(row.cells["field"].strip()) == prop
                ):
                    found.append((later, row))
        return found

    def by_id(self, table: str) -> dict[str, Row]:
        return {row.id: row for row in self.rows.get(table, [])}

    def all_by_id(self, table: str) -> dict[str, Row]:
        """Rows of ``table`` in this delivery and the earlier ones, by id."""
        found: dict[str, Row] = {}
        for ingest in [*self.earlier, self]:
            found.update(ingest.by_id(table))
        return found

    def org_ids(self) -> set[str]:
        ids = set(self.all_by_id("organisations"))
        for ingest in [*self.earlier, self]:
            ids |= set(ingest.decisions.get("extra_institutions") or {})
        return ids

    def program_slug(self, row_id: str) -> str:
        """The catalog's slug of a program row (a row may name an existing program)."""
        for ingest in [self, *self.earlier]:
            mapped = (ingest.decisions.get("program_ids") or {}).get(row_id)
            if mapped:
                return str(mapped)
        return row_id


# Complexity: a flat list of checks of one table (file, header, columns, cells), each with its own
# problem
def read_table(ingest: Ingest, table: str) -> None:  # noqa: C901
    """Read one CSV table into ``ingest.rows[table]``, checking its columns and cells."""
    path = ingest.folder / f"{table}.csv"
    if not path.is_file():
        ingest.problem("missing-table", f"{path.name} is missing", None, table=table)
        return
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        ingest.problem("encoding", f"{path.name} is not UTF-8 ({err.reason})", None, table=table)
        return
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    expected = COLUMNS[table]
    if header != expected:
        _bad_header(ingest, table, path, header or [], expected)
        return
    rows: list[Row] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    for values in reader:
        row = Row(table, line, dict(zip(expected, values, strict=False)))
        line = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(expected):
            ingest.problem(
                "csv-row",
                f"the row has {len(values)} cells; the table has {len(expected)} columns",
                row,
                hint="check the quotes around cells that contain commas",
            )
            continue
        for column in REQUIRED[table]:
            if not row.cells[column].strip():
                ingest.problem("missing-value", f"`{column}` is empty", row, column)
        if row.id and not is_slug(row.id):
            ingest.problem("bad-id", f"{row.id!r} is not a slug", row, "id")
        if table != "corrections":
            if row.id in seen:
                ingest.problem(
                    "duplicate-id",
                    f"the id {row.id!r} is used twice (first on line {seen[row.id]})",
                    row,
                    "id",
                    hint="merge the two rows, keeping every source URL",
                )
                continue
            earlier = next((e for e in ingest.earlier if row.id in e.by_id(table)), None)
            if earlier is not None:
                ingest.problem(
                    "duplicate-id",
                    f"the id {row.id!r} is already defined by {earlier.delivery.name}/"
                    f"{table}.csv (line {earlier.by_id(table)[row.id].line})",
                    row,
                    "id",
                    hint="the deliveries share one id space: correct the earlier row "
                    "through corrections.csv instead",
                )
                continue
            seen[row.id] = row.line
        for url in row.urls:
            if not URL.match(url):
                ingest.problem("bad-value", f"{url!r} is not a web address", row, "source_urls")
        rows.append(row)
    ingest.rows[table] = rows


def _bad_header(
    ingest: Ingest, table: str, path: Path, header: list[str], expected: list[str]
) -> None:
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    details = []
    if missing:
        details.append("missing column(s): " + ", ".join(missing))
    if extra:
        details.append("unexpected column(s): " + ", ".join(extra))
    if not details:
        details.append("the columns are in another order")
    ingest.problem(
        "csv-columns",
        f"{path.name} does not have the expected columns ({'; '.join(details)})",
        None,
        table=table,
        line=1,
        column=(missing + extra)[0] if missing or extra else None,
        hint="the columns are: " + ",".join(expected) + f" ({ingest.delivery.name}/README.md)",
    )
