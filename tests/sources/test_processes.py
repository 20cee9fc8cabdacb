"""Two real `debrief-bot scheduler` processes on one PostgreSQL database, reading the same calendar
feed: the claim lets one of them read it each interval, and every interview exists once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fakeslack import FakeSlack
from storage.database import make_engine, upgrade
from storage.repository import Repository
from storage.tables import InterviewRow, SourceLinkRow
from tests.conftest import _postgres_schema_url
from tests.e2e.harness import CHANNEL
from tests.e2e.procs import Scheduler, scheduler_env, start_scheduler, wait_until
from tests.fakeapi import serving
from tests.sources.conftest import FeedServer, people_workspace
from tests.sources.feeds import Event, Feed

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EVENTS = 20


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _postgres_schema_url()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with people_workspace() as fake:
        yield fake


def upcoming_feed() -> Feed:
    """Interviews over the next days, from the real clock (processes can't share a fake one)."""
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    stamp = "%Y%m%dT%H%M%SZ"
    events = [
        Event(f"proc-{n}", f"Interview: Person {n:02d} - Engineer", (base + timedelta(hours=n)).strftime(stamp),
              (base + timedelta(hours=n, minutes=45)).strftime(stamp))
        for n in range(EVENTS)
    ]  # fmt: skip
    return Feed(events)


def test_two_processes_sync_the_same_feed_and_every_interview_exists_once(
    pg_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    repository = Repository(engine)
    server = FeedServer(upcoming_feed())
    processes: list[Scheduler] = []
    with serving(server.handle) as api:
        server.api = api
        env = scheduler_env(
            fake.api_url,
            pg_url,
            DEBRIEF_ICS_URLS=server.url,
            DEBRIEF_CHANNEL=CHANNEL,
            DEBRIEF_SOURCE_POLL_SECONDS="30",
        )
        try:
            for name in ("one", "two"):
                processes.append(start_scheduler(name, env, tmp_path))
            for process in processes:
                wait_until(process.started, timeout=60, what=lambda p=process: p.tail())

            def imported() -> int:
                with engine.connect() as connection:
                    return int(
                        connection.execute(select(func.count()).select_from(SourceLinkRow)).scalar_one()
                    )

            wait_until(
                lambda: imported() >= EVENTS, timeout=60, what=lambda: "\n".join(p.tail() for p in processes)
            )
            time.sleep(2)  # both processes' sync jobs have run (at start-up); nothing more may arrive
            assert imported() == EVENTS
            with engine.connect() as connection:
                interviews = int(
                    connection.execute(select(func.count()).select_from(InterviewRow)).scalar_one()
                )
            assert interviews == EVENTS
            keys = [
                k
                for k in repository.sources.known(
                    source=next(iter(s.name for s in repository.sources.source_statuses()))
                )
            ]
            assert len(keys) == len(set(keys)) == EVENTS
            assert server.fetches == 1  # one process read the feed this interval; the other found it claimed
            [status] = repository.sources.source_statuses()
            assert status.imported == EVENTS and status.last_error is None
        finally:
            for process in processes:
                process.stop()
            engine.dispose()
