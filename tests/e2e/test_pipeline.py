"""Recruiters run the pipeline from Slack: /debrief list, status, remind, close, cancel, reschedule, export;
reminders that respect working hours and snoozes; where the huddle happens."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest

from bot.ids import Action, Callback
from fakeslack import FakeSlack, last_view
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import (
    ANA,
    BO,
    CHANNEL,
    HIRING_MANAGER,
    OUTSIDER,
    RECRUITER,
    RunningBot,
    settings_for,
    start_bot,
)  # fmt: skip
from tests.e2e.procs import wait_until
from tests.e2e.test_debrief_loop import (
    message_with_button,
    open_schedule_modal,
    schedule,
    text_of,
    write_debrief,
)


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    return make_bot(debrief_recruiters=(RECRUITER,))


def say(running: RunningBot, text: str, user: str = RECRUITER) -> str:
    """Run `/debrief <text>` and return what the person sees."""
    response = running.slack.command(text=text, user_id=user, channel_id=CHANNEL)
    assert response.status == 200
    body = response.json() if response.body else {}  # a bare ack (a modal is on its way) has no body
    return body.get("text", "") + str(body.get("blocks", ""))


def test_list_status_and_wrong_ids(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # #1, awaiting debriefs
    schedule(running, fake, clock, candidate="Edsger Dijkstra", starts_at=clock.now + timedelta(days=1))  # #2
    fake.wait_for("chat.postMessage", count=3, ok=True)
    write_debrief(running, fake, ANA)

    listing = say(running, "list")
    assert "Grace Hopper" in listing and "Edsger Dijkstra" in listing
    assert listing.index("Edsger Dijkstra") < listing.index("Grace Hopper")  # newest first
    assert f"<@{BO}>" in listing  # who is missing

    status = say(running, "status #1")
    assert f"Submitted: <@{ANA}>" in status and f"Missing: <@{BO}>" in status
    assert "compiler blog post" not in status  # who submitted, never what
    assert "No interview #99" in say(running, "status 99")
    assert "Which interview?" in say(running, "status")
    assert "Only the hiring manager and recruiters" in say(running, "status 1", user=OUTSIDER)


def test_list_paginates_past_20(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    for n in range(23):
        schedule(
            running, fake, clock, candidate=f"Candidate {n:02d}", starts_at=clock.now + timedelta(hours=n + 1)
        )
    first = say(running, "list")
    assert "1–20 of 23" in first and "/debrief list 2" in first
    second = say(running, "list 2")
    assert "21–23 of 23" in second and "Candidate 00" in second and "Candidate 22" not in second


def test_remind_at_most_once_an_hour(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=3, ok=True)
    write_debrief(running, fake, ANA)
    assert f"Reminded <@{BO}>" in say(running, "remind 1")
    fake.wait_for(
        "chat.postMessage", predicate=lambda c: c.params.get("channel") == BO and "Snooze" in str(c.params)
    )
    assert "less than an hour ago" in say(running, "remind 1")
    clock.advance(minutes=61)
    assert f"Reminded <@{BO}>" in say(running, "remind 1")
    assert len([m for m in fake.messages(ANA) if "Snooze" in str(m)]) == 0  # she had submitted


def test_cancel_stops_prompts_and_marks_posted_messages(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # prompted at once
    schedule(running, fake, clock, candidate="Edsger Dijkstra", starts_at=clock.now + timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=3, ok=True)
    prompt = fake.messages(CHANNEL)[0]
    assert "Cancelled #1" in say(running, "cancel 1")
    clock.advance(seconds=10)  # an edit of a message still being posted waits a few seconds
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.update", ok=True)
    assert "cancelled" in text_of(fake.find_message(prompt["ts"])[1])
    assert "Cancelled #2" in say(running, "cancel 2")
    clock.advance(hours=3)
    running.bot.flows.ticks.tick(now=clock())
    assert not any("Edsger" in text_of(m) for m in fake.messages(CHANNEL))  # its prompt never goes out
    assert "already cancelled" in say(running, "cancel 2")
    running.slack.block_action(
        Action.WRITE_DEBRIEF, user_id=ANA, message=message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    )
    fake.wait_for("chat.postEphemeral", predicate=lambda c: c.params.get("user") == ANA)
    assert "cancelled" in fake.ephemerals(user=ANA)[-1]["text"]


def test_reschedule_opens_prefilled_and_moves_the_prompt(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock)  # ends in 1 h 45 min
    say(running, "reschedule #1")
    fake.wait_for("views.open", count=2, ok=True)
    modal = last_view(fake)
    assert "Grace Hopper" in text_of(modal) and modal["title"]["text"] == "Reschedule interview"
    response = running.slack.view_submission(
        modal, {"starts_at": clock.now + timedelta(days=1)}, user_id=RECRUITER
    )
    assert response.json()["response_action"] == "update"
    clock.advance(hours=3)
    running.bot.flows.ticks.tick(now=clock())
    assert fake.messages(CHANNEL) == []  # the old time passed: nothing
    clock.advance(days=1)
    running.bot.flows.ticks.tick(now=clock())
    assert len(fake.messages(CHANNEL)) == 1 and "Grace Hopper" in text_of(fake.messages(CHANNEL)[0])


def test_reschedule_that_cannot_open_says_why_to_the_recruiter_alone(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # already over
    opened = len(fake.calls("views.open"))
    for words, why in (
        ("reschedule 1", "already ended or was cancelled"),
        ("reschedule 99", "99"),
        ("reschedule", "Which interview?"),
    ):
        before = len(fake.calls("response_url"))
        assert running.slack.command(text=words, user_id=RECRUITER, channel_id=CHANNEL).status == 200
        told = fake.wait_for("response_url", count=before + 1)[-1]
        assert why in told.params["text"] and told.params.get("response_type", "ephemeral") == "ephemeral"
    assert len(fake.calls("views.open")) == opened  # no form for any of them


def test_export_uploads_a_csv_to_the_recruiters_dm(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, candidate="=HYPERLINK(evil)", starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=3, ok=True)
    write_debrief(running, fake, ANA)
    assert "isn't a date" in say(running, "export 2026-13-01")
    assert "Preparing your export" in say(running, "export 2026-03-01 2026-03-02")
    fake.wait_for("files.completeUploadExternal", ok=True)
    [upload] = fake.uploaded_files()
    rows = list(csv.DictReader(io.StringIO(upload.text)))
    assert [(r["interviewer"], r["recommendation"]) for r in rows] == [(ANA, "Strong yes")]
    assert rows[0]["candidate"] == "'=HYPERLINK(evil)"  # no formula runs in a spreadsheet
    assert rows[0]["hiring_manager"] == HIRING_MANAGER


def test_reminders_wait_for_working_hours_and_snooze(
    fake: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    fake.add_user("UTOKYO", "kenji", tz="Asia/Tokyo")
    running = start_bot(settings_for(fake, database_url), fake, clock, with_scheduler=False)
    try:
        # 09:00 UTC Monday = 18:00 in Tokyo: the interview ends at 09:45, reminder due at 11:45 UTC (20:45 JST).
        schedule(running, fake, clock, interviewers=[ANA, "UTOKYO"], starts_at=clock.now)
        clock.advance(hours=3)
        running.bot.flows.ticks.tick(now=clock())
        reminders = lambda user: [m for m in fake.messages(user) if Action.SNOOZE in str(m.get("blocks"))]  # noqa: E731
        assert len(reminders(ANA)) == 1  # UTC working hours
        assert reminders("UTOKYO") == []  # night in Tokyo: waits for the morning
        clock.advance(hours=12)  # 00:00 UTC Tuesday = 09:00 Tokyo
        running.bot.flows.ticks.tick(now=clock())
        assert len(reminders("UTOKYO")) == 1

        running.slack.block_action(Action.SNOOZE, user_id=ANA, message=reminders(ANA)[0])
        fake.wait_for(  # told by DM, through the outbox
            "chat.postMessage",
            ok=True,
            predicate=lambda c: c.params.get("channel") == ANA and "Snoozed" in str(c.params),
        )
        clock.advance(hours=9)  # 09:00 UTC Tuesday: her snooze (1 h) is long over
        running.bot.flows.ticks.tick(now=clock())
        assert len(reminders(ANA)) == 2
        running.bot.flows.ticks.tick(now=clock() + timedelta(hours=1))
        assert len(reminders(ANA)) == 2  # one reminder per snooze, not one per tick
    finally:
        running.stop()


def test_a_private_channel_the_bot_is_not_in_is_accepted_at_once_and_the_recruiter_told(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_channel("CSECRET", "secret-hiring", is_private=True, member=False)
    fake.add_channel("CPUBLIC", "open-hiring", is_private=False, member=False)
    view = open_schedule_modal(running, fake)
    accepted = running.slack.view_submission(
        view, {**_values(clock), "channel": "CSECRET"}, user_id=RECRUITER
    ).json()
    assert accepted["response_action"] == "update"  # acked without asking Slack anything
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == RECRUITER, ok=True)
    notice = text_of(fake.messages(RECRUITER)[-1])
    assert "channel_not_found" in notice and "/invite @Debrief" in notice and "#1" in notice

    view = open_schedule_modal(running, fake)
    accepted = running.slack.view_submission(
        view, {**_values(clock), "channel": "CPUBLIC"}, user_id=RECRUITER
    ).json()
    assert accepted["response_action"] == "update"
    wait_until(lambda: fake.channel("CPUBLIC").is_member, timeout=5, what="the bot to join")
    assert len(fake.messages(RECRUITER)) == 1  # nothing to tell about the public channel


def test_a_slow_slack_never_delays_the_schedule_ack_and_a_resubmission_makes_one_interview(
    fake: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    running = start_bot(
        settings_for(fake, database_url, debrief_channel_mode="per_candidate"),
        fake,
        clock,
        with_scheduler=False,
    )
    try:
        view = open_schedule_modal(running, fake)
        fake.latency = 5.0  # from now on Slack takes 5 s to answer anything
        values = {**_values(clock), "candidate": "Zoë O'Brien"}
        timings = []
        for _ in range(2):  # the recruiter, seeing nothing happen, submits the same form again
            started = time.monotonic()
            response = running.slack.view_submission(view, values, user_id=RECRUITER)
            timings.append(time.monotonic() - started)
            assert response.status == 200 and response.json()["response_action"] == "update"
        assert max(timings) < 1.0, timings
        assert len(running.bot.repository.interviews.list_open(limit=10)[0]) == 1  # one interview
        fake.latency = 0.0
        fake.wait_for("conversations.setTopic", ok=True, timeout=30)
        running.settle(timeout=30)
        assert len(fake.calls("conversations.create", ok=True)) == 1  # and one channel
        interview = running.bot.flows.gate.interview(interview_id=1)
        assert (
            interview.channel_id == fake.calls("conversations.create", ok=True)[0].response["channel"]["id"]
        )
    finally:
        fake.latency = 0.0
        running.stop()


def _values(clock: FakeClock) -> dict:
    from tests.e2e.test_debrief_loop import schedule_values

    return schedule_values(clock)


def test_per_candidate_channels(fake: FakeSlack, clock: FakeClock, database_url: str) -> None:
    running = start_bot(
        settings_for(fake, database_url, debrief_channel_mode="per_candidate", debrief_archive_after_days=3),
        fake, clock, with_scheduler=False,
    )  # fmt: skip
    try:
        schedule(running, fake, clock, candidate="Zoë O'Brien", starts_at=clock.now - timedelta(hours=1))
        fake.wait_for("conversations.setTopic", ok=True)  # after the ack: made, people invited, topic set
        created = fake.calls("conversations.create", ok=True)[0]
        assert created.params["name"] == "debrief-zoë-o-brien-1"  # Slack keeps letters of any script
        channel = created.response["channel"]["id"]
        invited = set(fake.calls("conversations.invite", ok=True)[0].params["users"].split(","))
        assert invited == {ANA, BO, HIRING_MANAGER, RECRUITER}
        assert "Zoë" in fake.calls("conversations.setTopic", ok=True)[0].params["topic"]
        fake.wait_for("chat.postMessage", count=3, ok=True)
        write_debrief(running, fake, ANA)
        write_debrief(running, fake, BO)
        fake.wait_for(
            "chat.postMessage",
            predicate=lambda c: c.params.get("channel") == channel and "decide_hold" in str(c.params),
        )
        summary = message_with_button(fake, channel, Action.DECIDE_HOLD)
        running.slack.block_action(
            Action.DECIDE_HOLD, user_id=HIRING_MANAGER, channel_id=channel, message=summary
        )
        fake.wait_for("chat.update", ok=True)
        clock.advance(days=2)
        running.bot.flows.ticks.tick(now=clock())
        assert fake.calls("conversations.archive") == []
        clock.advance(days=2)
        running.bot.flows.ticks.tick(now=clock())
        assert fake.channel(channel).is_archived
        assert fake.channel(channel).name == "debrief-1-archived"  # no candidate name left behind it
        assert "Zoë" not in fake.channel(channel).topic
    finally:
        running.stop()


def test_a_channel_the_bot_was_removed_from_is_reported_to_the_recruiter(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_channel("CGONE", "was-hiring", is_private=True, member=True)
    schedule(running, fake, clock, channel="CGONE")  # fine at scheduling time
    fake.add_channel("CGONE", "was-hiring", is_private=True, member=False)  # then the bot is removed from it
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == RECRUITER)
    notice = text_of(fake.messages(RECRUITER)[-1])
    assert "channel_not_found" in notice and "/invite @Debrief" in notice and "#1" in notice
    status = say(running, "status 1")
    assert "Could not be delivered" in status and "the debrief prompt in <#CGONE>" in status
    assert "channel_not_found" in status


def test_home_tab_per_role_with_500_interviews(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    from tests.builders import draft

    repo = running.bot.repository
    for n in range(500):  # a busy year: all kinds of states, for the same three people
        interview = repo.interviews.create_interview(
            draft=draft(candidate=f"Candidate {n}", starts_at=clock.now - timedelta(days=n % 40, hours=2)),
            recruiter_id=RECRUITER,
            deadline=timedelta(days=30),
            now=clock.now,
        )
        if n % 3:
            repo.claims.claim_prompt(interview_id=interview.id, now=clock.now, outgoing=[])
        if n % 3 == 2:
            repo.claims.claim_summary(
                interview_id=interview.id, now=clock.now, final=True, verdict="advance", outgoing=[]
            )
    for user in (ANA, RECRUITER, HIRING_MANAGER):
        running.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        fake.wait_for("views.publish", ok=True, predicate=lambda c, u=user: c.params.get("user_id") == u)
        home = fake.home_view(user)
        assert len(home["blocks"]) <= 100
        text = text_of(home)
        if user == ANA:
            assert "Write debrief" in text and "more" in text
        if user == RECRUITER:
            assert "Awaiting feedback" in text and "Remind" in text and "Schedule interview" in text
        if user == HIRING_MANAGER:
            assert "Waiting for your decision" in text
    assert fake.errors == []


def test_the_schedule_shortcut_opens_the_form_for_recruiters_only(
    running: RunningBot, fake: FakeSlack
) -> None:
    running.slack.shortcut(Callback.SCHEDULE_SHORTCUT, user_id=OUTSIDER)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == OUTSIDER)
    assert "Only recruiters" in text_of(fake.messages(OUTSIDER)[-1])
    assert fake.calls("views.open") == []
    running.slack.shortcut(Callback.SCHEDULE_SHORTCUT, user_id=RECRUITER)
    fake.wait_for("views.open", ok=True)
    assert last_view(fake)["callback_id"] == Callback.SCHEDULE


def test_a_failure_after_the_ack_is_told_to_the_person_who_clicked(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=3, ok=True)
    fake.fail_next("views.open", error="internal_error")  # Slack has a bad moment when she clicks
    running.slack.block_action(
        Action.WRITE_DEBRIEF, user_id=ANA, message=message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    )
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == ANA and "went wrong" in str(c.params),
    )
    running.slack.block_action(
        Action.WRITE_DEBRIEF, user_id=ANA, message=message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    )
    fake.wait_for("views.open", ok=True)  # and trying again works
