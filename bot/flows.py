"""Use cases shared by the listeners and the scheduler. Every one takes `now`; none reads the clock.

Messages we owe people (prompts, reminders, receipts, summaries) are written to the outbox in the
same transaction as the state change that owes them, then delivered by `deliver`: a crash or a
Slack outage between the two loses nothing, and a repeated claim sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.models import DebriefAnswers, Interview, InterviewDraft, InterviewStatus
from bot.domain.summary import Policy, Summary, summarise
from bot.domain.validation import InvalidInput, NotAllowed, NotFound, validate_answers, validate_draft
from bot.outbox import Courier
from bot.views.messages import private_notes_dm, prompt_dm, prompt_message, receipt_dm, reminder_dm
from bot.views.summary import summary_message
from storage.repository import Outgoing, Repository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timing:
    remind_after: timedelta = timedelta(minutes=120)
    deadline: timedelta = timedelta(minutes=1440)


@dataclass(frozen=True)
class TickReport:
    prompted: int = 0
    reminded: int = 0
    summarised: int = 0
    delivered: int = 0


def _post(key: str, kind: str, interview_id: int, channel: str, message: dict[str, object]) -> Outgoing:
    return Outgoing(
        key=key,
        kind=kind,
        method="chat.postMessage",
        payload={"channel": channel, **message},
        interview_id=interview_id,
    )


class Flows:
    """The product's use cases over a repository; Slack is reached only through the courier."""

    def __init__(self, *, repository: Repository, courier: Courier, timing: Timing, policy: Policy) -> None:
        self.repository = repository
        self.courier = courier
        self.timing = timing
        self.policy = policy

    # -- scheduling ---------------------------------------------------------------------------

    def schedule(
        self, *, draft: InterviewDraft, recruiter_id: str, bot_user_id: str | None, now: datetime
    ) -> Interview:
        """Store a valid interview (InvalidInput otherwise); one that has already ended is prompted now."""
        errors = validate_draft(draft, now=now, bot_user_id=bot_user_id)
        if errors:
            raise InvalidInput(errors)
        interview = self.repository.create_interview(
            draft=draft, recruiter_id=recruiter_id, deadline=self.timing.deadline, now=now
        )
        if interview.ends_at <= now:
            self._prompt(interview, now=now)
        return interview

    def interview(self, *, interview_id: int) -> Interview:
        interview = self.repository.get_interview(interview_id=interview_id)
        if interview is None:
            raise NotFound(f"There is no interview #{interview_id}.")
        return interview

    def home(self, *, user_id: str, now: datetime) -> tuple[list[Interview], list[Interview]]:
        """What the Home tab shows this person: (debriefs they owe, their upcoming interviews)."""
        return (
            self.repository.waiting_for(user_id=user_id),
            self.repository.upcoming_for(user_id=user_id, now=now),
        )

    # -- debriefs -----------------------------------------------------------------------------

    def open_debrief(self, *, interview_id: int, user_id: str) -> tuple[Interview, DebriefAnswers | None]:
        """The interview and the user's own earlier answers, if they may write a debrief for it."""
        interview = self.interview(interview_id=interview_id)
        self._check_can_write(interview, user_id)
        existing = self.repository.get_debrief(interview_id=interview_id, interviewer_id=user_id)
        if existing is not None and interview.status is InterviewStatus.SUMMARISED:
            raise NotAllowed(
                f"The summary for {interview.candidate} has been posted, so your debrief is final."
            )
        return interview, None if existing is None else existing.answers

    def submit_debrief(
        self, *, interview_id: int, user_id: str, answers: DebriefAnswers, now: datetime
    ) -> Interview:
        """Validate and store a debrief (replacing the user's earlier one) and owe the receipt."""
        errors = validate_answers(answers)
        if errors:
            raise InvalidInput(errors)
        interview, _ = self.open_debrief(interview_id=interview_id, user_id=user_id)
        late = interview.status is InterviewStatus.SUMMARISED
        replaced = self.repository.save_debrief(
            interview_id=interview_id, interviewer_id=user_id, answers=answers, now=now, late=late
        )
        stamp = int(now.timestamp() * 1000)
        receipt = receipt_dm(interview, answers, replaced=replaced).as_kwargs()
        owed = [_post(f"receipt:{interview_id}:{user_id}:{stamp}", "receipt", interview_id, user_id, receipt)]
        if late:
            owed += self._late_update(interview, user_id, answers, now=now)
        self.repository.enqueue(outgoing=owed, now=now)
        if not late:
            self.summarise_if_due(interview_id=interview_id, now=now)
        return interview

    def _check_can_write(self, interview: Interview, user_id: str) -> None:
        if not interview.on_panel(user_id):
            raise NotAllowed(
                f"You're not on the panel for {interview.candidate} ({interview.short_id}), "
                "so there's no debrief for you to write."
            )
        if interview.status is InterviewStatus.CANCELLED:
            raise NotAllowed(f"Interview {interview.short_id} was cancelled.")
        if interview.status is InterviewStatus.SCHEDULED:
            raise NotAllowed(
                f"Interview {interview.short_id} hasn't ended yet: the debrief opens when it does."
            )
        if interview.decision is not None:
            raise NotAllowed(f"A decision on {interview.candidate} has been recorded; debriefs are closed.")

    # -- the summary --------------------------------------------------------------------------

    def summary(self, interview: Interview, *, final: bool) -> Summary:
        debriefs = self.repository.list_debriefs(interview_id=interview.id)
        history = self.repository.past_panels(
            interviewer_ids=interview.interviewer_ids, before=interview.ends_at
        )
        return summarise(interview, debriefs, final=final, policy=self.policy, history=history)

    def summarise_if_due(self, *, interview_id: int, now: datetime) -> bool:
        for interview in self.repository.due_summaries(now=now):
            if interview.id == interview_id:
                return self._summarise(interview, now=now)
        return False

    def _summarise(self, interview: Interview, *, now: datetime) -> bool:
        summary = self.summary(interview, final=True)
        notes = [
            (d.interviewer_id, d.answers.private_note)
            for d in summary.debriefs
            if d.answers.private_note.strip()
        ]
        owed = [
            _post(
                f"summary:{interview.id}",
                "summary",
                interview.id,
                interview.channel_id,
                summary_message(summary).as_kwargs(),
            )
        ]
        if notes:
            owed.append(
                _post(
                    f"private_notes:{interview.id}",
                    "private_notes",
                    interview.id,
                    interview.hiring_manager_id,
                    private_notes_dm(interview, notes).as_kwargs(),
                )
            )
        return self.repository.claim_summary(interview_id=interview.id, now=now, final=True, outgoing=owed)

    def _late_update(
        self, interview: Interview, user_id: str, answers: DebriefAnswers, *, now: datetime
    ) -> list[Outgoing]:
        """A debrief after the summary: owe an in-place update of it and a thread note saying so."""
        revision = self.repository.next_summary_revision(interview_id=interview.id, now=now)
        summary = self.summary(interview, final=True)
        update = Outgoing(
            key=f"summary_update:{interview.id}:{revision}",
            kind="summary_update",
            method="chat.update",
            payload={"of": f"summary:{interview.id}", **summary_message(summary).as_kwargs()},
            interview_id=interview.id,
        )
        reply = Outgoing(
            key=f"summary_reply:{interview.id}:{revision}",
            kind="summary_reply",
            method="chat.postMessage",
            payload={
                "thread_of": f"summary:{interview.id}",
                "text": f"<@{user_id}> added a debrief after the summary: verdict now "
                f"*{summary.verdict.kind.label}*.",
            },
            interview_id=interview.id,
        )
        owed = [update, reply]
        if answers.private_note.strip():
            owed.append(
                _post(
                    f"private_notes:{interview.id}:{revision}",
                    "private_notes",
                    interview.id,
                    interview.hiring_manager_id,
                    private_notes_dm(interview, [(user_id, answers.private_note)]).as_kwargs(),
                )
            )
        return owed

    # -- the scheduler's tick -----------------------------------------------------------------

    def _prompt(self, interview: Interview, *, now: datetime) -> bool:
        deadline = interview.ends_at + self.timing.deadline
        owed = [
            _post(
                f"prompt:{interview.id}",
                "prompt",
                interview.id,
                interview.channel_id,
                prompt_message(interview).as_kwargs(),
            )
        ]
        owed += [
            _post(
                f"prompt_dm:{interview.id}:{user}",
                "prompt_dm",
                interview.id,
                user,
                prompt_dm(interview, deadline=deadline).as_kwargs(),
            )
            for user in interview.interviewer_ids
        ]
        return self.repository.claim_prompt(interview_id=interview.id, now=now, outgoing=owed)

    def tick(self, *, now: datetime) -> TickReport:
        """Owe every prompt, reminder and summary that is due at `now`, then deliver what is owed."""
        prompted = sum(self._prompt(i, now=now) for i in self.repository.due_prompts(now=now))
        reminded = 0
        for interview, user in self.repository.due_reminders(now=now, remind_after=self.timing.remind_after):
            deadline = interview.ends_at + self.timing.deadline
            message = reminder_dm(interview, deadline=deadline).as_kwargs()
            reminded += self.repository.claim_reminder(
                interview_id=interview.id,
                user_id=user,
                now=now,
                outgoing=[_post(f"reminder:{interview.id}:{user}", "reminder", interview.id, user, message)],
            )
        summarised = sum(self._summarise(i, now=now) for i in self.repository.due_summaries(now=now))
        delivered = self.deliver(now=now)
        return TickReport(prompted=prompted, reminded=reminded, summarised=summarised, delivered=delivered)

    def deliver(self, *, now: datetime) -> int:
        """Send what is owed and due; returns how many calls went through."""
        return self.courier.deliver(self.repository, now=now)
