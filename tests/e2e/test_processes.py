"""Real `debrief-bot scheduler` processes sharing one PostgreSQL database, against the fake Slack.

Processes cannot share a fake clock, so these tests use the real one: the interviews are seeded to
fall due a moment after the schedulers are up, and everything is awaited with deadlines.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.domain.models import DebriefAnswers, Interview, InterviewDraft, Recommendation, Stage
from fakeslack import FakeSlack
from storage.database import make_engine, upgrade
from storage.repository import Repository
from tests.conftest import _postgres_schema_url
from tests.e2e.procs import Scheduler, delivered, scheduler_env, start_scheduler, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

INTERVIEWS = 50
CHANNEL = "CHIRING"
TICK = 0.2
QUIET = 5 * TICK  # after the last expected post: five more ticks of every process, and nothing more
ANSWERS = DebriefAnswers(
    excitement=3,
    excitement_evidence="Asked sharp questions about our roadmap.",
    fit=3,
    fit_evidence="Listened well and built on the team's ideas.",
    ability=4,
    ability_evidence="Solved the design exercise with clear trade-offs.",
    recommendation=Recommendation.YES,
)


def panel(i: int) -> tuple[str, str]:
    return (f"UP{i:02d}A", f"UP{i:02d}B")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema; skipped (with the reason) when TEST_POSTGRES_URL is not set.

    Several processes on one database is what PostgreSQL is for here: SQLite has one writer.
    """
    yield from _postgres_schema_url()


@pytest.fixture
def repository(pg_url: str) -> Iterator[Repository]:
    engine = make_engine(pg_url)
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_channel(CHANNEL, "hiring")
        fake.add_user("UHM", "hana")
        for i in range(INTERVIEWS):
            for user in panel(i):
                fake.add_user(user)
        yield fake


@pytest.fixture
def schedulers() -> Iterator[list[Scheduler]]:
    """The processes a test starts; every one is killed at the end, whatever happened."""
    started: list[Scheduler] = []
    try:
        yield started
    finally:
        for scheduler in started:
            scheduler.kill()


def seed(repository: Repository, *, ends_at: datetime, debriefs: bool) -> list[Interview]:
    """50 interviews ending together; with `debriefs`, the whole panel has already written theirs."""
    now = datetime.now(UTC)
    interviews = []
    for i in range(INTERVIEWS):
        draft = InterviewDraft(
            candidate=f"Candidate {i:02d}",
            role="Platform Engineer",
            stage=Stage.ONSITE,
            interviewer_ids=panel(i),
            hiring_manager_id="UHM",
            starts_at=ends_at - timedelta(minutes=45),
            length_minutes=45,
            channel_id=CHANNEL,
        )
        interview = repository.interviews.create_interview(
            draft=draft, recruiter_id="UREC", deadline=timedelta(days=1), now=now
        )
        if debriefs:
            for user in draft.interviewer_ids:
                repository.debriefs.save_debrief(
                    interview_id=interview.id, interviewer_id=user, answers=ANSWERS, now=now, late=False
                )
        interviews.append(interview)
    return interviews


def expected_posts(interviews: list[Interview], *, summaries: bool) -> Counter[tuple[str, str, int | None]]:
    """One channel prompt and one DM per interviewer per interview (and one summary): nothing else."""
    expected: Counter[tuple[str, str, int | None]] = Counter()
    for interview in interviews:
        expected[("prompt", CHANNEL, interview.id)] = 1
        for user in interview.interviewer_ids:
            expected[("prompt_dm", f"D{user}", interview.id)] = 1
        if summaries:
            expected[("summary", CHANNEL, interview.id)] = 1
    return expected


def outbox_key(kind: str, channel: str, interview_id: int | None) -> str:
    return f"{kind}:{interview_id}" if channel == CHANNEL else f"{kind}:{interview_id}:{channel[1:]}"


def outbox_status(repository: Repository) -> dict[str, str]:
    with repository.engine.connect() as connection:
        return dict(connection.execute(text("SELECT key, status FROM outbox")).all())  # type: ignore[arg-type]


def pending(repository: Repository) -> int:
    return sum(status == "pending" for status in outbox_status(repository).values())


def logs(schedulers: list[Scheduler]) -> str:
    return "\n".join(s.tail() for s in schedulers)


def missing_from(fake: FakeSlack, expected: Counter[tuple[str, str, int | None]]) -> str:
    got = delivered(fake)
    missing = [key for key in expected if key not in got]
    return f"{len(missing)} of {len(expected)} posts missing, e.g. {missing[:5]}"


