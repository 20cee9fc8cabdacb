"""One way to send after the ack: a click's work is done in the request, what the clicker is told is
owed through the outbox and sent by the dispatcher, exactly once whatever Slack does; every lazy
listener left does nothing but open a modal on its request's trigger."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable

import pytest
from sqlalchemy import text as sql

from bot.ids import Action
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RunningBot
from tests.e2e.test_debrief_loop import text_of, write_debrief
from tests.e2e.test_faults import outbox, settle
from tests.e2e.test_summary_actions import ended_interview, summary_message, told

REFUSED = "Only the hiring manager"


def summarised(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> dict:
    ended_interview(running, fake, clock, [ANA, BO])
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    running.settle()
    return summary_message(fake)


@pytest.mark.parametrize("lost", ["503", "drop"])
def test_the_clickers_notice_arrives_once_when_slack_loses_the_answer(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, lost: str
) -> None:
    summary = summarised(running, fake, clock)
    if lost == "503":
        fake.fail_next("chat.postMessage", status=503, after=True)  # stored, then a 503
    else:
        fake.fail_next("chat.postMessage", drop=True, after=True)  # stored, then the connection drops

    response = running.slack.block_action(
        Action.DECIDE_ADVANCE, user_id=ANA, channel_id=CHANNEL, message=summary
    )
    assert response.status == 200
    running.settle()
    (attempt,) = [c for c in fake.calls("chat.postMessage") if REFUSED in str(c.params)]
    assert attempt.fault == f"{lost}-after"  # Slack has it; the bot doesn't know
    settle(running, clock)  # the retry looks for it by its outbox key and finds it

    assert len([m for m in fake.messages(f"D{ANA}") if REFUSED in text_of(m)]) == 1  # what she sees
    assert [r for r in outbox(running) if r["status"] != "sent"] == []
    assert len([c for c in fake.calls("chat.postMessage") if REFUSED in str(c.params)]) == 1
    assert fake.calls("chat.postEphemeral") == []  # an ephemeral can't be looked for: not used


def test_a_decision_with_slack_down_is_recorded_and_everyone_hears_when_slack_is_back(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    summary = summarised(running, fake, clock)
    fake.inject_faults(rate=1.0, kinds=("503",), seed=1)  # every call fails

    assert (
        running.slack.block_action(
            Action.DECIDE_ADVANCE, user_id=ANA, channel_id=CHANNEL, message=summary
        ).status
        == 200
    )  # refused: she may not decide
    assert (
        running.slack.block_action(
            Action.DECIDE_HOLD, user_id=HIRING_MANAGER, channel_id=CHANNEL, message=summary
        ).status
        == 200
    )
    running.settle()
    interview = running.bot.repository.interviews.get_interview(interview_id=1)
    assert (interview.decision.value, interview.decided_by) == ("hold", HIRING_MANAGER)
    assert fake.messages(f"D{ANA}") and not any(REFUSED in text_of(m) for m in fake.messages(f"D{ANA}"))
    assert [r for r in outbox(running) if r["status"] == "pending"]  # owed, kept

    fake.clear_faults()  # Slack is back
    settle(running, clock)
    assert len(told(fake, ANA, REFUSED)) == 1
    assert "Decided: Hold" in text_of(fake.find_message(summary["ts"])[1])
    assert len([m for m in fake.messages(CHANNEL) if Action.WHO_SAID_WHAT in str(m)]) == 1


def test_snooze_extend_and_remind_answers_say_what_they_said_before(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended_interview(running, fake, clock, [ANA, BO])
    clock.advance(hours=3)
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    reminder = [m for m in fake.messages(ANA) if Action.SNOOZE in str(m.get("blocks"))][-1]
    running.slack.block_action(Action.SNOOZE, user_id=ANA, message=reminder)
    assert told(fake, ANA, "Snoozed: I'll remind you again in an hour.")
    running.slack.block_action(Action.REMIND, "1", user_id=HIRING_MANAGER, channel_id=CHANNEL)
    # Reminded by the tick a moment ago, so not again: said as before, naming them.
    (reminded,) = told(fake, HIRING_MANAGER, "got a reminder less than an hour ago")
    assert f"<@{ANA}>" in reminded and f"<@{BO}>" in reminded
    running.slack.block_action(Action.EXTEND, "1", user_id=HIRING_MANAGER, channel_id=CHANNEL)
    # Still collecting: nothing to extend, and the refusal says so.
    assert told(fake, HIRING_MANAGER, "Interview #1 can't be extended now.")


def test_a_refusal_naming_the_candidate_is_owed_without_the_name(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    summary = summarised(running, fake, clock)
    running.slack.block_action(
        Action.DECIDE_HOLD, user_id=HIRING_MANAGER, channel_id=CHANNEL, message=summary
    )
    running.slack.block_action(
        Action.DECIDE_REJECT, user_id=HIRING_MANAGER, channel_id=CHANNEL, message=summary
    )
    (again,) = told(fake, HIRING_MANAGER, "already recorded")
    assert "A decision on Grace Hopper is already recorded." in again  # the words people saw before
    with running.bot.repository.engine.connect() as connection:
        payloads = [str(row[0]) for row in connection.execute(sql("SELECT payload FROM outbox"))]
    assert any("already recorded" in p for p in payloads)
    assert not any("Grace" in p or "Hopper" in p for p in payloads)


# Bolt lazy listeners that remain: each opens a modal on the trigger its request carried.
TRIGGER_BOUND = {"open_modal", "open_schedule", "open_from_shortcut", "who_said_what", "finish"}
SLACK_CALL = re.compile(r"\bclient\.(\w+)\(")


def _reached(function: Callable[..., object]) -> list[Callable[..., object]]:
    """The function and the functions of its own module it calls by name (where a Slack call could hide)."""
    names = {
        n.id
        for n in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function))))
        if isinstance(n, ast.Name)
    }
    helpers = [
        value
        for name, value in function.__globals__.items()
        if name in names and inspect.isfunction(value) and value.__module__ == function.__module__
    ]
    return [function, *helpers]


def test_the_only_lazy_listeners_left_open_a_modal_on_a_trigger(running: RunningBot) -> None:
    lazy = [
        inspect.unwrap(function)
        for listener in running.bot.app._listeners  # Bolt keeps no public list
        for function in listener.lazy_functions
    ]
    assert {f.__name__ for f in lazy} == TRIGGER_BOUND
    for function in lazy:
        sources = [inspect.getsource(f) for f in _reached(function)]
        calls = {method for source in sources for method in SLACK_CALL.findall(source)}
        assert calls == {"views_open"}, (function.__name__, calls)  # and no other Slack call
        assert "trigger_id" in sources[0], function.__name__
