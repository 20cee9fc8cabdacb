"""The Home tab, rendered for whoever opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.listeners.deps import Deps
from bot.views.home import home_view


def register(app: App, deps: Deps) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def publish(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        user = event["user"]
        waiting, upcoming = deps.flows.home(user_id=user, now=deps.clock())
        view = home_view(waiting=waiting, upcoming=upcoming, is_recruiter=deps.access.is_recruiter(user))
        client.views_publish(user_id=user, view=view)

    # Publishing is idempotent, so a retried delivery of the same event does no harm.
    app.event("app_home_opened")(ack=ack_event, lazy=[publish])
