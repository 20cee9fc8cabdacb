"""Delivery an operator can trust, against a Slack that does the work and then loses the answer:
every message exactly once (counted from the fake's store), edits in order, nothing retried
forever, and every failure in front of the recruiter.

The bot runs in-process without its scheduler; tests tick by hand and move the FakeClock past
back-off times only while no call is in flight (`drive` in test_faults).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.domain.models import InterviewDraft, Stage
from fakeslack import FakeSlack
from storage.repository import Outgoing
from storage.tables import OutboxRow
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot
from tests.e2e.procs import interview_of, kind_of, texts_in
from tests.e2e.test_debrief_loop import debrief_values, schedule
from tests.e2e.test_faults import Posts, drive, open_debrief, outbox, settle


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    """Recruiter known; a reminder two hours after the interview, the deadline a day after."""
    return make_bot(
        debrief_recruiters=(RECRUITER,), debrief_remind_after_minutes=120, debrief_deadline_minutes=1440
    )


def stored(fake: FakeSlack) -> Posts:
    """How many of each (kind, conversation, interview) Slack holds: what people really see."""
    return Counter(
        (kind_of(message) or "other", channel, interview_of(message))
        for channel, message in fake.all_messages()
    )


def say(running: RunningBot, text: str, user: str = RECRUITER) -> str:
    response = running.slack.command(text=text, user_id=user, channel_id=CHANNEL)
    assert response.status == 200
    body = response.json() if response.body else {}
    return str(body.get("text", "")) + str(body.get("blocks", ""))


def draft(clock: FakeClock, **overrides: Any) -> InterviewDraft:
    values: dict[str, Any] = {
        "candidate": "Grace Hopper",
        "role": "Compiler Engineer",
        "stage": Stage.ONSITE,
        "interviewer_ids": (ANA, BO),
        "hiring_manager_id": HIRING_MANAGER,
        "starts_at": clock() - timedelta(hours=1),
        "length_minutes": 45,
        "channel_id": CHANNEL,
    }
    values.update(overrides)
    return InterviewDraft(**values)


# -- the answer lost after the work ------------------------------------------------------------


def test_with_35_percent_of_posts_losing_their_answer_every_message_is_stored_exactly_once(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock)  # the modal step, before any fault
    fake.inject_faults(
        rate=0.35,
        kinds=("503-after", "drop-after"),
        seed=3,
        methods=["chat.postMessage", "conversations.history"],
    )
    clock.advance(hours=2)  # the interview is over: the prompts are owed
    expected: Posts = Counter(
        {("prompt", CHANNEL, 1): 1, ("prompt_dm", f"D{ANA}", 1): 1, ("prompt_dm", f"D{BO}", 1): 1}
    )
    drive(running, clock, lambda: set(expected) <= set(stored(fake)), timeout=60, what="the prompts")
    settle(running, clock)  # past the reminder time too: each interviewer is reminded once
    expected += Counter({("reminder", f"D{ANA}", 1): 1, ("reminder", f"D{BO}", 1): 1})
    drive(running, clock, lambda: set(expected) <= set(stored(fake)), timeout=60, what="the reminders")

    for user, values in ((ANA, debrief_values()), (BO, debrief_values(private_note="Ask me about her."))):
        modal = open_debrief(running, fake, user)
        assert running.slack.view_submission(modal, values, user_id=user).status == 200
    expected += Counter(
        {
            ("receipt", f"D{ANA}", 1): 1,
            ("receipt", f"D{BO}", 1): 1,
            ("summary", CHANNEL, 1): 1,
            ("private_notes", f"D{HIRING_MANAGER}", None): 1,
            ("private_notes", f"D{RECRUITER}", None): 1,  # private notes: the recruiter's too
        }
    )
    drive(running, clock, lambda: set(expected) <= set(stored(fake)), timeout=60, what="everything")
    settle(running, clock)

    assert stored(fake) == expected  # every message exactly once, nothing else
    lost = [c for c in fake.calls("chat.postMessage") if c.fault in ("503-after", "drop-after")]
    assert len(lost) >= 3, "answers really were lost after Slack stored the message"
    assert fake.calls("conversations.history"), "a post in doubt is looked for before it is sent again"
    assert {r["status"] for r in outbox(running)} == {"sent"}


def test_a_post_whose_answer_was_lost_is_found_not_posted_again(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running.bot.repository.interviews.create_interview(
        draft=draft(clock, interviewer_ids=(ANA,)),
        recruiter_id=RECRUITER,
        deadline=timedelta(days=1),
        now=clock(),
    )
    fake.fail_next("chat.postMessage", status=503, after=True)  # a prompt: stored, then a 503
    fake.fail_next("conversations.history", drop=True)  # and the first look for it fails too
    running.bot.flows.ticks.tick(now=clock())
    (lost,) = [c for c in fake.calls("chat.postMessage") if c.fault == "503-after"]
    key = lost.params["metadata"]["event_payload"]["outbox_key"]
    assert [r["status"] for r in outbox(running) if r["key"] == key] == ["pending"]

    settle(running, clock)  # look (fails: wait), look again (found): recorded, not re-posted
    found = [
        (c, m)
        for c, m in fake.all_messages()
        if (m.get("metadata") or {}).get("event_payload") == {"outbox_key": key}
    ]
    assert len(found) == 1
    tried = [
        c
        for c in fake.calls("chat.postMessage")
        if c.params["metadata"]["event_payload"]["outbox_key"] == key
    ]
    assert len(tried) == 1  # posted once, never again
    assert len(fake.calls("conversations.history")) >= 2
    sent = running.bot.repository.posts.sent_message(key=key)
    assert sent is not None and (sent.channel, sent.ts) == (
        found[0][0],
        found[0][1]["ts"],
    )  # later edits find it


# -- edits in order ------------------------------------------------------------------------------


def test_two_summary_revisions_with_the_first_update_slowed_the_last_one_wins(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, interviewers=[ANA], starts_at=clock() - timedelta(hours=1))
    running.bot.dispatcher.wait_idle(10)
    modal = open_debrief(running, fake, ANA)
    assert running.slack.view_submission(modal, debrief_values(), user_id=ANA).status == 200
    fake.wait_for("chat.postMessage", predicate=lambda c: kind_of(c.params) == "summary", ok=True)
    running.settle()

    fake.slow_next("chat.update", 1.5)  # revision 1 (the follow-up note) takes its time
    flows = running.bot.flows
    flows.pipeline.follow_up(
        interview_id=1, now=clock()
    )  # revision 1: the summary, with its decision buttons
    flows.pipeline.cancel(interview_id=1, user_id=RECRUITER, now=clock())  # revision 2: cancelled, no buttons
    flows.ticks.deliver(now=clock())
    running.settle()

    sent = flows.repository.posts.sent_message(key="summary:1")
    assert sent is not None
    updates = [c for c in fake.calls("chat.update", ok=True) if c.params["ts"] == sent.ts]
    assert len(updates) == 2 and updates[0].at < updates[1].at
    assert "cancelled" not in updates[0].params["text"] and "cancelled" in updates[1].params["text"]
    (summary,) = [m for m in fake.messages(CHANNEL) if m["ts"] == sent.ts]
    assert "cancelled" in summary["text"] and not summary.get("blocks")  # the last revision won
    assert "follow-up" in str(fake.messages(CHANNEL))  # the note, in the summary's thread


# -- bounded, and never silent -------------------------------------------------------------------


def test_300_edits_of_a_message_that_failed_for_good_are_dead_letters_reported_once(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_channel("CPRIV", "secret", is_private=True, member=False)  # a channel the bot can't see
    repo = running.bot.repository
    repo.interviews.create_interview(
        draft=draft(clock, channel_id="CPRIV"),
        recruiter_id=RECRUITER,
        deadline=timedelta(days=1),
        now=clock(),
    )
    running.bot.flows.announcer.prompt(running.bot.flows.gate.interview(interview_id=1), now=clock())
    edits = [
        Outgoing(
            key=f"edit:{n}",
            kind="summary_update",
            method="chat.update",
            payload={"of": "prompt:1", "text": f"revision {n}"},
            interview_id=1,
        )
        for n in range(300)
    ]
    assert repo.outbox.enqueue(outgoing=edits, now=clock())
    # Another interview ends now: its prompt must not wait behind the 300.
    repo.interviews.create_interview(
        draft=draft(clock, candidate="Ada Lovelace"),
        recruiter_id=RECRUITER,
        deadline=timedelta(days=1),
        now=clock(),
    )

    running.bot.flows.ticks.tick(now=clock())
    assert fake.calls("chat.update") == []  # nothing sent for a message that never posted
    rows = {r["key"]: r for r in outbox(running)}
    assert rows["prompt:1"]["status"] == "failed"
    assert all(rows[f"edit:{n}"]["status"] == "failed" for n in range(300))
    assert all(rows[f"edit:{n}"]["attempts"] == 0 for n in range(300))  # given up without a try
    assert len([m for m in fake.messages(CHANNEL) if interview_of(m) == 2]) == 1  # #2's prompt is out
    assert {r["status"] for k, r in rows.items() if k.startswith("prompt_dm:")} == {"sent"}

    # More edits owed later are given up on at once too; still one notice for that message.
    repo.outbox.enqueue(
        outgoing=[
            Outgoing(key="edit:late", kind="summary_update", method="chat.update",
                     payload={"of": "prompt:1", "text": "late"}, interview_id=1)
        ],
        now=clock(),
    )  # fmt: skip
    for _ in range(3):
        clock.advance(minutes=10)
        running.bot.flows.ticks.tick(now=clock())
    assert {r["status"] for r in outbox(running) if r["key"].startswith("edit:")} == {"failed"}
    notices = [m for m in fake.messages(RECRUITER) if kind_of(m) == "undeliverable" and interview_of(m) == 1]
    assert len(notices) == 1, [m["text"] for m in notices]
    assert fake.calls("chat.update") == []


def test_edits_of_a_post_that_keeps_failing_wait_for_it_and_go_with_it_at_give_up_after(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    repo = running.bot.repository
    repo.interviews.create_interview(
        draft=draft(clock, interviewer_ids=(ANA,)),
        recruiter_id=RECRUITER,
        deadline=timedelta(days=1),
        now=clock(),
    )
    fake.fail_next("chat.postMessage", error="fatal_error", times=1000)  # Slack refuses, again and again
    running.bot.flows.ticks.tick(now=clock())
    repo.outbox.enqueue(
        outgoing=[
            Outgoing(key=f"edit:{n}", kind="summary_update", method="chat.update",
                     payload={"of": "prompt:1", "text": f"revision {n}"}, interview_id=1)
            for n in range(50)
        ],
        now=clock(),
    )  # fmt: skip
    give_up = running.bot.flows.courier.give_up_after
    start, given_up = clock(), None
    while given_up is None and clock() - start < give_up + timedelta(hours=1):
        clock.advance(minutes=10)
        running.bot.flows.ticks.tick(now=clock())
        if [r["status"] for r in outbox(running) if r["key"] == "prompt:1"] == ["failed"]:
            given_up = clock() - start
    assert given_up is not None and give_up <= given_up <= give_up + timedelta(minutes=10)
    rows = {r["key"]: r for r in outbox(running)}
    assert all(rows[f"edit:{n}"]["status"] == "failed" for n in range(50))
    assert fake.calls("chat.update") == []


def test_a_dm_to_a_deactivated_user_reaches_the_recruiter_home_and_status(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock)
    fake.deactivate_user(BO)  # Bo leaves the company before the interview ends
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    running.settle()

    assert [r["status"] for r in outbox(running) if r["key"] == f"prompt_dm:1:{BO}"] == ["failed"]
    # A deactivated interviewer won't submit: the recruiter is told once, and the panel goes on
    # without them (issue 12); the dead letter stays listed below.
    notices = [m for m in fake.messages(RECRUITER) if "deactivated" in m.get("text", "")]
    assert len(notices) == 1
    assert f"<@{BO}>" in notices[0]["text"] and "completes without them" in notices[0]["text"]
    assert running.bot.flows.gate.interview(interview_id=1).interviewer_ids == (ANA,)

    status = say(running, "status 1")
    assert "Could not be delivered" in status and f"<@{BO}>" in status and "user_disabled" in status

    published = len(fake.calls("views.publish", ok=True))
    assert running.slack.event({"type": "app_home_opened", "user": RECRUITER, "tab": "home"}).status == 200
    fake.wait_for("views.publish", count=published + 1, ok=True)
    home = fake.home_view(RECRUITER)
    assert home is not None
    text = " ".join(texts_in(home["blocks"]))
    assert "Needs attention" in text and "user_disabled" in text
    assert "Needs attention" in str(home["blocks"][0])  # at the top, where it can't be missed


# -- owe facts, render late ------------------------------------------------------------------------


def test_the_outbox_holds_what_is_owed_never_a_candidate_name_or_debrief_text(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock() - timedelta(hours=1))
    running.bot.dispatcher.wait_idle(10)
    secret = "I know her former manager; ask me."
    for user, values in ((ANA, debrief_values()), (BO, debrief_values(private_note=secret))):
        modal = open_debrief(running, fake, user)
        assert running.slack.view_submission(modal, values, user_id=user).status == 200
    flows = running.bot.flows
    fake.wait_for("chat.postMessage", predicate=lambda c: kind_of(c.params) == "summary", ok=True)
    running.settle()
    flows.pipeline.follow_up(interview_id=1, now=clock())
    flows.pipeline.cancel(interview_id=1, user_id=RECRUITER, now=clock())
    flows.ticks.deliver(now=clock())
    running.settle()

    with Session(running.bot.repository.engine) as session:
        payloads = json.dumps([row.payload for row in session.exec(select(OutboxRow)).all()])
    kinds = {r["key"].split(":")[0] for r in outbox(running)}
    assert {"prompt", "prompt_dm", "receipt", "summary", "private_notes", "summary_update", "cancel"} <= kinds
    for personal in ("Grace Hopper", secret, "compiler blog post", "Designed the parser"):
        assert personal not in payloads, f"{personal!r} was copied into the outbox"
    # ...and yet every message said it, rendered when sent.
    assert secret in str(fake.messages(HIRING_MANAGER)) and "Grace Hopper" in str(fake.messages(ANA))
