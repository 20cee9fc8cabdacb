"""What every use-case module shares: timing settings, time zones, and owing a notice or a lookup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta, tzinfo

from bot.domain.validation import MAX_INTERVIEW_ID, NotFound
from storage.repository import Outgoing


@dataclass(frozen=True)
class Timing:
    remind_after: timedelta = timedelta(minutes=120)
    deadline: timedelta = timedelta(minutes=1440)
    manual_remind_gap: timedelta = timedelta(hours=1)
    snooze: timedelta = timedelta(hours=1)
    extend: timedelta = timedelta(hours=24)


# A person's time zone, or None when unknown (then any hour is a working hour).
Zones = Callable[[str], tzinfo | None]


def post(key: str, kind: str, interview_id: int, channel: str, message: dict[str, object]) -> Outgoing:
    """An owed chat.postMessage of fixed words (a notice naming no one's data); `channel` may be a
    user id (the bot's DM with them). Messages about a candidate are owed with `owed_message`."""
    return Outgoing(
        key=key,
        kind=kind,
        method="chat.postMessage",
        payload={"channel": channel, **message},
        interview_id=interview_id,
    )


def in_range(interview_id: int) -> bool:
    """Whether an id can be looked up: past `MAX_INTERVIEW_ID` the database raises instead of finding none."""
    return 0 < interview_id <= MAX_INTERVIEW_ID


def no_interview(interview_id: int) -> NotFound:
    return NotFound(f"No interview #{interview_id}.")
