"""The scheduler's pass: owe what is due (prompts, reminders, summaries), then deliver what is owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.base import FlowsBase, post
from bot.views.messages import reminder_dm


@dataclass(frozen=True)
class TickReport:
    prompted: int = 0
    reminded: int = 0
    summarised: int = 0
    delivered: int = 0


class TickFlows(FlowsBase):
    def in_working_hours(self, user_id: str, now: datetime) -> bool:
        """Whether it is the working day where this person is (unknown time zone: yes)."""
        offset = self.offsets(user_id, now)
        if offset is None:
            return True
        local = now + offset
        return local.weekday() < 5 and self.timing.work_starts <= local.hour < self.timing.work_ends

    def remind(self, *, now: datetime) -> int:
        reminded = 0
        for interview, user, sent in self.repository.due_reminders(now=now):
            if not self.in_working_hours(user, now):
                continue  # stays due: the first tick in their morning sends it
            deadline = interview.deadline_at or interview.ends_at + self.timing.deadline
            message = reminder_dm(interview, deadline=deadline).as_kwargs()
            reminded += self.repository.claim_reminder(
                interview_id=interview.id,
                user_id=user,
                sent_before=sent,
                now=now,
                outgoing=[
                    post(
                        f"reminder:{interview.id}:{user}:{sent + 1}", "reminder", interview.id, user, message
                    )
                ],
            )
        return reminded

    def tick(self, *, now: datetime) -> TickReport:
        """Owe every prompt, reminder and summary that is due at `now`, then deliver what is owed."""
        prompted = sum(self.prompt(i, now=now) for i in self.repository.due_prompts(now=now))
        reminded = self.remind(now=now)
        summarised = sum(self.summarise(i, now=now) for i in self.repository.due_summaries(now=now))
        delivered = self.deliver(now=now)
        return TickReport(prompted=prompted, reminded=reminded, summarised=summarised, delivered=delivered)
