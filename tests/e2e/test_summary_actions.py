"""The summary a hiring manager reads and acts on: disagreement, who said what, decisions, late debriefs."""

from __future__ import annotations

from typing import Any

import pytest

from bot.ids import Action
from fakeslack import FakeSlack, last_view
from tests.conftest import FakeClock
from tests.e2e.harness import (
    ANA,
    BO,
    CHANNEL,
    HIRING_MANAGER,
    RECRUITER,
    RunningBot,
)
from tests.e2e.test_debrief_loop import message_with_button, schedule, text_of, write_debrief

CY = "UCY"


@pytest.fixture(autouse=True)
def cy(fake: FakeSlack) -> None:
    fake.add_user(CY, "cy")


def ended_interview(running: RunningBot, fake: FakeSlack, clock: FakeClock, panel: list[str]) -> None:
    """Schedule an interview that is already over: its prompts go out at once."""
    from datetime import timedelta

    schedule(running, fake, clock, interviewers=panel, starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=1 + len(panel), ok=True)


def told(fake: FakeSlack, user: str, words: str) -> list[str]:
    """The DMs to `user` saying `words` (what a clicker is told, through the outbox), once one is there."""
    fake.wait_for(
        "chat.postMessage",
        ok=True,
        predicate=lambda c: c.params.get("channel") == user and words in str(c.params),
    )
    return [text_of(m) for m in fake.messages(f"D{user}") if words in text_of(m)]


def summary_message(fake: FakeSlack) -> dict[str, Any]:
    return message_with_button(fake, CHANNEL, Action.WHO_SAID_WHAT)


def test_a_split_panel_gets_discuss_with_the_disagreement_and_an_agenda(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA, BO])
    write_debrief(running, fake, ANA, fit="4", recommendation="2", explore=["approach", "skill_depth"])
    write_debrief(
        running, fake, BO, fit="2", recommendation="-1", explore=["approach"],
        fit_evidence="Dismissed feedback from the pairing partner twice.",
        questions="How do you handle a code review you disagree with?",
    )  # fmt: skip
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Discuss" in str(c.params),
    )
    text = text_of(summary_message(fake))
    assert "Discuss" in text
    assert f"<@{ANA}>" in text and f"<@{BO}>" in text
    assert "Great fit" in text and "Some concerns" in text  # Fit: @ana Great fit vs @bo Some concerns
    assert "How they approach tasks" in text  # the topic both asked to explore, on the agenda
    assert "code review you disagree with" in text  # an interviewer's own question
    assert fake.errors == []


def test_who_said_what_is_for_the_hiring_manager_only(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA, BO])
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO, private_note="Between us: strong referral from my old team.")
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    summary = summary_message(fake)
    opened = len(fake.calls("views.open", ok=True))

    running.slack.block_action(Action.WHO_SAID_WHAT, user_id=ANA, channel_id=CHANNEL, message=summary)
    fake.wait_for("chat.postEphemeral", predicate=lambda c: c.params.get("user") == ANA)
    assert "Only the hiring manager" in fake.ephemerals(user=ANA)[-1]["text"]
    assert len(fake.calls("views.open", ok=True)) == opened

    running.slack.block_action(
        Action.WHO_SAID_WHAT, user_id=HIRING_MANAGER, channel_id=CHANNEL, message=summary
    )
    fake.wait_for("views.open", count=opened + 1, ok=True)
    modal = text_of(last_view(fake))
    assert "compiler blog post" in modal  # evidence, in full
    assert "strong referral" not in modal  # private notes stay in the hiring manager's DM


def test_decision_buttons_record_who_decided(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    ended_interview(running, fake, clock, [ANA, BO])
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    summary = summary_message(fake)

    running.slack.block_action(Action.DECIDE_ADVANCE, user_id=ANA, channel_id=CHANNEL, message=summary)
    assert len(told(fake, ANA, "Only the hiring manager")) == 1  # a panelist may not decide: told why
    assert fake.calls("chat.update") == []

    running.slack.block_action(
        Action.DECIDE_ADVANCE, user_id=HIRING_MANAGER, channel_id=CHANNEL, message=summary
    )
    fake.wait_for("chat.update", ok=True)
    updated = text_of(fake.find_message(summary["ts"])[1])
    assert "Decided: Advance" in updated and f"<@{HIRING_MANAGER}>" in updated
    assert "decide_advance" not in updated  # the buttons are gone once decided
    # The bot recommends, a person decides: nobody but the hiring manager's click recorded it.
    assert running.bot.repository.interviews.get_interview(interview_id=1).decided_by == HIRING_MANAGER


def test_a_late_debrief_updates_the_summary_in_place(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA, BO, CY])
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    closed = running.slack.command(text="close 1", user_id=RECRUITER, channel_id=CHANNEL)
    assert "Posting the summary" in closed.json()["text"]
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    summary = summary_message(fake)
    assert "2 of 3" in text_of(summary)

    write_debrief(
        running, fake, CY, recommendation="-2", deal_breaker="Shared confidential code from a past employer."
    )
    fake.wait_for("chat.update", ok=True)
    updated = text_of(fake.find_message(summary["ts"])[1])
    assert "Discuss" in updated and "3 of 3" in updated  # the veto keeps it from Advance
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("thread_ts") == summary["ts"])
    reply = [c for c in fake.calls("chat.postMessage") if c.params.get("thread_ts") == summary["ts"]][-1]
    assert f"<@{CY}>" in reply.params["text"] and "Discuss" in reply.params["text"]
    assert len([m for m in fake.messages(CHANNEL) if Action.WHO_SAID_WHAT in str(m)]) == 1
    assert fake.errors == []


def test_follow_up_note_shows_on_a_posted_summary(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA])
    write_debrief(running, fake, ANA)
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    summary = summary_message(fake)
    answer = running.slack.command(text="followup #1", user_id=RECRUITER, channel_id=CHANNEL)
    assert "follow-up" in answer.json()["text"]
    # The summary's own edit (another message may be edited first, e.g. the channel prompt).
    fake.wait_for(
        "chat.update",
        ok=True,
        timeout=15,
        predicate=lambda c: c.params.get("ts") == summary["ts"] and "follow-up" in str(c.params).lower(),
    )
    assert "follow-up" in text_of(fake.find_message(summary["ts"])[1]).lower()
    again = running.slack.command(text="followup 1", user_id=RECRUITER, channel_id=CHANNEL)
    assert "already recorded" in again.json()["text"]


def test_incomplete_at_the_deadline_offers_remind_and_extend(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA, BO, CY])
    write_debrief(running, fake, ANA)
    clock.advance(days=1, hours=1)  # past the 24 h deadline with 1 of 3 in: below quorum
    running.bot.flows.ticks.tick(now=clock())
    summary = message_with_button(fake, CHANNEL, Action.EXTEND)
    text = text_of(summary)
    assert "Incomplete" in text and f"<@{BO}>" in text and f"<@{CY}>" in text
    assert any(f"<@{BO}>" in text_of(m) for m in fake.messages(RECRUITER))  # who never submitted, by DM

    running.slack.block_action(Action.EXTEND, user_id=RECRUITER, channel_id=CHANNEL, message=summary)
    assert len(told(fake, RECRUITER, "another 24 hours")) == 1
    write_debrief(running, fake, BO)
    write_debrief(running, fake, CY)
    fake.wait_for("chat.update", predicate=lambda c: "Advance" in str(c.params))
    assert "Advance" in text_of(fake.find_message(summary["ts"])[1])
    assert fake.errors == []