def test_two_schedulers_on_one_database_send_every_prompt_dm_and_summary_exactly_once(
    fake: FakeSlack, repository: Repository, pg_url: str, schedulers: list[Scheduler], tmp_path: Path
) -> None:
    fake.latency = 0.005  # a little latency interleaves the two processes' deliveries
    env = scheduler_env(
        fake.api_url, pg_url, DEBRIEF_DEADLINE_MINUTES="1440", DEBRIEF_REMIND_AFTER_MINUTES="600"
    )
    schedulers += [start_scheduler(name, env, tmp_path) for name in ("first", "second")]
    wait_until(lambda: all(s.started() for s in schedulers), timeout=30, what=lambda: logs(schedulers))

    # Both are ticking: 50 interviews, every debrief in, all ending two seconds from now.
    interviews = seed(repository, ends_at=datetime.now(UTC) + timedelta(seconds=2), debriefs=True)
    expected = expected_posts(interviews, summaries=True)
    assert sum(expected.values()) == 50 + 100 + 50

    wait_until(
        lambda: set(expected) <= set(delivered(fake)), timeout=30, what=lambda: missing_from(fake, expected)
    )
    wait_until(lambda: pending(repository) == 0, timeout=10, what="the outbox to drain")
    time.sleep(QUIET)

    assert delivered(fake) == expected, "every prompt, DM and summary exactly once, and nothing else"
    assert set(outbox_status(repository).values()) == {"sent"}
    assert fake.errors == []
    for scheduler in schedulers:
        assert scheduler.process.poll() is None, scheduler.tail()
        assert "tick failed" not in scheduler.output(), scheduler.tail()
    # Each process reports what it claimed and sent: together, each thing exactly once.
    reports = [r for s in schedulers for r in s.reports()]
    assert sum(r["prompted"] for r in reports) == 50
    assert sum(r["summarised"] for r in reports) == 50
    assert sum(r["delivered"] for r in reports) == 200


def test_a_scheduler_killed_mid_delivery_loses_nothing_and_repeats_nothing(
    fake: FakeSlack, repository: Repository, pg_url: str, schedulers: list[Scheduler], tmp_path: Path
) -> None:
    """`kill -9` in the middle of a tick, then a fresh process: nothing lost, nothing twice.

    The outbox leases a call, sends it, then marks it sent. A call Slack took whose "sent" mark was
    never written is retried once the lease runs out; every post carries its outbox key in Slack's
    message metadata, so the retry finds it in the channel's history instead of posting it again.
    """
    fake.latency = 0.05  # 50 prompts into one channel take ~2.5 s: plenty of time to kill mid-way
    env = scheduler_env(
        fake.api_url, pg_url, DEBRIEF_DEADLINE_MINUTES="1440", DEBRIEF_REMIND_AFTER_MINUTES="600"
    )
    doomed = start_scheduler("doomed", env, tmp_path)
    schedulers.append(doomed)
    wait_until(doomed.started, timeout=30, what=doomed.tail)
    interviews = seed(repository, ends_at=datetime.now(UTC) + timedelta(seconds=1), debriefs=False)
    expected = expected_posts(interviews, summaries=False)

    def prompts_so_far() -> int:
        return sum(n for (kind, _, _), n in delivered(fake).items() if kind == "prompt")

    wait_until(lambda: prompts_so_far() >= 5, timeout=20, what=doomed.tail)
    doomed.kill()
    assert prompts_so_far() < INTERVIEWS, "killed too late to be mid-tick"
    sent_before_kill = {key for key, status in outbox_status(repository).items() if status == "sent"}

    # The killed process still holds its claims until its lease (Courier.lease, minutes) runs out.
    # Waiting that out is what production does; here the leases' end moves to the past instead.
    with repository.engine.begin() as connection:
        stuck = connection.execute(
            text(
                "UPDATE outbox SET claimed_until = :past "
                "WHERE status = 'pending' AND claimed_until IS NOT NULL"
            ),
            {"past": datetime.now(UTC) - timedelta(seconds=1)},
        ).rowcount
    assert stuck > 0, "the killed process had claimed calls it never finished"

    fresh = start_scheduler("fresh", env, tmp_path)
    schedulers.append(fresh)
    wait_until(
        lambda: set(expected) <= set(delivered(fake)), timeout=30, what=lambda: missing_from(fake, expected)
    )
    wait_until(lambda: pending(repository) == 0, timeout=10, what="the outbox to drain")
    time.sleep(QUIET)

    got = delivered(fake)
    assert set(got) == set(expected), "every prompt and DM arrived, and nothing else was posted"
    repeated = {key: n for key, n in got.items() if n > 1}
    assert repeated == {}, f"posted twice across the kill: {repeated}"
    assert sent_before_kill < set(outbox_status(repository))
    assert set(outbox_status(repository).values()) == {"sent"}
    assert fake.errors == []
    assert fresh.process.poll() is None and "tick failed" not in fresh.output(), fresh.tail()
