"""A message Slack refused for good (a dead letter) reaches a person: the recruiter who scheduled the
interview, once per message; a DM refused because the interviewer was deactivated takes them off
the panel instead (bot/flows/panels.py); an export that could not be delivered, its requester."""

from __future__ import annotations

from bot.flows.base import post
from bot.flows.export import EXPORT, export_days, export_span
from bot.flows.panels import GONE, Panels
from bot.flows.render import TOLD
from bot.flows.told import Told
from bot.views.messages import undelivered_line, undelivered_notice
from bot.views.told import Say
from storage.repository import OutboxItem, Repository


class DeadLetters:
    """The courier's `on_failure`: nobody is left unaware of what could not be delivered."""

    def __init__(self, repository: Repository, *, panels: Panels, told: Told) -> None:
        self.repository = repository
        self.panels = panels
        self.told = told

    def undeliverable(self, item: OutboxItem, error: str) -> None:
        """A call given up on for good: the recruiter who scheduled the interview hears of it, once per
        message (its Home tab and `/debrief status` list it too). Never silent."""
        if error in GONE and item.kind in ("prompt_dm", "reminder") and item.interview_id is not None:
            user = str(item.payload.get("channel", ""))
            self.panels.panelist_gone(interview_id=item.interview_id, user_id=user, now=item.created_at)
            return
        if item.kind == EXPORT:  # the requester hears that their file is not coming
            first, last = export_days(*export_span(item.payload))
            self.told.tell(
                user_id=str(item.payload["user"]),
                click=f"{EXPORT}-{item.id}",
                interview_id=None,
                say=Say.EXPORT_FAILED,
                now=item.created_at,
                first=first,
                last=last,
                error=error,
            )
            return
        if item.kind in ("notice", TOLD) or item.interview_id is None:
            return  # a notice about a notice would loop; with no interview, only the logs can tell
        interview = self.repository.interviews.get_interview(interview_id=item.interview_id)
        if interview is None:
            return
        recipient = str(item.payload.get("channel", ""))
        line = undelivered_line(item.kind, recipient, error)
        message = undelivered_notice(interview, line, private_channel_hint=recipient.startswith(("C", "G")))
        self.repository.outbox.enqueue(
            outgoing=[
                post(
                    f"undeliverable:{item.subject}",
                    "notice",
                    interview.id,
                    interview.recruiter_id,
                    message.as_kwargs(),
                )
            ],
            now=item.created_at,
        )
