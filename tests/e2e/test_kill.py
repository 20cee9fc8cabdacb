"""`kill -9` in the middle of delivery, five times running, on SQLite and on PostgreSQL: whatever a
killed process had in flight is finished by the next one, nothing lost and nothing posted twice,
counted from what the fake Slack holds (a post Slack stored just before the kill counts too).

Processes cannot share a fake clock, so these use the real one, and the real `debrief-bot
scheduler` command.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.domain.models import InterviewDraft, Stage
from fakeslack import FakeSlack
from storage.database import upgrade
from storage.repository import Repository
from tests.conftest import _postgres_schema_url
from tests.e2e.procs import Scheduler, interview_of, kind_of, scheduler_env, start_scheduler, wait_until

pytestmark = pytest.mark.slow

INTERVIEWS = 30
KILLS = 5
CHANNEL = "CHIRING"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'debrief.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def repository(url: str) -> Iterator[Repository]:
    engine = create_engine(url, poolclass=NullPool)  # the test's own reads: no connection outlives one
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_channel(CHANNEL, "hiring")
        fake.add_user("UHM", "hana")
        for i in range(INTERVIEWS):
            fake.add_user(f"UK{i:02d}")
        yield fake


def stored(fake: FakeSlack) -> Counter[tuple[str, str, int | None]]:
    return Counter((kind_of(m) or "other", c, interview_of(m)) for c, m in fake.all_messages())


def expire_leases(repository: Repository) -> None:
    """A killed process holds its leases until they run out (minutes): move their end to the past."""
    with repository.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE outbox SET claimed_until = :past WHERE status = 'pending' AND claimed_until IS NOT NULL"
            ),
            {"past": datetime.now(UTC) - timedelta(seconds=1)},
        )


def drained(repository: Repository) -> bool:
    counts = repository.outbox.outbox_counts()
    return counts.pending == counts.failed == 0


def test_five_kills_mid_delivery_lose_nothing_and_double_nothing(
    fake: FakeSlack, repository: Repository, url: str, tmp_path: Path
) -> None:
    ends_at = datetime.now(UTC) + timedelta(seconds=1)
    expected: Counter[tuple[str, str, int | None]] = Counter()
    for i in range(INTERVIEWS):
        interview = repository.interviews.create_interview(
            draft=InterviewDraft(
                candidate=f"Candidate {i:02d}",
                role="Platform Engineer",
                stage=Stage.ONSITE,
                interviewer_ids=(f"UK{i:02d}",),
                hiring_manager_id="UHM",
                starts_at=ends_at - timedelta(minutes=45),
                length_minutes=45,
                channel_id=CHANNEL,
            ),
            recruiter_id="UREC",
            deadline=timedelta(days=1),
            now=datetime.now(UTC),
        )
        expected[("prompt", CHANNEL, interview.id)] = 1
        expected[("prompt_dm", f"DUK{i:02d}", interview.id)] = 1
    fake.latency = 0.05  # slow enough to be killed mid-way, many times
    env = scheduler_env(
        fake.api_url, url, DEBRIEF_DEADLINE_MINUTES="1440", DEBRIEF_REMIND_AFTER_MINUTES="600"
    )
    started: list[Scheduler] = []
    try:
        for round_ in range(KILLS):
            before = sum(stored(fake).values())
            doomed = start_scheduler(f"doomed{round_}", env, tmp_path)
            started.append(doomed)
            wait_until(
                lambda before=before: sum(stored(fake).values()) >= before + 3,
                timeout=60,
                what=doomed.tail,
            )
            doomed.kill()  # SIGKILL: mid-call, between a post and its "sent" mark, wherever it is
            expire_leases(repository)
        assert sum(stored(fake).values()) < sum(expected.values()), "the kills came too late to matter"
        last = start_scheduler("last", env, tmp_path)
        started.append(last)
        wait_until(lambda: set(expected) <= set(stored(fake)), timeout=60, what=last.tail)
        wait_until(lambda: drained(repository), timeout=30, what="the outbox to drain")
        time.sleep(1.0)  # a few more ticks: nothing else goes out
        assert stored(fake) == expected, "every prompt and DM exactly once across five kills"
        assert fake.errors == []
        assert last.process.poll() is None and "Traceback" not in last.output(), last.tail()
    finally:
        fake.latency = 0
        for process in started:
            process.kill()
