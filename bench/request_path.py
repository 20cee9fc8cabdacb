"""Request path: ack latency of the floor (bare Bolt), the peer (the same job from Bolt's docs) and
debrief-bot, side by side: three request shapes, three concurrencies."""

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
from bench.procs import Running, bare_bolt, bot, fake_slack, note_problems, peer_bolt, settle
from bench.report import Section, Table, fmt
from bench.seed import HIRING_MANAGER, RECRUITER, OpenPanels, channel_id, seed_open, user_id
from fakeslack import RemoteFake
from storage.database import make_engine, upgrade
from storage.repository import Repository

# Against the peer: half its median, no worse a tail. Against the floor: a command costs at most
# half as much again as a bare ack at concurrency 1 (what one person typing feels).
PEER_P50_TARGET = 0.5
PEER_P99_TARGET = 1.0
FLOOR_COMMAND_P50_TARGET = 1.5
SUBMIT_P99_TARGET_MS = 50.0
WARMUP_CONCURRENCY = 4
FLOOR, PEER, BOT = "bare Bolt (floor)", "peer (Bolt docs)", "debrief-bot"
COLUMNS = (
    "request", "conc", "app", "db", "n", "failed", "p50", "p95", "p99", "req/s", "p50 ÷ peer",
    "p99 ÷ peer", "Slack calls after the ack",
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


def _ratio(mine: float, theirs: float) -> float | None:
    return mine / theirs if theirs > 0 else None


def _row(
    table: Table, shape: str, result: LevelResult, app: str, db: str, peer: LevelResult | None, lazy: str
) -> None:
    p50 = None if peer is None else _ratio(result.p(50), peer.p(50))
    p99 = None if peer is None else _ratio(result.p(99), peer.p(99))
    table.add(
        shape, result.concurrency, app, db, result.count, result.failures,
        result.p(50), result.p(95), result.p(99), result.rps,
        "—" if p50 is None else f"{p50:.2f}×", "—" if p99 is None else f"{p99:.2f}×", lazy,
    )  # fmt: skip


def _check_level(section: Section, db: str, shape: str, level: int, results: dict[str, LevelResult]) -> None:
    mine, peer, floor = results[BOT], results[PEER], results[FLOOR]
    p50, p99 = _ratio(mine.p(50), peer.p(50)), _ratio(mine.p(99), peer.p(99))
    section.check(
        f"{shape}, concurrency {level}: ack p50 ≤ {PEER_P50_TARGET}× the peer's",
        db,
        f"{fmt(mine.p(50))} ms vs {fmt(peer.p(50))} ms ({fmt(p50, 2)}×)",
        p50 is not None and p50 <= PEER_P50_TARGET,
    )
    section.check(
        f"{shape}, concurrency {level}: ack p99 ≤ {PEER_P99_TARGET}× the peer's",
        db,
        f"{fmt(mine.p(99))} ms vs {fmt(peer.p(99))} ms ({fmt(p99, 2)}×)",
        p99 is not None and p99 <= PEER_P99_TARGET,
    )
    if shape == COMMAND and level == 1:
        ratio = _ratio(mine.p(50), floor.p(50))
        section.check(
            f"{COMMAND}, concurrency 1: ack p50 ≤ {FLOOR_COMMAND_P50_TARGET}× the floor's",
            db,
            f"{fmt(mine.p(50))} ms vs {fmt(floor.p(50))} ms ({fmt(ratio, 2)}×)",
            ratio is not None and ratio <= FLOOR_COMMAND_P50_TARGET,
        )
    if shape == SUBMIT and level == 8:
        section.check(
            f"{SUBMIT} p99 < {SUBMIT_P99_TARGET_MS:.0f} ms at concurrency 8",
            db,
            f"{fmt(mine.p(99))} ms",
            mine.p(99) < SUBMIT_P99_TARGET_MS,
        )


def measure_db(
    section: Section,
    table: Table,
    db: str,
    urls: tuple[str, str],
    sizes: Sizes,
    workdir: Path,
    log: Callable[[str], None],
) -> None:
    """The three apps side by side against one fake: every level and shape, floor, peer, then the bot.

    The bot and the peer each get a database of their own, seeded alike: both store what is submitted.
    """
    bot_url, peer_url = urls
    panels, templates = prepare(bot_url, sizes, datetime.now(UTC))
    prepare(peer_url, sizes, datetime.now(UTC))
    with (
        fake_slack(
            workdir, latency_ms=sizes.latency_ms, users=fake_users(sizes), channels=[channel_id(0)]
        ) as (
            fake,
            remote,
        ),
        bare_bolt(workdir, api_url=remote.api_url) as bare,
        peer_bolt(workdir, api_url=remote.api_url, database_url=peer_url) as peer,
        bot(workdir, api_url=remote.api_url, database_url=bot_url, name=f"bot-request-{db}") as real,
    ):
        pairs = panels.pairs(sizes.panel - 1)  # one interviewer never submits: no summary mid-run
        apps = {
            name: (app, Builders(templates, pairs, remote))
            for name, app in ((FLOOR, bare), (PEER, peer), (BOT, real))
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
                results: dict[str, LevelResult] = {}
                lazies: dict[str, str] = {FLOOR: "—"}
                for name, (app, builders) in apps.items():
                    before = remote.stats()
                    results[name] = _drive(app, fake, builders, shape, count, level)
                    if name != FLOOR:
                        after = settle(remote, timeout=sizes.quiet_timeout, quiet=2.0)
                        done = results[name].count - results[name].failures
                        lazies[name] = _lazy(remote, shape, before, after, done)
                    remote.reset()
                for name, result in results.items():
                    _row(
                        table, shape, result, name, db, None if name == PEER else results[PEER], lazies[name]
                    )
                    failures += result.failures
                    total += result.count
                    if result.failures:
                        section.notes.append(
                            f"{db}, {name}, {shape} at {level}: {result.failures} failed, e.g. `{result.first_failure}`"
                        )
                log(
                    f"  {db} c={level} {shape}: p50/p99 bot {fmt(results[BOT].p(50))}/{fmt(results[BOT].p(99))} ms, "
                    f"peer {fmt(results[PEER].p(50))}/{fmt(results[PEER].p(99))} ms, "
                    f"floor {fmt(results[FLOOR].p(50))}/{fmt(results[FLOOR].p(99))} ms"
                )
                _check_level(section, db, shape, level, results)
        section.check(
            "every request acked with 200 and accepted", db, f"{failures} of {total} failed", failures == 0
        )
        note_problems(section, db, real.log)


def run(
    sizes: Sizes, dbs: list[str], workdir: Path, postgres_url: str, log: Callable[[str], None]
) -> Section:
    section = Section("Request path")
    section.notes.append(
        "Three apps, each in its own process on waitress (8 threads), against one fake Slack in a fourth "
        f"process with {sizes.latency_ms:.0f} ms Web API latency: the floor (bare Bolt: Bolt's WSGI adapter, "
        "`process_before_response=True`, listeners that only ack); the peer (`bench/peer_app.py`: the same "
        "job written from Bolt's documentation on Bolt's defaults: ack then `views.open`; store with a "
        "SQLModel session, ack, then `chat.postMessage`); and `debrief-bot run` (HTTP mode, with its "
        "scheduler). This process drives each in turn with the same signed bodies over keep-alive "
        "connections. Latency is the time from sending a request to reading the whole response (the ack). "
        f"{sizes.open_interviews:,} collecting interviews with {sizes.panel}-person panels are seeded first "
        "(one database for the bot, one alike for the peer); clicks and submissions walk their (interview, "
        "panelist) pairs, so submissions are first debriefs. The last column counts the Web API calls each "
        "app made after acking, until the fake had been quiet for 2 s (`expired_trigger_id`: a modal that "
        "never opened, its trigger over 3 s old)."
    )
    table = Table("Ack latency (ms) and throughput", COLUMNS)
    section.tables.append(table)
    for db in dbs:
        with (
            fresh(db, workdir=workdir, postgres_url=postgres_url, name="request") as bot_url,
            fresh(db, workdir=workdir, postgres_url=postgres_url, name="request_peer") as peer_url,
        ):
            measure_db(section, table, db, (bot_url, peer_url), sizes, workdir, log)
    return section
