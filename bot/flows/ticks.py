"""The scheduler's pass: owe what is due (prompts, reminders, summaries), then deliver what is owed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.models import Interview
from bot.flows.base import FlowsBase, post
from bot.views.messages import reminder_dm


@dataclass(frozen=True)
class TickReport:
    prompted: int = 0
    reminded: int = 0
    summarised: int = 0
    delivered: int = 0


class TickFlows(FlowsBase):
    def working_start(self, user_id: str, now: datetime) -> datetime | None:
        """None if `now` is in this person's working hours (or their time zone is unknown); else when
        their next working day starts, in UTC."""
        zone = self.zones(user_id)
        if zone is None:
            return None
        local = now.astimezone(zone)
        if self.working_week.is_working(local):
            return None
        return self.working_week.next_start(local).astimezone(UTC)

    def remind(self, *, now: datetime) -> int:
        """Owe every due reminder, a page at a time. One due outside its interviewer's working hours
        is moved to their next morning, so it stops being due and holds back no one else's."""
        reminded = 0
        while True:
            due = self.repository.due_reminders(now=now, limit=PAGE)
            moved = 0
            for interview, user, sent in due:
                morning = self.working_start(user, now)
                if morning is not None:
                    moved += self.repository.snooze(interview_id=interview.id, user_id=user, until=morning)
                    continue
                deadline = interview.deadline_at or interview.ends_at + self.timing.deadline
                message = reminder_dm(interview, deadline=deadline).as_kwargs()
                claimed = self.repository.claim_reminder(
                    interview_id=interview.id,
                    user_id=user,
                    sent_before=sent,
                    now=now,
                    outgoing=[
                        post(
                            f"reminder:{interview.id}:{user}:{sent + 1}",
                            "reminder",
                            interview.id,
                            user,
                            message,
                        )
                    ],
                )
                reminded += claimed
                moved += claimed
            if len(due) < PAGE or moved == 0:  # the last page, or another process is taking these
                return reminded

    def tick(self, *, now: datetime) -> TickReport:
        """Owe every prompt, reminder and summary that is due at `now`, then deliver what is owed."""
        repo = self.repository
        prompted = drain(lambda: repo.due_prompts(now=now, limit=PAGE), lambda i: self.prompt(i, now=now))
        reminded = self.remind(now=now)
        summarised = drain(
            lambda: repo.due_summaries(now=now, limit=PAGE), lambda i: self.summarise(i, now=now)
        )
        delivered = self.deliver(now=now)
        return TickReport(prompted=prompted, reminded=reminded, summarised=summarised, delivered=delivered)


PAGE = 100  # due work is claimed a page at a time: short transactions, however much ended at once


def drain(page: Callable[[], list[Interview]], claim: Callable[[Interview], bool]) -> int:
    """Claim pages of due work until none is left (or another process is claiming the same pages)."""
    claimed = 0
    while True:
        due = page()
        won = sum(claim(interview) for interview in due)
        claimed += won
        if len(due) < PAGE or won == 0:  # the last page, or nothing left that this process can take
            return claimed
