"""Owe facts, render late: what an outbox row owes becomes a message only when it is sent.

A row says what is owed (kind, interview, recipient, and a few ids or flags), never the rendered
text: the message is built here, at send time, from the interview as it is then. So a DM sent after
an Extend shows the new deadline, a message sent after an erasure shows no erased data, and the
outbox table holds no candidate name or debrief text for erasure to chase.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.models import Debrief, Interview
from bot.domain.summary_types import Summary
from bot.views.common import Message, mention
from bot.views.messages import private_notes_dm, prompt_dm, prompt_message, receipt_dm, reminder_dm
from bot.views.summary import calibration_dm, summary_message
from bot.views.told import told_message
from storage.outbox import Due
from storage.repository import OutboxItem, Outgoing, Repository

RENDER = "render"  # the payload key that marks a row rendered at send time
ERASED_KIND = "erased"  # a posted message edited to its erased form
TOLD = "told"  # the answer to a person's click (bot/flows/told.py)


def erased_message(interview: Interview) -> Message:
    why = "its retention period ended" if interview.erased_by == "retention" else "on request"
    return Message(text=f"🗑 Candidate data for interview {interview.short_id} was erased ({why}).", blocks=())


def archived_message(interview: Interview) -> Message:
    """A message in a per-candidate channel about to be archived: no name, no debrief text."""
    text = (
        f"📦 The debrief channel for interview {interview.short_id} was archived. Its record stays with "
        f"the bot until its retention period ends: `/debrief status {interview.id}`."
    )
    return Message(text=text, blocks=())


def owed_message(
    key: str,
    kind: str,
    interview_id: int | None,
    channel: str,
    *,
    method: str = "chat.postMessage",
    **facts: Any,
) -> Outgoing:
    """A message to render when sent: `channel` (a channel, a user id for a DM, or for an update
    `of=<key>`) and `facts` (ids and flags only: never names or debrief text)."""
    payload: dict[str, Any] = {RENDER: kind, **facts}
    if channel:
        payload["channel"] = channel
    return Outgoing(key=key, kind=kind, method=method, payload=payload, interview_id=interview_id)


class Renderer:
    """Builds each owed message from current state. A delivery round's calls are shown first
    (`prepare`): their interviews, and the debriefs their receipts echo, are read in two or three
    statements for the round instead of two per message (bench: 3,000 prompts < 30 s, and the
    submission's ack p99 on the process that also sends its receipt)."""

    def __init__(
        self,
        repository: Repository,
        *,
        summary: Callable[[Interview], Summary],
        deadline: timedelta,
    ) -> None:
        self.repository = repository
        self.summary = summary
        self.deadline = deadline
        self._interviews: dict[int, Interview | None] = {}
        self._debriefs: dict[tuple[int, str], Debrief] = {}
        self._lock = threading.Lock()

    def prepare(self, due: Sequence[Due]) -> None:
        """Forget what the last round read; read what these calls render from."""
        ids = {d.interview_id for d in due if d.renders and d.interview_id is not None}
        receipts = {(d.interview_id, d.lane) for d in due if d.renders == "receipt" and d.interview_id}
        interviews = self.repository.interviews.get_interviews(interview_ids=ids) if ids else {}
        debriefs = self.repository.debriefs.debriefs_by(pairs=receipts) if receipts else {}
        with self._lock:
            self._interviews = {interview_id: interviews.get(interview_id) for interview_id in ids}
            self._debriefs = debriefs

    def render(self, item: OutboxItem) -> dict[str, Any] | None:
        """The message's fields (text, blocks) for this row, or None when there is nothing left to say
        (e.g. the private notes of an erased interview)."""
        kind = str(item.payload.get(RENDER))
        interview = self._interview(item.interview_id)
        if kind == TOLD:  # said about any interview, or none (a stale button), erased or not
            told = told_message(str(item.payload.get("say")), item.payload, interview)
            return None if told is None else told.as_kwargs()
        if interview is None:
            return None
        if interview.erased_at is not None:  # its posts say so; anything else still owed says nothing
            return erased_message(interview).as_kwargs() if kind == ERASED_KIND else None
        recipient = str(item.payload.get("channel", ""))
        message = self._message(kind, interview, recipient, item.payload)
        return None if message is None else message.as_kwargs()

    def _message(
        self, kind: str, interview: Interview, recipient: str, facts: dict[str, Any]
    ) -> Message | None:
        deadline = self._deadline(interview)
        if kind == "prompt":
            return prompt_message(interview)
        if kind == "prompt_dm":
            return prompt_dm(interview, deadline=deadline)
        if kind == "reminder":
            return reminder_dm(interview, deadline=deadline)
        if kind == "receipt":
            with self._lock:
                debrief = self._debriefs.get((interview.id, recipient))
            debrief = debrief or self.repository.debriefs.get_debrief(
                interview_id=interview.id, interviewer_id=recipient
            )
            if debrief is None:
                return None
            return receipt_dm(interview, debrief.answers, replaced=bool(facts.get("replaced")))
        if kind in ("summary", "summary_update"):
            return summary_message(self.summary(interview))
        if kind == "private_notes":
            wanted = facts.get("authors")
            notes = [
                (d.interviewer_id, d.answers.private_note)
                for d in self.repository.debriefs.list_debriefs(interview_id=interview.id)
                if d.answers.private_note.strip() and (wanted is None or d.interviewer_id in wanted)
            ]
            return private_notes_dm(interview, notes) if notes else None
        if kind == "calibration":
            return calibration_dm(self.summary(interview))
        if kind == "cancelled":
            text = (
                f"🚫 Interview {interview.short_id} with {interview.candidate} was cancelled by "
                f"{mention(str(facts.get('by', '')))}."
            )
            return Message(text=text, blocks=())
        raise ValueError(f"no renderer for {kind!r}")

    def _deadline(self, interview: Interview) -> datetime:
        return interview.deadline_at or interview.ends_at + self.deadline

    def _interview(self, interview_id: int | None) -> Interview | None:
        if interview_id is None:
            return None
        with self._lock:
            if interview_id in self._interviews:
                return self._interviews[interview_id]
        found = self.repository.interviews.get_interview(interview_id=interview_id)
        with self._lock:
            self._interviews[interview_id] = found
        return found
