"""Calibration hints: who usually rates higher or lower than the rest of their panels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calibration import calibrate
from bot.domain.models import PastPanel, Recommendation
from bot.domain.summary import summarise
from bot.domain.summary_types import CalibrationHint, Policy
from tests.domain.builders import (
    INTERVIEW_ID,
    NO,
    PANEL,
    STRONG_NO,
    STRONG_YES,
    YES,
    make_debrief,
    make_interview,
    past_panel,
)

ANA, BEN, CHO = PANEL


def history_of(n: int, *, start: int = 100, **recs: object) -> list[PastPanel]:
    """`n` earlier panels where everyone gave the same recommendation each time."""
    return [past_panel(start + i, **recs) for i in range(n)]  # type: ignore[arg-type]


def hints(history: list[PastPanel], policy: Policy | None = None) -> list[tuple[str, str]]:
    policy = policy or Policy()
    return [(h.interviewer_id, h.text) for h in calibrate(PANEL, history, interview_id=7, policy=policy)]


CASES = [
    pytest.param(
        history_of(5, U_ANA=STRONG_YES, U_X=YES, U_Y=NO),
        [(ANA, "usually rates higher than their panels")],
        id="generous-rater",
    ),
    pytest.param(
        history_of(5, U_BEN=STRONG_NO, U_X=YES),
        [(BEN, "usually rates lower than their panels")],
        id="harsh-rater",
    ),
    pytest.param(history_of(4, U_ANA=STRONG_YES, U_X=NO), [], id="four-debriefs-are-too-few"),
    pytest.param(history_of(5, U_ANA=YES, U_X=YES), [], id="in-line-with-the-panel"),
    pytest.param(
        history_of(3, U_ANA=STRONG_YES, U_X=YES) + history_of(2, start=200, U_ANA=YES, U_X=YES),
        [],
        id="gap-of-0.6-is-under-threshold",
    ),
    pytest.param(
        history_of(1, U_ANA=STRONG_YES, U_X=YES) + history_of(3, start=200, U_ANA=STRONG_YES, U_X=NO),
        # gaps 1, 3, 3, 3 -> 2.5 over four debriefs: still too few.
        [],
        id="big-gap-needs-enough-debriefs",
    ),
    pytest.param(
        history_of(5, U_ANA=STRONG_YES),
        [],
        id="alone-on-a-panel-compares-with-nobody",
    ),
    pytest.param(
        history_of(5, start=INTERVIEW_ID, U_ANA=STRONG_YES, U_X=NO),
        [],
        id="current-interview-is-not-history",
    ),
    pytest.param(
        history_of(5, U_DAN=STRONG_YES, U_X=NO),
        [],
        id="only-the-current-panel-gets-hints",
    ),
]


@pytest.mark.parametrize(("history", "expected"), CASES)
def test_calibration_hints(history: list[PastPanel], expected: list[tuple[str, str]]) -> None:
    assert hints(history) == expected


def test_panel_mean_excludes_the_interviewer_and_counts_each_panel_once() -> None:
    # Ana says yes; in panel A the other two both say strong yes, in panels B..E one says no.
    history = [
        past_panel(100, U_ANA=YES, U_X=STRONG_YES, U_Y=STRONG_YES),
        *history_of(4, start=200, U_ANA=YES, U_Z=NO),
    ]
    (hint,) = calibrate(PANEL, history, interview_id=7, policy=Policy())
    assert hint == CalibrationHint(
        interviewer_id=ANA,
        text="usually rates higher than their panels",
        own_mean=1.0,
        panel_mean=(2 - 1 - 1 - 1 - 1) / 5,
        debriefs=5,
    )


def test_gap_exactly_at_the_threshold_counts() -> None:
    history = history_of(4, U_ANA=YES, U_X=YES) + history_of(4, start=200, U_ANA=STRONG_YES, U_X=NO)
    # own 1.5, panels 0 -> 1.5 gap; a policy asking for exactly 1.5 gets a hint.
    assert hints(history, Policy(calibration_gap=1.5)) == [(ANA, "usually rates higher than their panels")]


def test_a_repeated_panel_counts_once() -> None:
    history = history_of(1, U_ANA=STRONG_YES, U_X=NO) * 5
    assert hints(history) == []


def test_calibration_is_on_the_summary_but_never_a_reason() -> None:
    history = history_of(6, U_BEN=STRONG_NO, U_X=STRONG_YES)
    summary = summarise(make_interview(), [make_debrief(BEN, NO)], final=False, history=history)
    assert [(h.interviewer_id, h.text, h.debriefs) for h in summary.calibration] == [
        (BEN, "usually rates lower than their panels", 6)
    ]
    assert all("rates" not in r.text for r in summary.verdict.reasons)


def _reference(
    panel: list[str], history: list[PastPanel], interview_id: int, policy: Policy
) -> list[tuple[str, float, float, int]]:
    """The definition, written out the slow way: each member against every earlier panel in turn."""
    panels: dict[int, PastPanel] = {}
    for past in history:
        if past.interview_id != interview_id:
            panels.setdefault(past.interview_id, past)
    hints = []
    for uid in dict.fromkeys(panel):
        own: list[int] = []
        others_means: list[float] = []
        for past in panels.values():
            mine = [int(rec) for who, rec in past.recommendations if who == uid]
            others = [int(rec) for who, rec in past.recommendations if who != uid]
            if mine and others:
                own.extend(mine)
                others_means.append(sum(others) / len(others))
        if not own or len(own) < policy.calibration_min_debriefs:
            continue
        own_mean, panel_mean = sum(own) / len(own), sum(others_means) / len(others_means)
        if abs(own_mean - panel_mean) + 1e-9 >= policy.calibration_gap:
            hints.append((uid, own_mean, panel_mean, len(own)))
    return hints


PEOPLE = st.sampled_from(["UA", "UB", "UC", "UD", "UE"])


@settings(max_examples=300, deadline=None)
@given(
    panel=st.lists(PEOPLE, min_size=1, max_size=5),
    history=st.lists(
        st.builds(
            PastPanel,
            interview_id=st.integers(1, 12),
            recommendations=st.lists(
                st.tuples(PEOPLE, st.sampled_from(list(Recommendation))), max_size=6
            ).map(tuple),
        ),
        max_size=30,
    ),
    min_debriefs=st.integers(1, 4),
)
def test_calibration_matches_its_definition(
    panel: list[str], history: list[PastPanel], min_debriefs: int
) -> None:
    policy = Policy(calibration_min_debriefs=min_debriefs, calibration_gap=0.5)
    hints = calibrate(panel, history, interview_id=7, policy=policy)
    got = [(h.interviewer_id, h.own_mean, h.panel_mean, h.debriefs) for h in hints]
    assert got == _reference(panel, history, 7, policy)
