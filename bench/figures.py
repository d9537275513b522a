"""Figures: one measured value beside its reference and budget; statistics; the table.

Every figure is "lower is better" (a time, a size, a count); a rate is turned into seconds per
10^6 triples, so a budget is always an upper limit, on the value or on the ratio
value / reference_value (``budget_on``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The keys of a figure in ``latest.json``, in order.
FIGURE_KEYS = (
    "name",
    "size_triples",
    "value",
    "unit",
    "reference",
    "reference_value",
    "ratio",
    "budget",
    "budget_on",
)


@dataclass
class Figure:
    """One line of the table."""

    name: str
    size_triples: int
    value: float | None
    unit: str
    reference: str | None = None
    reference_value: float | None = None
    budget: float | None = None
    budget_on: str | None = None  # "value" or "ratio"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / reference_value, when both are known."""
        if self.value is None or not self.reference_value:
            return None
        return self.value / self.reference_value

    def verdict(self) -> str:
        """``ok``, ``MISSED +x%`` (how far over the budget), ``n/a`` or empty (no budget)."""
        if self.budget is None:
            return ""
        measured = self.ratio if self.budget_on == "ratio" else self.value
        if measured is None:
            return "n/a"
        if measured <= self.budget:
            return "ok"
        if self.budget <= 0:
            return f"MISSED (+{measured:g})"
        return f"MISSED +{(measured / self.budget - 1) * 100:.0f}%"

    def as_json(self) -> dict[str, Any]:
        """The figure as ``latest.json`` stores it (exactly :data:`FIGURE_KEYS`)."""
        ratio = self.ratio
        return {
            "name": self.name,
            "size_triples": self.size_triples,
            "value": _round(self.value),
            "unit": self.unit,
            "reference": self.reference,
            "reference_value": _round(self.reference_value),
            "ratio": None if ratio is None else round(ratio, 3),
            "budget": self.budget,
            "budget_on": self.budget_on,
        }


def as_figure(item: Figure | dict[str, Any], size: int) -> Figure:
    """Accept a :class:`Figure` or a dict with the JSON keys (what plug-in modules return).

    A rate (a unit ending in ``/s``, higher is better) is turned into seconds per 10^6 of its
    things, so that lower is better like every other figure.
    """
    figure = item if isinstance(item, Figure) else _from_dict(item, size)
    if figure.unit.endswith("/s"):
        thing = figure.unit[: -len("/s")].strip() or "items"
        figure.value = 1e6 / figure.value if figure.value else None
        figure.reference_value = 1e6 / figure.reference_value if figure.reference_value else None
        figure.unit = f"s/10^6 {thing}"
    return figure


def _from_dict(item: dict[str, Any], size: int) -> Figure:
    return Figure(
        name=str(item["name"]),
        size_triples=int(item.get("size_triples") or size),
        value=item.get("value"),
        unit=str(item.get("unit", "")),
        reference=item.get("reference"),
        reference_value=item.get("reference_value"),
        budget=item.get("budget"),
        budget_on=item.get("budget_on"),
        note=str(item.get("note", "")),
    )


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, 3) if abs(value) < 1000 else round(value, 1)


def median(values: Sequence[float]) -> float | None:
    """The median (``None`` for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile, nearest rank (``None`` for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def per_million(seconds: float | None, triples: int) -> float | None:
    """A duration for ``triples`` as seconds per 10^6 triples (a rate, lower is better)."""
    if seconds is None or triples <= 0:
        return None
    return seconds * 1_000_000 / triples


def growth(figures: Iterable[Figure]) -> list[Figure]:
    """For each figure measured at two or more sizes: how it grew from one size to the next.

    value = value(larger) / value(smaller); reference = the size ratio, so ratio = 1 means the
    cost grew like the data (linear), below 1 sub-linear, above 1 super-linear.
    """
    by_name: dict[str, dict[int, Figure]] = {}
    for figure in figures:
        if figure.value is not None and not figure.name.startswith("growth"):
            by_name.setdefault(figure.name, {})[figure.size_triples] = figure
    found = []
    for name, sizes in by_name.items():
        ordered = sorted(sizes)
        for small, large in zip(ordered, ordered[1:], strict=False):
            low, high = sizes[small].value, sizes[large].value
            if not low or high is None:
                continue
            found.append(
                Figure(
                    name=f"growth {_size(small)}→{_size(large)}: {name}",
                    size_triples=large,
                    value=high / low,
                    unit="x",
                    reference="data size ratio",
                    reference_value=large / small,
                )
            )
    return found


def _size(n: int) -> str:
    exponent = math.log10(n) if n > 0 else 0
    return f"10^{exponent:.0f}" if exponent.is_integer() else f"{n:,}"


def _cell(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(figures: Sequence[Figure], *, markdown: bool = False) -> str:
    """The figures as one aligned text table (or a Markdown table)."""
    header = ["size", "figure", "value", "unit", "reference", "ref. value", "ratio", "budget", ""]
    rows = []
    for f in figures:
        budget = ""
        if f.budget is not None:
            budget = f"≤{_cell(f.budget)}" + ("x" if f.budget_on == "ratio" else f" {f.unit}")
        rows.append(
            [
                _size(f.size_triples),
                f.name,
                _cell(f.value),
                f.unit,
                f.reference or "",
                _cell(f.reference_value) if f.reference else "",
                _cell(f.ratio) if f.ratio is not None else "",
                budget,
                f.verdict(),
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header[:-1] + ["verdict"]) + " |"]
        lines.append("|" + "|".join(" --- " for _ in header) + "|")
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    for row in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in out)
