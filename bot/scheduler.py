"""Every background job, wired in one visible place."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.dispatch import Dispatcher
from bot.flows import Flows
from bot.flows.sync import SourceSync

log = logging.getLogger(__name__)

TICK_JOB_ID = "debrief-tick"
WAKE_JOB_ID = "debrief-wake"
RETENTION_JOB_ID = "debrief-retention"
SOURCES_JOB_ID = "debrief-sources"


class Ticker:
    """The tick, run by the periodic job and by a wake-up set at the next due instant.

    An interview's prompt is owed the moment it ends, a reminder the moment it falls due; the
    periodic tick (DEBRIEF_TICK_SECONDS) alone would make them wait up to a whole interval. After
    every tick, and whenever this process stores something new, the wake-up is set to the next
    instant something falls due. The periodic tick stays as the safety net (work stored by another
    process, a wake-up lost to a restart). Ticks never overlap within a process.
    """

    def __init__(self, flows: Flows, clock: Callable[[], datetime]) -> None:
        self.flows = flows
        self.clock = clock
        self.scheduler: BackgroundScheduler | None = None
        self._running = threading.Lock()
        self._wake_lock = threading.Lock()
        self._wake_at: datetime | None = None  # real (wall-clock) time of the wake-up set

    def tick(self) -> None:
        """One pass: owe what is due, deliver what is owed. Errors are logged; the next tick retries."""
        with self._running:
            try:
                now = self.clock()
                report = self.flows.ticks.tick(now=now)
                self.flows.ticks.record_tick(now=now)
            except Exception:
                log.exception("tick failed; the next one will pick up where it left off")
                return
            finally:
                with self._wake_lock:
                    self._wake_at = None  # this tick was the wake-up, or came before it
                self.plan()
        if report.prompted or report.reminded or report.summarised or report.delivered:
            log.info("tick: %s", report)

    def stop(self) -> None:
        """No more wake-ups. Called before the scheduler shuts down: its shutdown holds the job store's
        lock while it waits for a running tick, so that tick must not be adding its wake-up then."""
        with self._wake_lock:
            self.scheduler = None

    def plan(self) -> None:
        """Set the wake-up to the next due instant, if that is sooner than the one already set."""
        if self.scheduler is None or not self.scheduler.running:
            return
        try:
            now = self.clock()
            due = self.flows.ticks.next_due(now=now)
        except Exception:
            log.exception("could not find when the next work is due; the periodic tick covers it")
            return
        if due is None:
            return
        # The flows' clock may be another than the scheduler's (tests move it by hand): wait the
        # same span on the real one.
        at = datetime.now(UTC) + max(due - now, timedelta(0))
        with self._wake_lock:
            if self.scheduler is None or (self._wake_at is not None and self._wake_at <= at):
                return  # stopped meanwhile, or an earlier wake-up is set
            self._wake_at = at
            self.scheduler.add_job(
                self.tick,
                DateTrigger(run_date=at),
                id=WAKE_JOB_ID,
                replace_existing=True,
                misfire_grace_time=None,
            )


def retention(flows: Flows, clock: Callable[[], datetime], days: int) -> None:
    """Erase personal data past the retention period (daily)."""
    try:
        erased = flows.privacy.apply_retention(now=clock(), days=days)
    except Exception:
        log.exception("retention pass failed; it runs again tomorrow")
        return
    if erased:
        log.info("retention: erased personal data of %d interviews older than %d days", erased, days)


def sync_sources(sync: SourceSync, clock: Callable[[], datetime]) -> None:
    """Read the calendar feeds and ATSs whose interval is up (one process per interval does it)."""
    try:
        reports = sync.run(now=clock())
    except Exception:
        log.exception("source sync failed; the next interval tries again")
        return
    for report in reports:
        if report.created or report.moved or report.repanelled or report.cancelled:
            log.info("sources: %s", report)


class _Scheduler(BackgroundScheduler):
    """A BackgroundScheduler that stops its ticker's wake-ups before it shuts down."""

    def __init__(self, ticker: Ticker, **options: object) -> None:
        super().__init__(**options)
        self.ticker = ticker

    def shutdown(self, *args: object, **kwargs: object) -> None:
        self.ticker.stop()
        super().shutdown(*args, **kwargs)


def build_scheduler(
    flows: Flows,
    clock: Callable[[], datetime],
    *,
    tick_seconds: float,
    retention_days: int = 365,
    dispatcher: Dispatcher | None = None,
    sync: SourceSync | None = None,
    sync_seconds: float = 300.0,
) -> BackgroundScheduler:
    """The tick (periodic, and woken at the next due instant), the daily retention pass and (with
    sources) their sync, in memory: state lives in the database, so no job store is shared. Given the
    process's `dispatcher`, what its requests store (a new interview, a snooze) moves the wake-up too."""
    ticker = Ticker(flows, clock)
    scheduler = _Scheduler(ticker, timezone=UTC)
    ticker.scheduler = scheduler
    jobs: list[tuple[str, Callable[..., None], IntervalTrigger, tuple[object, ...]]] = [
        (TICK_JOB_ID, ticker.tick, IntervalTrigger(seconds=tick_seconds), ()),
        (RETENTION_JOB_ID, retention, IntervalTrigger(hours=24), (flows, clock, retention_days)),
    ]
    if sync is not None:
        # Every process runs the job; the claim in the database lets one of them sync each interval.
        jobs.append((SOURCES_JOB_ID, sync_sources, IntervalTrigger(seconds=sync_seconds), (sync, clock)))
    for job_id, function, trigger, args in jobs:
        scheduler.add_job(
            function,
            trigger,
            args=args,
            id=job_id,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),  # first pass at start-up: catch up on what came due while down
            replace_existing=True,
        )
    if dispatcher is not None:
        dispatcher.after_pass = ticker.plan
    return scheduler
