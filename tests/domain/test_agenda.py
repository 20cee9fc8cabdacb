"""The next-stage agenda: what gets time, in what order, and which questions to ask."""

from __future__ import annotations

import pytest

from bot.domain.agenda import share_minutes, split_questions
from bot.domain.models import Debrief, ExploreTopic
from bot.domain.question_bank import TOPIC_QUESTIONS, topic_for_question
from bot.domain.summary import summarise
from bot.domain.summary_types import Agenda, AgendaItem, AgendaKind, Policy
from tests.domain.builders import NO, PANEL, STRONG_NO, YES, make_debrief, make_interview

ANA, BEN, CHO = PANEL
APPROACH, RELATIONSHIPS, SKILL_DEPTH, MOTIVATION, WHO_TO_MEET = ExploreTopic


def agenda_for(debriefs: list[Debrief], minutes: int = 60) -> Agenda:
    policy = Policy(next_stage_minutes=minutes)
    return summarise(make_interview(), debriefs, final=False, policy=policy).agenda


def outline(agenda: Agenda) -> list[tuple[AgendaKind, str, int]]:
    return [(item.kind, item.title, item.minutes) for item in agenda.items]


def test_a_full_agenda_in_rank_order_with_minutes_by_weight() -> None:
    debriefs = [
        make_debrief(ANA, YES, fit=4, explore={MOTIVATION, APPROACH}, people_to_meet=("U_CTO",)),
        make_debrief(BEN, NO, fit=2, explore={MOTIVATION}, deal_breaker="Needs to start in 6 months."),
        make_debrief(CHO, YES, fit=3, explore={APPROACH, MOTIVATION, WHO_TO_MEET}, people_to_meet=("U_CTO",)),
    ]
    agenda = agenda_for(debriefs)
    # Weights: disagreement 3, deal-breaker 3, motivation 1+3, approach 1+2, meet 1 -> 14 parts of 60.
    assert outline(agenda) == [
        (AgendaKind.DISAGREEMENT, "Settle Fit: Great fit vs Some concerns", 13),
        (AgendaKind.DEAL_BREAKER, "Verify a deal-breaker", 13),
        (AgendaKind.TOPIC, "Motivation for the role", 17),
        (AgendaKind.TOPIC, "How they approach tasks", 13),
        (AgendaKind.MEET, "Who else they should meet", 4),
    ]
    assert agenda.total_minutes == 60
    disagreement, breaker, motivation, approach, meet = agenda.items
    assert disagreement.raised_by == (ANA, BEN)
    assert breaker.raised_by == (BEN,)
    assert breaker.questions == ("Verify: Needs to start in 6 months.",)
    assert (motivation.votes, motivation.raised_by, motivation.topic) == (3, PANEL, MOTIVATION)
    assert (approach.votes, approach.raised_by) == (2, (ANA, CHO))
    assert (meet.votes, meet.raised_by, meet.people) == (2, (ANA, CHO), ("U_CTO",))


def test_topics_are_ranked_by_votes_then_in_form_order() -> None:
    debriefs = [
        make_debrief(ANA, explore={SKILL_DEPTH, RELATIONSHIPS}),
        make_debrief(BEN, explore={SKILL_DEPTH, APPROACH}),
    ]
    agenda = agenda_for(debriefs)
    assert [(item.topic, item.votes) for item in agenda.items] == [
        (SKILL_DEPTH, 2),
        (APPROACH, 1),
        (RELATIONSHIPS, 1),
    ]


@pytest.mark.parametrize("topic", [APPROACH, RELATIONSHIPS, SKILL_DEPTH, MOTIVATION])
def test_every_topic_comes_with_two_or_three_real_questions(topic: ExploreTopic) -> None:
    (item,) = agenda_for([make_debrief(ANA, explore={topic})]).items
    assert item.title == topic.label
    assert 2 <= len(item.questions) <= 3
    assert all(q.endswith(("?", ".")) and len(q.split()) >= 6 for q in item.questions)


def test_own_questions_join_their_topic_or_the_general_item() -> None:
    debriefs = [
        make_debrief(
            ANA,
            explore={MOTIVATION},
            questions="- Why are you leaving your current job?\n- What's your favourite book?",
        ),
        make_debrief(BEN, questions="1. why are  you LEAVING your current job?\n2) How do you prioritise?"),
    ]
    motivation, general = agenda_for(debriefs).items
    assert motivation.questions == TOPIC_QUESTIONS[MOTIVATION] + ("Why are you leaving your current job?",)
    # Nobody ticked "approach", so the prioritising question isn't filed under it.
    assert (general.kind, general.title, general.topic) == (
        AgendaKind.TOPIC,
        "The panel's own questions",
        None,
    )
    assert general.questions == ("What's your favourite book?", "How do you prioritise?")
    assert general.raised_by == (ANA, BEN)


def test_a_question_already_in_the_bank_is_not_asked_twice() -> None:
    bank = TOPIC_QUESTIONS[MOTIVATION][2]
    debriefs = [make_debrief(ANA, explore={MOTIVATION}, questions=bank.upper())]
    assert [item.title for item in agenda_for(debriefs).items] == ["Motivation for the role"]


