"""Request path: ack latency of the real bot against bare Bolt, three request shapes, three concurrencies."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import payloads
from bench.config import Sizes
from bench.databases import fresh
from bench.load import Build, LevelResult, run_level
from bench.payloads import CLICK, COMMAND, SHAPES, SUBMIT, Templates
from bench.procs import Running, bare_bolt, bot, fake_slack, note_problems, settle
from bench.report import Section, Table, fmt
from bench.seed import HIRING_MANAGER, RECRUITER, OpenPanels, channel_id, seed_open, user_id
from fakeslack import RemoteFake
from storage.database import make_engine, upgrade
from storage.repository import Repository

RATIO_TARGET = 1.5
SUBMIT_P99_TARGET_MS = 50.0
WARMUP_CONCURRENCY = 4
COLUMNS = (
    "request", "conc", "app", "db", "n", "failed", "p50", "p95", "p99", "req/s", "p99 ÷ bare",
    "Slack calls after the ack",
)  # fmt: skip
LAZY_METHOD = {COMMAND: "views.open", CLICK: "views.open", SUBMIT: "chat.postMessage"}


def prepare(url: str, sizes: Sizes, now: datetime) -> tuple[OpenPanels, Templates]:
    """Migrate and seed the open panels before the bot starts; render what Slack would echo back."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        panels = seed_open(
            engine, count=sizes.open_interviews, panel=sizes.panel, pool=sizes.user_pool, now=now
        )
        return panels, Templates.from_repository(Repository(engine), panels.ids[0])
    finally:
        engine.dispose()


def fake_users(sizes: Sizes) -> list[str]:
    return [user_id(n) for n in range(sizes.user_pool)] + [HIRING_MANAGER, RECRUITER]


class Builders:
    """Request bodies for one app; clicks and submissions walk (interview, panelist) pairs in turn."""

    def __init__(self, templates: Templates, pairs: list[tuple[int, str]], fake: RemoteFake) -> None:
        self.templates = templates
        self.pairs = pairs
        self.cursor = itertools.count()
        self.response_url = f"{fake.url}response/RBENCH"

    def _pair(self) -> tuple[int, str]:
        return self.pairs[next(self.cursor) % len(self.pairs)]

    def for_shape(self, shape: str) -> Build:
        def build(_number: int, trigger: str) -> bytes:
            interview_id, user = self._pair()
            if shape == COMMAND:
                return payloads.command(user, channel_id(0), trigger, self.response_url)
            if shape == CLICK:
                return payloads.click(self.templates, user, interview_id, trigger, self.response_url)
            return payloads.submission(self.templates, user, interview_id, trigger)

        return build


def _drive(
    app: Running, fake: Running, builders: Builders, shape: str, count: int, level: int
) -> LevelResult:
    return run_level(
        app.url,
        fake.url,
        builders.for_shape(shape),
        payloads.accepted(shape),
        count=count,
        concurrency=level,
        triggers=shape != SUBMIT,
    )


def _lazy(
    remote: RemoteFake, shape: str, before: dict[str, Any], after: dict[str, Any], expected: int
) -> str:
    method = LAZY_METHOD[shape]
    calls = after["by_method"].get(method, 0) - before["by_method"].get(method, 0)
    errors = [e for e in remote.errors() if e["method"] == method]
    detail = f" ({errors[0]['error']})" if errors else ""
    return f"{method} ok {calls - len(errors)}/{expected}{detail}"


def _row(
    table: Table, shape: str, result: LevelResult, app: str, db: str, ratio: float | None, lazy: str
) -> None:
    table.add(
        shape, result.concurrency, app, db, result.count, result.failures,
        result.p(50), result.p(95), result.p(99), result.rps,
        "—" if ratio is None else f"{ratio:.2f}×", lazy,
    )  # fmt: skip


