"""Interviewers' side: open, write and edit a debrief; the Home tab; who said what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.models import Debrief, DebriefAnswers, Interview, InterviewStatus
from bot.domain.validation import InvalidInput, NotAllowed, validate_answers
from bot.flows.base import FlowsBase, in_range, mention, no_interview
from bot.flows.render import owed_message
from bot.views.home import HomeData
from bot.views.messages import undelivered_line


class DebriefFlows(FlowsBase):
    def home(self, *, user_id: str, is_recruiter: bool, now: datetime) -> HomeData:
        """Everything this person's Home tab shows, by the roles they have."""
        repo = self.repository
        verdicts = repo.by_status(status=InterviewStatus.SUMMARISED, limit=10)
        if not is_recruiter:
            verdicts = [i for i in verdicts if i.hiring_manager_id == user_id]
        pending = repo.by_status(
            status=InterviewStatus.SUMMARISED, hiring_manager_id=user_id, undecided=True, limit=10
        )
        awaiting = repo.by_status(status=InterviewStatus.COLLECTING, limit=11) if is_recruiter else []
        return HomeData(
            waiting=repo.waiting_for(user_id=user_id, limit=11),
            upcoming=repo.upcoming_for(user_id=user_id, now=now, limit=30),
            editable=repo.editable_for(user_id=user_id, limit=11),
            is_recruiter=is_recruiter,
            awaiting=[(i, repo.missing(interview_id=i.id)) for i in awaiting],
            scheduled=repo.by_status(status=InterviewStatus.SCHEDULED, limit=30) if is_recruiter else [],
            verdicts=verdicts,
            pending_decisions=pending,
            links=self.summary_links([*verdicts, *pending]),
            attention=self.needs_attention(recruiter_id=user_id),
        )

    def needs_attention(self, *, recruiter_id: str) -> list[tuple[Interview, str]]:
        """Dead letters of the interviews this person scheduled, newest first, one line each."""
        found: list[tuple[Interview, str]] = []
        for dead in self.repository.dead_letters(recruiter_id=recruiter_id, limit=10):
            interview = dead.interview_id and self.repository.get_interview(interview_id=dead.interview_id)
            if interview:
                found.append((interview, undelivered_line(dead.kind, dead.recipient, dead.error)))
        return found

    def summary_links(self, interviews: Sequence[Interview]) -> dict[int, str]:
        """Permalinks of posted summaries (the ones Slack will give us)."""
        links: dict[int, str] = {}
        for interview in interviews:
            sent = self.repository.sent_message(key=f"summary:{interview.id}")
            link = sent and self.courier.channels.permalink(sent.channel, sent.ts)
            if link:
                links[interview.id] = link
        return links

    def open_debrief(self, *, interview_id: int, user_id: str) -> tuple[Interview, DebriefAnswers | None]:
        """The interview and the user's own earlier answers, if they may write a debrief for it."""
        interview, existing = (
            self.repository.interview_and_debrief(interview_id=interview_id, interviewer_id=user_id)
            if in_range(interview_id)
            else (None, None)
        )
        if interview is None:
            raise no_interview(interview_id)
        self._check_can_write(interview, user_id)
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
        interview, earlier = self.open_debrief(interview_id=interview_id, user_id=user_id)
        stamp = int(now.timestamp() * 1000)
        owed = [
            owed_message(
                f"receipt:{interview_id}:{user_id}:{stamp}",
                "receipt",
                interview_id,
                user_id,
                replaced=earlier is not None,
            )
        ]
        late = interview.status is InterviewStatus.SUMMARISED
        self.repository.save_debrief(
            interview_id=interview_id,
            interviewer_id=user_id,
            answers=answers,
            now=now,
            late=late,
            outgoing=owed,
        )
        if late:  # after the summary, before a decision: update it in place and say what changed
            summary = self.summary(interview)
            note = f"{mention(user_id)} added a debrief after the summary: verdict now *{summary.verdict.kind.label}*."
            late_owed = self.summary_outgoing(interview, summary, now=now, note=note)
            if answers.private_note.strip():
                late_owed.append(
                    owed_message(
                        f"private_note:{interview_id}:{user_id}",
                        "private_notes",
                        interview_id,
                        interview.hiring_manager_id,
                        authors=[user_id],
                    )
                )
            self.repository.enqueue(outgoing=late_owed, now=now)
        else:
            self.summarise_if_due(interview_id=interview_id, now=now)  # the last one in: summary now
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

    def snooze(self, *, interview_id: int, user_id: str, now: datetime) -> datetime:
        """Move this interviewer's next reminder `timing.snooze` later."""
        interview, _ = self.open_debrief(interview_id=interview_id, user_id=user_id)
        if self.repository.get_debrief(interview_id=interview_id, interviewer_id=user_id) is not None:
            raise NotAllowed("You've already written this debrief: no more reminders.")
        until = now + self.timing.snooze
        self.repository.snooze(interview_id=interview.id, user_id=user_id, until=until)
        return until

    def who_said_what(
        self, *, interview_id: int, user_id: str, is_recruiter: bool
    ) -> tuple[Interview, list[Debrief]]:
        """Every debrief in full, for the hiring manager and recruiters only, once the summary is out."""
        interview = self.interview(interview_id=interview_id)
        if not (is_recruiter or user_id in (interview.hiring_manager_id, interview.recruiter_id)):
            raise NotAllowed(
                f"Only the hiring manager and recruiters can see who said what about {interview.candidate}."
            )
        if interview.status is not InterviewStatus.SUMMARISED:
            raise NotAllowed("Individual debriefs open once the summary has posted.")
        return interview, self.repository.list_debriefs(interview_id=interview_id)
