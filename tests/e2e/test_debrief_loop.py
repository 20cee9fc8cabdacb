"""The whole post-interview huddle through the real HTTP endpoint, signed requests and a fake Slack."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.ids import Action
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
)


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    return make_bot(with_scheduler=True)


def schedule_values(clock: FakeClock, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "candidate": "Grace Hopper",
        "role": "Compiler Engineer",
        "stage": "onsite",
        "interviewers": [ANA, BO],
        "hiring_manager": HIRING_MANAGER,
        "starts_at": clock.now + timedelta(hours=1),
        "length_minutes": "45",
        "notes": "Focus on systems design.",
    }
    values.update(overrides)
    return values


def debrief_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "excitement": "4",
        "excitement_evidence": "She had read our compiler blog post and asked about it.",
        "fit": "3",
        "fit_evidence": "Easy to work with, explained her reasoning to the whole room.",
        "ability": "4",
        "ability_evidence": "Designed the parser with clear trade-offs and tests first.",
        "explore": ["approach"],
        "questions": "How would you migrate our build to the new toolchain?",
        "recommendation": "2",
    }
    values.update(overrides)
    return values


def open_schedule_modal(running: RunningBot, fake: FakeSlack) -> dict[str, Any]:
    """A new schedule form (its own view id: submitting one form twice makes one interview)."""
    opened = len(fake.calls("views.open", ok=True))
    response = running.slack.command(text="schedule", user_id=RECRUITER, channel_id=CHANNEL)
    assert response.status == 200
    fake.wait_for("views.open", count=opened + 1, ok=True)
    return last_view(fake)


def schedule(running: RunningBot, fake: FakeSlack, clock: FakeClock, **overrides: Any) -> dict[str, Any]:
    view = open_schedule_modal(running, fake)
    response = running.slack.view_submission(view, schedule_values(clock, **overrides), user_id=RECRUITER)
    assert response.status == 200
    return response.json()


def message_with_button(fake: FakeSlack, channel: str, action_id: str) -> dict[str, Any]:
    for message in fake.messages(channel):
        for block in message.get("blocks") or []:
            if any(e.get("action_id") == action_id for e in block.get("elements") or []):
                return message
    raise AssertionError(f"no message in {channel} has a {action_id} button")


def write_debrief(running: RunningBot, fake: FakeSlack, user: str, **overrides: Any) -> dict[str, Any]:
    prompt = message_with_button(fake, user, Action.WRITE_DEBRIEF)  # the DM prompt
    opened = len(fake.calls("views.open", ok=True))
    assert running.slack.block_action(Action.WRITE_DEBRIEF, user_id=user, message=prompt).status == 200
    fake.wait_for("views.open", count=opened + 1, ok=True)
    modal = last_view(fake)
    response = running.slack.view_submission(modal, debrief_values(**overrides), user_id=user)
    assert response.status == 200
    return modal


def text_of(message: dict[str, Any]) -> str:
    """Everything a person can read in a message: fallback text and every block's text."""
    import json

    return message.get("text", "") + json.dumps(message.get("blocks") or [], ensure_ascii=False)


