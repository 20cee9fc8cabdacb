"""HR data: the audit trail, tracked exports, and erasure that reaches Slack (forget and retention),
posts in doubt included."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.channels import erased_channel_name
from bot.domain.models import AuditEntry, Interview
from bot.domain.validation import NotAllowed
from bot.flows.archive import emptied, owe_archive
from bot.flows.gate import Gate
from bot.flows.render import ERASED_KIND, owed_message
from bot.lookup import Lookup
from storage.repository import OutboxItem, Outgoing, Repository

LOOK_UP = "debrief.look_up_post"  # our outbox task (bot/courier.py `Courier.tasks`)
RETENTION_PAGE = 100  # interviews erased per page: short transactions, however many are due


class Privacy:
    """Erases an interview everywhere it went, and keeps the trail of who saw and did what."""

    def __init__(self, repository: Repository, *, gate: Gate, lookup: Lookup) -> None:
        self.repository = repository
        self.gate = gate
        self.lookup = lookup  # the courier's: finds a post in doubt by its outbox key
        # Told the people whose Home tab may show an interview that was just erased (set by the app).
        self.on_erased: Callable[[Interview], None] | None = None

    def audit_trail(self, *, interview_id: int) -> tuple[Interview, list[AuditEntry]]:
        return self.gate.interview(interview_id=interview_id), self.repository.privacy.audit_trail(
            interview_id=interview_id
        )

    def record_export(
        self, *, file_ids: Sequence[str], user_id: str, interview_ids: Sequence[int], now: datetime
    ) -> None:
        """Remember uploaded exports (so erasing any interview in them deletes them) and audit them."""
        for file_id in file_ids:
            self.repository.privacy.record_export(
                file_id=file_id, user_id=user_id, interview_ids=interview_ids, now=now
            )

    # ---- erasure ----------------------------------------------------------------------------
    def forget(self, *, interview_id: int, user_id: str, now: datetime) -> Interview:
        """GDPR erasure on request: the candidate's personal data and every debrief text go, in the
        database and everywhere in Slack; ratings stay for calibration; the audit trail says who."""
        interview = self.gate.interview(interview_id=interview_id)
        if not self.erase(interview, by=user_id, now=now):
            if self.gate.interview(interview_id=interview_id).erased_at is None:
                raise NotAllowed("Another erasure was writing at the same moment: try again.")
            raise NotAllowed(f"Interview {interview.short_id} was already erased.")
        return self.gate.interview(interview_id=interview_id)

    def apply_retention(self, *, now: datetime, days: int) -> int:
        """Erase every interview that ended more than `days` ago, a page at a time, to the end."""
        before = now - timedelta(days=days)
        erased = 0
        while True:
            page = self.repository.privacy.expired_page(before=before, limit=RETENTION_PAGE)
            if not page:
                return erased
            won = 0
            for interview_id in page:
                interview = self.repository.interviews.get_interview(interview_id=interview_id)
                if interview is not None:
                    won += self.erase(interview, by="retention", now=now)
            erased += won
            if won == 0:  # another process is erasing this page: it will finish it
                return erased

    def erase(self, interview: Interview, *, by: str, now: datetime) -> bool:
        """Erase one interview in the database and, in the same transaction, owe Slack every call that
        erases it there: each message Slack holds or may hold edited to its erased form (a post in
        doubt is first looked up), a per-candidate channel renamed and re-topiced (then archived),
        uploaded exports that hold it deleted. Nothing personal stays owed. False if it was already
        erased."""
        owned = self.repository.lifecycle.owns_channel(interview_id=interview.id)
        # A channel the bot emptied before archiving holds nothing to erase (and takes no edits).
        archived = owned and emptied(self.repository, interview.id)
        owed = self._erase_channel(interview, now=now) if owned and not archived else []

        def edit(key: str, channel: str) -> Outgoing:
            # Re-rendered when sent, from the erased interview (bot/flows/render.py); named by where it
            # landed, so each edit goes in its channel's lane.
            return owed_message(
                f"erase:{key}", ERASED_KIND, interview.id, channel, method="chat.update", of=key
            )

        if not self.repository.lifecycle.erase(
            interview_id=interview.id,
            by=by,
            now=now,
            outgoing=owed,
            edit=edit,
            look_up=LOOK_UP,
            emptied_channel=interview.channel_id if archived else "",
        ):
            return False
        if self.on_erased is not None:
            self.on_erased(interview)
        return True

    def look_up_post(self, item: OutboxItem, now: datetime) -> dict[str, Any]:
        """A post in doubt when its interview was erased: found, its ts is recorded (its erasing edit
        follows); certainly not there, it is owed no more. If Slack can't say, this is retried (never
        a guess), bounded like any call."""
        where = {"channel": item.payload.get("channel", "")}
        parent = item.payload.get("thread_of")
        if parent is not None:  # a reply is looked for in its thread
            thread = self.repository.posts.sent_message(key=str(parent))
            if thread is None:  # the thread never started, so its reply can't have been posted
                return {}
            where = {"channel": thread.channel, "thread_ts": thread.ts}
        found = self.lookup.find(item.key, where)  # LookupFailed: tried again later
        return {} if found is None else {"channel": found[0], "ts": found[1]}

    def _erase_channel(self, interview: Interview, *, now: datetime) -> list[Outgoing]:
        """A per-candidate channel loses the name in its name and topic now, and is still archived
        (emptied first: bot/flows/archive.py)."""
        channel = interview.channel_id
        owed = [
            Outgoing(
                key=f"erase_rename:{interview.id}",
                kind="erase_channel",
                method="conversations.rename",
                payload={"channel": channel, "name": erased_channel_name(interview.id)},
                interview_id=interview.id,
            ),
            Outgoing(
                key=f"erase_topic:{interview.id}",
                kind="erase_channel",
                method="conversations.setTopic",
                payload={"channel": channel, "topic": f"Debrief {interview.short_id}: candidate data erased"},
                interview_id=interview.id,
            ),
        ]
        if not self.repository.outbox.is_owed(key=f"archive:{interview.id}"):
            owed.append(owe_archive(interview, at=now))  # waits for the edits above
        return owed