def measure_db(
    section: Section, table: Table, db: str, url: str, sizes: Sizes, workdir: Path, log: Callable[[str], None]
) -> None:
    """Both apps side by side against one fake: every level and shape, bare first, then the bot."""
    panels, templates = prepare(url, sizes, datetime.now(UTC))
    with (
        fake_slack(
            workdir, latency_ms=sizes.latency_ms, users=fake_users(sizes), channels=[channel_id(0)]
        ) as (
            fake,
            remote,
        ),
        bare_bolt(workdir, api_url=remote.api_url) as bare,
        bot(workdir, api_url=remote.api_url, database_url=url, name=f"bot-request-{db}") as real,
    ):
        pairs = panels.pairs(sizes.panel - 1)  # one interviewer never submits: no summary mid-run
        apps = {
            "bare Bolt": (bare, Builders(templates, pairs, remote)),
            "debrief-bot": (real, Builders(templates, pairs, remote)),
        }
        for shape in SHAPES:  # warm-up: first requests pay for imports, auth.test, pools
            for app, builders in apps.values():
                _drive(app, fake, builders, shape, sizes.warmup, WARMUP_CONCURRENCY)
        settle(remote, timeout=sizes.quiet_timeout)
        remote.reset()
        failures = 0
        total = 0
        for level in sizes.levels:
            for shape in SHAPES:
                count = sizes.requests_at(level)
                base = _drive(bare, fake, apps["bare Bolt"][1], shape, count, level)
                before = remote.stats()
                mine = _drive(real, fake, apps["debrief-bot"][1], shape, count, level)
                after = settle(remote, timeout=sizes.quiet_timeout, quiet=2.0)
                lazy = _lazy(remote, shape, before, after, mine.count - mine.failures)
                remote.reset()
                ratio = mine.p(99) / base.p(99) if base.p(99) > 0 else None
                _row(table, shape, base, "bare Bolt", db, None, "—")
                _row(table, shape, mine, "debrief-bot", db, ratio, lazy)
                log(f"  {db} c={level} {shape}: bot p99 {fmt(mine.p(99))} ms, bare {fmt(base.p(99))} ms")
                section.check(
                    f"{shape}, concurrency {level}: ack p99 ≤ {RATIO_TARGET}× bare Bolt",
                    db,
                    f"{fmt(mine.p(99))} ms vs {fmt(base.p(99))} ms ({fmt(ratio, 2)}×)",
                    ratio is not None and ratio <= RATIO_TARGET,
                )
                if shape == SUBMIT and level == 8:
                    section.check(
                        f"{SUBMIT} p99 < {SUBMIT_P99_TARGET_MS:.0f} ms at concurrency 8",
                        db,
                        f"{fmt(mine.p(99))} ms",
                        mine.p(99) < SUBMIT_P99_TARGET_MS,
                    )
                for result, name in ((base, "bare Bolt"), (mine, "debrief-bot")):
                    failures += result.failures
                    total += result.count
                    if result.failures:
                        section.notes.append(
                            f"{db}, {name}, {shape} at {level}: {result.failures} failed, e.g. `{result.first_failure}`"
                        )
        section.check(
            "every request acked with 200 and accepted", db, f"{failures} of {total} failed", failures == 0
        )
        note_problems(section, db, real.log)


def run(
    sizes: Sizes, dbs: list[str], workdir: Path, postgres_url: str, log: Callable[[str], None]
) -> Section:
    section = Section("Request path")
    section.notes.append(
        "Each app runs in its own process on waitress (8 threads): `debrief-bot run` (HTTP mode, with its "
        f"scheduler) and bare Bolt (Bolt's WSGI adapter, `process_before_response=True`, listeners that only "
        f"ack). Fake Slack runs in a third process with {sizes.latency_ms:.0f} ms Web API latency; this "
        "process drives both with signed requests over keep-alive connections. Latency is the time from "
        "sending a request to reading the whole response (the ack). Bare Bolt gets the same bodies. "
        f"{sizes.open_interviews:,} collecting interviews with {sizes.panel}-person panels are seeded first; "
        "clicks and submissions walk their (interview, panelist) pairs, so submissions are first debriefs. "
        "The last column counts the Web API calls the bot made after acking (modals from Bolt lazy listeners, "
        "receipts from the dispatcher), until the fake had been quiet for 2 s (`expired_trigger_id`: a modal "
        "that never opened, its trigger over 3 s old)."
    )
    table = Table("Ack latency (ms) and throughput", COLUMNS)
    section.tables.append(table)
    for db in dbs:
        with fresh(db, workdir=workdir, postgres_url=postgres_url, name="request") as url:
            measure_db(section, table, db, url, sizes, workdir, log)
    return section