def test_schedule_prompt_debrief_and_summary(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    confirmation = schedule(running, fake, clock)
    assert confirmation["response_action"] == "update"
    assert "#1" in text_of({"blocks": confirmation["view"]["blocks"]})
    assert fake.messages(CHANNEL) == []  # nothing until the interview ends

    clock.advance(hours=1, minutes=45)  # the interview (1 h from now, 45 min long) is over
    fake.wait_for("chat.postMessage", count=3, ok=True)  # channel prompt + a DM to each interviewer
    [prompt] = fake.messages(CHANNEL)
    assert (
        "Grace Hopper" in text_of(prompt) and f"<@{ANA}>" in text_of(prompt) and f"<@{BO}>" in text_of(prompt)
    )
    assert message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    assert message_with_button(fake, BO, Action.WRITE_DEBRIEF)

    # Someone who isn't on the panel clicks the channel's button: told why, and no modal.
    opened = len(fake.calls("views.open"))
    running.slack.block_action(Action.WRITE_DEBRIEF, user_id=OUTSIDER, channel_id=CHANNEL, message=prompt)
    fake.wait_for("chat.postEphemeral", predicate=lambda call: call.params.get("user") == OUTSIDER)
    assert "Only the interviewers on the panel" in fake.ephemerals(user=OUTSIDER)[-1]["text"]
    assert len(fake.calls("views.open")) == opened

    modal = write_debrief(running, fake, ANA)
    assert "Grace Hopper" in text_of(modal) and "Compiler Engineer" in text_of(modal)
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda call: call.params.get("channel") == ANA and "Edit" in str(call.params),
    )
    assert len(fake.messages(CHANNEL)) == 1  # independent feedback first: nothing in the channel yet

    write_debrief(
        running, fake, BO,
        recommendation="-1",
        fit="2",
        fit_evidence="Talked over the interviewer twice and dismissed feedback.",
        explore=["relationships", "who_to_meet"],
        people_to_meet=["UCTO"],
        private_note="I know her former manager; happy to share off the record.",
    )  # fmt: skip
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda call: call.params.get("channel") == CHANNEL and "Discuss" in str(call.params),
    )
    summaries = [m for m in fake.messages(CHANNEL) if "Discuss" in text_of(m)]
    assert len(summaries) == 1, [(m.get("thread_ts"), m.get("text")) for m in summaries]
    summary = text_of(summaries[0])
    assert "Grace Hopper" in summary
    assert "<@UCTO>" in summary  # the agenda: who else they should meet
    assert "former manager" not in summary  # private notes never reach the channel
    fake.wait_for("chat.postMessage", predicate=lambda call: call.params.get("channel") == HIRING_MANAGER)
    assert any("former manager" in text_of(m) for m in fake.messages(HIRING_MANAGER))
    assert all("former manager" not in text_of(m) for m in fake.messages(CHANNEL))

    clock.advance(days=2)  # later ticks never post the summary again
    running.bot.flows.ticks.tick(now=clock())
    again = [m for m in fake.messages(CHANNEL) if "Discuss" in text_of(m)]
    assert len(again) == 1, [(m.get("thread_ts"), m.get("text")[:200]) for m in again]
    assert fake.errors == []


def test_invalid_schedule_gets_inline_errors_and_stores_nothing(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    view = open_schedule_modal(running, fake)
    values = schedule_values(clock, interviewers=[ANA, "UBOT"], starts_at=clock.now + timedelta(days=400))
    response = running.slack.view_submission(view, values, user_id=RECRUITER)
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"interviewers", "starts_at"}
    assert "bot" in body["errors"]["interviewers"]
    assert running.bot.repository.interviews.get_interview(interview_id=1) is None
    clock.advance(days=1)
    running.bot.flows.ticks.tick(now=clock())
    assert fake.messages(CHANNEL) == []


