"""The verdict a hiring manager sees, and the reasons given for it, rule by rule."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.models import Debrief, Recommendation
from bot.domain.summary import summarise
from bot.domain.summary_types import Policy, Reason, Rule, VerdictKind, Veto
from tests.domain.builders import (
    NO,
    PANEL,
    STRONG_NO,
    STRONG_YES,
    YES,
    make_debrief,
    make_interview,
)

ANA, BEN, CHO = PANEL
DAN = "U_DAN"
FOUR = (ANA, BEN, CHO, DAN)

ADVANCE, DISCUSS, DECLINE, INCOMPLETE = (
    VerdictKind.ADVANCE,
    VerdictKind.DISCUSS,
    VerdictKind.DECLINE,
    VerdictKind.INCOMPLETE,
)


def d(uid: str, rec: Recommendation = YES, **answers: Any) -> Debrief:
    return make_debrief(uid, rec, **answers)


CASES = [
    pytest.param(
        PANEL,
        [],
        False,
        Policy(),
        INCOMPLETE,
        [(Rule.NO_DEBRIEFS, "Waiting for the first debrief from", PANEL)],
        id="nothing-in-yet-waits",
    ),
    pytest.param(
        PANEL,
        [],
        True,
        Policy(),
        INCOMPLETE,
        [(Rule.NO_DEBRIEFS, "No debriefs were submitted by", PANEL)],
        id="closed-with-nothing-in",
    ),
    pytest.param(
        PANEL,
        [d(ANA, STRONG_YES)],
        True,
        Policy(),
        INCOMPLETE,
        [(Rule.QUORUM, "Only 1 of 3 debriefs came in — too few to decide. Missing:", (BEN, CHO))],
        id="closed-below-quorum-names-missing",
    ),
    pytest.param(
        FOUR,
        [d(ANA), d(CHO)],
        True,
        Policy(),
        ADVANCE,
        [
            (Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", (ANA, CHO)),
            (Rule.MISSING, "Closed without a debrief from", (BEN, DAN)),
        ],
        id="exactly-half-is-quorum",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN)],
        True,
        Policy(quorum=0.75),
        INCOMPLETE,
        [(Rule.QUORUM, "Only 2 of 3 debriefs came in — too few to decide. Missing:", (CHO,))],
        id="stricter-quorum-from-policy",
    ),
    pytest.param(
        PANEL,
        [d(BEN)],
        False,
        Policy(),
        ADVANCE,
        [
            (Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", (BEN,)),
            (Rule.MISSING, "Still waiting for a debrief from", (ANA, CHO)),
        ],
        id="early-verdict-names-who-we-wait-for",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN, STRONG_YES), d(CHO)],
        True,
        Policy(),
        ADVANCE,
        [(Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", PANEL)],
        id="all-yes-advances",
    ),
    pytest.param(
        PANEL,
        [d(ANA, NO), d(BEN, NO), d(CHO, NO)],
        True,
        Policy(),
        DECLINE,
        [(Rule.UNANIMOUS_NO, "Everyone who submitted recommends no", PANEL)],
        id="all-no-declines",
    ),
    pytest.param(
        PANEL,
        [d(ANA, STRONG_YES), d(BEN, NO), d(CHO)],
        True,
        Policy(),
        DISCUSS,
        [
            (Rule.SPLIT, "Split panel — yes from", (ANA, CHO)),
            (Rule.SPLIT, "Split panel — no from", (BEN,)),
        ],
        id="split-discusses-naming-both-sides",
    ),
    pytest.param(
        PANEL,
        [d(ANA, STRONG_YES), d(BEN, STRONG_NO), d(CHO, STRONG_YES)],
        True,
        Policy(),
        DISCUSS,
        [
            (Rule.VETO_STRONG_NO, "Veto: strong no from", (BEN,)),
            (Rule.SPLIT, "Split panel — yes from", (ANA, CHO)),
            (Rule.SPLIT, "Split panel — no from", (BEN,)),
        ],
        id="strong-no-vetoes-and-comes-first",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN), d(CHO, STRONG_YES, deal_breaker="Wants to work fully remote.")],
        True,
        Policy(),
        DISCUSS,
        [
            (Rule.VETO_DEAL_BREAKER, "Veto: deal-breaker raised by", (CHO,)),
            (Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", PANEL),
        ],
        id="deal-breaker-stops-a-unanimous-yes",
    ),
    pytest.param(
        PANEL,
        [d(ANA, NO, deal_breaker="Salary gap."), d(BEN, STRONG_NO), d(CHO, NO)],
        True,
        Policy(),
        DECLINE,
        [
            (Rule.VETO_STRONG_NO, "Veto: strong no from", (BEN,)),
            (Rule.VETO_DEAL_BREAKER, "Veto: deal-breaker raised by", (ANA,)),
            (Rule.UNANIMOUS_NO, "Everyone who submitted recommends no", PANEL),
        ],
        id="veto-never-upgrades-a-decline",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN, deal_breaker="   "), d(CHO)],
        True,
        Policy(),
        ADVANCE,
        [(Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", PANEL)],
        id="blank-deal-breaker-is-none",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN, STRONG_NO), d(CHO, deal_breaker="Salary gap.")],
        True,
        Policy(vetoes=frozenset()),
        DISCUSS,
        [
            (Rule.SPLIT, "Split panel — yes from", (ANA, CHO)),
            (Rule.SPLIT, "Split panel — no from", (BEN,)),
        ],
        id="vetoes-switched-off",
    ),
    pytest.param(
        PANEL,
        [d(ANA), d(BEN), d(CHO, deal_breaker="Salary gap.")],
        True,
        Policy(vetoes=frozenset({Veto.STRONG_NO})),
        ADVANCE,
        [(Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", PANEL)],
        id="deal-breaker-veto-switched-off",
    ),
    pytest.param(
        PANEL,
        [d(ANA, fit=4), d(BEN, fit=2), d(CHO, fit=4, ability=1), d(ANA, fit=4, minutes_after=5)],
        False,
        Policy(),
        ADVANCE,
        [
            (Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", PANEL),
            (Rule.DISAGREEMENT, "Fit: Great fit vs Some concerns", (ANA, CHO, BEN)),
            (Rule.DISAGREEMENT, "Ability: Solid vs Not there", (ANA, BEN, CHO)),
        ],
        id="disagreements-follow-the-decision",
    ),
    pytest.param(
        PANEL,
        [d(ANA, fit=4), d(BEN, fit=3)],
        False,
        Policy(),
        ADVANCE,
        [
            (Rule.UNANIMOUS_YES, "Everyone who submitted recommends yes", (ANA, BEN)),
            (Rule.MISSING, "Still waiting for a debrief from", (CHO,)),
        ],
        id="one-level-apart-is-not-a-disagreement",
    ),
]


@pytest.mark.parametrize(("panel", "debriefs", "final", "policy", "kind", "reasons"), CASES)
def test_verdict_rules(
    panel: tuple[str, ...],
    debriefs: list[Debrief],
    final: bool,
    policy: Policy,
    kind: VerdictKind,
    reasons: list[tuple[Rule, str, tuple[str, ...]]],
) -> None:
    verdict = summarise(make_interview(panel), debriefs, final=final, policy=policy).verdict
    assert verdict.kind is kind
    assert [(r.rule, r.text, r.user_ids) for r in verdict.reasons] == reasons


def test_follow_up_note_is_the_last_reason_and_flagged_on_the_summary() -> None:
    summary = summarise(make_interview(follow_up=True), [d(ANA), d(BEN, NO)], final=False)
    assert summary.verdict.reasons[-1] == Reason(
        Rule.FOLLOW_UP, "Candidate sent a follow-up note — a sign of interest"
    )
    assert summary.follow_up_received
    assert not summarise(make_interview(), [d(ANA)], final=False).follow_up_received


def test_follow_up_is_mentioned_even_before_any_debrief() -> None:
    verdict = summarise(make_interview(follow_up=True), [], final=False).verdict
    assert [r.rule for r in verdict.reasons] == [Rule.NO_DEBRIEFS, Rule.FOLLOW_UP]


def test_missing_interviewer_is_not_counted_as_neutral() -> None:
    # One yes with two silent interviewers is still a yes, not a lukewarm average.
    summary = summarise(make_interview(), [d(ANA)], final=False)
    assert summary.mean_recommendation == 1.0
    assert summary.missing == (BEN, CHO)


def test_only_the_latest_debrief_of_each_panel_member_counts() -> None:
    changed_mind = [d(BEN, YES, minutes_after=10), d(ANA), d(BEN, NO, minutes_after=90)]
    summary = summarise(make_interview(), changed_mind, final=False)
    assert summary.verdict.kind is DISCUSS
    assert [deb.interviewer_id for deb in summary.debriefs] == [ANA, BEN]
    assert summary.tally[NO] == 1


def test_debriefs_from_outside_the_panel_or_another_interview_are_ignored() -> None:
    stray = [d("U_STRANGER", STRONG_NO), make_debrief(ANA, STRONG_NO, interview_id=99), d(ANA), d(BEN)]
    summary = summarise(make_interview(), stray, final=True)
    assert summary.verdict.kind is ADVANCE
    assert summary.submitted == (ANA, BEN)


def test_reason_texts_never_carry_what_interviewers_typed() -> None:
    typed = "Said our CTO is <@U_CTO> & rude"
    debriefs = [d(ANA, deal_breaker=typed, questions=typed + "?"), d(BEN, STRONG_NO, fit=1), d(CHO, fit=4)]
    verdict = summarise(make_interview(follow_up=True), debriefs, final=False).verdict
    assert all(typed not in r.text and "<@" not in r.text for r in verdict.reasons)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"quorum": 1.5}, "quorum", id="quorum-over-one"),
        pytest.param({"next_stage_minutes": 0}, "minute", id="no-time-for-next-stage"),
        pytest.param({"calibration_min_debriefs": 0}, "earlier debrief", id="calibrate-on-nothing"),
        pytest.param({"calibration_gap": 0}, "gap", id="zero-gap"),
        pytest.param({"disagreement_levels": 0}, "level", id="zero-spread"),
    ],
)
def test_policy_refuses_nonsense(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Policy(**kwargs)  # type: ignore[arg-type]
