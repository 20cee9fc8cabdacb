"""Deterministic builders for the views' tests: interviews, answers, debriefs and whole summaries.

Summaries are built directly (not through `summarise`) so each test states exactly what it renders.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import (
    Area,
    Debrief,
    DebriefAnswers,
    ExploreTopic,
    Interview,
    InterviewStatus,
    Recommendation,
    Stage,
)
from bot.domain.summary_types import (
    Agenda,
    AgendaItem,
    AgendaKind,
    AreaStats,
    CalibrationHint,
    DealBreaker,
    Disagreement,
    Flag,
    FlagKind,
    Reason,
    Rule,
    Summary,
    Verdict,
    VerdictKind,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PANEL = ("UANA", "UBO", "UCY")
EVIL = "<!channel> & *bold* <@U999>"
EVIL_ESCAPED = "&lt;!channel&gt; &amp; *bold* &lt;@U999&gt;"


def panel(n: int) -> tuple[str, ...]:
    return tuple(f"U{i:03d}" for i in range(1, n + 1))


def interview(**overrides: object) -> Interview:
    values: dict[str, object] = {
        "id": 12,
        "candidate": "Ada Lovelace",
        "role": "Staff Engineer",
        "stage": Stage.TECHNICAL,
        "interviewer_ids": PANEL,
        "hiring_manager_id": "UHM",
        "recruiter_id": "UREC",
        "starts_at": T0,
        "length_minutes": 45,
        "channel_id": "CHIRING",
        "notes": "",
        "status": InterviewStatus.SCHEDULED,
    }
    values.update(overrides)
    return Interview(**values)  # type: ignore[arg-type]


def answers(**overrides: object) -> DebriefAnswers:
    values: dict[str, object] = {
        "excitement": 3,
        "excitement_evidence": "Asked sharp questions about our roadmap.",
        "fit": 3,
        "fit_evidence": "Paired well with the team in the exercise.",
        "ability": 3,
        "ability_evidence": "Solved the design problem with clear trade-offs.",
        "recommendation": Recommendation.YES,
        "explore": frozenset(),
        "people_to_meet": (),
        "questions": "",
        "deal_breaker": "",
        "private_note": "",
    }
    values.update(overrides)
    return DebriefAnswers(**values)  # type: ignore[arg-type]


def full_answers(text: str = "Specific evidence & <details> here.") -> DebriefAnswers:
    """Every field filled, texts with characters that need escaping and several lines."""
    return answers(
        excitement=4,
        excitement_evidence=f"{text}\nSecond line.",
        fit=2,
        fit_evidence=f"Fit: {text}",
        ability=1,
        ability_evidence=f"Ability: {text}",
        recommendation=Recommendation.STRONG_NO,
        explore=frozenset(ExploreTopic),
        people_to_meet=("UPAT", "UQUIN"),
        questions="How would you split the monolith?\nWhat about on-call?",
        deal_breaker="Dismissive of <junior> colleagues & support staff.",
        private_note="PRIVATE-NOTE-MARKER: family situation, keep it quiet.",
    )


def debrief(
    interviewer_id: str,
    debrief_answers: DebriefAnswers | None = None,
    *,
    interview_id: int = 12,
    submitted_at: datetime = T0 + timedelta(hours=2),
) -> Debrief:
    return Debrief(
        interview_id=interview_id,
        interviewer_id=interviewer_id,
        answers=debrief_answers or answers(),
        submitted_at=submitted_at,
    )


def area_stats(
    area: Area,
    levels: tuple[int, ...],
    *,
    disagreement: Disagreement | None = None,
) -> AreaStats:
    return AreaStats(
        area=area,
        count=len(levels),
        mean=sum(levels) / len(levels) if levels else None,
        low=min(levels) if levels else None,
        high=max(levels) if levels else None,
        disagreement=disagreement,
    )


def tally(**counts: int) -> dict[Recommendation, int]:
    result = dict.fromkeys(Recommendation, 0)
    for name, count in counts.items():
        result[Recommendation[name.upper()]] = count
    return result


def summary(**overrides: object) -> Summary:
    """A typical Discuss summary of a three-person panel with one debrief still missing."""
    iv = overrides.pop("interview", None) or interview()
    assert isinstance(iv, Interview)
    fit_split = Disagreement(area=Area.FIT, high_level=4, high_ids=("UANA",), low_level=2, low_ids=("UBO",))
    values: dict[str, object] = {
        "interview": iv,
        "verdict": Verdict(
            kind=VerdictKind.DISCUSS,
            reasons=(
                Reason(Rule.VETO_DEAL_BREAKER, "Veto: deal-breaker raised by", ("UBO",)),
                Reason(Rule.DISAGREEMENT, "Fit: Great fit vs Some concerns", ("UANA", "UBO")),
                Reason(Rule.MISSING, "Still waiting for a debrief from", ("UCY",)),
            ),
        ),
        "areas": (
            area_stats(Area.EXCITEMENT, (3, 4)),
            area_stats(Area.FIT, (4, 2), disagreement=fit_split),
            area_stats(Area.ABILITY, (3, 3)),
        ),
        "tally": tally(strong_yes=1, yes=1),
        "mean_recommendation": 1.5,
        "deal_breakers": (DealBreaker("UBO", "Dismissive of <junior> colleagues & support staff."),),
        "flags": (Flag(FlagKind.SKILLS_NOT_SPARK, "Strong skills, unclear motivation", ("UBO",)),),
        "agenda": Agenda(
            total_minutes=60,
            items=(
                AgendaItem(
                    kind=AgendaKind.DISAGREEMENT,
                    title="Settle Fit: Great fit vs Some concerns",
                    minutes=20,
                    raised_by=("UANA", "UBO"),
                    questions=("Tell us about a disagreement with a teammate.",),
                ),
                AgendaItem(
                    kind=AgendaKind.TOPIC,
                    title="Depth in a skill",
                    minutes=15,
                    votes=2,
                    raised_by=("UANA", "UBO"),
                    questions=("How would you shard <this> table?", "What breaks first & why?"),
                    topic=ExploreTopic.SKILL_DEPTH,
                ),
                AgendaItem(
                    kind=AgendaKind.MEET,
                    title="Who else they should meet",
                    minutes=5,
                    votes=1,
                    raised_by=("UANA",),
                    people=("UPAT",),
                    topic=ExploreTopic.WHO_TO_MEET,
                ),
            ),
        ),
        "submitted": ("UANA", "UBO"),
        "missing": ("UCY",),
        "calibration": (CalibrationHint("UANA", "usually rates higher than their panels", 1.6, 0.4, 7),),
        "follow_up_received": False,
        "final": False,
        "debriefs": (
            debrief("UANA", full_answers()),
            debrief("UBO", answers(private_note="PRIVATE-NOTE-MARKER")),
        ),
    }
    values.update(overrides)
    return Summary(**values)  # type: ignore[arg-type]
