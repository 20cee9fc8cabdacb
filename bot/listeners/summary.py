"""Buttons on the channel summary and on reminders: who said what, decisions, remind, extend, snooze."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.models import Decision
from bot.domain.validation import DomainError, parse_interview_id
from bot.ids import Action
from bot.listeners.deps import Deps, actor, tell, tells_on_failure
from bot.policy import Action as Can
from bot.views.messages import notice
from bot.views.pipeline import reminded_message
from bot.views.summary import who_said_what_modal

DECISIONS = {
    Action.DECIDE_ADVANCE: Decision.ADVANCE,
    Action.DECIDE_REJECT: Decision.REJECT,
    Action.DECIDE_HOLD: Decision.HOLD,
}
STALE = "This button is out of date. Use the latest message from the bot."


def _id(action: dict[str, Any]) -> int:
    try:
        return parse_interview_id(str(action.get("value") or ""), usage="{id}")
    except DomainError:  # a button we never made: "²", "١٢", out of range
        raise DomainError(STALE) from None


def register(app: App, deps: Deps) -> None:
    def ack_click(ack: Ack) -> None:
        ack()

    def where(body: dict[str, Any]) -> tuple[str, str | None]:
        return body["user"]["id"], (body.get("channel") or {}).get("id")

    @tells_on_failure
    def who_said_what(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, channel = where(body)
        try:
            interview, debriefs = deps.flows.debriefs.who_said_what(
                interview_id=_id(action), actor=actor(deps, user), now=deps.clock()
            )
        except DomainError as exc:
            tell(client, user_id=user, channel_id=channel, message=notice(str(exc)))
            return
        client.views_open(trigger_id=body["trigger_id"], view=who_said_what_modal(interview, debriefs))

    app.action(Action.WHO_SAID_WHAT)(ack=ack_click, lazy=[who_said_what])

    @tells_on_failure
    def decide(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, channel = where(body)
        try:
            deps.flows.pipeline.decide(
                interview_id=_id(action),
                decision=DECISIONS[Action(action["action_id"])],
                actor=actor(deps, user),
                now=deps.clock(),
            )
        except DomainError as exc:
            tell(client, user_id=user, channel_id=channel, message=notice(str(exc)))
            return
        deps.dispatcher.kick()

    for action_id in DECISIONS:
        app.action(action_id)(ack=ack_click, lazy=[decide])

    @tells_on_failure
    def remind_or_extend(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, channel = where(body)
        now = deps.clock()
        try:
            number = _id(action)
            wanted = Can.REMIND if action["action_id"] == Action.REMIND else Can.EXTEND
            interview = deps.flows.gate.authorized_interview(
                wanted, actor(deps, user), interview_id=number, now=now
            )
            if action["action_id"] == Action.REMIND:
                reminded, skipped = deps.flows.pipeline.remind_now(interview_id=number, now=now)
                message = reminded_message(interview, reminded=reminded, skipped=skipped)
            else:
                deps.flows.pipeline.extend(interview_id=number, now=now)
                message = notice(f"Extended: the panel has another 24 hours for {interview.short_id}.")
        except DomainError as exc:
            message = notice(str(exc))
        tell(client, user_id=user, channel_id=channel, message=message)
        deps.dispatcher.kick()

    for action_id in (Action.REMIND, Action.EXTEND):
        app.action(action_id)(ack=ack_click, lazy=[remind_or_extend])

    @tells_on_failure
    def snooze(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, channel = where(body)
        try:
            deps.flows.debriefs.snooze(interview_id=_id(action), user_id=user, now=deps.clock())
            message = notice("Snoozed: I'll remind you again in an hour.")
        except DomainError as exc:
            message = notice(str(exc))
        tell(client, user_id=user, channel_id=channel, message=message)

    app.action(Action.SNOOZE)(ack=ack_click, lazy=[snooze])
