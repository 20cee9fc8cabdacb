"""The verdict rules: a panel's debriefs become Advance, Discuss, Decline or Incomplete, with reasons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.models import Area, Debrief, Interview, Recommendation, level_label
from bot.domain.summary_types import (
    AreaStats,
    DealBreaker,
    Disagreement,
    Flag,
    FlagKind,
    Policy,
    Reason,
    Rule,
    Verdict,
    VerdictKind,
    Veto,
)

# Fixed wording: a reason's text is followed by mentions of its user ids when rendered.
WAITING_FOR_FIRST = "Waiting for the first debrief from"
NO_DEBRIEFS = "No debriefs were submitted by"
VETO_STRONG_NO = "Veto: strong no from"
VETO_DEAL_BREAKER = "Veto: deal-breaker raised by"
SPLIT_YES = "Split panel — yes from"
SPLIT_NO = "Split panel — no from"
UNANIMOUS_YES = "Everyone who submitted recommends yes"
UNANIMOUS_NO = "Everyone who submitted recommends no"
STILL_WAITING = "Still waiting for a debrief from"
CLOSED_WITHOUT = "Closed without a debrief from"
FOLLOW_UP = "Candidate sent a follow-up note — a sign of interest"
SKILLS_NOT_SPARK = "Strong skills, unclear motivation"
SPARK_NOT_SKILLS = "Keen, but ability gaps to verify"

# Area levels run 1..4; these are the panel-average thresholds for the skills-vs-spark flags.
STRONG_LEVEL = 3  # "Solid" ability / "Clearly interested"
WEAK_LEVEL = 2  # "Gaps" / "Some interest"


def quorum_text(submitted: int, panel: int) -> str:
    """Wording of the quorum reason; the missing interviewers follow as mentions."""
    return f"Only {submitted} of {panel} debriefs came in — too few to decide. Missing:"


def panel_debriefs(interview: Interview, debriefs: Sequence[Debrief]) -> tuple[Debrief, ...]:
    """Each panel member's latest debrief for this interview, in panel order."""
    latest: dict[str, Debrief] = {}
    for debrief in debriefs:
        # Someone taken off the panel, or a stray debrief of another interview, must not sway
        # the verdict or count towards quorum.
        if debrief.interview_id != interview.id or not interview.on_panel(debrief.interviewer_id):
            continue
        kept = latest.get(debrief.interviewer_id)
        if kept is None or debrief.submitted_at >= kept.submitted_at:
            latest[debrief.interviewer_id] = debrief
    return tuple(latest[uid] for uid in dict.fromkeys(interview.interviewer_ids) if uid in latest)


def recommendation_tally(debriefs: Sequence[Debrief]) -> dict[Recommendation, int]:
    """How many debriefs gave each recommendation; every recommendation is a key, zero included."""
    tally = dict.fromkeys(Recommendation, 0)
    for debrief in debriefs:
        tally[debrief.answers.recommendation] += 1
    return tally


def mean_recommendation(debriefs: Sequence[Debrief]) -> float | None:
    """Mean score on the −2..+2 scale; None when nobody submitted (missing is never neutral)."""
    if not debriefs:
        return None
    return sum(d.answers.recommendation.value for d in debriefs) / len(debriefs)


def find_disagreement(area: Area, debriefs: Sequence[Debrief], policy: Policy) -> Disagreement | None:
    """Both ends of an area whose levels spread at least `policy.disagreement_levels`, else None."""
    if not debriefs:
        return None
    levels = [(d.interviewer_id, d.answers.level(area)) for d in debriefs]
    high = max(level for _, level in levels)
    low = min(level for _, level in levels)
    # A spread of zero is never a disagreement, whatever the policy says.
    if high - low < max(1, policy.disagreement_levels):
        return None
    return Disagreement(
        area=area,
        high_level=high,
        high_ids=tuple(uid for uid, level in levels if level == high),
        low_level=low,
        low_ids=tuple(uid for uid, level in levels if level == low),
    )


def area_stats(debriefs: Sequence[Debrief], policy: Policy) -> tuple[AreaStats, ...]:
    """Count, mean, low and high per area (Excitement, Fit, Ability), with any disagreement."""
    stats = []
    for area in Area:
        levels = [d.answers.level(area) for d in debriefs]
        stats.append(
            AreaStats(
                area=area,
                count=len(levels),
                mean=sum(levels) / len(levels) if levels else None,
                low=min(levels) if levels else None,
                high=max(levels) if levels else None,
                disagreement=find_disagreement(area, debriefs, policy),
            )
        )
    return tuple(stats)


def deal_breakers(debriefs: Sequence[Debrief]) -> tuple[DealBreaker, ...]:
    """Every deal-breaker raised, in the order given (panel order for `panel_debriefs`)."""
    return tuple(
        DealBreaker(interviewer_id=d.interviewer_id, text=d.answers.deal_breaker.strip())
        for d in debriefs
        if d.answers.has_deal_breaker
    )


