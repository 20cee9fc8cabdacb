"""What a person who clicked a button is told, owed through the outbox like every other message.

The click's work is done in the request; what the clicker must hear (done, or refused and why) is a
row in the outbox, built when sent (bot/views/told.py) and posted to their DM with the bot by the
dispatcher after the ack. A DM, not an ephemeral: an ephemeral can't be looked for after Slack lost
its answer, so only a DM is sent exactly once whatever Slack does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.validation import DomainError
from bot.flows.base import in_range
from bot.flows.render import TOLD, owed_message
from bot.views.told import Say, without_candidate
from storage.repository import Repository


class Told:
    """Owes the clicker their answer; the dispatcher sends it after the ack."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def tell(
        self,
        *,
        user_id: str,
        click: str,
        interview_id: int | None,
        say: Say,
        now: datetime,
        **facts: Any,
    ) -> None:
        """Owe `user_id` the answer to their click `click` (Slack's action_ts: one answer per click,
        however often the same request arrives)."""
        key = f"{TOLD}:{user_id}:{click}"
        self.repository.outbox.enqueue(
            outgoing=[owed_message(key, TOLD, interview_id, user_id, say=say.value, **facts)], now=now
        )

    def tell_refusal(
        self, *, user_id: str, click: str, interview_id: int | None, error: DomainError, now: datetime
    ) -> None:
        """Owe the clicker why their click did nothing."""
        interview = None
        if interview_id is not None and in_range(interview_id):
            interview = self.repository.interviews.get_interview(interview_id=interview_id)
        self.tell(
            user_id=user_id,
            click=click,
            interview_id=None if interview is None else interview.id,
            say=Say.REFUSED,
            now=now,
            text=without_candidate(str(error), interview),
        )
