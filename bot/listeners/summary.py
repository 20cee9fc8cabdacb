"""Buttons on the channel summary and on reminders: who said what, decisions, remind, extend, snooze.

A click's work is a few database writes, done in the request before the ack; what the clicker is
told is owed through the outbox and sent by the dispatcher (bot/flows/told.py). Only "who said what"
runs after the ack, in a lazy listener: it opens a modal, and its trigger dies after 3 s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.domain.models import Decision
from bot.domain.validation import DomainError
from bot.ids import Action
from bot.listeners.deps import STALE_BUTTON, Deps, actor, button_interview_id, tell, tells_on_failure
from bot.policy import Action as Can
from bot.views.messages import notice
from bot.views.summary import who_said_what_modal
from bot.views.told import Say

DECISIONS = {
    Action.DECIDE_ADVANCE: Decision.ADVANCE,
    Action.DECIDE_REJECT: Decision.REJECT,
    Action.DECIDE_HOLD: Decision.HOLD,
}

# A click's work: given the interview id and the clicker, does it and says what to tell them
# (None: nothing, the message it changed says it), or raises a DomainError that says why not.
Work = Callable[[int, str], tuple[Say, dict[str, Any]] | None]


def _number(action: dict[str, Any]) -> int | None:
    try:
        return button_interview_id(action)
    except DomainError:
        return None


def clicked(deps: Deps, ack: Ack, body: dict[str, Any], action: dict[str, Any], work: Work) -> None:
    """Do the click's work now, owe the clicker their answer, ack; the dispatcher sends what is owed."""
    user = body["user"]["id"]
    click = str(action.get("action_ts") or body.get("trigger_id") or deps.clock().timestamp())
    now = deps.clock()
    number = _number(action)  # None: a button we never made (stale, or forged)
    try:
        if number is None:
            raise DomainError(STALE_BUTTON)
        answer = work(number, user)
    except DomainError as exc:
        deps.flows.told.tell_refusal(user_id=user, click=click, interview_id=number, error=exc, now=now)
    else:
        if answer is not None:
            say, facts = answer
            deps.flows.told.tell(user_id=user, click=click, interview_id=number, say=say, now=now, **facts)
    ack()
    deps.dispatcher.kick()


def register(app: App, deps: Deps) -> None:
    def ack_click(ack: Ack) -> None:
        ack()

    @tells_on_failure
    def who_said_what(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        modal = _who_said_what(deps, body, action, client)
        if modal is not None:
            client.views_open(trigger_id=body["trigger_id"], view=modal)

    app.action(Action.WHO_SAID_WHAT)(ack=ack_click, lazy=[who_said_what])

    def decide(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        clicked(deps, ack, body, action, _decide(deps, action))

    for action_id in DECISIONS:
        app.action(action_id)(decide)

    def remind_or_extend(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        clicked(deps, ack, body, action, _remind_or_extend(deps, action))

    for action_id in (Action.REMIND, Action.EXTEND):
        app.action(action_id)(remind_or_extend)

    def snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        clicked(deps, ack, body, action, _snooze(deps))

    app.action(Action.SNOOZE)(snooze)


def _who_said_what(
    deps: Deps, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> View | None:
    """The modal with each interviewer's debrief; None when the clicker was told why not."""
    user, channel = body["user"]["id"], (body.get("channel") or {}).get("id")
    try:
        interview, debriefs = deps.flows.debriefs.who_said_what(
            interview_id=button_interview_id(action), actor=actor(deps, user), now=deps.clock()
        )
    except DomainError as exc:
        tell(client, user_id=user, channel_id=channel, message=notice(str(exc)))
        return None
    return who_said_what_modal(interview, debriefs)


def _decide(deps: Deps, action: dict[str, Any]) -> Work:
    """Advance, reject or hold, as the button says; the message it changes says so."""

    def work(number: int, user: str) -> None:
        decision = DECISIONS[Action(action["action_id"])]
        deps.flows.pipeline.decide(
            interview_id=number, decision=decision, actor=actor(deps, user), now=deps.clock()
        )

    return work


def _remind_or_extend(deps: Deps, action: dict[str, Any]) -> Work:
    """Remind those who have not submitted now, or give them more time."""
    reminding = action["action_id"] == Action.REMIND

    def work(number: int, user: str) -> tuple[Say, dict[str, Any]]:
        now = deps.clock()
        wanted = Can.REMIND if reminding else Can.EXTEND
        deps.flows.gate.authorized_interview(wanted, actor(deps, user), interview_id=number, now=now)
        if reminding:
            reminded, skipped = deps.flows.pipeline.remind_now(interview_id=number, now=now)
            return Say.REMINDED, {"reminded": reminded, "skipped": skipped}
        deps.flows.pipeline.extend(interview_id=number, now=now)
        return Say.EXTENDED, {}

    return work


def _snooze(deps: Deps) -> Work:
    """The clicker's own reminders for this interview wait a while."""

    def work(number: int, user: str) -> tuple[Say, dict[str, Any]]:
        deps.flows.debriefs.snooze(interview_id=number, user_id=user, now=deps.clock())
        return Say.SNOOZED, {}

    return work