def skills_vs_spark(debriefs: Sequence[Debrief]) -> tuple[Flag, ...]:
    """Skills-without-spark or spark-without-skills flags, judged on the panel's mean levels."""
    if not debriefs:
        return ()
    n = len(debriefs)
    # Sums against n × threshold: the same as comparing unrounded means, without float edges.
    # Unrounded means are the conservative choice: a 2.5 panel (split between two levels) is
    # not flagged either way.
    ability = sum(d.answers.ability for d in debriefs)
    excitement = sum(d.answers.excitement for d in debriefs)
    flags = []
    if ability >= STRONG_LEVEL * n and excitement <= WEAK_LEVEL * n:
        # Named: those who saw the missing spark, the people to ask about it.
        ids = tuple(d.interviewer_id for d in debriefs if d.answers.excitement <= WEAK_LEVEL)
        flags.append(Flag(FlagKind.SKILLS_NOT_SPARK, SKILLS_NOT_SPARK, ids))
    if excitement >= STRONG_LEVEL * n and ability <= WEAK_LEVEL * n:
        ids = tuple(d.interviewer_id for d in debriefs if d.answers.ability <= WEAK_LEVEL)
        flags.append(Flag(FlagKind.SPARK_NOT_SKILLS, SPARK_NOT_SKILLS, ids))
    return tuple(flags)


def _decisive(debriefs: Sequence[Debrief], policy: Policy) -> tuple[VerdictKind, list[Reason]]:
    """The verdict on the debriefs that are in, with vetoes first."""
    recs = [(d.interviewer_id, d.answers.recommendation) for d in debriefs]
    yes_ids = tuple(uid for uid, rec in recs if rec > 0)
    no_ids = tuple(uid for uid, rec in recs if rec < 0)
    reasons = []
    if Veto.STRONG_NO in policy.vetoes:
        strong_no = tuple(uid for uid, rec in recs if rec == Recommendation.STRONG_NO)
        if strong_no:
            reasons.append(Reason(Rule.VETO_STRONG_NO, VETO_STRONG_NO, strong_no))
    if Veto.DEAL_BREAKER in policy.vetoes:
        raised = tuple(d.interviewer_id for d in debriefs if d.answers.has_deal_breaker)
        if raised:
            reasons.append(Reason(Rule.VETO_DEAL_BREAKER, VETO_DEAL_BREAKER, raised))
    vetoed = bool(reasons)
    if yes_ids and no_ids:
        reasons.append(Reason(Rule.SPLIT, SPLIT_YES, yes_ids))
        reasons.append(Reason(Rule.SPLIT, SPLIT_NO, no_ids))
        return VerdictKind.DISCUSS, reasons
    if no_ids:
        # A veto never upgrades a decline.
        reasons.append(Reason(Rule.UNANIMOUS_NO, UNANIMOUS_NO, no_ids))
        return VerdictKind.DECLINE, reasons
    reasons.append(Reason(Rule.UNANIMOUS_YES, UNANIMOUS_YES, yes_ids))
    mean = mean_recommendation(debriefs)
    advance = mean is not None and mean >= Recommendation.YES.value and not vetoed
    return (VerdictKind.ADVANCE if advance else VerdictKind.DISCUSS), reasons


def decide(
    interview: Interview,
    debriefs: Sequence[Debrief],
    *,
    final: bool,
    policy: Policy,
) -> Verdict:
    """The verdict and its ordered reasons: decisive ones, then disagreements, missing, follow-up."""
    debriefs = panel_debriefs(interview, debriefs)
    submitted = {d.interviewer_id for d in debriefs}
    panel = tuple(dict.fromkeys(interview.interviewer_ids))
    missing = tuple(uid for uid in panel if uid not in submitted)
    reasons: list[Reason] = []
    if not debriefs:
        text = NO_DEBRIEFS if final else WAITING_FOR_FIRST
        kind = VerdictKind.INCOMPLETE
        reasons.append(Reason(Rule.NO_DEBRIEFS, text, panel))
    elif final and len(debriefs) / len(panel) < policy.quorum:
        # Share against share: exactly the quorum (e.g. 2 of 4 at 0.5) is enough.
        kind = VerdictKind.INCOMPLETE
        reasons.append(Reason(Rule.QUORUM, quorum_text(len(debriefs), len(panel)), missing))
    else:
        kind, decisive = _decisive(debriefs, policy)
        reasons.extend(decisive)
    for area in Area:
        disagreement = find_disagreement(area, debriefs, policy)
        if disagreement is not None:
            reasons.append(
                Reason(
                    Rule.DISAGREEMENT,
                    f"{area.label}: {level_label(area, disagreement.high_level)}"
                    f" vs {level_label(area, disagreement.low_level)}",
                    disagreement.high_ids + disagreement.low_ids,
                )
            )
    # The no-debriefs and quorum reasons already name everyone missing.
    if missing and kind is not VerdictKind.INCOMPLETE:
        reasons.append(Reason(Rule.MISSING, CLOSED_WITHOUT if final else STILL_WAITING, missing))
    if interview.follow_up_at is not None:
        reasons.append(Reason(Rule.FOLLOW_UP, FOLLOW_UP))
    return Verdict(kind=kind, reasons=tuple(reasons))
