"""Panels as people have them: interviewers added and removed any time before the summary (by a
recruiter's command, a synced calendar, or Slack deactivating someone), the prompt following."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.models import Interview, InterviewStatus
from bot.domain.validation import MAX_PANEL, NotAllowed
from bot.flows.announce import Announcer
from bot.flows.base import Timing, post
from bot.flows.gate import Gate
from bot.flows.render import owed_message
from bot.policy import Action
from bot.views.common import mention
from storage.privacy import reminder_after
from storage.repository import Outgoing, Repository

GONE = frozenset({"user_disabled", "account_inactive"})  # Slack's answers about a deactivated person


class Panels:
    """Changes a panel and owes what follows from it (DMs to new members, the prompt re-rendered)."""

    def __init__(self, repository: Repository, *, gate: Gate, announcer: Announcer, timing: Timing) -> None:
        self.repository = repository
        self.gate = gate
        self.announcer = announcer
        self.timing = timing

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
        before = self.gate.interview(interview_id=interview_id)
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
        if not self.repository.privacy.change_panel(
            interview_id=interview_id,
            add=add,
            remove=remove,
            next_remind_at=reminder_after(before.ends_at, self.timing.remind_after, now),
            now=now,
        ):
            raise NotAllowed(f"The summary for {before.short_id} has posted: its panel can't change now.")
        interview = self.gate.interview(interview_id=interview_id)
        if by is not None:
            detail = " ".join([*(f"+{u}" for u in add), *(f"-{u}" for u in remove)])
            self.gate.audit(by, Action.PANEL, now=now, interview_id=interview_id, detail=detail)
        if interview.status is InterviewStatus.COLLECTING:
            self._follow_panel(interview, add, now=now)
            self.announcer.summarise_if_due(interview_id=interview_id, now=now)
        return interview

    def _follow_panel(self, interview: Interview, added: Sequence[str], *, now: datetime) -> None:
        """The prompt follows a changed panel: new members get their DM, the channel post shows them."""
        stamp = int(now.timestamp() * 1000)
        owed = [
            owed_message(f"prompt_dm:{interview.id}:{user}", "prompt_dm", interview.id, user)
            for user in added
            if not self.repository.outbox.is_owed(key=f"prompt_dm:{interview.id}:{user}")
        ]
        if self.repository.outbox.is_owed(key=f"prompt:{interview.id}"):
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
        if self.repository.lifecycle.owns_channel(interview_id=interview.id) and added:
            owed.append(
                Outgoing(
                    key=f"invite:{interview.id}:{stamp}",
                    kind="invite",
                    method="conversations.invite",
                    payload={"channel": interview.channel_id, "users": ",".join(added)},
                    interview_id=interview.id,
                )
            )
        self.repository.outbox.enqueue(outgoing=owed, now=now)

    def panelist_gone(self, *, interview_id: int, user_id: str, now: datetime) -> bool:
        """A deactivated interviewer won't submit: take them off the panel (unless their debrief is in),
        tell the recruiter, and let the panel complete without them. The only interviewer stays (a
        panel needs one): the recruiter is told to add someone or cancel."""
        interview = self.gate.interview(interview_id=interview_id)
        if interview.status not in (InterviewStatus.SCHEDULED, InterviewStatus.COLLECTING) or not (
            self.repository.privacy.unsubmitted(interview_id=interview_id, user_id=user_id)
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
        self.repository.outbox.enqueue(outgoing=[notice], now=now)
        return not alone
