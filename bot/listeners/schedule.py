"""The "Schedule interview" modal: opened from the global shortcut or /debrief; its submission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.models import Interview
from bot.domain.validation import DomainError, InvalidInput
from bot.ids import Block, Callback
from bot.listeners.deps import Deps, actor, tell, tells_on_failure
from bot.policy import Action
from bot.views.messages import notice
from bot.views.schedule import read_schedule, read_schedule_meta, schedule_modal
from bot.views.scheduled import scheduled_view

STALE = "This form is out of date: close it and run /debrief schedule again."


def register(app: App, deps: Deps) -> None:
    def ack_shortcut(ack: Ack) -> None:
        ack()

    @tells_on_failure
    def open_from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        try:
            deps.flows.gate.authorize(Action.SCHEDULE, actor(deps, user), now=deps.clock())
        except DomainError as exc:
            tell(client, user_id=user, channel_id=None, message=notice(str(exc)))
            return
        view = schedule_modal(default_channel_id=deps.default_channel, origin_channel_id=None)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.shortcut(Callback.SCHEDULE_SHORTCUT)(ack=ack_shortcut, lazy=[open_from_shortcut])

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user = body["user"]["id"]
        now = deps.clock()
        try:
            interview, rescheduled = _save(deps, view, user=user, bot_user_id=context.bot_user_id, now=now)
        except InvalidInput as exc:
            ack(response_action="errors", errors=exc.errors or {Block.CANDIDATE: str(exc) or STALE})
            return
        except DomainError as exc:  # e.g. rescheduling an interview that has just ended
            ack(response_action="errors", errors={Block.CANDIDATE: str(exc)})
            return
        ack(response_action="update", view=scheduled_view(interview, now=now, rescheduled=rescheduled))
        # The channel is checked (or made) now, after the ack; an interview logged after the fact is
        # prompted; the recruiter's Home lists the new one.
        deps.dispatcher.kick(home_for=user)

    app.view(Callback.SCHEDULE)(submit)


def _save(
    deps: Deps, view: dict[str, Any], *, user: str, bot_user_id: str | None, now: datetime
) -> tuple[Interview, bool]:
    """Schedule the interview the form describes, or reschedule the one it was opened for: the
    interview, and whether it was rescheduled; a DomainError (InvalidInput for a field) says why not."""
    deps.flows.gate.authorize(Action.SCHEDULE, actor(deps, user), now=now)
    meta = read_schedule_meta(view.get("private_metadata", ""))
    draft = read_schedule(
        view["state"]["values"], fallback_channel_id=deps.default_channel or meta.origin_channel_id
    )
    if meta.interview_id is None:
        interview = deps.flows.pipeline.schedule(
            draft=draft, recruiter_id=user, bot_user_id=bot_user_id, now=now, view_id=view.get("id")
        )
        return interview, False
    interview = deps.flows.pipeline.reschedule(
        interview_id=meta.interview_id, draft=draft, user_id=user, bot_user_id=bot_user_id, now=now
    )
    return interview, True
