"""Every background job, wired in one visible place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.flows import Flows

log = logging.getLogger(__name__)

TICK_JOB_ID = "debrief-tick"
RETENTION_JOB_ID = "debrief-retention"


def tick(flows: Flows, clock: Callable[[], datetime]) -> None:
    """One pass: owe what is due, deliver what is owed. Errors are logged; the next tick retries."""
    try:
        now = clock()
        report = flows.tick(now=now)
        flows.record_tick(now=now)
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


def build_scheduler(
    flows: Flows, clock: Callable[[], datetime], *, tick_seconds: float, retention_days: int = 365
) -> BackgroundScheduler:
    """The tick and the daily retention pass, in memory: state lives in the database, so no job store is shared."""
    scheduler = BackgroundScheduler(timezone=UTC)
    jobs = (
        (TICK_JOB_ID, tick, IntervalTrigger(seconds=tick_seconds), (flows, clock)),
        (RETENTION_JOB_ID, retention, IntervalTrigger(hours=24), (flows, clock, retention_days)),
    )
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
