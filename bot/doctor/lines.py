"""A checklist line: ✓ passed, ✗ failed (with its fix), ! a warning, – skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

NEEDS_TOKEN = "needs a working bot token (see above)"


class Status(StrEnum):
    PASS = "✓"
    FAIL = "✗"
    WARN = "!"  # worth knowing; not a failure
    SKIP = "–"  # could not be checked because an earlier check failed


@dataclass(frozen=True)
class Line:
    status: Status
    title: str
    detail: str
    fix: str = ""


def ok(title: str, detail: str) -> Line:
    return Line(Status.PASS, title, detail)


def fail(title: str, detail: str, fix: str) -> Line:
    return Line(Status.FAIL, title, detail, fix)


def warn(title: str, detail: str, fix: str) -> Line:
    return Line(Status.WARN, title, detail, fix)


def skip(title: str, why: str) -> Line:
    return Line(Status.SKIP, title, why)


def ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
