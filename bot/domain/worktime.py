"""Working days and hours (`DEBRIEF_WORKING_DAYS`, `DEBRIEF_WORKING_HOURS`), read in each person's own
time zone: a reminder due outside them waits for that person's next working morning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's weekday() order


def parse_days(text: str) -> frozenset[int]:
    """`mon-fri`, `sun-thu` (a range may wrap past Sunday), `mon,wed,fri`, or a mix; ValueError if bad."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"use day names like mon-fri or sun-thu, not {part!r}")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
    if not days:
        raise ValueError("name at least one working day, e.g. mon-fri")
    return frozenset(days)


def parse_hours(text: str) -> tuple[time, time]:
    """`08:00-17:00` -> (08:00, 17:00); the end must be after the start (same day)."""
    try:
        start_text, end_text = text.replace(" ", "").split("-")
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError:
        raise ValueError(f"use HH:MM-HH:MM, e.g. 09:00-18:00, not {text!r}") from None
    if end <= start:
        raise ValueError(f"the working day must end after it starts: {text!r}")
    return start, end


@dataclass(frozen=True)
class WorkingWeek:
    days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))  # Monday to Friday
    start: time = time(9)
    end: time = time(18)

    def is_working(self, local: datetime) -> bool:
        """Whether a local (zone-aware) moment falls in working hours on a working day."""
        return local.weekday() in self.days and self.start <= local.time().replace(tzinfo=None) < self.end

    def next_start(self, local: datetime) -> datetime:
        """The first working moment at or after `local`, in the same time zone (`local` itself if it is one)."""
        if self.is_working(local):
            return local
        day = local.date()
        for offset in range(8):
            candidate_day = day + timedelta(days=offset)
            if candidate_day.weekday() not in self.days:
                continue
            start = datetime.combine(candidate_day, self.start, tzinfo=local.tzinfo)
            if start >= local:
                return start
        raise AssertionError("a working week has at least one working day")
