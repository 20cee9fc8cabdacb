"""Rows to domain values and back; every datetime we store is UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, Table, select

from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    Decision,
    ExploreTopic,
    Interview,
    InterviewStatus,
    Recommendation,
    Stage,
)
from storage.tables import DebriefRow, InterviewRow, OutboxRow, PanelistRow

INTERVIEW: Table = InterviewRow.__table__  # type: ignore[attr-defined]
DEBRIEF: Table = DebriefRow.__table__  # type: ignore[attr-defined]
PANELIST: Table = PanelistRow.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxRow.__table__  # type: ignore[attr-defined]


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


def to_interview(row: InterviewRow | Row[Any], panel: tuple[str, ...]) -> Interview:
    """From an ORM row or a plain result row of `INTERVIEW` (cheaper: no ORM object to build)."""
    assert row.id is not None
    return Interview(
        id=row.id,
        candidate=row.candidate,
        role=row.role,
        stage=Stage(row.stage),
        interviewer_ids=panel,
        hiring_manager_id=row.hiring_manager_id,
        recruiter_id=row.recruiter_id,
        starts_at=utc(row.starts_at),
        length_minutes=row.length_minutes,
        channel_id=row.channel_id,
        notes=row.notes,
        status=InterviewStatus(row.status),
        follow_up_at=utc_or_none(row.follow_up_at),
        decision=Decision(row.decision) if row.decision else None,
        decided_by=row.decided_by,
        decided_at=utc_or_none(row.decided_at),
        deadline_at=utc(row.deadline_at),
        verdict=row.verdict,
        cancelled_by=row.cancelled_by,
        erased_at=utc_or_none(row.erased_at),
        erased_by=row.erased_by,
    )


def to_debrief(row: DebriefRow | Row[Any]) -> Debrief:
    return Debrief(
        interview_id=row.interview_id,
        interviewer_id=row.interviewer_id,
        answers=DebriefAnswers(
            excitement=row.excitement,
            excitement_evidence=row.excitement_evidence,
            fit=row.fit,
            fit_evidence=row.fit_evidence,
            ability=row.ability,
            ability_evidence=row.ability_evidence,
            recommendation=Recommendation(row.recommendation),
            explore=frozenset(ExploreTopic(t) for t in row.explore),
            people_to_meet=tuple(row.people_to_meet),
            questions=row.questions,
            deal_breaker=row.deal_breaker,
            private_note=row.private_note,
        ),
        submitted_at=utc(row.updated_at),
    )
