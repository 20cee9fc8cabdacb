"""The shape of a debrief summary: verdict with its reasons, score spreads, and the next-stage agenda.

Plain data, built by `bot.domain.summary.summarise` (with `verdict`, `agenda` and `calibration`,
which all read these types and none of each other's) and rendered by `bot.views`. Texts here never
contain user-entered content except where a field says so (evidence, questions, deal-breakers): the
views escape every string they render and build mentions from user ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.models import Area, Debrief, ExploreTopic, Interview, Recommendation


class VerdictKind(StrEnum):
    ADVANCE = "advance"
    DISCUSS = "discuss"
    DECLINE = "decline"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Rule(StrEnum):
    """Which rule produced a reason; tests and renderers key on this."""

    NO_DEBRIEFS = "no_debriefs"
    QUORUM = "quorum"
    VETO_STRONG_NO = "veto_strong_no"
    VETO_DEAL_BREAKER = "veto_deal_breaker"
    SPLIT = "split"
    UNANIMOUS_YES = "unanimous_yes"
    UNANIMOUS_NO = "unanimous_no"
    DISAGREEMENT = "disagreement"
    MISSING = "missing"
    FOLLOW_UP = "follow_up"


class Veto(StrEnum):
    STRONG_NO = "strong_no"
    DEAL_BREAKER = "deal_breaker"


@dataclass(frozen=True)
class Policy:
    """Tunable verdict policy (from settings); defaults are the product's."""

    vetoes: frozenset[Veto] = frozenset({Veto.STRONG_NO, Veto.DEAL_BREAKER})
    quorum: float = 0.5  # at the deadline, fewer than this share of the panel submitted -> Incomplete
    next_stage_minutes: int = 60
    calibration_min_debriefs: int = 5
    calibration_gap: float = 0.75
    disagreement_levels: int = 2

    def __post_init__(self) -> None:
        # Settings build a Policy at startup: a nonsensical value fails there, not mid-summary.
        if not 0 <= self.quorum <= 1:
            raise ValueError("quorum is a share of the panel, between 0 and 1")
        if self.next_stage_minutes < 1:
            raise ValueError("the next stage needs at least 1 minute")
        if self.calibration_min_debriefs < 1:
            raise ValueError("calibration needs at least 1 earlier debrief")
        if self.calibration_gap <= 0:
            raise ValueError("the calibration gap must be positive")
        if self.disagreement_levels < 1:
            raise ValueError("a disagreement spans at least 1 level")


@dataclass(frozen=True)
class Reason:
    """Why the verdict is what it is. `text` is fixed wording; `user_ids` are rendered as mentions."""

    rule: Rule
    text: str
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Disagreement:
    """A spread of `Policy.disagreement_levels` or more in one area, naming both ends."""

    area: Area
    high_level: int
    high_ids: tuple[str, ...]
    low_level: int
    low_ids: tuple[str, ...]


@dataclass(frozen=True)
class AreaStats:
    area: Area
    count: int
    mean: float | None  # None when nobody submitted
    low: int | None
    high: int | None
    disagreement: Disagreement | None = None


class FlagKind(StrEnum):
    SKILLS_NOT_SPARK = "skills_not_spark"  # strong skills, unclear motivation
    SPARK_NOT_SKILLS = "spark_not_skills"  # keen, but ability gaps to verify


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    text: str
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DealBreaker:
    interviewer_id: str
    text: str  # user-entered


class AgendaKind(StrEnum):
    DISAGREEMENT = "disagreement"
    DEAL_BREAKER = "deal_breaker"
    TOPIC = "topic"
    MEET = "meet"
    FLAG = "flag"


@dataclass(frozen=True)
class AgendaItem:
    kind: AgendaKind
    title: str  # fixed wording (may include a topic or area label)
    minutes: int
    votes: int = 0  # how many interviewers asked for it
    raised_by: tuple[str, ...] = ()  # user ids
    people: tuple[str, ...] = ()  # user ids to meet (MEET items)
    questions: tuple[str, ...] = ()  # bank questions and interviewers' own (user-entered), de-duplicated
    topic: ExploreTopic | None = None


@dataclass(frozen=True)
class Agenda:
    total_minutes: int
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class CalibrationHint:
    interviewer_id: str
    text: str  # e.g. "usually rates higher than their panels"
    own_mean: float
    panel_mean: float
    debriefs: int


@dataclass(frozen=True)
class Summary:
    interview: Interview
    verdict: Verdict
    areas: tuple[AreaStats, ...]  # Excitement, Fit, Ability in that order
    tally: Mapping[Recommendation, int]  # every Recommendation present, zero included
    mean_recommendation: float | None
    deal_breakers: tuple[DealBreaker, ...]
    flags: tuple[Flag, ...]
    agenda: Agenda
    submitted: tuple[str, ...]  # interviewer ids, panel order
    missing: tuple[str, ...]  # interviewer ids, panel order
    calibration: tuple[CalibrationHint, ...] = ()
    follow_up_received: bool = False
    final: bool = False  # the deadline passed or the recruiter closed it
    debriefs: tuple[Debrief, ...] = field(default=(), repr=False)
