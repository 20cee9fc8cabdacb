"""When an interview's summary is due: the rule, stated once."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.domain.models import Interview, InterviewStatus


def summary_due(interview: Interview, *, submitted: Collection[str], now: datetime) -> bool:
    """Whether the summary should post at `now`: the interview is collecting debriefs, and either its
    deadline has passed or everyone now on its panel has submitted (`submitted`: who has a debrief
    for it; one by someone since taken off the panel doesn't count).

    `storage.claims.ClaimStore.due_summaries` selects the same interviews in SQL, for the tick's
    speed budget (due-work selection < 20 ms at 100k rows); a property test holds the two equal.
    """
    if interview.status is not InterviewStatus.COLLECTING:
        return False
    if interview.deadline_at is not None and interview.deadline_at <= now:
        return True
    return set(interview.interviewer_ids) <= set(submitted)
