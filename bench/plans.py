"""The SQL a repository call really runs, and each statement's query plan (EXPLAIN)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

BIG_TABLES = ("interview", "panelist", "debrief", "outbox")


@contextmanager
def capture(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record (statement, parameters) of everything executed on `engine` inside the block."""
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(engine: Engine, statement: str, parameters: Any) -> str:
    """PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN, as an indented tree."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return "\n".join(str(row[0]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        return "\n".join(lines)
    finally:
        raw.rollback()
        raw.close()


def full_scans(plan: str) -> list[str]:
    """How the plan reads a whole big table instead of looking rows up through an index."""
    found = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        for table in BIG_TABLES:
            match = re.match(rf"(Seq Scan on {table}|SCAN {table})\b", text)
            if match:
                found.append(match.group(1))
    return found


def plans_of(engine: Engine, call: Callable[[], object]) -> list[tuple[str, str]]:
    """(statement, plan) for each SELECT that `call` runs."""
    with capture(engine) as seen:
        call()
    result = []
    for statement, parameters in seen:
        if statement.lstrip().upper().startswith("SELECT"):
            result.append((_short(statement), clip(explain(engine, statement, parameters))))
    return result


def _short(statement: str) -> str:
    """The statement on one line, its column list and long parameter lists elided."""
    text = " ".join(statement.split())
    text = re.sub(r"SELECT .*? FROM", "SELECT … FROM", text, count=1)
    parameter = r"(%\(\w+\)s|\?)(::\w+)?"
    return re.sub(rf"{parameter}(, {parameter}){{3,}}", "…", text)


def clip(plan: str, width: int = 240) -> str:
    """Plan lines cut to `width` characters (an IN list of 500 ids is not worth reading)."""
    return "\n".join(line if len(line) <= width else line[:width] + " …" for line in plan.splitlines())
