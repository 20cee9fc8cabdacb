""" "Write debrief" / "Edit my debrief" buttons and the debrief modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.validation import DomainError, InvalidInput
from bot.ids import Action, Block, Callback
from bot.listeners.deps import STALE_BUTTON, Deps, button_interview_id, tell, tells_on_failure
from bot.views.debrief import debrief_modal, opened_from_home, read_debrief, read_debrief_meta
from bot.views.messages import notice


def register(app: App, deps: Deps) -> None:
    def ack_click(ack: Ack) -> None:
        ack()

    @tells_on_failure
    def open_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        try:
            interview_id = button_interview_id(action)
            interview, existing = deps.flows.debriefs.open_debrief(
                interview_id=interview_id, user_id=user, now=deps.clock()
            )
        except DomainError as exc:
            tell(client, user_id=user, channel_id=channel, message=notice(str(exc)))
            return
        from_home = (body.get("view") or {}).get("type") == "home"
        view = debrief_modal(interview, existing=existing, from_home=from_home)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    for action_id in (Action.WRITE_DEBRIEF, Action.EDIT_DEBRIEF):
        app.action(action_id)(ack=ack_click, lazy=[open_modal])

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        try:
            interview_id = read_debrief_meta(view.get("private_metadata", ""))
            answers = read_debrief(view["state"]["values"])
            deps.flows.debriefs.submit_debrief(
                interview_id=interview_id, user_id=user, answers=answers, now=deps.clock()
            )
        except InvalidInput as exc:
            ack(response_action="errors", errors=exc.errors or {Block.RECOMMENDATION: STALE_BUTTON})
            return
        except DomainError as exc:  # not on the panel, closed, unknown interview: nothing was stored
            ack(response_action="errors", errors={Block.RECOMMENDATION: str(exc)})
            return
        ack()
        # The receipt (and the summary, if this was the last debrief) go out from the dispatcher's
        # thread; the Home tab is rebuilt only if that is where they wrote it (else when next opened).
        from_home = opened_from_home(view.get("private_metadata", ""))
        deps.dispatcher.kick(home_for=user if from_home else None)

    app.view(Callback.DEBRIEF)(submit)
