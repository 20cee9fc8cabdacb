"""An imported interview runs the whole loop; a feed that breaks is reported, never destructive."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import InterviewStatus
from bot.flows.sync import SourceSync
from bot.ids import Action
from bot.sources.http import Http
from bot.sources.ics import IcsFeed
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, RECRUITER, RunningBot
from tests.e2e.test_debrief_loop import message_with_button, text_of, write_debrief
from tests.sources.conftest import FeedServer, StartBot
from tests.sources.feeds import Event, Feed


def test_an_imported_interview_ends_prompts_collects_debriefs_and_posts_its_summary(
    make_bot: StartBot, feed_server: FeedServer, fake: FakeSlack, clock: FakeClock
) -> None:
    feed_server.feed = Feed([Event("loop-1", "Interview: Grace Hopper - Compiler Engineer [Onsite]",
                                   "20260302T100000Z", "20260302T104500Z")])  # fmt: skip
    running = make_bot(debrief_ics_urls=(feed_server.url,))
    assert running.bot.sync is not None
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.created == 1
    running.settle()
    assert fake.messages(CHANNEL) == []

    clock.advance(hours=1, minutes=50)  # 10:50: the interview is over
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.postMessage", count=3, ok=True)  # the channel prompt and a DM to each
    [prompt] = fake.messages(CHANNEL)
    assert "Grace Hopper" in text_of(prompt)
    assert message_with_button(fake, ANA, Action.WRITE_DEBRIEF)

    # The next sync reads the same feed: the interview past its prompt is neither re-created nor moved.
    [again] = running.bot.sync.run(now=clock(), force=True)
    assert (again.created, again.moved, again.cancelled) == (0, 0, 0)

    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO, recommendation="1")
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda call: (
            call.params.get("channel") == CHANNEL
            and "Grace Hopper" in str(call.params)
            and "Debrief summary" in str(call.params)
        ),
    )
    summaries = [m for m in fake.messages(CHANNEL) if "Debrief summary" in text_of(m)]
    assert len(summaries) == 1
    interview = running.bot.repository.interviews.get_interview(interview_id=1)
    assert interview is not None and interview.status is InterviewStatus.SUMMARISED
    assert interview.recruiter_id == RECRUITER
    assert fake.errors == []


def no_sleep(_seconds: float) -> None:
    pass


def feed_sync(running: RunningBot, url: str, **http: int) -> SourceSync:
    """The bot's sync, reading `url` with retries that don't wait (time is the tests' clock)."""
    assert running.bot.sync is not None
    feed = IcsFeed(url, http=Http(what="the calendar feed", sleep=no_sleep, **http))  # type: ignore[arg-type]
    running.bot.sync.sources = [feed]
    return running.bot.sync


def test_a_failing_feed_is_retried_reported_in_words_and_told_once_after_an_hour(
    running: RunningBot, feed_server: FeedServer, fake: FakeSlack, clock: FakeClock
) -> None:
    sync = feed_sync(running, feed_server.url)
    [first] = sync.run(now=clock(), force=True)
    assert first.created == 27
    feed_server.status = 503
    fetched = feed_server.fetches
    [report] = sync.run(now=clock() + timedelta(minutes=5), force=True)
    assert report.error is not None and "503" in report.error
    assert feed_server.fetches - fetched == 4  # the first try and three retries
    status = running.bot.repository.sources.source_statuses()[0]
    assert status.error_since is not None and "503" in (status.last_error or "")
    assert all(
        i.status is InterviewStatus.SCHEDULED
        for i in running.bot.repository.interviews.list_open(limit=100)[0]
    )

    response = running.slack.command(text="sources", user_id=RECRUITER, channel_id=CHANNEL)
    shown = str(response.json())
    assert "Last error" in shown and "503" in shown and "27 interview" in shown
    assert "private-5ecret" not in shown  # the secret address is never shown

    for minutes in (30, 61, 90, 200):  # failing for over an hour: the recruiters are told once
        sync.run(now=clock() + timedelta(minutes=minutes), force=True)
    running.settle()
    # The recruiters are named (closed by default), so they are told by DM, not in DEBRIEF_CHANNEL.
    alerts = [m for m in fake.messages(RECRUITER) if "for over an hour" in m.get("text", "")]
    assert not any("for over an hour" in m.get("text", "") for m in fake.messages(CHANNEL))
    assert len(alerts) == 1 and "503" in alerts[0]["text"]

    feed_server.status = 200  # back: the error clears, and a later outage would be told again
    [ok] = sync.run(now=clock() + timedelta(minutes=300), force=True)
    assert ok.error is None
    status = running.bot.repository.sources.source_statuses()[0]
    assert status.error_since is None and not running.bot.repository.sources.source_alerted(name=status.name)


def test_a_malformed_or_oversized_feed_is_refused_and_cancels_nothing(
    running: RunningBot, feed_server: FeedServer, clock: FakeClock
) -> None:
    sync = feed_sync(running, feed_server.url, max_bytes=200_000)
    sync.run(now=clock(), force=True)
    feed_server.body = b"<html><body>Sign in to continue</body></html>"
    [report] = sync.run(now=clock(), force=True)
    assert report.error is not None and "iCalendar" in report.error
    feed_server.body = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 300_000 + b"\r\nEND:VCALENDAR\r\n"
    [report] = sync.run(now=clock(), force=True)
    assert report.error is not None and "too large" in report.error
    open_interviews, total = running.bot.repository.interviews.list_open(limit=100)
    assert total == 27 and all(i.status is InterviewStatus.SCHEDULED for i in open_interviews)


def test_a_local_ics_file_is_a_feed_too(make_bot: StartBot, tmp_path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hiring.ics"
    path.write_bytes(
        Feed(
            [Event("file-1", "Interview: Fay File / Analyst", "20260303T100000Z", "20260303T110000Z")]
        ).render()
    )
    running = make_bot(debrief_ics_urls=(str(path),))
    assert running.bot.sync is not None
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.created == 1
    [(label, status)] = running.bot.sync.statuses()
    assert "hiring.ics" in label and status is not None and status.imported == 1
    path.unlink()
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.error is not None and "couldn't read" in report.error


def test_a_feed_that_answers_too_slowly_times_out_and_is_retried(
    running: RunningBot, feed_server: FeedServer, clock: FakeClock
) -> None:
    import time

    import httpx

    original = feed_server.handle

    def slow(request):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return original(request)

    assert feed_server.api is not None
    feed_server.api.handler = slow
    assert running.bot.sync is not None
    feed = IcsFeed(
        feed_server.url, http=Http(what="the calendar feed", sleep=no_sleep, timeout=httpx.Timeout(0.1))
    )
    running.bot.sync.sources = [feed]
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.error is not None and "did not answer in time" in report.error
    assert feed_server.fetches == 4  # the first try and three retries
    assert running.bot.repository.interviews.list_open()[1] == 0


def test_secrets_never_reach_the_logs(
    running: RunningBot,
    feed_server: FeedServer,
    clock: FakeClock,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    sync = feed_sync(running, feed_server.url)
    sync.run(now=clock(), force=True)
    feed_server.status = 500
    sync.run(now=clock(), force=True)
    assert "private-5ecret" not in caplog.text  # the secret part of the calendar address
    assert caplog.text  # something was logged (the failure)


def test_a_moved_interview_is_prompted_at_its_new_end_and_a_panel_change_after_the_prompt_follows(
    make_bot: StartBot, feed_server: FeedServer, fake: FakeSlack, clock: FakeClock
) -> None:
    from tests.sources.conftest import CARL
    from tests.sources.feeds import ANA_MAIL, CARL_MAIL

    feed_server.feed = Feed(
        [Event("move-1", "Interview: Mo Ved - Analyst", "20260302T100000Z", "20260302T110000Z")]
    )
    running = make_bot(debrief_ics_urls=(feed_server.url,), debrief_remind_after_minutes=60)
    assert running.bot.sync is not None
    running.bot.sync.run(now=clock(), force=True)
    feed_server.feed.edit("move-1", start="20260302T130000Z", end="20260302T140000Z")  # two hours later
    [moved] = running.bot.sync.run(now=clock(), force=True)
    assert moved.moved == 1

    clock.advance(hours=2, minutes=5)  # 11:05: the old end has passed, the new one has not
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert fake.messages(CHANNEL) == [] and fake.messages(ANA) == []
    clock.advance(hours=3)  # 14:05: over
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.postMessage", count=3, ok=True)
    assert len(fake.messages(CHANNEL)) == 1 and message_with_button(fake, BO, Action.WRITE_DEBRIEF)

    # After the prompt the calendar swaps Bo for Carl: Carl is prompted now, Bo is not reminded.
    feed_server.feed.edit("move-1", attendees=(ANA_MAIL, CARL_MAIL))
    [swapped] = running.bot.sync.run(now=clock(), force=True)
    assert swapped.repanelled == 1
    fake.wait_for("chat.postMessage", predicate=lambda call: call.params.get("channel") == CARL)
    assert message_with_button(fake, CARL, Action.WRITE_DEBRIEF)
    bo_before = len(fake.messages(BO))
    clock.advance(hours=2)  # past the reminder time
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert len(fake.messages(BO)) == bo_before  # no reminder for someone no longer on the panel
    assert any("Reminder" in m.get("text", "") for m in fake.messages(CARL))
    interview = running.bot.repository.interviews.get_interview(interview_id=1)
    assert interview is not None and interview.interviewer_ids == (ANA, CARL)