SPLIT_CASES = [
    pytest.param("", (), id="empty"),
    pytest.param("Why Berlin? And why now?", ("Why Berlin?", "And why now?"), id="two-on-a-line"),
    pytest.param(
        "• How big was the team?\n\n* Who decided?", ("How big was the team?", "Who decided?"), id="bullets"
    ),
    pytest.param(
        "1. What's 1.5 years of Go like?\n(2) Then?", ("What's 1.5 years of Go like?", "Then?"), id="numbers"
    ),
    pytest.param("Probe their on-call experience", ("Probe their on-call experience",), id="prompt-kept"),
    pytest.param("Why leave?  I'm curious", ("Why leave?",), id="trailing-remark-dropped"),
    pytest.param("-  \n - ???", (), id="only-markers"),
]


@pytest.mark.parametrize(("text", "questions"), SPLIT_CASES)
def test_split_questions(text: str, questions: tuple[str, ...]) -> None:
    assert split_questions(text) == questions


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How do you prioritise your week?", APPROACH),
        ("How do you handle conflict with a teammate?", RELATIONSHIPS),
        ("Tell me about your experience with Kafka internals", SKILL_DEPTH),
        ("Why did you leave your last job?", MOTIVATION),
        ("What is your favourite colour?", None),
        ("What was the most interesting technical problem?", None),  # motivation or skill? unclear
    ],
)
def test_topic_for_question(question: str, topic: ExploreTopic | None) -> None:
    assert topic_for_question(question) is topic


def test_who_to_meet_ranks_people_and_leaves_out_the_panel() -> None:
    debriefs = [
        make_debrief(ANA, people_to_meet=("U_PM", "U_CTO")),
        make_debrief(BEN, people_to_meet=(CHO, "U_CTO")),
        make_debrief(CHO, explore={WHO_TO_MEET}, people_to_meet=("U_DESIGN", "U_CTO", ANA)),
    ]
    (meet,) = agenda_for(debriefs).items
    assert meet.people == ("U_CTO", "U_PM", "U_DESIGN")
    assert meet.minutes == 60


def test_who_to_meet_stays_when_everyone_named_is_already_on_the_panel() -> None:
    (meet,) = agenda_for([make_debrief(ANA, explore={WHO_TO_MEET}, people_to_meet=(BEN,))]).items
    assert (meet.kind, meet.people, meet.raised_by) == (AgendaKind.MEET, (), (ANA,))


def test_identical_deal_breakers_are_one_item_raised_by_both() -> None:
    debriefs = [
        make_debrief(ANA, STRONG_NO, deal_breaker="Won't relocate."),
        make_debrief(BEN, NO, deal_breaker="won't  relocate."),
    ]
    (item,) = agenda_for(debriefs).items
    assert (item.kind, item.raised_by, item.questions) == (
        AgendaKind.DEAL_BREAKER,
        (ANA, BEN),
        ("Verify: Won't relocate.",),
    )


def test_nothing_to_raise_leaves_an_open_conversation() -> None:
    for debriefs in ([], [make_debrief(ANA), make_debrief(BEN)]):
        assert agenda_for(debriefs, minutes=45).items == (
            AgendaItem(AgendaKind.TOPIC, "Open conversation: the candidate's questions", 45),
        )


def test_more_items_than_minutes_drops_the_lowest_ranked() -> None:
    debriefs = [
        make_debrief(ANA, fit=4, explore={APPROACH}, people_to_meet=("U_CTO",)),
        make_debrief(BEN, fit=1, deal_breaker="Salary gap."),
    ]
    assert outline(agenda_for(debriefs, minutes=3)) == [
        (AgendaKind.DISAGREEMENT, "Settle Fit: Great fit vs Poor fit", 1),
        (AgendaKind.DEAL_BREAKER, "Verify a deal-breaker", 1),
        (AgendaKind.TOPIC, "How they approach tasks", 1),
    ]


@pytest.mark.parametrize(
    ("weights", "total", "minutes"),
    [
        pytest.param([1], 60, (60,), id="one-item-takes-all"),
        pytest.param([3, 3, 2], 60, (23, 22, 15), id="ties-favour-higher-rank"),
        pytest.param([1, 1, 1], 10, (4, 3, 3), id="even-split"),
        pytest.param([100, 1], 10, (9, 1), id="everyone-gets-a-minute"),
        pytest.param([50, 1, 1, 1], 4, (1, 1, 1, 1), id="one-minute-each"),
        pytest.param([2, 1], 1, (1, 0), id="fewer-minutes-than-items"),
        pytest.param([], 30, (), id="nothing-to-share"),
    ],
)
def test_share_minutes(weights: list[int], total: int, minutes: tuple[int, ...]) -> None:
    assert share_minutes(weights, total) == minutes
    assert sum(minutes) == (total if weights else 0)


def test_share_minutes_refuses_zero_weights() -> None:
    with pytest.raises(ValueError, match="positive"):
        share_minutes([1, 0], 10)
