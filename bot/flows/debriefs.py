"""Interviewers' side: open, write and edit a debrief; the Home tab; who said what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.channels import Channels
from bot.domain.models import Debrief, DebriefAnswers, Interview, InterviewStatus
from bot.domain.validation import InvalidInput, NotAllowed, validate_answers
from bot.flows.announce import Announcer
from bot.flows.base import Timing, in_range, no_interview
from bot.flows.gate import Gate
from bot.flows.render import owed_message
from bot.policy import Action, Actor
from bot.views.common import mention
from bot.views.home import HomeData
from bot.views.messages import undelivered_line
from storage.repository import Repository


class Debriefs:
    """Interviewers write and edit debriefs; everyone's Home tab; the full debriefs for deciders."""

    def __init__(
        self,
        repository: Repository,
        *,
        gate: Gate,
        announcer: Announcer,
        channels: Channels,
        timing: Timing,
    ) -> None:
        self.repository = repository
        self.gate = gate
        self.announcer = announcer
        self.channels = channels
        self.timing = timing

    def home(self, *, actor: Actor, now: datetime) -> HomeData:
        """Everything this person's Home tab shows: their own interviews (as interviewer, as hiring
        manager); recruiters also every interview's state."""
        repo = self.repository
        user_id = actor.user_id
        sees_all = self.gate.allowed(Action.SEE_ALL, actor)
        verdicts = repo.interviews.by_status(
            status=InterviewStatus.SUMMARISED, hiring_manager_id=None if sees_all else user_id, limit=10
        )
        pending = repo.interviews.by_status(
            status=InterviewStatus.SUMMARISED, hiring_manager_id=user_id, undecided=True, limit=10
        )
        awaiting = repo.interviews.by_status(status=InterviewStatus.COLLECTING, limit=11) if sees_all else []
        return HomeData(
            waiting=repo.interviews.waiting_for(user_id=user_id, limit=11),
            upcoming=repo.interviews.upcoming_for(user_id=user_id, now=now, limit=30),
            editable=repo.interviews.editable_for(user_id=user_id, limit=11),
            is_recruiter=sees_all,
            awaiting=[(i, repo.claims.missing(interview_id=i.id)) for i in awaiting],
            scheduled=repo.interviews.by_status(status=InterviewStatus.SCHEDULED, limit=30)
            if sees_all
            else [],
            verdicts=verdicts,
            pending_decisions=pending,
            links=self.summary_links([*verdicts, *pending]),
            attention=self.needs_attention(recruiter_id=user_id),
        )

    def needs_attention(self, *, recruiter_id: str) -> list[tuple[Interview, str]]:
        """Dead letters of the interviews this person scheduled, newest first, one line each."""
        found: list[tuple[Interview, str]] = []
        for dead in self.repository.dead_letters.recent(recruiter_id=recruiter_id, limit=10):
            interview = dead.interview_id and self.repository.interviews.get_interview(
                interview_id=dead.interview_id
            )
            if interview:
                found.append((interview, undelivered_line(dead.kind, dead.recipient, dead.error)))
        return found

    def summary_links(self, interviews: Sequence[Interview]) -> dict[int, str]:
        """Permalinks of posted summaries (the ones Slack will give us)."""
        links: dict[int, str] = {}
        for interview in interviews:
            sent = self.repository.posts.sent_message(key=f"summary:{interview.id}")
            link = sent and self.channels.permalink(sent.channel, sent.ts)
            if link:
                links[interview.id] = link
        return links

    def open_debrief(
        self, *, interview_id: int, user_id: str, now: datetime
    ) -> tuple[Interview, DebriefAnswers | None]:
        """The interview and the user's own earlier answers, if they may write a debrief for it."""
        interview, existing = (
            self.repository.debriefs.interview_and_debrief(interview_id=interview_id, interviewer_id=user_id)
            if in_range(interview_id)
            else (None, None)
        )
        if interview is None:
            raise no_interview(interview_id)
        self.gate.authorize(Action.WRITE_DEBRIEF, Actor(user_id), now=now, interview=interview)
        self._check_can_write(interview)
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
        interview, earlier = self.open_debrief(interview_id=interview_id, user_id=user_id, now=now)
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
        self.repository.debriefs.save_debrief(
            interview_id=interview_id,
            interviewer_id=user_id,
            answers=answers,
            now=now,
            late=late,
            outgoing=owed,
        )
        if late:  # after the summary, before a decision: update it in place and say what changed
            summary = self.announcer.summary(interview)
            note = f"{mention(user_id)} added a debrief after the summary: verdict now *{summary.verdict.kind.label}*."
            late_owed = self.announcer.summary_outgoing(interview, summary, now=now, note=note)
            if answers.private_note.strip():  # to the hiring manager and the recruiter, never a channel
                late_owed += [
                    owed_message(
                        f"private_note:{interview_id}:{user_id}:{reader}",
                        "private_notes",
                        interview_id,
                        reader,
                        authors=[user_id],
                    )
                    for reader in dict.fromkeys((interview.hiring_manager_id, interview.recruiter_id))
                ]
            self.repository.outbox.enqueue(outgoing=late_owed, now=now)
        else:
            # The last one in: the summary now (a debrief changes neither status nor deadline).
            self.announcer.summarise_if_due(interview_id=interview_id, now=now, interview=interview)
        return interview

    def _check_can_write(self, interview: Interview) -> None:
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
        interview = self.gate.authorized_interview(
            Action.SNOOZE, Actor(user_id), interview_id=interview_id, now=now
        )
        self._check_can_write(interview)
        if (
            self.repository.debriefs.get_debrief(interview_id=interview_id, interviewer_id=user_id)
            is not None
        ):
            raise NotAllowed("You've already written this debrief: no more reminders.")
        until = now + self.timing.snooze
        self.repository.claims.snooze(interview_id=interview.id, user_id=user_id, until=until)
        return until

    def who_said_what(
        self, *, interview_id: int, actor: Actor, now: datetime
    ) -> tuple[Interview, list[Debrief]]:
        """Every debrief in full, for the hiring manager and recruiters only, once the summary is out;
        each opening is in the audit trail."""
        interview = self.gate.authorized_interview(
            Action.WHO_SAID_WHAT, actor, interview_id=interview_id, now=now
        )
        if interview.status is not InterviewStatus.SUMMARISED:
            raise NotAllowed("Individual debriefs open once the summary has posted.")
        self.gate.audit(actor.user_id, Action.WHO_SAID_WHAT, now=now, interview_id=interview_id)
        return interview, self.repository.debriefs.list_debriefs(interview_id=interview_id)
