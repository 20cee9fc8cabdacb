"""Properties that must hold for any panel: fairness of the verdict and a sound agenda."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.agenda import share_minutes
from bot.domain.models import Debrief, DebriefAnswers, ExploreTopic, Interview, Recommendation
from bot.domain.summary import summarise
from bot.domain.summary_types import Policy, Summary, VerdictKind
from tests.domain.builders import STARTS_AT, make_interview

FAST = settings(max_examples=100, deadline=None)
RANK = {VerdictKind.DECLINE: 0, VerdictKind.DISCUSS: 1, VerdictKind.ADVANCE: 2}

QUESTIONS = [
    "",
    "Why are you leaving?",
    "- How do you prioritise?\n- How do you handle conflict with your manager?",
    "1. What did you build with Kafka?\n2. What did you build with Kafka?",
    "Probe their on-call experience",
    "What's your favourite book? Why?",
]

levels = st.integers(min_value=1, max_value=4)
recommendations = st.sampled_from(Recommendation)


@st.composite
def answers(draw: st.DrawFn, people: tuple[str, ...]) -> DebriefAnswers:
    return DebriefAnswers(
        excitement=draw(levels),
        excitement_evidence="Asked about the roadmap.",
        fit=draw(levels),
        fit_evidence="Calm when challenged.",
        ability=draw(levels),
        ability_evidence="Solid design answer.",
        recommendation=draw(recommendations),
        explore=frozenset(draw(st.sets(st.sampled_from(ExploreTopic)))),
        people_to_meet=tuple(draw(st.lists(st.sampled_from(people), max_size=4, unique=True))),
        questions=draw(st.one_of(st.sampled_from(QUESTIONS), st.text(max_size=80))),
        deal_breaker=draw(st.sampled_from(["", "", "", "Salary gap.", "  "])),
    )


@st.composite
def panels(draw: st.DrawFn) -> tuple[Interview, list[Debrief]]:
    """A panel of 1–12 where any subset has submitted, in panel order."""
    size = draw(st.integers(min_value=1, max_value=12))
    panel = tuple(f"U{i:02d}" for i in range(size))
    people = (*panel, "U_CTO", "U_PM", "U_DESIGN")
    interview = make_interview(panel, follow_up=draw(st.booleans()))
    debriefs = [
        Debrief(interview.id, uid, draw(answers(people)), STARTS_AT + timedelta(minutes=i))
        for i, uid in enumerate(panel)
        if draw(st.booleans())
    ]
    return interview, debriefs


def run(interview: Interview, debriefs: list[Debrief], final: bool = True, **policy: object) -> Summary:
    return summarise(interview, debriefs, final=final, policy=Policy(**policy))  # type: ignore[arg-type]


@FAST
@given(panels(), st.randoms(use_true_random=False), st.booleans())
def test_order_of_debriefs_never_changes_the_summary(
    panel: tuple[Interview, list[Debrief]], rng: object, final: bool
) -> None:
    interview, debriefs = panel
    shuffled = list(debriefs)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert run(interview, shuffled, final) == run(interview, debriefs, final)


@FAST
@given(panels(), st.data())
def test_raising_a_recommendation_never_worsens_the_verdict(
    panel: tuple[Interview, list[Debrief]], data: st.DataObject
) -> None:
    interview, debriefs = panel
    if not debriefs:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(debriefs) - 1))
    old = debriefs[i].answers.recommendation
    higher = [r for r in Recommendation if r > old]
    if not higher:
        return
    new = data.draw(st.sampled_from(higher))
    raised = list(debriefs)
    raised[i] = replace(debriefs[i], answers=replace(debriefs[i].answers, recommendation=new))
    before = run(interview, debriefs).verdict.kind
    after = run(interview, raised).verdict.kind
    if before is VerdictKind.INCOMPLETE:
        assert after is VerdictKind.INCOMPLETE
        return
    # Covers Advance -> Decline and Discuss -> Decline, and any other step down.
    assert RANK[after] >= RANK[before]


@FAST
@given(panels(), st.booleans())
def test_a_veto_always_prevents_advance(panel: tuple[Interview, list[Debrief]], final: bool) -> None:
    interview, debriefs = panel
    vetoed = any(
        d.answers.recommendation is Recommendation.STRONG_NO or d.answers.has_deal_breaker for d in debriefs
    )
    if vetoed:
        assert run(interview, debriefs, final).verdict.kind is not VerdictKind.ADVANCE


@FAST
@given(panels(), st.integers(min_value=1, max_value=240), st.booleans())
def test_agenda_minutes_always_add_up(
    panel: tuple[Interview, list[Debrief]], total: int, final: bool
) -> None:
    interview, debriefs = panel
    agenda = run(interview, debriefs, final, next_stage_minutes=total).agenda
    assert agenda.total_minutes == total
    assert sum(item.minutes for item in agenda.items) == total
    assert 1 <= len(agenda.items) <= total
    assert all(item.minutes >= 1 for item in agenda.items)
    asked = [" ".join(q.casefold().split()) for item in agenda.items for q in item.questions]
    assert len(asked) == len(set(asked))
    met = {p for item in agenda.items for p in item.people}
    assert not met & set(interview.interviewer_ids)


@FAST
@given(panels(), st.booleans(), st.floats(min_value=0, max_value=1))
def test_summarise_never_raises_and_accounts_for_everyone(
    panel: tuple[Interview, list[Debrief]], final: bool, quorum: float
) -> None:
    interview, debriefs = panel
    summary = run(interview, debriefs, final, quorum=quorum)
    assert set(summary.submitted) | set(summary.missing) == set(interview.interviewer_ids)
    assert not set(summary.submitted) & set(summary.missing)
    assert sum(summary.tally.values()) == len(debriefs)
    assert summary.verdict.reasons
    assert (summary.verdict.kind is VerdictKind.INCOMPLETE) or debriefs


@FAST
@given(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=15), st.integers(0, 240))
def test_share_minutes_is_exact_and_fair(weights: list[int], total: int) -> None:
    shares = share_minutes(weights, total)
    assert sum(shares) == total
    if total >= len(weights):
        assert min(shares) >= 1
    # Largest remainder never strays more than a minute from the exact share, plus the
    # one-minute floors it hands out.
    floors = sum(1 for w in weights if total * w < sum(weights))
    for w, share in zip(weights, shares, strict=True):
        assert abs(share - total * w / sum(weights)) < 1 + floors
