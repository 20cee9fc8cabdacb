"""Tick: select due work among 100,000 past interviews, then deliver 1,000 interviews' prompts through fake Slack."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.config import BOT_TOKEN, SIGNING_SECRET, Sizes
from bench.databases import analyze, fresh
from bench.plans import full_scans, plans_of
from bench.procs import fake_slack
from bench.report import Section, Table, fmt
from bench.seed import HIRING_MANAGER, RECRUITER, channel_id, seed_due, seed_past, user_id
from bot.app import Bot, build
from bot.settings import Settings

SELECT_TARGET_MS = 20.0
DELIVERY_TARGET_S = 30.0
TICK_SECONDS = 30.0  # DEBRIEF_TICK_SECONDS' default: the scheduler's cadence
REPEATS = 5
MAX_TICKS = 10


def _settings(api_url: str, database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token="",
        slack_api_url=api_url,
        database_url=database_url,
        debrief_channel="",
        debrief_recruiters=(RECRUITER,),
    )


def _timed(call: Callable[[], Any]) -> tuple[list[float], int]:
    """Milliseconds of `REPEATS` calls after one warm-up, and how many rows the call returned."""
    rows = len(call())
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times, rows


def cadence_wall(durations: list[float], interval: float = TICK_SECONDS) -> float:
    """Wall time of these ticks run by the scheduler: every `interval` s, never two at once."""
    end = 0.0
    for number, duration in enumerate(durations):
        end = max(number * interval, end) + duration
    return end


def _select(section: Section, table: Table, bot: Bot, db: str, now: datetime) -> None:
    repo = bot.repository
    queries: dict[str, Callable[[], Any]] = {
        "due_prompts": lambda: repo.claims.due_prompts(now=now),
        "due_reminders": lambda: repo.claims.due_reminders(now=now),
        "due_summaries": lambda: repo.claims.due_summaries(now=now),
    }
    total = 0.0
    scans: list[str] = []
    for name, call in queries.items():
        times, rows = _timed(call)
        median = statistics.median(times)
        total += median
        table.add(db, f"Repository.{name}", rows, median, max(times))
        for statement, plan in plans_of(repo.engine, call):
            found = full_scans(plan)
            scans += [f"{name}: {line}" for line in found]
            label = "EXPLAIN (ANALYZE, BUFFERS)" if db == "postgres" else "EXPLAIN QUERY PLAN"
            section.plans.append((f"{db}: {label} of Repository.{name}", f"{statement}\n\n{plan}"))
    table.add(db, "all three", "—", total, "—")
    section.check(
        f"due-work selection < {SELECT_TARGET_MS:.0f} ms (three queries, medians summed)",
        db,
        f"{fmt(total)} ms",
        total < SELECT_TARGET_MS,
    )
    section.check(
        "due-work queries use indexes (no full scan of interview, panelist, debrief, outbox)",
        db,
        "; ".join(scans) if scans else "no full scans",
        not scans,
    )


def _deliver(bot: Bot, remote: Any, now: datetime, expected: int) -> dict[str, Any]:
    """Tick until every prompt is sent (or MAX_TICKS); per-tick durations and what the fake saw."""
    durations: list[float] = []
    reports = []
    started = time.monotonic()
    sent = 0
    while len(durations) < MAX_TICKS:
        tick_start = time.monotonic()
        reports.append(bot.flows.ticks.tick(now=now + timedelta(seconds=tick_start - started)))
        durations.append(time.monotonic() - tick_start)
        sent = bot.repository.outbox.outbox_counts().sent
        if sent >= expected:
            break
    stats = remote.stats()
    return {
        "durations": durations,
        "first": reports[0],
        "sent": sent,
        "failed": bot.repository.outbox.outbox_counts().failed,
        "rate_limited": stats["faults"].get("rate_limited", 0),
        "posts": stats["by_method"].get("chat.postMessage", 0),
    }


def measure_db(
    section: Section,
    tables: tuple[Table, Table],
    db: str,
    url: str,
    sizes: Sizes,
    workdir: Path,
    log: Callable[[str], None],
) -> None:
    select_table, tick_table = tables
    pool = max(2 * sizes.due_interviews, 24)
    users = [user_id(n) for n in range(pool)] + [HIRING_MANAGER, RECRUITER]
    channels = [channel_id(n) for n in range(sizes.due_channels)]
    now = datetime.now(UTC)
    with fake_slack(
        workdir, latency_ms=sizes.latency_ms, users=users, channels=channels, channel_rate=1.0
    ) as (
        _fake,
        remote,
    ):
        bot = build(_settings(remote.api_url, url), clock=lambda: now)
        engine = bot.repository.engine
        try:
            started = time.monotonic()
            rows = seed_past(engine, count=sizes.past_interviews, panel=sizes.past_panel, pool=pool, now=now)
            panels = seed_due(engine, count=sizes.due_interviews, channels=sizes.due_channels, now=now)
            analyze(engine)
            seeded = time.monotonic() - started
            log(
                f"  {db}: seeded {rows:,} rows of history and {len(panels):,} due interviews in {seeded:.1f} s"
            )
            section.notes.append(
                f"{db}: seeded {sizes.past_interviews:,} summarised interviews ({rows:,} rows with panels and "
                f"debriefs) and {len(panels):,} due ones in {seeded:.1f} s."
            )
            _select(section, select_table, bot, db, now)
            expected = sizes.due_interviews * 3  # a channel post and a DM to each of two interviewers
            result = _deliver(bot, remote, now, expected)
        finally:
            engine.dispose()
    durations = result["durations"]
    first = result["first"]
    wall = cadence_wall(durations)
    tick_table.add(
        db, first.prompted, sizes.due_interviews, f"{result['sent']:,}/{expected:,}", result["failed"],
        result["rate_limited"], durations[0], len(durations), sum(durations), wall,
    )  # fmt: skip
    log(f"  {db}: first tick prompted {first.prompted}, {len(durations)} ticks, {wall:.1f} s at the cadence")
    section.check(
        f"{sizes.due_interviews:,} interviews' prompts ({expected:,} messages) delivered < {DELIVERY_TARGET_S:.0f} s",
        db,
        f"{wall:.1f} s ({len(durations)} tick(s), first prompted {first.prompted})",
        result["sent"] >= expected and wall < DELIVERY_TARGET_S,
    )


def run(
    sizes: Sizes, dbs: list[str], workdir: Path, postgres_url: str, log: Callable[[str], None]
) -> Section:
    section = Section("Tick")
    section.notes.append(
        f"The bot's use cases run in this process (`bot.app.build`); fake Slack runs in its own with "
        f"{sizes.latency_ms:.0f} ms latency and `chat.postMessage` limited to 1 per second per channel "
        f"(429 + Retry-After). {sizes.due_interviews:,} interviews end in the same minute, spread over "
        f"{sizes.due_channels:,} channels, two interviewers each (nobody on two panels). `Flows.tick` runs "
        f"back to back until everything is sent; the scheduler would start one every {TICK_SECONDS:.0f} s "
        "(never two at once), which the last column works out from the measured tick durations."
    )
    select_table = Table(
        "Due-work selection (ms, median and max of 5 after a warm-up)",
        ("db", "query", "rows", "median", "max"),
    )
    tick_table = Table(
        "Delivering the prompts",
        (
            "db", "prompted by tick 1", "due", "messages sent", "failed", "429s", "tick 1 s", "ticks",
            "back to back s", f"at the {TICK_SECONDS:.0f} s cadence s",
        ),
    )  # fmt: skip
    section.tables += [select_table, tick_table]
    for db in dbs:
        with fresh(db, workdir=workdir, postgres_url=postgres_url, name="tick") as url:
            measure_db(section, (select_table, tick_table), db, url, sizes, workdir, log)
    return section
