"""The "Schedule interview" modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.domain.validation import InvalidInput
from bot.ids import Block, Callback
from bot.listeners.commands import RECRUITERS_ONLY
from bot.listeners.deps import Deps
from bot.views.schedule import read_schedule, read_schedule_meta, scheduled_view


def register(app: App, deps: Deps) -> None:
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user = body["user"]["id"]
        if not deps.access.is_recruiter(user):
            ack(response_action="errors", errors={Block.CANDIDATE: RECRUITERS_ONLY})
            return
        try:
            meta = read_schedule_meta(view.get("private_metadata", ""))
            draft = read_schedule(
                view["state"]["values"], fallback_channel_id=deps.default_channel or meta.origin_channel_id
            )
            interview = deps.flows.schedule(
                draft=draft, recruiter_id=user, bot_user_id=context.bot_user_id, now=deps.clock()
            )
        except InvalidInput as exc:
            ack(
                response_action="errors",
                errors=exc.errors
                or {Block.CANDIDATE: "This form is out of date: close it and run /debrief schedule again."},
            )
            return
        ack(response_action="update", view=scheduled_view(interview, now=deps.clock()))

    def deliver() -> None:
        deps.flows.deliver(now=deps.clock())  # an interview logged after the fact is prompted now

    app.view(Callback.SCHEDULE)(ack=submit, lazy=[deliver])