def test_invalid_debrief_gets_inline_errors_and_keeps_nothing(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # already over: prompted now
    fake.wait_for("chat.postMessage", count=3, ok=True)
    prompt = message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    running.slack.block_action(Action.WRITE_DEBRIEF, user_id=ANA, message=prompt)
    fake.wait_for("views.open", count=2, ok=True)
    modal = last_view(fake)
    response = running.slack.view_submission(
        modal, debrief_values(fit_evidence="ok", explore=["who_to_meet"]), user_id=ANA
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"fit_evidence", "people_to_meet"}
    assert running.bot.repository.debriefs.list_debriefs(interview_id=1) == []


def test_recruiters_only_may_schedule(fake: FakeSlack, clock: FakeClock, database_url: str) -> None:
    fake.add_usergroup("SRECRUIT", [RECRUITER])
    running = start_bot(settings_for(fake, database_url, debrief_recruiters=("SRECRUIT",)), fake, clock)
    try:
        refused = running.slack.command(text="schedule", user_id=OUTSIDER, channel_id=CHANNEL)
        assert refused.status == 200  # acked at once; why not comes to them alone, by response_url
        [told] = fake.wait_for("response_url")
        assert "Only recruiters" in told.params["text"]
        assert told.params.get("response_type", "ephemeral") == "ephemeral"
        assert fake.calls("views.open") == []
        assert running.slack.command(text="schedule", user_id=RECRUITER, channel_id=CHANNEL).status == 200
        fake.wait_for("views.open", ok=True)
    finally:
        running.stop()


def test_help_and_a_command_that_mentions_payload(running: RunningBot) -> None:
    helped = running.slack.command(text="help", user_id=RECRUITER, channel_id=CHANNEL)
    assert "/debrief schedule" in helped.json()["text"] + str(helped.json().get("blocks"))
    confused = running.slack.command(text="payload please", user_id=RECRUITER, channel_id=CHANNEL)
    assert confused.status == 200
    answer = confused.json()
    assert "payload please" in answer["text"] + str(answer.get("blocks"))


def test_forged_stale_and_malformed_requests_are_refused(running: RunningBot) -> None:
    assert running.slack.command(text="help", user_id=RECRUITER, sign=False).status == 401
    assert running.slack.command(text="help", user_id=RECRUITER, secret="wrong").status == 401
    stale = running.slack.command(text="help", user_id=RECRUITER, timestamp=1_000_000_000)
    assert stale.status == 401
    assert running.slack.raw("payload=%7Bnot+json").status == 400
    assert running.slack.raw("payload=%5B1%2C2%5D").status == 400
    assert running.slack.raw("x", headers={"X-Slack-Request-Timestamp": "soon"}, sign=False).status == 401


def test_health_check(running: RunningBot) -> None:
    import urllib.request

    with urllib.request.urlopen(running.url + "/healthz", timeout=5) as response:
        assert response.status == 200


def test_home_tab_lists_what_is_waiting(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # over: prompted now
    schedule(running, fake, clock, candidate="Edsger Dijkstra", starts_at=clock.now + timedelta(days=2))

    def published_for(user: str) -> list:
        return fake.calls("views.publish", ok=True) and [
            c for c in fake.calls("views.publish", ok=True) if c.params.get("user_id") == user
        ]

    running.slack.event({"type": "app_home_opened", "user": ANA, "tab": "home"})
    fake.wait_for("views.publish", ok=True, predicate=lambda c: c.params.get("user_id") == ANA)
    home = text_of(fake.home_view(ANA))
    assert "Grace Hopper" in home and "Write debrief" in home  # waiting for her debrief
    assert "Edsger Dijkstra" in home  # upcoming
    assert "Recruiting" not in home  # closed by default: an interviewer sees only her own interviews
    running.slack.event(
        {"type": "app_home_opened", "user": ANA, "tab": "home"}, retry_num=1, retry_reason="timeout"
    )
    fake.wait_for("views.publish", count=2, ok=True, predicate=lambda c: c.params.get("user_id") == ANA)
    assert len(published_for(ANA)) == 2  # a retried delivery just publishes the same tab again
    running.slack.event({"type": "app_home_opened", "user": ANA, "tab": "messages"})
    assert len(published_for(ANA)) == 2  # the Messages tab needs nothing
    assert fake.errors == []


def test_a_debrief_written_from_the_home_tab_updates_it(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))  # over: prompted now
    fake.wait_for("chat.postMessage", count=3, ok=True)  # the channel prompt and both DMs

    def published_for_ana() -> list[Any]:
        return [c for c in fake.calls("views.publish", ok=True) if c.params.get("user_id") == ANA]

    running.slack.event({"type": "app_home_opened", "user": ANA, "tab": "home"})
    fake.wait_for("views.publish", ok=True, predicate=lambda c: c.params.get("user_id") == ANA)
    home = fake.home_view(ANA)
    assert home is not None and "Write debrief" in text_of(home)
    opened = len(fake.calls("views.open", ok=True))
    assert running.slack.block_action(Action.WRITE_DEBRIEF, user_id=ANA, view=home).status == 200
    fake.wait_for("views.open", count=opened + 1, ok=True)
    response = running.slack.view_submission(last_view(fake), debrief_values(), user_id=ANA)
    assert response.status == 200 and response.body == ""  # closed at once

    fake.wait_for("views.publish", count=2, ok=True, predicate=lambda c: c.params.get("user_id") == ANA)
    after = text_of(fake.home_view(ANA) or {})
    assert "Grace Hopper" in after and "Write debrief" not in after  # nothing left to write
    assert "Edit my debrief" in after

    # Bo writes his from the DM prompt: nobody's Home tab is rebuilt for that (it is when opened).
    write_debrief(running, fake, BO)
    fake.wait_for(
        "chat.postMessage", count=2, ok=True, predicate=lambda c: c.params.get("channel") == CHANNEL
    )
    running.settle()
    published = [c.params.get("user_id") for c in fake.calls("views.publish", ok=True)]
    assert sorted(published) == sorted([RECRUITER, ANA, ANA])  # scheduled; opened; Ana wrote hers
    assert fake.errors == []
