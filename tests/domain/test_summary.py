"""What the summary shows besides the verdict: score spreads, tally, flags, deal-breakers."""

from __future__ import annotations

import pytest

from bot.domain.models import Area, Recommendation
from bot.domain.summary import summarise
from bot.domain.summary_types import AreaStats, DealBreaker, Disagreement, Flag, FlagKind, Policy
from tests.domain.builders import NO, PANEL, STRONG_NO, STRONG_YES, YES, make_debrief, make_interview

ANA, BEN, CHO = PANEL


def test_area_stats_over_submitted_debriefs() -> None:
    debriefs = [
        make_debrief(ANA, excitement=4, fit=3, ability=2),
        make_debrief(BEN, excitement=2, fit=3, ability=3),
    ]
    areas = summarise(make_interview(), debriefs, final=False).areas
    assert areas == (
        AreaStats(
            Area.EXCITEMENT,
            count=2,
            mean=3.0,
            low=2,
            high=4,
            disagreement=Disagreement(Area.EXCITEMENT, 4, (ANA,), 2, (BEN,)),
        ),
        AreaStats(Area.FIT, count=2, mean=3.0, low=3, high=3),
        AreaStats(Area.ABILITY, count=2, mean=2.5, low=2, high=3),
    )


def test_area_stats_are_empty_not_zero_when_nobody_submitted() -> None:
    summary = summarise(make_interview(), [], final=False)
    assert [(a.area, a.count, a.mean, a.low, a.high) for a in summary.areas] == [
        (Area.EXCITEMENT, 0, None, None, None),
        (Area.FIT, 0, None, None, None),
        (Area.ABILITY, 0, None, None, None),
    ]
    assert summary.mean_recommendation is None
    assert summary.tally == dict.fromkeys(Recommendation, 0)


def test_disagreement_names_everyone_at_each_end_in_panel_order() -> None:
    debriefs = [make_debrief(CHO, ability=1), make_debrief(BEN, ability=4), make_debrief(ANA, ability=1)]
    ability = summarise(make_interview(), debriefs, final=True).areas[2]
    assert ability.disagreement == Disagreement(Area.ABILITY, 4, (BEN,), 1, (ANA, CHO))


@pytest.mark.parametrize(
    ("levels", "policy", "disagrees"),
    [
        pytest.param((4, 2), Policy(), True, id="two-levels-apart"),
        pytest.param((4, 3), Policy(), False, id="one-level-apart"),
        pytest.param((4, 2), Policy(disagreement_levels=3), False, id="policy-wants-three"),
        pytest.param((4, 1), Policy(disagreement_levels=3), True, id="three-levels-apart"),
        pytest.param((3, 3), Policy(disagreement_levels=1), False, id="agreement-is-never-disagreement"),
    ],
)
def test_disagreement_threshold(levels: tuple[int, int], policy: Policy, disagrees: bool) -> None:
    debriefs = [make_debrief(ANA, fit=levels[0]), make_debrief(BEN, fit=levels[1])]
    fit = summarise(make_interview(), debriefs, final=False, policy=policy).areas[1]
    assert (fit.disagreement is not None) is disagrees


def test_tally_lists_every_recommendation_in_scale_order() -> None:
    debriefs = [make_debrief(ANA, STRONG_YES), make_debrief(BEN, STRONG_YES), make_debrief(CHO, NO)]
    summary = summarise(make_interview(), debriefs, final=True)
    assert list(summary.tally.items()) == [(STRONG_NO, 0), (NO, 1), (YES, 0), (STRONG_YES, 2)]
    assert summary.mean_recommendation == 1.0


FLAG_CASES = [
    pytest.param(
        [(4, 1), (3, 2)],
        [Flag(FlagKind.SKILLS_NOT_SPARK, "Strong skills, unclear motivation", (ANA, BEN))],
        id="skills-without-spark",
    ),
    pytest.param(
        [(1, 4), (2, 3), (3, 3)],
        [Flag(FlagKind.SPARK_NOT_SKILLS, "Keen, but ability gaps to verify", (ANA, BEN))],
        id="spark-without-skills-names-who-saw-gaps",
    ),
    pytest.param([(3, 2), (2, 2)], [], id="ability-mean-2.5-is-not-strong"),
    pytest.param([(3, 3), (3, 3)], [], id="balanced-candidate"),
    pytest.param([(4, 2), (4, 3)], [], id="excitement-mean-2.5-is-not-weak"),
]


@pytest.mark.parametrize(("ability_excitement", "flags"), FLAG_CASES)
def test_skills_vs_spark_flags_use_panel_means(
    ability_excitement: list[tuple[int, int]], flags: list[Flag]
) -> None:
    debriefs = [
        make_debrief(uid, ability=ability, excitement=excitement)
        for uid, (ability, excitement) in zip(PANEL, ability_excitement, strict=False)
    ]
    summary = summarise(make_interview(), debriefs, final=False)
    assert list(summary.flags) == flags
    assert [item.title for item in summary.agenda.items if item.kind == "flag"] == [f.text for f in flags]


def test_deal_breakers_are_listed_in_panel_order_with_their_words() -> None:
    debriefs = [
        make_debrief(CHO, deal_breaker="  Can't start before next year. "),
        make_debrief(BEN),
        make_debrief(ANA, deal_breaker="Needs visa sponsorship."),
    ]
    summary = summarise(make_interview(), debriefs, final=False)
    assert summary.deal_breakers == (
        DealBreaker(ANA, "Needs visa sponsorship."),
        DealBreaker(CHO, "Can't start before next year."),
    )


def test_submitted_and_missing_follow_panel_order() -> None:
    debriefs = [make_debrief(CHO), make_debrief(ANA)]
    summary = summarise(make_interview(), debriefs, final=True)
    assert summary.submitted == (ANA, CHO)
    assert summary.missing == (BEN,)
    assert summary.final
    assert [d.interviewer_id for d in summary.debriefs] == [ANA, CHO]
