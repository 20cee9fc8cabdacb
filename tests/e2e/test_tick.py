"""A busy minute: far more interviews ending at once than one page of due work; and every prompt and
reminder on time, however long the periodic tick."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.models import InterviewDraft, Stage
from fakeslack import FakeSlack
from storage.database import make_engine, upgrade
from storage.repository import Repository
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot, settings_for, start_bot
from tests.e2e.procs import interview_of, kind_of

ENDED_TOGETHER = 230  # more than two pages of due work


def ended_a_minute_ago(
    running: RunningBot, clock: FakeClock, n: int, *, channel: str, panel: tuple[str, ...]
) -> None:
    """Store candidate `n`'s 45-minute interview, over a minute ago and not prompted yet."""
    ends_at = clock() - timedelta(minutes=1)
    draft = InterviewDraft(
        candidate=f"Candidate {n:03d}",
        role="Platform Engineer",
        stage=Stage.ONSITE,
        interviewer_ids=panel,
        hiring_manager_id=HIRING_MANAGER,
        starts_at=ends_at - timedelta(minutes=45),
        length_minutes=45,
        channel_id=channel,
    )
    running.bot.repository.interviews.create_interview(
        draft=draft, recruiter_id=RECRUITER, deadline=timedelta(hours=1), now=clock()
    )


def test_one_tick_prompts_every_interview_that_ended_and_then_summarises_them(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    for n in range(ENDED_TOGETHER):
        ended_a_minute_ago(running, clock, n, channel=CHANNEL, panel=(ANA, BO))

    report = running.bot.flows.ticks.tick(now=clock())
    assert (report.prompted, report.delivered) == (ENDED_TOGETHER, 3 * ENDED_TOGETHER)
    assert len(fake.messages(CHANNEL)) == ENDED_TOGETHER  # one prompt each, none twice
    assert len(fake.messages(ANA)) == len(fake.messages(BO)) == ENDED_TOGETHER

    running.settle()
    clock.advance(hours=2)  # past every deadline: each gets its (incomplete) summary in one tick
    report = running.bot.flows.ticks.tick(now=clock())
    assert report.summarised == ENDED_TOGETHER
    assert running.bot.flows.ticks.tick(now=clock()).summarised == 0
    assert len(fake.messages(CHANNEL)) == 2 * ENDED_TOGETHER
    assert fake.errors == []


def test_interviews_ending_together_in_many_channels_ask_slack_about_each_channel_once_together(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    """Before a prompt goes to a channel the bot asks Slack whether it is shared with another
    organisation. A tick with many channels due asks about them together (not one round trip after
    another, which made 1,000 interviews ending at once wait 20 s) and each channel once; a shared
    one among them still gets nothing."""
    channels = [f"CMANY{n:02d}" for n in range(24)]
    for channel in channels:
        fake.add_channel(channel, channel.lower())
    fake.share_externally(channels[5])
    for n, channel in enumerate(channels * 2):  # two interviews in each channel
        ended_a_minute_ago(running, clock, n, channel=channel, panel=(ANA,))
    fake.latency = 0.02
    before = len(fake.calls("conversations.info"))

    assert running.bot.flows.ticks.tick(now=clock()).prompted == 2 * len(channels)
    asked = [c.params["channel"] for c in fake.calls("conversations.info")[before:]]
    assert sorted(asked) == sorted(channels)  # each channel once, however many interviews in it
    assert 1 < fake.most_at_once["conversations.info"] <= 8  # together, and politely few at a time
    assert fake.messages(channels[5]) == []  # the shared one: no prompt
    assert all(len(fake.messages(c)) == 2 for c in channels if c != channels[5])


# -- on time ---------------------------------------------------------------------------------------

LATENCY_INTERVIEWS = 50


def _working_zone() -> tuple[str, str] | None:
    """A time zone where it is a working weekday afternoon right now (reminders wait for one)."""
    now = datetime.now(UTC)
    for hours in range(-12, 15):
        local = now + timedelta(hours=hours)
        if local.weekday() < 5 and 10 <= local.hour < 17:
            return f"Etc/GMT{-hours:+d}", local.isoformat()
    return None


@pytest.mark.slow
def test_prompts_and_reminders_post_within_2_s_of_falling_due_with_the_default_tick(
    fake: FakeSlack, database_url: str
) -> None:
    zone = _working_zone()
    panel = ("ULATA", "ULATB")
    for user in panel:
        fake.add_user(user, user.lower(), tz=zone[0] if zone else "UTC")
    settings = settings_for(fake, database_url, debrief_tick_seconds=30)  # the default tick
    engine = make_engine(database_url)
    upgrade(engine)
    repository = Repository(engine)
    start = datetime.now(UTC) + timedelta(seconds=6)
    ends = {}
    for n in range(LATENCY_INTERVIEWS):  # ending one after another over 10 s, from 6 s from now
        ends_at = start + timedelta(seconds=0.2 * n)
        draft = InterviewDraft(
            candidate=f"Candidate {n:02d}",
            role="Platform Engineer",
            stage=Stage.ONSITE,
            interviewer_ids=panel if n < 5 else (ANA,),
            hiring_manager_id=HIRING_MANAGER,
            starts_at=ends_at - timedelta(minutes=45),
            length_minutes=45,
            channel_id=CHANNEL,
        )
        interview = repository.interviews.create_interview(
            draft=draft,
            recruiter_id=RECRUITER,
            deadline=timedelta(hours=1),
            remind_after=timedelta(seconds=4),  # the first five panels: a reminder 4 s after the end
            now=datetime.now(UTC),
        )
        ends[interview.id] = ends_at
    engine.dispose()
    running = start_bot(settings, fake, lambda: datetime.now(UTC), with_scheduler=True)
    try:
        prompts = fake.wait_for(
            "chat.postMessage",
            count=LATENCY_INTERVIEWS,
            timeout=40,
            ok=True,
            predicate=lambda c: kind_of(c.params) == "prompt",
        )
        reminders = []
        if zone is not None:
            reminders = fake.wait_for(
                "chat.postMessage",
                count=10,
                timeout=30,
                ok=True,
                predicate=lambda c: kind_of(c.params) == "reminder",
            )
    finally:
        running.stop()
    wall = time.time() - time.monotonic()  # the fake stamps calls with the monotonic clock
    late = sorted(
        (datetime.fromtimestamp(c.at + wall, UTC) - ends[interview_of(c.params) or 0]).total_seconds()
        for c in prompts
    )
    assert (
        len(late) == LATENCY_INTERVIEWS
        and len({interview_of(c.params) for c in prompts}) == LATENCY_INTERVIEWS
    )
    p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
    assert late[0] >= -0.05 and p99 < 2.0, f"prompt latency p99 {p99:.2f} s: {late}"
    remind_late = sorted(
        (datetime.fromtimestamp(c.at + wall, UTC) - ends[interview_of(c.params) or 0]).total_seconds() - 4
        for c in reminders
    )
    assert all(-0.05 <= s < 2.0 for s in remind_late), f"reminder latency: {remind_late}"
