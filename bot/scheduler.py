"""Every background job, wired in one visible place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.flows import Flows
from bot.flows.sync import SourceSync

log = logging.getLogger(__name__)

TICK_JOB_ID = "debrief-tick"
RETENTION_JOB_ID = "debrief-retention"
SOURCES_JOB_ID = "debrief-sources"


def tick(flows: Flows, clock: Callable[[], datetime]) -> None:
    """One pass: owe what is due, deliver what is owed. Errors are logged; the next tick retries."""
    try:
        report = flows.tick(now=clock())
    except Exception:
        log.exception("tick failed; the next one will pick up where it left off")
        return
    if report.prompted or report.reminded or report.summarised or report.delivered:
        log.info("tick: %s", report)


def retention(flows: Flows, clock: Callable[[], datetime], days: int) -> None:
    """Erase personal data past the retention period (daily)."""
    try:
        erased = flows.apply_retention(now=clock(), days=days)
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


def build_scheduler(
    flows: Flows,
    clock: Callable[[], datetime],
    *,
    tick_seconds: float,
    retention_days: int = 365,
    sync: SourceSync | None = None,
    sync_seconds: float = 300.0,
) -> BackgroundScheduler:
    """The tick, the daily retention pass and (with sources) their sync, in memory: state lives in
    the database, so no job store is shared."""
    scheduler = BackgroundScheduler(timezone=UTC)
    jobs: list[tuple[str, Callable[..., None], IntervalTrigger, tuple[object, ...]]] = [
        (TICK_JOB_ID, tick, IntervalTrigger(seconds=tick_seconds), (flows, clock)),
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
    return scheduler
