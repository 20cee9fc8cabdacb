"""Rows to domain values and back; every datetime we store is UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, Table, select

from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    Decision,
    ExploreTopic,
    Interview,
    InterviewDraft,
    InterviewStatus,
    Recommendation,
    Stage,
)
from storage.tables import DebriefRow, InterviewRow, OutboxRow, PanelistRow

INTERVIEW: Table = InterviewRow.__table__  # type: ignore[attr-defined]
DEBRIEF: Table = DebriefRow.__table__  # type: ignore[attr-defined]
PANELIST: Table = PanelistRow.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxRow.__table__  # type: ignore[attr-defined]
INTERVIEW_FIELDS = tuple(column.key for column in INTERVIEW.columns)
DEBRIEF_FIELDS = tuple(column.key for column in DEBRIEF.columns)


def select_interviews() -> Select[Any]:
    """SELECT every interview column as plain rows: a list of hundreds builds no ORM objects."""
    return select(INTERVIEW)


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every value we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


ANSWER_COLUMNS = (
    "excitement",
    "excitement_evidence",
    "fit",
    "fit_evidence",
    "ability",
    "ability_evidence",
    "recommendation",
    "explore",
    "people_to_meet",
    "questions",
    "deal_breaker",
    "private_note",
)


def draft_values(draft: InterviewDraft, *, deadline: timedelta) -> dict[str, Any]:
    """The interview columns a schedule form sets (on creation, and again on a reschedule)."""
    return {
        "candidate": draft.candidate,
        "role": draft.role,
        "stage": draft.stage.value,
        "hiring_manager_id": draft.hiring_manager_id,
        "starts_at": draft.starts_at,
        "length_minutes": draft.length_minutes,
        "ends_at": draft.ends_at,
        "deadline_at": draft.ends_at + deadline,
        "channel_id": draft.channel_id,
        "notes": draft.notes,
    }


def debrief_values(answers: DebriefAnswers) -> dict[str, Any]:
    """The answer columns of a debrief row (`ANSWER_COLUMNS`, in that order)."""
    return {
        "excitement": answers.excitement,
        "excitement_evidence": answers.excitement_evidence,
        "fit": answers.fit,
        "fit_evidence": answers.fit_evidence,
        "ability": answers.ability,
        "ability_evidence": answers.ability_evidence,
        "recommendation": int(answers.recommendation),
        "explore": sorted(topic.value for topic in answers.explore),
        "people_to_meet": list(answers.people_to_meet),
        "questions": answers.questions,
        "deal_breaker": answers.deal_breaker,
        "private_note": answers.private_note,
    }


def _columns(row: Any, fields: tuple[str, ...]) -> Mapping[Any, Any]:
    """A row's columns by name: a plain result row's own mapping (a quarter of the cost of its
    attributes, and the tick reads hundreds), a mapping as it is, an ORM row's attributes."""
    if isinstance(row, Row):
        return row._mapping
    if isinstance(row, Mapping):
        return row
    return {name: getattr(row, name) for name in fields}


def to_interview(row: InterviewRow | Row[Any], panel: tuple[str, ...]) -> Interview:
    """From an ORM row or a plain result row of `INTERVIEW` (cheaper: no ORM object to build)."""
    r = _columns(row, INTERVIEW_FIELDS)
    assert r["id"] is not None
    return Interview(
        id=r["id"],
        candidate=r["candidate"],
        role=r["role"],
        stage=Stage(r["stage"]),
        interviewer_ids=panel,
        hiring_manager_id=r["hiring_manager_id"],
        recruiter_id=r["recruiter_id"],
        starts_at=utc(r["starts_at"]),
        length_minutes=r["length_minutes"],
        channel_id=r["channel_id"],
        notes=r["notes"],
        status=InterviewStatus(r["status"]),
        follow_up_at=utc_or_none(r["follow_up_at"]),
        decision=Decision(r["decision"]) if r["decision"] else None,
        decided_by=r["decided_by"],
        decided_at=utc_or_none(r["decided_at"]),
        deadline_at=utc(r["deadline_at"]),
        verdict=r["verdict"],
        cancelled_by=r["cancelled_by"],
        erased_at=utc_or_none(r["erased_at"]),
        erased_by=r["erased_by"],
    )


def to_debrief(row: DebriefRow | Row[Any] | Mapping[str, Any]) -> Debrief:
    """From an ORM row, a plain result row of `DEBRIEF`, or a mapping of its column names."""
    r = _columns(row, DEBRIEF_FIELDS)
    return Debrief(
        interview_id=r["interview_id"],
        interviewer_id=r["interviewer_id"],
        answers=DebriefAnswers(
            excitement=r["excitement"],
            excitement_evidence=r["excitement_evidence"],
            fit=r["fit"],
            fit_evidence=r["fit_evidence"],
            ability=r["ability"],
            ability_evidence=r["ability_evidence"],
            recommendation=Recommendation(r["recommendation"]),
            explore=frozenset(ExploreTopic(t) for t in r["explore"]),
            people_to_meet=tuple(r["people_to_meet"]),
            questions=r["questions"],
            deal_breaker=r["deal_breaker"],
            private_note=r["private_note"],
        ),
        submitted_at=utc(r["updated_at"]),
    )
