"""Recruiters' and hiring managers' side: schedule, reschedule, cancel, remind, close, extend,
record a follow-up note or a decision, list, status and export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.channels import EXTERNAL, SHARING_UNKNOWN, Channels, SharingUnknown, channel_name
from bot.courier import TaskFailed
from bot.domain.models import Decision, Interview, InterviewDraft, InterviewStatus
from bot.domain.validation import InvalidInput, NotAllowed, validate_draft
from bot.flows.announce import Announcer
from bot.flows.archive import owe_archive
from bot.flows.base import Timing
from bot.flows.gate import Gate
from bot.flows.render import owed_message
from bot.policy import Action, Actor
from bot.views.messages import undelivered_line
from storage.repository import OutboxItem, Outgoing, Repository

PAGE = 20


@dataclass(frozen=True)
class Status:
    interview: Interview
    submitted: tuple[str, ...]
    missing: tuple[str, ...]
    undelivered: tuple[str, ...]  # dead letters: what could not be delivered, to whom, and why
    pending: int
    origin: str | None = None  # the source it was imported from (None: scheduled in Slack)
    edited_in_slack: bool = False  # imported, then changed in Slack: Slack's version wins


# Our own outbox tasks (bot/courier.py `Courier.tasks`): a scheduled interview's channel, after the ack.
CHECK_CHANNEL = "debrief.check_channel"
OWN_CHANNEL = "debrief.own_channel"


class Pipeline:
    """Recruiters and hiring managers move an interview along; its channel is set up after the ack
    (`check_channel`, `set_up_own_channel`: outbox tasks the courier runs)."""

    def __init__(
        self,
        repository: Repository,
        *,
        gate: Gate,
        announcer: Announcer,
        timing: Timing,
        channels: Channels | None = None,
        per_candidate: bool = False,
        archive_after: timedelta = timedelta(days=7),
    ) -> None:
        self.repository = repository
        self.gate = gate
        self.announcer = announcer
        self.timing = timing
        self.channels = channels
        self.per_candidate = per_candidate
        self.archive_after = archive_after

    def schedule(
        self,
        *,
        draft: InterviewDraft,
        recruiter_id: str,
        bot_user_id: str | None,
        now: datetime,
        view_id: str | None = None,
    ) -> Interview:
        """Store a valid interview (InvalidInput otherwise); one that has already ended is prompted now.

        Slack is not called here, so the submission is acked at once whatever Slack does: the
        channel is checked (or, per candidate, created) after the ack, through the outbox, and a
        problem reaches the recruiter like any undeliverable message. A second submission of the
        same form (`view_id`) returns the first interview.
        """
        errors = validate_draft(draft, now=now, bot_user_id=bot_user_id)
        if errors:
            raise InvalidInput(errors)
        interview = self.repository.interviews.create_interview(
            draft=draft,
            recruiter_id=recruiter_id,
            deadline=self.timing.deadline,
            remind_after=self.timing.remind_after,
            now=now,
            view_id=view_id,
            owe=lambda interview_id: self._channel_set_up(interview_id, draft.channel_id),
        )
        if interview.ends_at <= now:
            self.announcer.prompt(interview, now=now)
        return interview

    def _channel_set_up(self, interview_id: int, channel_id: str) -> list[Outgoing]:
        if self.channels is None:
            return []
        method, payload = (
            (OWN_CHANNEL, {}) if self.per_candidate else (CHECK_CHANNEL, {"channel": channel_id})
        )
        return [
            Outgoing(
                key=f"channel:{interview_id}",
                kind="channel",
                method=method,
                payload=payload,
                interview_id=interview_id,
            )
        ]

    def check_channel(self, item: OutboxItem, now: datetime) -> dict[str, Any]:
        """Make sure the bot can post where the interview's messages go (joining a public channel)."""
        assert self.channels is not None
        channel = str(item.payload.get("channel", ""))
        problem = self.channels.ensure_member(channel)
        if problem == EXTERNAL:  # a forged pick, or the channel was shared since: nothing goes there
            raise TaskFailed("ext_shared: shared with another organisation (Slack Connect)")
        if problem:
            raise TaskFailed(
                "not_in_channel" if "not in that private channel" in problem else "channel_not_found"
            )
        return {"channel": channel}

    def set_up_own_channel(self, item: OutboxItem, now: datetime) -> dict[str, Any]:
        """Per-candidate mode: a private channel for this candidate's huddle, with the people in it
        (safe to repeat: an earlier attempt's channel is found, not made twice)."""
        assert self.channels is not None and item.interview_id is not None
        interview = self.gate.interview(interview_id=item.interview_id)
        if self.repository.lifecycle.owns_channel(interview_id=interview.id):
            return {"channel": interview.channel_id}
        topic = f"Debrief for {interview.candidate} ({interview.role}, {interview.stage.label}) · {interview.short_id}"
        members = [*interview.interviewer_ids, interview.hiring_manager_id, interview.recruiter_id]
        try:
            channel = self.channels.create_private(
                name=channel_name(interview.candidate, interview.id), members=members, topic=topic
            )
        except RuntimeError as exc:  # every variant of the name is taken
            raise TaskFailed(str(exc)) from exc
        self.repository.lifecycle.set_channel(interview_id=interview.id, channel_id=channel, own=True)
        interview = self.gate.interview(interview_id=interview.id)
        if interview.ends_at <= now:  # the prompt waited for its channel
            self.announcer.owe_prompt(interview, now=now)
        return {"channel": channel}

    def check_reschedulable(self, *, interview_id: int) -> Interview:
        interview = self.gate.interview(interview_id=interview_id)
        if interview.status is not InterviewStatus.SCHEDULED:
            raise NotAllowed(
                f"Interview {interview.short_id} has already ended or was cancelled: it can't be moved."
            )
        return interview

    def reschedule(
        self,
        *,
        interview_id: int,
        draft: InterviewDraft,
        user_id: str,
        bot_user_id: str | None,
        now: datetime,
    ) -> Interview:
        """Move an interview that hasn't been prompted yet; its prompt and reminders move with it."""
        before = self.gate.interview(interview_id=interview_id)
        if before.status is not InterviewStatus.SCHEDULED:
            raise NotAllowed(
                f"Interview {before.short_id} has already ended or was cancelled: it can't be moved."
            )
        errors = validate_draft(draft, now=now, bot_user_id=bot_user_id)
        if not errors:
            try:
                if self.announcer.is_external(draft.channel_id):
                    errors = {"channel": EXTERNAL}
            except SharingUnknown:
                errors = {"channel": SHARING_UNKNOWN}
        if errors:
            raise InvalidInput(errors)
        if not self.repository.lifecycle.reschedule(
            interview_id=interview_id,
            draft=draft,
            deadline=self.timing.deadline,
            remind_after=self.timing.remind_after,
            now=now,
        ):
            raise NotAllowed(f"Interview {before.short_id} changed while you were editing it: try again.")
        interview = self.gate.interview(interview_id=interview_id)
        if interview.ends_at <= now:
            self.announcer.prompt(interview, now=now)
        return interview

    def cancel(self, *, interview_id: int, user_id: str, now: datetime) -> Interview:
        """Cancel: nothing more is sent, and messages already posted say it was cancelled."""
        before = self.gate.interview(interview_id=interview_id)
        was = self.repository.lifecycle.cancel(interview_id=interview_id, user_id=user_id, now=now)
        if was is None:
            raise NotAllowed(f"Interview {before.short_id} is already cancelled or decided.")
        self.gate.audit(user_id, Action.CANCEL, now=now, interview_id=interview_id)
        owed = [
            owed_message(
                f"cancel:{key}", "cancelled", interview_id, "", method="chat.update", of=key, by=user_id
            )
            for key in (f"prompt:{interview_id}", f"summary:{interview_id}")
            if self.repository.outbox.is_owed(key=key)
        ]
        self.repository.outbox.enqueue(outgoing=owed, now=now)
        return self.gate.interview(interview_id=interview_id)

    def remind_now(self, *, interview_id: int, now: datetime) -> tuple[list[str], list[str]]:
        """DM the missing interviewers now (at most once an hour each): (reminded, skipped as too soon)."""
        interview = self.gate.interview(interview_id=interview_id)
        if (
            interview.status not in (InterviewStatus.COLLECTING, InterviewStatus.SUMMARISED)
            or interview.decision
        ):
            raise NotAllowed(f"Interview {interview.short_id} isn't waiting for debriefs.")
        reminded: list[str] = []
        skipped: list[str] = []
        for user in self.repository.claims.missing(interview_id=interview_id):
            stamp = int(now.timestamp())
            claimed = self.repository.claims.claim_manual_reminder(
                interview_id=interview_id,
                user_id=user,
                now=now,
                min_gap=self.timing.manual_remind_gap,
                outgoing=[
                    owed_message(f"remind:{interview_id}:{user}:{stamp}", "reminder", interview_id, user)
                ],
            )
            (reminded if claimed else skipped).append(user)
        return reminded, skipped

    def close(self, *, interview_id: int, now: datetime) -> Interview:
        """Post the summary now with whatever has arrived."""
        interview = self.gate.interview(interview_id=interview_id)
        if interview.status is not InterviewStatus.COLLECTING:
            raise NotAllowed(
                f"Interview {interview.short_id} isn't collecting debriefs, so there's nothing to close."
            )
        self.repository.lifecycle.close_now(interview_id=interview_id, now=now)
        self.announcer.summarise_if_due(interview_id=interview_id, now=now)
        return self.gate.interview(interview_id=interview_id)

    def extend(self, *, interview_id: int, now: datetime) -> Interview:
        """Give the panel another `timing.extend` (an Incomplete summary); the summary updates when it closes."""
        interview = self.gate.interview(interview_id=interview_id)
        if not self.repository.lifecycle.reopen(
            interview_id=interview_id, deadline_at=now + self.timing.extend, now=now
        ):
            raise NotAllowed(f"Interview {interview.short_id} can't be extended now.")
        self.announcer.refresh_summary(
            interview_id, now=now, note=f"⏳ Deadline extended by {self.timing.extend.days * 24 or 24} h."
        )
        return self.gate.interview(interview_id=interview_id)

    def follow_up(self, *, interview_id: int, now: datetime) -> Interview:
        """Record the candidate's follow-up note (a sign of interest); a posted summary shows it."""
        interview = self.gate.interview(interview_id=interview_id)
        if interview.status is InterviewStatus.CANCELLED:
            raise NotAllowed(f"Interview {interview.short_id} was cancelled.")
        if not self.repository.lifecycle.record_follow_up(interview_id=interview_id, now=now):
            raise NotAllowed(f"A follow-up note from {interview.candidate} is already recorded.")
        self.announcer.refresh_summary(interview_id, now=now, note="💌 The candidate sent a follow-up note.")
        return self.gate.interview(interview_id=interview_id)

    def decide(self, *, interview_id: int, decision: Decision, actor: Actor, now: datetime) -> Interview:
        """The hiring manager's (or a recruiter's) decision, recorded once with who and when."""
        interview = self.gate.authorized_interview(Action.DECIDE, actor, interview_id=interview_id, now=now)
        if not self.repository.lifecycle.record_decision(
            interview_id=interview_id, decision=decision, user_id=actor.user_id, now=now
        ):
            raise NotAllowed(f"A decision on {interview.candidate} is already recorded.")
        self.gate.audit(
            actor.user_id, Action.DECIDE, now=now, interview_id=interview_id, detail=decision.value
        )
        self.announcer.refresh_summary(interview_id, now=now)
        if self.repository.lifecycle.owns_channel(interview_id=interview_id):
            owed = owe_archive(interview, at=now + self.archive_after)
            self.repository.outbox.enqueue(outgoing=[owed], now=now)
        return self.gate.interview(interview_id=interview_id)

    def list_open(self, *, page: int = 1) -> tuple[list[tuple[Interview, list[str]]], int]:
        """A page of upcoming and awaiting interviews with who is missing; and the total."""
        interviews, total = self.repository.interviews.list_open(offset=(max(page, 1) - 1) * PAGE, limit=PAGE)
        return [(i, self.repository.claims.missing(interview_id=i.id)) for i in interviews], total

    def status(self, *, interview_id: int) -> Status:
        interview = self.gate.interview(interview_id=interview_id)
        missing = tuple(self.repository.claims.missing(interview_id=interview_id))
        counts = self.repository.outbox.outbox_counts(interview_id=interview_id)
        origin = self.repository.sources.origin(interview_id=interview_id)
        return Status(
            interview=interview,
            submitted=tuple(u for u in interview.interviewer_ids if u not in missing),
            missing=missing,
            undelivered=tuple(
                f"{undelivered_line(d.kind, d.recipient, d.error)} · outbox {d.id}"
                for d in self.repository.dead_letters.recent(interview_id=interview_id, limit=10)
            ),
            pending=counts.pending,
            origin=origin[0] if origin else None,
            edited_in_slack=bool(origin and origin[1].edited_in_slack),
        )
