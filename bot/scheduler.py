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


def tick(flows: Flows, clock: Callable[[], datetime]) -> None:
    """One pass: owe what is due, deliver what is owed. Errors are logged; the next tick retries."""
    try:
        report = flows.tick(now=clock())
    except Exception:
        log.exception("tick failed; the next one will pick up where it left off")
        return
    if report.prompted or report.reminded or report.summarised or report.delivered:
        log.info("tick: %s", report)


def build_scheduler(
    flows: Flows, clock: Callable[[], datetime], *, tick_seconds: float
) -> BackgroundScheduler:
    """A scheduler with one in-memory job (state lives in the database, so no shared job store)."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=tick_seconds),
        args=(flows, clock),
        id=TICK_JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),  # first pass at start-up: catch up on what came due while down
        replace_existing=True,
    )
    return scheduler
