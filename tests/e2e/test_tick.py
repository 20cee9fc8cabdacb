"""A busy minute: far more interviews ending at once than one page of due work."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import InterviewDraft, Stage
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot

ENDED_TOGETHER = 230  # more than two pages of due work


def test_one_tick_prompts_every_interview_that_ended_and_then_summarises_them(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    repository = running.bot.repository
    ends_at = clock() - timedelta(minutes=1)
    for n in range(ENDED_TOGETHER):
        draft = InterviewDraft(
            candidate=f"Candidate {n:03d}",
            role="Platform Engineer",
            stage=Stage.ONSITE,
            interviewer_ids=(ANA, BO),
            hiring_manager_id=HIRING_MANAGER,
            starts_at=ends_at - timedelta(minutes=45),
            length_minutes=45,
            channel_id=CHANNEL,
        )
        repository.create_interview(
            draft=draft, recruiter_id=RECRUITER, deadline=timedelta(hours=1), now=clock()
        )

    report = running.bot.flows.tick(now=clock())
    assert (report.prompted, report.delivered) == (ENDED_TOGETHER, 3 * ENDED_TOGETHER)
    assert len(fake.messages(CHANNEL)) == ENDED_TOGETHER  # one prompt each, none twice
    assert len(fake.messages(ANA)) == len(fake.messages(BO)) == ENDED_TOGETHER

    running.settle()
    clock.advance(hours=2)  # past every deadline: each gets its (incomplete) summary in one tick
    report = running.bot.flows.tick(now=clock())
    assert report.summarised == ENDED_TOGETHER
    assert running.bot.flows.tick(now=clock()).summarised == 0
    assert len(fake.messages(CHANNEL)) == 2 * ENDED_TOGETHER
    assert fake.errors == []
