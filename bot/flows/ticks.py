"""The scheduler's pass: owe what is due (prompts, reminders, summaries), then deliver what is owed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.courier import Courier
from bot.domain.models import Interview
from bot.domain.worktime import WorkingWeek
from bot.flows.announce import Announcer
from bot.flows.base import Zones
from bot.flows.render import owed_message
from storage.repository import Repository


@dataclass(frozen=True)
class TickReport:
    prompted: int = 0
    reminded: int = 0
    summarised: int = 0
    delivered: int = 0


class Ticks:
    """The scheduler's use cases: what falls due with time, and sending what is owed."""

    def __init__(
        self,
        repository: Repository,
        *,
        announcer: Announcer,
        courier: Courier,
        zones: Zones,
        working_week: WorkingWeek,
    ) -> None:
        self.repository = repository
        self.announcer = announcer
        self.courier = courier
        self.zones = zones
        self.working_week = working_week

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
            due = self.repository.claims.due_reminders(now=now, limit=PAGE)
            moved = 0
            for interview, user, sent in due:
                morning = self.working_start(user, now)
                if morning is not None:
                    moved += self.repository.claims.snooze(
                        interview_id=interview.id, user_id=user, until=morning
                    )
                    continue
                claimed = self.repository.claims.claim_reminder(
                    interview_id=interview.id,
                    user_id=user,
                    sent_before=sent,
                    now=now,
                    outgoing=[
                        owed_message(
                            f"reminder:{interview.id}:{user}:{sent + 1}", "reminder", interview.id, user
                        )
                    ],
                )
                reminded += claimed
                moved += claimed
            if len(due) < PAGE or moved == 0:  # the last page, or another process is taking these
                return reminded

    def next_due(self, *, now: datetime) -> datetime | None:
        """When the next tick has something to do (None: nothing scheduled after `now`)."""
        return self.repository.claims.next_due(now=now)

    def tick(self, *, now: datetime) -> TickReport:
        """Owe every prompt, reminder and summary that is due at `now`, then deliver what is owed."""
        repo = self.repository
        announcer = self.announcer
        prompted = drain(
            lambda: announcer.looked_up(repo.claims.due_prompts(now=now, limit=PAGE)),
            lambda i: announcer.prompt(i, now=now),
        )
        reminded = self.remind(now=now)
        summarised = drain(
            lambda: announcer.looked_up(repo.claims.due_summaries(now=now, limit=PAGE)),
            lambda i: announcer.summarise(i, now=now),
        )
        delivered = self.deliver(now=now)
        return TickReport(prompted=prompted, reminded=reminded, summarised=summarised, delivered=delivered)

    def deliver(self, *, now: datetime, workers: int | None = None) -> int:
        """Send what is owed and due (to at most `workers` channels at once); how many calls went through."""
        return self.courier.deliver(self.repository, now=now, workers=workers)

    def record_tick(self, *, now: datetime) -> None:
        """The scheduler's heartbeat: `debrief-bot doctor` reads when the last tick finished."""
        self.repository.health.record_tick(now=now)


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
