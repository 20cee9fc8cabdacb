"""Deterministic builders for domain tests: sensible defaults, override only what a test is about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    ExploreTopic,
    Interview,
    InterviewStatus,
    PastPanel,
    Recommendation,
    Stage,
)

STARTS_AT = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
INTERVIEW_ID = 7
PANEL = ("U_ANA", "U_BEN", "U_CHO")

YES = Recommendation.YES
NO = Recommendation.NO
STRONG_YES = Recommendation.STRONG_YES
STRONG_NO = Recommendation.STRONG_NO


def make_interview(
    panel: Sequence[str] = PANEL,
    *,
    interview_id: int = INTERVIEW_ID,
    follow_up: bool = False,
    status: InterviewStatus = InterviewStatus.COLLECTING,
) -> Interview:
    """An onsite interview with Jamie Rivera for a backend role."""
    return Interview(
        id=interview_id,
        candidate="Jamie Rivera",
        role="Backend engineer",
        stage=Stage.ONSITE,
        interviewer_ids=tuple(panel),
        hiring_manager_id="U_HM",
        recruiter_id="U_REC",
        starts_at=STARTS_AT,
        length_minutes=60,
        channel_id="C_HIRING",
        status=status,
        follow_up_at=STARTS_AT + timedelta(hours=20) if follow_up else None,
    )


def make_answers(
    recommendation: Recommendation = YES,
    *,
    excitement: int = 3,
    fit: int = 3,
    ability: int = 3,
    explore: Iterable[ExploreTopic] = (),
    people_to_meet: Sequence[str] = (),
    questions: str = "",
    deal_breaker: str = "",
) -> DebriefAnswers:
    """A complete debrief: 'Clearly interested', 'Good fit', 'Solid' unless told otherwise."""
    return DebriefAnswers(
        excitement=excitement,
        excitement_evidence="Asked sharp questions about our roadmap.",
        fit=fit,
        fit_evidence="Worked through disagreements calmly with me.",
        ability=ability,
        ability_evidence="Designed a sensible queue with clear trade-offs.",
        recommendation=recommendation,
        explore=frozenset(explore),
        people_to_meet=tuple(people_to_meet),
        questions=questions,
        deal_breaker=deal_breaker,
    )


def make_debrief(
    interviewer_id: str,
    recommendation: Recommendation = YES,
    *,
    interview_id: int = INTERVIEW_ID,
    minutes_after: int = 30,
    **answers: Any,
) -> Debrief:
    """One interviewer's debrief, submitted `minutes_after` the interview started."""
    return Debrief(
        interview_id=interview_id,
        interviewer_id=interviewer_id,
        answers=make_answers(recommendation, **answers),
        submitted_at=STARTS_AT + timedelta(minutes=minutes_after),
    )


def make_debriefs(recommendations: dict[str, Recommendation]) -> tuple[Debrief, ...]:
    """Plain debriefs giving each interviewer's recommendation, in the order given."""
    return tuple(
        make_debrief(uid, rec, minutes_after=30 + i) for i, (uid, rec) in enumerate(recommendations.items())
    )


def past_panel(interview_id: int, **recommendations: Recommendation) -> PastPanel:
    """An earlier interview's recommendations, keyed by interviewer id."""
    return PastPanel(interview_id=interview_id, recommendations=tuple(recommendations.items()))
