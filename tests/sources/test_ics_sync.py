"""A realistic calendar feed over loopback HTTP, through the real bot: the right interviews, and a
resync after edits that changes exactly what was edited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import Interview, InterviewStatus, Stage
from bot.flows.sync import SourceSync
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot
from tests.sources.conftest import CARL, FeedServer
from tests.sources.feeds import BO_MAIL, CARL_MAIL

EXPECTED = 27  # 29 occurrences in the window, minus the cancelled event and the cancelled occurrence


def sync(running: RunningBot, clock: FakeClock) -> SourceSync:
    assert running.bot.sync is not None
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.error is None, report.error
    running.settle()
    return running.bot.sync


def imported(running: RunningBot) -> dict[str, Interview]:
    """Imported interviews by external key."""
    return {
        k: known.interview
        for k, known in running.bot.repository.sources.known(source=_source(running)).items()
    }


def _source(running: RunningBot) -> str:
    assert running.bot.sync is not None
    return running.bot.sync.sources[0].name


def by_candidate(running: RunningBot) -> dict[str, list[Interview]]:
    found: dict[str, list[Interview]] = {}
    for interview in imported(running).values():
        found.setdefault(interview.candidate, []).append(interview)
    return {name: sorted(items, key=lambda i: i.starts_at) for name, items in found.items()}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_the_realistic_feed_brings_the_right_interviews_with_the_right_panels_and_times(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, feed_server: FeedServer
) -> None:
    sync(running, clock)
    interviews = by_candidate(running)
    assert sum(len(v) for v in interviews.values()) == EXPECTED
    assert running.bot.repository.interviews.list_open(limit=100)[1] == EXPECTED  # nothing else was created

    # The weekly interview: moved occurrence at its new time; the EXDATE and the cancelled one absent.
    # Its start is in UTC with X-WR-TIMEZONE Europe/Berlin: Google keeps the Berlin wall time (15:00)
    # across Europe's DST change on 29 March.
    pat = interviews["Pat Pool"]
    assert [i.starts_at for i in pat] == [
        utc(2026, 3, 3, 14),
        utc(2026, 3, 10, 16),
        utc(2026, 3, 31, 13),
        utc(2026, 4, 7, 13),
    ]
    assert {i.stage for i in pat} == {Stage.PHONE_SCREEN} and {i.length_minutes for i in pat} == {30}
    # 10:00 in New York, before and after the US DST change of 8 March.
    assert [i.starts_at for i in interviews["Nia York"]] == [utc(2026, 3, 5, 15), utc(2026, 3, 12, 14)]
    assert interviews["Nia York"][0].stage is Stage.FINAL and interviews["Nia York"][0].role == "Sales Lead"
    for absent in ("All Day", "Cole Cancel", "Paula Past", "Bea Broken"):
        assert absent not in interviews
    assert "Hiring sync" not in str(interviews)

    [room] = interviews["Rhea Room"]
    assert room.interviewer_ids == (ANA, BO) and room.stage is Stage.TECHNICAL  # the room is not on the panel
    [guest] = interviews["Gus Guest"]
    assert guest.interviewer_ids == (ANA,)  # the guest has no Slack account: reported, not silently dropped
    [declined] = interviews["Dee Clined"]
    assert declined.interviewer_ids == (ANA,)
    [manager] = interviews["Hal Manager"]
    assert manager.hiring_manager_id == HIRING_MANAGER
    assert interviews["Candidate 00"][0].hiring_manager_id == RECRUITER  # no HM line: the recruiter reads it
    [floating] = interviews["Flo Float"]
    assert floating.starts_at == utc(2026, 3, 6, 9)  # 10:00 in the calendar's zone (Berlin)
    assert floating.role == "Platform Engineer"  # an em dash between candidate and role
    assert {i.recruiter_id for v in interviews.values() for i in v} == {RECRUITER}  # the organiser
    assert {i.channel_id for v in interviews.values() for i in v} == {CHANNEL}
    assert interviews["Candidate 00"][0].stage is Stage.ONSITE  # the calendar's name says "Onsite"
    roles = {interviews[f"Candidate {n:02d}"][0].role for n in range(16)}
    assert roles == {f"Role {n:02d}" for n in range(16)}  # every separator: - – — | /

    notices = [m["text"] for m in fake.messages(RECRUITER)]
    assert any("guest@elsewhere.example" in t and guest.short_id in t for t in notices), notices
    assert fake.messages(CHANNEL) == []  # nothing is posted before an interview ends

    [status] = running.bot.repository.sources.source_statuses()
    assert status.imported == EXPECTED and status.error_since is None
    assert status.last_error is not None and "Bea Broken" in status.last_error  # reported and skipped

    # Reading the same feed again changes nothing and says nothing.
    before = {k: (i.starts_at, i.interviewer_ids, i.status) for k, i in imported(running).items()}
    calls = len(fake.calls("chat.postMessage"))
    report = running.bot.sync.run(now=clock(), force=True)[0]  # type: ignore[union-attr]
    assert (report.created, report.moved, report.repanelled, report.cancelled) == (0, 0, 0, 0)
    assert {k: (i.starts_at, i.interviewer_ids, i.status) for k, i in imported(running).items()} == before
    running.settle()
    assert len(fake.calls("chat.postMessage")) == calls
    assert fake.errors == []


def test_a_resync_after_edits_updates_exactly_the_edited_interviews(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, feed_server: FeedServer
) -> None:
    sync(running, clock)
    before = imported(running)
    feed = feed_server.feed
    feed.edit("single-0", start="20260309T150000Z", end="20260309T154500Z")  # moved
    feed.edit("single-1", status="CANCELLED")  # cancelled
    feed.edit("single-2", attendees=(CARL_MAIL, BO_MAIL))  # ana swapped for carl
    feed.delete("single-3")  # deleted
    feed.edit("weekly-1", extra=("RRULE:FREQ=WEEKLY;COUNT=6", "EXDATE:20260317T140000Z,20260331T130000Z"))
    clock.advance(minutes=10)

    assert running.bot.sync is not None
    [report] = running.bot.sync.run(now=clock(), force=True)
    running.settle()
    assert (report.created, report.moved, report.repanelled, report.cancelled) == (0, 1, 1, 3), report
    after = imported(running)
    assert after["ics:single-0"].starts_at == utc(2026, 3, 9, 15)
    assert after["ics:single-0"].interviewer_ids == before["ics:single-0"].interviewer_ids
    assert after["ics:single-1"].status is InterviewStatus.CANCELLED
    assert set(after["ics:single-2"].interviewer_ids) == {CARL, BO}  # a newcomer joins at the end
    assert after["ics:single-3"].status is InterviewStatus.CANCELLED
    assert after["ics:weekly-1@20260331T130000Z"].status is InterviewStatus.CANCELLED  # a new EXDATE
    changed = {
        "ics:single-0",
        "ics:single-1",
        "ics:single-2",
        "ics:single-3",
        "ics:weekly-1@20260331T130000Z",
    }
    for key, interview in before.items():
        if key not in changed:
            assert after[key] == interview, key
    assert set(after) == set(before)  # nothing new, nothing re-created

    # The next interval reads the same feed: nothing more happens.
    [again] = running.bot.sync.run(now=clock(), force=True)
    assert (again.created, again.moved, again.repanelled, again.cancelled) == (0, 0, 0, 0)
    assert fake.errors == []


def test_an_interview_edited_in_slack_keeps_slacks_version_and_status_says_so(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, feed_server: FeedServer
) -> None:
    sync(running, clock)
    interview = imported(running)["ics:single-4"]
    from tests.sources.test_reconcile import draft_of

    running.bot.flows.pipeline.reschedule(
        interview_id=interview.id,
        draft=draft_of(interview, starts_at=interview.starts_at + timedelta(days=1)),
        user_id=RECRUITER,
        bot_user_id=None,
        now=clock(),
    )
    feed_server.feed.edit("single-4", start="20260313T080000Z", end="20260313T084500Z")
    [report] = running.bot.sync.run(now=clock(), force=True)  # type: ignore[union-attr]
    running.settle()
    assert report.moved == 0
    kept = running.bot.repository.interviews.get_interview(interview_id=interview.id)
    assert kept is not None and kept.starts_at == interview.starts_at + timedelta(days=1)  # Slack wins
    assert any(
        "edited in Slack" in m["text"] and kept.short_id in m["text"] for m in fake.messages(RECRUITER)
    )

    response = running.slack.command(text=f"status {interview.id}", user_id=RECRUITER, channel_id=CHANNEL)
    shown = str(response.json())
    assert "Imported from" in shown and "edited in Slack" in shown and "Slack's version wins" in shown
