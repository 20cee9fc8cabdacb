"""The Home tab, rendered for whoever opens it (published by the dispatcher, after the ack); its
Schedule button opens the modal in a lazy listener, on the click's trigger."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import Action
from bot.listeners.deps import Deps, actor, tells_on_failure
from bot.policy import Action as Can
from bot.views.home import home_view
from bot.views.schedule import schedule_modal


def refresh_home(deps: Deps, client: WebClient, user: str) -> None:
    """Publish this person's Home tab as it is now (after something they did changed it)."""
    data = deps.flows.debriefs.home(actor=actor(deps, user), now=deps.clock())
    client.views_publish(user_id=user, view=home_view(data))


def register(app: App, deps: Deps) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def opened(ack: Ack, event: dict[str, Any]) -> None:
        ack()
        if event.get("tab") == "home":
            # Published by the dispatcher after the ack; idempotent, so a retried delivery does no harm.
            deps.dispatcher.kick(home_for=event["user"])

    app.event("app_home_opened")(opened)

    @tells_on_failure
    def open_schedule(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        if deps.flows.gate.allowed(Can.SCHEDULE, actor(deps, user)):
            view = schedule_modal(default_channel_id=deps.default_channel, origin_channel_id=None)
            client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(Action.SCHEDULE)(ack=ack_event, lazy=[open_schedule])
