"""Deterministic builders for the values tests need; every field has a sensible default."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.models import DebriefAnswers, ExploreTopic, InterviewDraft, Recommendation, Stage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def draft(**overrides: object) -> InterviewDraft:
    values: dict[str, object] = {
        "candidate": "Ada Lovelace",
        "role": "Staff Engineer",
        "stage": Stage.ONSITE,
        "interviewer_ids": ("UANA", "UBO"),
        "hiring_manager_id": "UHM",
        "starts_at": T0,
        "length_minutes": 45,
        "channel_id": "CHIRING",
        "notes": "",
    }
    values.update(overrides)
    return InterviewDraft(**values)  # type: ignore[arg-type]


def answers(**overrides: object) -> DebriefAnswers:
    values: dict[str, object] = {
        "excitement": 3,
        "excitement_evidence": "Asked sharp questions about our roadmap.",
        "fit": 3,
        "fit_evidence": "Paired well with the team in the exercise.",
        "ability": 3,
        "ability_evidence": "Solved the design problem with clear trade-offs.",
        "recommendation": Recommendation.YES,
        "explore": frozenset({ExploreTopic.APPROACH}),
        "people_to_meet": (),
        "questions": "How would you split the monolith?",
        "deal_breaker": "",
        "private_note": "",
    }
    values.update(overrides)
    return DebriefAnswers(**values)  # type: ignore[arg-type]
