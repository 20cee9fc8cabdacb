"""HR data: asking the policy (and auditing refusals), the audit trail, erasure that reaches Slack
(forget and retention), tracked exports, and panel changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.channels import erased_channel_name
from bot.domain.models import AuditEntry, Interview, InterviewStatus
from bot.domain.validation import MAX_PANEL, NotAllowed
from bot.flows.archive import emptied, owe_archive
from bot.flows.base import FlowsBase, post
from bot.flows.render import ERASED_KIND, owed_message
from bot.policy import Action
from bot.views.common import mention
from storage.privacy import reminder_after
from storage.repository import OutboxItem, Outgoing

GONE = frozenset({"user_disabled", "account_inactive"})  # Slack's answers about a deactivated person
LOOK_UP = "debrief.look_up_post"  # our outbox task (bot/outbox.py `Courier.tasks`)
RETENTION_PAGE = 100  # interviews erased per page: short transactions, however many are due


class PrivacyFlows(FlowsBase):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.courier.tasks[LOOK_UP] = self.look_up_post

    def audit_trail(self, *, interview_id: int) -> tuple[Interview, list[AuditEntry]]:
        return self.interview(interview_id=interview_id), self.repository.audit_trail(
            interview_id=interview_id
        )

    def record_export(
        self, *, file_ids: Sequence[str], user_id: str, interview_ids: Sequence[int], now: datetime
    ) -> None:
        """Remember uploaded exports (so erasing any interview in them deletes them) and audit them."""
        for file_id in file_ids:
            self.repository.record_export(
                file_id=file_id, user_id=user_id, interview_ids=interview_ids, now=now
            )

    # ---- erasure ----------------------------------------------------------------------------
    def forget(self, *, interview_id: int, user_id: str, now: datetime) -> Interview:
        """GDPR erasure on request: the candidate's personal data and every debrief text go, in the
        database and everywhere in Slack; ratings stay for calibration; the audit trail says who."""
        interview = self.interview(interview_id=interview_id)
        if not self.erase(interview, by=user_id, now=now):
            if self.interview(interview_id=interview_id).erased_at is None:
                raise NotAllowed("Another erasure was writing at the same moment: try again.")
            raise NotAllowed(f"Interview {interview.short_id} was already erased.")
        return self.interview(interview_id=interview_id)

    def apply_retention(self, *, now: datetime, days: int) -> int:
        """Erase every interview that ended more than `days` ago, a page at a time, to the end."""
        before = now - timedelta(days=days)
        erased = 0
        while True:
            page = self.repository.expired_page(before=before, limit=RETENTION_PAGE)
            if not page:
                return erased
            won = 0
            for interview_id in page:
                interview = self.repository.get_interview(interview_id=interview_id)
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
        owned = self.repository.owns_channel(interview_id=interview.id)
        # A channel the bot emptied before archiving holds nothing to erase (and takes no edits).
        archived = owned and emptied(self.repository, interview.id)
        owed = self._erase_channel(interview, now=now) if owned and not archived else []
        files = self.repository.exports_holding(interview_id=interview.id)
        owed += [
            Outgoing(key=f"delete_file:{f}", kind="delete_file", method="files.delete", payload={"file": f})
            for f in files
        ]

        def edit(key: str, channel: str) -> Outgoing:
            # Re-rendered when sent, from the erased interview (bot/flows/render.py); named by where it
            # landed, so each edit goes in its channel's lane.
            return owed_message(
                f"erase:{key}", ERASED_KIND, interview.id, channel, method="chat.update", of=key
            )

        if not self.repository.erase(
            interview_id=interview.id,
            by=by,
            now=now,
            outgoing=owed,
            deleted_files=files,
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
            thread = self.repository.sent_message(key=str(parent))
            if thread is None:  # the thread never started, so its reply can't have been posted
                return {}
            where = {"channel": thread.channel, "thread_ts": thread.ts}
        found = self.courier.lookup.find(item.key, where)  # LookupFailed: tried again later
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
        if not self.repository.is_owed(key=f"archive:{interview.id}"):
            owed.append(owe_archive(interview, at=now))  # waits for the edits above
        return owed

    # ---- panels -----------------------------------------------------------------------------
    def change_panel(
        self,
        *,
        interview_id: int,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        now: datetime,
        by: str | None = None,
    ) -> Interview:
        """Add and remove interviewers any time before the summary: a new member of a prompted panel
        is prompted, the channel prompt shows the new panel, and the summary waits only for the
        panel as it is now. One operation for a recruiter's command and for synced calendars."""
        before = self.interview(interview_id=interview_id)
        add = [u for u in dict.fromkeys(add) if not before.on_panel(u)]
        remove = [u for u in dict.fromkeys(remove) if before.on_panel(u)]
        size = len(before.interviewer_ids) - len(remove) + len(add)
        if size < 1:
            raise NotAllowed("A panel needs at least one interviewer.")
        if size > MAX_PANEL:
            raise NotAllowed(f"A panel has at most {MAX_PANEL} interviewers.")
        if before.status not in (InterviewStatus.SCHEDULED, InterviewStatus.COLLECTING):
            raise NotAllowed(f"The summary for {before.short_id} has posted: its panel can't change now.")
        if not add and not remove:
            return before
        if not self.repository.change_panel(
            interview_id=interview_id,
            add=add,
            remove=remove,
            next_remind_at=reminder_after(before.ends_at, self.timing.remind_after, now),
            now=now,
        ):
            raise NotAllowed(f"The summary for {before.short_id} has posted: its panel can't change now.")
        interview = self.interview(interview_id=interview_id)
        if by is not None:
            detail = " ".join([*(f"+{u}" for u in add), *(f"-{u}" for u in remove)])
            self.audit(by, Action.PANEL, now=now, interview_id=interview_id, detail=detail)
        if interview.status is InterviewStatus.COLLECTING:
            self._follow_panel(interview, add, now=now)
            self.summarise_if_due(interview_id=interview_id, now=now)
        return interview

    def _follow_panel(self, interview: Interview, added: Sequence[str], *, now: datetime) -> None:
        """The prompt follows a changed panel: new members get their DM, the channel post shows them."""
        stamp = int(now.timestamp() * 1000)
        owed = [
            owed_message(f"prompt_dm:{interview.id}:{user}", "prompt_dm", interview.id, user)
            for user in added
            if not self.repository.is_owed(key=f"prompt_dm:{interview.id}:{user}")
        ]
        if self.repository.is_owed(key=f"prompt:{interview.id}"):
            owed.append(
                owed_message(
                    f"prompt_update:{interview.id}:{stamp}",
                    "prompt",
                    interview.id,
                    "",
                    method="chat.update",
                    of=f"prompt:{interview.id}",
                )
            )
        if self.repository.owns_channel(interview_id=interview.id) and added:
            owed.append(
                Outgoing(
                    key=f"invite:{interview.id}:{stamp}",
                    kind="invite",
                    method="conversations.invite",
                    payload={"channel": interview.channel_id, "users": ",".join(added)},
                    interview_id=interview.id,
                )
            )
        self.repository.enqueue(outgoing=owed, now=now)

    def undeliverable(self, item: OutboxItem, error: str) -> None:
        """A DM to an interviewer refused because Slack deactivated them: they leave the panel.
        Anything else refused for good: as every use case handles it."""
        if error in GONE and item.kind in ("prompt_dm", "reminder") and item.interview_id is not None:
            user = str(item.payload.get("channel", ""))
            self.panelist_gone(interview_id=item.interview_id, user_id=user, now=item.created_at)
            return
        super().undeliverable(item, error)

    def panelist_gone(self, *, interview_id: int, user_id: str, now: datetime) -> bool:
        """A deactivated interviewer won't submit: take them off the panel (unless their debrief is in),
        tell the recruiter, and let the panel complete without them. The only interviewer stays (a
        panel needs one): the recruiter is told to add someone or cancel."""
        interview = self.interview(interview_id=interview_id)
        if interview.status not in (InterviewStatus.SCHEDULED, InterviewStatus.COLLECTING) or not (
            self.repository.unsubmitted(interview_id=interview_id, user_id=user_id)
        ):
            return False
        alone = len(interview.interviewer_ids) < 2
        if alone:
            then = (
                f"They were its only interviewer: `/debrief panel {interview.id} add @someone` or cancel it."
            )
        else:
            self.change_panel(interview_id=interview_id, remove=[user_id], now=now, by="slack")
            then = "The panel completes without them."
        text = (
            f"ℹ️ {mention(user_id)} was deactivated in Slack, so they won't submit a debrief for "
            f"{interview.short_id}. {then}"
        )
        notice = post(
            f"gone:{interview_id}:{user_id}", "notice", interview_id, interview.recruiter_id, {"text": text}
        )
        self.repository.enqueue(outgoing=[notice], now=now)
        return not alone
