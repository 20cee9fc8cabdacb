"""What a benchmark section returns (tables, target checks, query plans) and how it is written as markdown."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

PASS, MISS, SKIP = "pass", "miss", "skipped"


@dataclass(frozen=True)
class Check:
    """One target: what was measured against what was wanted."""

    section: str
    target: str
    db: str
    measured: str
    passed: bool | None  # None: not measured (e.g. PostgreSQL unreachable)

    @property
    def result(self) -> str:
        return SKIP if self.passed is None else PASS if self.passed else MISS


@dataclass
class Table:
    """A markdown table with a heading; every row has one cell per column."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(tuple(_cell(c) for c in cells))

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", _row(self.columns), _row(tuple("---" for _ in self.columns))]
        lines += [_row(r) for r in self.rows]
        return "\n".join(lines)


@dataclass
class Section:
    """Everything one part of the benchmark measured."""

    name: str
    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plans: list[tuple[str, str]] = field(default_factory=list)  # (title, plan text)

    def check(self, target: str, db: str, measured: str, passed: bool | None) -> None:
        self.checks.append(Check(self.name, target, db, measured, passed))


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else fmt(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def fmt(value: object, digits: int = 1) -> str:
    """Numbers for humans: 12.3, 1,234, or '—' for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:,.{digits}f}" if abs(value) >= 0.1 or value == 0 else f"{value:.3f}"
    return str(value)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def checks_table(sections: Sequence[Section]) -> Table:
    table = Table("Targets", ("section", "target", "db", "measured", "result"))
    for section in sections:
        for check in section.checks:
            table.add(check.section, check.target, check.db, check.measured, f"**{check.result}**")
    return table


def render(
    sections: Sequence[Section], machine: Sequence[tuple[str, str]], *, command: str, elapsed: float
) -> str:
    """The whole RESULTS.md: machine, targets, each section's tables, notes and query plans."""
    machine_table = Table("Machine", ("what", "value"))
    for key, value in machine:
        machine_table.add(key, value)
    parts = [
        "# Benchmark results",
        "",
        f"Written by `{command}` in {elapsed:,.0f} s. Timings in milliseconds unless a column says otherwise.",
        "",
        machine_table.markdown(),
        "",
        checks_table(sections).markdown(),
    ]
    for section in sections:
        parts += ["", f"## {section.name}"]
        for note in section.notes:
            parts += ["", note]
        for table in section.tables:
            parts += ["", table.markdown()]
        for title, plan in section.plans:
            parts += [
                "",
                f"<details><summary>{title}</summary>",
                "",
                "```",
                plan.rstrip(),
                "```",
                "",
                "</details>",
            ]
    return "\n".join(parts) + "\n"
