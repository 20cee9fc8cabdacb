"""The machine a run measured: cores, CPU model, memory, and the versions that matter."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def cores() -> int:
    """CPUs this process may run on (what `nproc` prints)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def describe(postgres_version: str | None) -> list[tuple[str, str]]:
    """(what, value) pairs for the results' machine table."""
    mem_kb = _first("/proc/meminfo", "MemTotal")
    ram = f"{int(mem_kb.split()[0]) / 1024 / 1024:.1f} GiB" if mem_kb else "unknown"
    return [
        ("nproc", str(cores())),
        ("CPU", _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown"),
        ("RAM", ram),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("load average at start (1, 5, 15 min)", ", ".join(f"{n:.2f}" for n in os.getloadavg())),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", postgres_version or "not reachable"),
        (
            "libraries",
            ", ".join(
                f"{name} {_version(name)}"
                for name in ("slack-bolt", "slack-sdk", "waitress", "SQLAlchemy", "sqlmodel", "psycopg")
            ),
        ),
    ]
