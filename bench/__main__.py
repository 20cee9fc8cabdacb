"""`python -m bench`: measure the request path, the tick, summaries and memory; write RESULTS.md.

Examples: `python -m bench` (everything, SQLite and PostgreSQL), `python -m bench --quick`,
`python -m bench --only tick --db postgres`. PostgreSQL is skipped, with a note, when unreachable.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import machine
from bench.config import DEFAULT_POSTGRES_URL, FULL, QUICK, Sizes
from bench.databases import POSTGRES, SQLITE, postgres_version
from bench.report import Section, render

SECTIONS = ("request", "tick", "summary", "memory")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run in well under a minute")
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only this section (repeatable)"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
        help="server to make a throwaway schema on (default: TEST_POSTGRES_URL or the local test database)",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help=f"where to write the table (default {RESULTS.name})"
    )
    parser.add_argument("--requests", type=int, help="requests per shape and concurrency level (c=1 too)")
    parser.add_argument(
        "--submissions", type=int, help="submissions before reading peak RSS (default 10,000)"
    )
    parser.add_argument("--keep", type=Path, help="keep databases and process logs in this folder")
    return parser.parse_args(argv)


def _databases(choice: str, postgres_url: str, log: Callable[[str], None]) -> tuple[list[str], str | None]:
    wanted = [SQLITE, POSTGRES] if choice == "both" else [choice]
    version = None
    if POSTGRES in wanted:
        version, problem = postgres_version(postgres_url)
        if version is None:
            log(f"note: PostgreSQL is not reachable ({problem}); skipping it")
            wanted.remove(POSTGRES)
    return wanted, version


def _sizes(args: argparse.Namespace) -> Sizes:
    sizes = QUICK if args.quick else FULL
    if args.requests:
        sizes = replace(sizes, requests=args.requests, requests_c1=args.requests)
    if args.submissions:
        sizes = replace(sizes, submissions=args.submissions)
    return sizes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    sizes = _sizes(args)
    only = args.only or list(SECTIONS)
    dbs, pg_version = _databases(args.db, args.postgres_url, log)
    facts = machine.describe(pg_version)  # before the run: the load average is the machine's, not ours
    started = time.monotonic()
    sections: list[Section] = []
    with tempfile.TemporaryDirectory(prefix="debrief-bench-") as tmp:
        workdir = Path(tmp)
        if args.keep:
            workdir = args.keep
            workdir.mkdir(parents=True, exist_ok=True)
        for name in SECTIONS:
            if name not in only:
                continue
            log(f"== {name}")
            sections.append(_run_section(name, sizes, dbs, workdir, args.postgres_url, log))
    if args.db in ("postgres", "both") and POSTGRES not in dbs:
        for section in sections:
            if section.name != "Summary":
                section.check("PostgreSQL measurements", "postgres", "server not reachable", None)
    command = " ".join(["python -m bench", *_flags(args)])
    text = render(sections, facts, command=command, elapsed=time.monotonic() - started)
    args.out.write_text(text)
    print(text)
    return 0


def _flags(args: argparse.Namespace) -> list[str]:
    """The options that shaped this run (not where files went)."""
    flags = ["--quick"] if args.quick else []
    flags += [f"--only {name}" for name in args.only or []]
    flags += [f"--db {args.db}"] if args.db != "both" else []
    flags += [f"--requests {args.requests}"] if args.requests else []
    flags += [f"--submissions {args.submissions}"] if args.submissions else []
    return flags


def _run_section(
    name: str, sizes: Sizes, dbs: list[str], workdir: Path, postgres_url: str, log: Callable[[str], None]
) -> Section:
    if name == "request":
        from bench import request_path

        return request_path.run(sizes, dbs, workdir, postgres_url, log)
    if name == "tick":
        from bench import tick

        return tick.run(sizes, dbs, workdir, postgres_url, log)
    if name == "summary":
        from bench import summary

        return summary.run(sizes, log)
    from bench import memory

    return memory.run(sizes, dbs, workdir, postgres_url, log)


if __name__ == "__main__":
    sys.exit(main())
