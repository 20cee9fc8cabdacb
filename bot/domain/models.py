"""What a hiring team talks about after an interview, as plain values.

Nothing here knows about Slack, the database or the clock. User ids are opaque strings
(Slack's `U…` ids in practice); datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum


class Stage(StrEnum):
    PHONE_SCREEN = "phone_screen"
    TECHNICAL = "technical"
    ONSITE = "onsite"
    FINAL = "final"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.PHONE_SCREEN: "Phone screen",
    Stage.TECHNICAL: "Technical",
    Stage.ONSITE: "Onsite",
    Stage.FINAL: "Final",
    Stage.OTHER: "Other",
}


class Area(StrEnum):
    """The three rated areas of a debrief."""

    EXCITEMENT = "excitement"
    FIT = "fit"
    ABILITY = "ability"

    @property
    def label(self) -> str:
        return {Area.EXCITEMENT: "Excitement", Area.FIT: "Fit", Area.ABILITY: "Ability"}[self]

    @property
    def levels(self) -> tuple[str, str, str, str]:
        """Labels of levels 1..4 for this area."""
        return AREA_LEVELS[self]


AREA_LEVELS: dict[Area, tuple[str, str, str, str]] = {
    Area.EXCITEMENT: ("Not evident", "Some interest", "Clearly interested", "Genuinely excited"),
    Area.FIT: ("Poor fit", "Some concerns", "Good fit", "Great fit"),
    Area.ABILITY: ("Not there", "Gaps", "Solid", "Exceptional"),
}

MIN_LEVEL = 1
MAX_LEVEL = 4


def level_label(area: Area, level: int) -> str:
    return AREA_LEVELS[area][level - 1]


class Recommendation(IntEnum):
    """Overall recommendation; the value is its score on the -2..+2 scale (no neutral)."""

    STRONG_NO = -2
    NO = -1
    YES = 1
    STRONG_YES = 2

    @property
    def label(self) -> str:
        return {-2: "Strong no", -1: "No", 1: "Yes", 2: "Strong yes"}[self.value]


class ExploreTopic(StrEnum):
    APPROACH = "approach"
    RELATIONSHIPS = "relationships"
    SKILL_DEPTH = "skill_depth"
    MOTIVATION = "motivation"
    WHO_TO_MEET = "who_to_meet"

    @property
    def label(self) -> str:
        return _TOPIC_LABELS[self]


_TOPIC_LABELS = {
    ExploreTopic.APPROACH: "How they approach tasks",
    ExploreTopic.RELATIONSHIPS: "How they build relationships",
    ExploreTopic.SKILL_DEPTH: "Depth in a skill",
    ExploreTopic.MOTIVATION: "Motivation for the role",
    ExploreTopic.WHO_TO_MEET: "Who else they should meet",
}


class Decision(StrEnum):
    """What the hiring manager decided; the bot only recommends."""

    ADVANCE = "advance"
    REJECT = "reject"
    HOLD = "hold"

    @property
    def label(self) -> str:
        return {"advance": "Advance", "reject": "Reject", "hold": "Hold"}[self.value]


ERASED = "[erased]"


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"  # before the prompt went out
    COLLECTING = "collecting"  # prompted, waiting for debriefs
    SUMMARISED = "summarised"  # summary posted (late debriefs still update it until decided)
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class InterviewDraft:
    """What a recruiter enters in the scheduling modal, before it is stored."""

    candidate: str
    role: str
    stage: Stage
    interviewer_ids: tuple[str, ...]
    hiring_manager_id: str
    starts_at: datetime
    length_minutes: int
    channel_id: str
    notes: str = ""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.length_minutes)


@dataclass(frozen=True)
class Interview:
    id: int
    candidate: str
    role: str
    stage: Stage
    interviewer_ids: tuple[str, ...]
    hiring_manager_id: str
    recruiter_id: str
    starts_at: datetime
    length_minutes: int
    channel_id: str
    notes: str = ""
    status: InterviewStatus = InterviewStatus.SCHEDULED
    follow_up_at: datetime | None = None
    decision: Decision | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    deadline_at: datetime | None = None
    verdict: str | None = None  # the posted summary's VerdictKind value, once there is one
    cancelled_by: str | None = None
    erased_at: datetime | None = None
    erased_by: str | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.length_minutes)

    @property
    def short_id(self) -> str:
        return f"#{self.id}"

    def on_panel(self, user_id: str) -> bool:
        return user_id in self.interviewer_ids


@dataclass(frozen=True)
class DebriefAnswers:
    """One interviewer's structured feedback, as entered in the debrief modal."""

    excitement: int
    excitement_evidence: str
    fit: int
    fit_evidence: str
    ability: int
    ability_evidence: str
    recommendation: Recommendation
    explore: frozenset[ExploreTopic] = field(default_factory=frozenset)
    people_to_meet: tuple[str, ...] = ()
    questions: str = ""
    deal_breaker: str = ""
    private_note: str = ""

    def level(self, area: Area) -> int:
        return {Area.EXCITEMENT: self.excitement, Area.FIT: self.fit, Area.ABILITY: self.ability}[area]

    def evidence(self, area: Area) -> str:
        return {
            Area.EXCITEMENT: self.excitement_evidence,
            Area.FIT: self.fit_evidence,
            Area.ABILITY: self.ability_evidence,
        }[area]

    @property
    def has_deal_breaker(self) -> bool:
        return bool(self.deal_breaker.strip())


@dataclass(frozen=True)
class Debrief:
    interview_id: int
    interviewer_id: str
    answers: DebriefAnswers
    submitted_at: datetime


@dataclass(frozen=True)
class PastPanel:
    """One earlier interview's recommendations, for calibrating interviewers."""

    interview_id: int
    recommendations: tuple[tuple[str, Recommendation], ...]  # (interviewer_id, recommendation)


@dataclass(frozen=True)
class AuditEntry:
    """One line of an interview's audit trail: who did (or was refused) what, and when. It names
    people by user id and actions by name only, so it outlives the erasure of the interview's data."""

    at: datetime
    actor: str  # a user id, or "retention" for the daily erasure pass
    action: str
    outcome: str  # "done" or "refused"
    detail: str = ""
