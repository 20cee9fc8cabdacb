"""`/debrief`: help, and the scheduling modal for recruiters."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import COMMAND
from bot.listeners.deps import Deps
from bot.views.help import help_message
from bot.views.messages import notice
from bot.views.schedule import schedule_modal

RECRUITERS_ONLY = (
    "Only recruiters can schedule interviews. Ask your recruiting team to add you to DEBRIEF_RECRUITERS."
)


def split(text: str | None) -> tuple[str, str]:
    """`/debrief schedule …` -> ("schedule", "…"); the subcommand is case-insensitive."""
    head, _, rest = (text or "").strip().partition(" ")
    return head.lower(), rest.strip()


def register(app: App, deps: Deps) -> None:
    def answer(ack: Ack, command: dict[str, Any]) -> None:
        sub, _ = split(command.get("text"))
        user = command["user_id"]
        if sub in ("", "help"):
            ack(**help_message(is_recruiter=deps.access.is_recruiter(user)).as_kwargs())
        elif sub == "schedule":
            if deps.access.is_recruiter(user):
                ack()  # the modal opens in the lazy listener, well inside the trigger's 3 s
            else:
                ack(**notice(RECRUITERS_ONLY).as_kwargs())
        else:
            ack(
                **help_message(
                    unknown=command.get("text", ""), is_recruiter=deps.access.is_recruiter(user)
                ).as_kwargs()
            )

    def open_schedule(command: dict[str, Any], client: WebClient) -> None:
        sub, _ = split(command.get("text"))
        if sub == "schedule" and deps.access.is_recruiter(command["user_id"]):
            view = schedule_modal(
                default_channel_id=deps.default_channel, origin_channel_id=command.get("channel_id")
            )
            client.views_open(trigger_id=command["trigger_id"], view=view)

    app.command(COMMAND)(ack=answer, lazy=[open_schedule])
