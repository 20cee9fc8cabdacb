"""Memory: the bot process's peak RSS (VmHWM) after 10,000 debrief submissions over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import payloads
from bench.config import Sizes
from bench.databases import fresh
from bench.load import run_level
from bench.procs import bot, fake_slack, memory_kb, note_problems, settle
from bench.report import Section, Table, fmt
from bench.request_path import Builders, fake_users, prepare
from bench.seed import channel_id

TARGET_MB = 200.0
CONCURRENCY = 8
CHECKPOINTS = 4


def _mb(kb: int) -> float:
    return kb / 1024


def measure_db(
    section: Section, table: Table, db: str, url: str, sizes: Sizes, workdir: Path, log: Callable[[str], None]
) -> None:
    panels, templates = prepare(url, sizes, datetime.now(UTC))
    users = fake_users(sizes)
    with (
        fake_slack(workdir, latency_ms=sizes.latency_ms, users=users, channels=[channel_id(0)]) as (
            fake,
            remote,
        ),
        bot(workdir, api_url=remote.api_url, database_url=url, name=f"bot-memory-{db}") as real,
    ):
        builders = Builders(templates, panels.pairs(sizes.panel - 1), remote)
        start = memory_kb(real.pid)
        table.add(db, 0, _mb(start["VmRSS"]), _mb(start["VmHWM"]), "—", "—")
        done = 0
        failures = 0
        chunk = max(1, sizes.submissions // CHECKPOINTS)
        while done < sizes.submissions:
            count = min(chunk, sizes.submissions - done)
            result = run_level(
                real.url, fake.url, builders.for_shape(payloads.SUBMIT), payloads.accepted(payloads.SUBMIT),
                count=count, concurrency=CONCURRENCY, triggers=False,
            )  # fmt: skip
            done += count
            failures += result.failures
            now = memory_kb(real.pid)
            table.add(db, done, _mb(now["VmRSS"]), _mb(now["VmHWM"]), result.rps, result.failures)
            log(
                f"  {db}: {done:,} submissions, RSS {_mb(now['VmRSS']):.0f} MB, peak {_mb(now['VmHWM']):.0f} MB"
            )
            settle(remote, timeout=sizes.quiet_timeout, quiet=0.5)
            remote.reset()  # the fake keeps every call: start each chunk lean
        settle(remote, timeout=sizes.quiet_timeout)
        end = memory_kb(real.pid)
        table.add(db, f"{done:,} + receipts all sent", _mb(end["VmRSS"]), _mb(end["VmHWM"]), "—", "—")
        note_problems(section, db, real.log)
    peak = _mb(end["VmHWM"])
    section.check(
        f"bot peak RSS < {TARGET_MB:.0f} MB after {sizes.submissions:,} submissions",
        db,
        f"{fmt(peak)} MB (RSS at start {fmt(_mb(start['VmRSS']))} MB; {failures} refused)",
        peak < TARGET_MB and failures == 0,
    )


def run(
    sizes: Sizes, dbs: list[str], workdir: Path, postgres_url: str, log: Callable[[str], None]
) -> Section:
    section = Section("Memory")
    section.notes.append(
        f"A fresh `debrief-bot run` per database; {sizes.submissions:,} debrief view_submissions over HTTP at "
        f"concurrency {CONCURRENCY}, each a new (interview, interviewer) pair, receipts delivered through fake "
        "Slack by the bot's dispatcher thread. RSS and peak RSS (VmHWM) read from the kernel's status of the bot's pid."
    )
    table = Table(
        "Bot process memory (MB)",
        ("db", "submissions", "RSS", "peak RSS (VmHWM)", "req/s in chunk", "refused"),
    )
    section.tables.append(table)
    for db in dbs:
        with fresh(db, workdir=workdir, postgres_url=postgres_url, name="memory") as url:
            measure_db(section, table, db, url, sizes, workdir, log)
    return section
