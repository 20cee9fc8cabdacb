from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.models import Area, Decision, ExploreTopic, Recommendation
from bot.domain.summary_types import (
    Agenda,
    AgendaItem,
    AgendaKind,
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
from bot.ids import Action
from bot.views.summary import bar, calibration_dm, summary_message, who_said_what_modal
from tests.views.builders import (
    EVIL,
    EVIL_ESCAPED,
    T0,
    area_stats,
    debrief,
    full_answers,
    interview,
    panel,
    summary,
    tally,
)
from tests.views.slack_checks import check_message, check_view, visible

LONG_TEXTS = ["x" * 3000, "&" * 3000, ("<!channel> " * 300)[:3000], ("word " * 600)[:3000], EVIL]


def _buttons(kwargs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for b in kwargs["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_bar() -> None:
    assert bar(1) == "▰▱▱▱"
    assert bar(2.9) == "▰▰▰▱"
    assert bar(3.5) == "▰▰▰▰"
    assert bar(4) == "▰▰▰▰"


def test_summary_reads_as_a_verdict_with_reasons_scores_and_agenda() -> None:
    kwargs = check_message(summary_message(summary()))
    header = kwargs["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == "💬 Discuss — Ada Lovelace"
    text = visible(kwargs)
    assert "*Ada Lovelace* · Staff Engineer · Technical · #12" in text
    assert "2 of 3 debriefs in · interim" in text
    # Reasons in the domain's order, veto first, with mentions.
    veto = text.index("• Veto: deal-breaker raised by <@UBO>")
    waiting = text.index("• Still waiting for a debrief from <@UCY>")
    assert veto < waiting
    # Scores: mean, bar, level labels, range; disagreement with who said what.
    assert (
        "*Excitement* `▰▰▰▰` 3.5/4 · Genuinely excited · range 3–4 (Clearly interested – Genuinely excited)"
        in text
    )
    assert "*Ability* `▰▰▰▱` 3.0/4 · Solid · range 3–3 (all Solid)" in text
    assert "↕️ Fit: <@UANA> Great fit vs <@UBO> Some concerns" in text
    assert "Fit: Great fit vs Some concerns <@UANA>" not in text  # not repeated as a reason
    assert "*Recommendations:* Strong yes 1 · Yes 1 · No 0 · Strong no 0 · average +1.5" in text
    assert "• <@UBO>: Dismissive of &lt;junior&gt; colleagues &amp; support staff." in text
    assert "⚠️ Strong skills, unclear motivation — ask <@UBO>" in text
    assert "*Next-stage agenda* · 60 min" in text
    assert "*1. Settle Fit: Great fit vs Some concerns* · 20 min · raised by <@UANA>, <@UBO>" in text
    assert "*2. Depth in a skill* · 15 min · 2 votes" in text
    assert "• How would you shard &lt;this&gt; table?" in text
    assert "Meet: <@UPAT>" in text
    # Calibration hints are about the interviewers: never in the channel, only in a private DM.
    assert "🎯" not in text and "rates higher" not in text
    private = visible(check_message(calibration_dm(summary())))
    assert "<@UANA> usually rates higher than their panels" in private
    assert "never posted in a channel" in private
    # Never evidence or private notes in the channel.
    assert "PRIVATE-NOTE-MARKER" not in text
    assert "Asked sharp questions" not in text and "Specific evidence" not in text

    buttons = _buttons(kwargs)
    assert list(buttons) == [
        Action.WHO_SAID_WHAT,
        Action.DECIDE_ADVANCE,
        Action.DECIDE_REJECT,
        Action.DECIDE_HOLD,
    ]
    assert all(b["value"] == "12" for b in buttons.values())
    assert buttons[Action.DECIDE_ADVANCE]["style"] == "primary"
    reject = buttons[Action.DECIDE_REJECT]
    assert reject["style"] == "danger" and reject["confirm"]["confirm"]["text"] == "Reject"
    assert "Discuss" in kwargs["text"] and "Ada Lovelace" in kwargs["text"]


def test_a_recorded_decision_replaces_the_decision_buttons() -> None:
    decided_at = T0 + timedelta(days=1)
    iv = interview(decision=Decision.ADVANCE, decided_by="UHM", decided_at=decided_at)
    kwargs = check_message(summary_message(summary(interview=iv)))
    assert f"*Decided: Advance* by <@UHM> at <!date^{int(decided_at.timestamp())}^" in visible(kwargs)
    assert list(_buttons(kwargs)) == [Action.WHO_SAID_WHAT]
    assert "decided: Advance" in kwargs["text"]


def test_final_incomplete_summary_offers_remind_and_extend() -> None:
    verdict = Verdict(
        VerdictKind.INCOMPLETE,
        (Reason(Rule.QUORUM, "Only 1 of 3 debriefs came in — too few to decide. Missing:", ("UBO", "UCY")),),
    )
    final = summary(verdict=verdict, final=True, submitted=("UANA",), missing=("UBO", "UCY"))
    kwargs = check_message(summary_message(final))
    assert kwargs["blocks"][0]["text"]["text"] == "⏳ Incomplete — Ada Lovelace"
    assert list(_buttons(kwargs))[:3] == [Action.WHO_SAID_WHAT, Action.REMIND, Action.EXTEND]
    assert _buttons(kwargs)[Action.EXTEND]["text"]["text"] == "Extend 24 h"
    assert "Waiting for" not in visible(kwargs)  # the quorum reason already names them

    interim = summary(verdict=verdict, final=False)
    assert Action.REMIND not in _buttons(check_message(summary_message(interim)))


def test_missing_people_and_follow_up_are_shown_once() -> None:
    iv = interview(follow_up_at=T0 + timedelta(days=1))
    plain = summary(interview=iv, verdict=Verdict(VerdictKind.ADVANCE, ()), follow_up_received=True)
    text = visible(check_message(summary_message(plain)))
    assert "⏳ Waiting for <@UCY>" in text
    assert "✉️ The candidate sent a follow-up note" in text

    with_reason = summary(
        interview=iv,
        verdict=Verdict(VerdictKind.ADVANCE, (Reason(Rule.FOLLOW_UP, "Candidate sent a follow-up note"),)),
        follow_up_received=True,
    )
    text = visible(check_message(summary_message(with_reason)))
    assert text.count("follow-up note") == 1


def test_nobody_rated_yet() -> None:
    empty = summary(
        verdict=Verdict(
            VerdictKind.INCOMPLETE,
            (Reason(Rule.NO_DEBRIEFS, "Waiting for the first debrief from", ("UANA",)),),
        ),
        areas=tuple(area_stats(a, ()) for a in Area),
        tally=tally(),
        mean_recommendation=None,
        deal_breakers=(),
        flags=(),
        agenda=Agenda(total_minutes=60, items=()),
        submitted=(),
        missing=("UANA", "UBO", "UCY"),
        calibration=(),
        debriefs=(),
    )
    text = visible(check_message(summary_message(empty)))
    assert "*Fit* — no ratings yet" in text
    assert "0 of 3 debriefs in" in text
    assert "nothing flagged yet" in text


def test_candidate_markup_never_pings() -> None:
    iv = interview(candidate=EVIL, role=EVIL)
    kwargs = check_message(summary_message(summary(interview=iv)))
    assert EVIL_ESCAPED in visible(kwargs)
    assert EVIL_ESCAPED in kwargs["text"]


# --- the whole range of panels --------------------------------------------------------------------


@st.composite
def summaries(draw: st.DrawFn) -> Summary:
    n = draw(st.integers(1, 12))
    ids = panel(n)
    text = st.sampled_from(LONG_TEXTS)
    some_ids = st.lists(st.sampled_from(ids), min_size=1, max_size=n, unique=True).map(tuple)
    k = draw(st.integers(0, n))
    iv = interview(
        candidate=draw(text)[:150],
        role=draw(text)[:150],
        interviewer_ids=ids,
        decision=draw(st.sampled_from([None, Decision.REJECT])),
        decided_by="UHM",
        decided_at=T0,
        follow_up_at=draw(st.sampled_from([None, T0])),
    )
    areas = []
    for area in Area:
        levels = tuple(draw(st.lists(st.integers(1, 4), min_size=k, max_size=k)))
        split = None
        if levels and max(levels) - min(levels) >= 2:
            split = Disagreement(area, max(levels), draw(some_ids), min(levels), draw(some_ids))
        areas.append(area_stats(area, levels, disagreement=split))
    reasons = tuple(
        Reason(
            rule,
            draw(st.sampled_from(["Veto: strong no from", "Fit: Poor fit vs Great fit"])),
            draw(some_ids),
        )
        for rule in draw(st.lists(st.sampled_from(list(Rule)), max_size=10))
    )
    items = tuple(
        AgendaItem(
            kind=draw(st.sampled_from(list(AgendaKind))),
            title=draw(st.sampled_from(["Depth in a skill", "Verify a deal-breaker", "x" * 500])),
            minutes=draw(st.integers(0, 60)),
            votes=draw(st.integers(0, n)),
            raised_by=draw(some_ids),
            people=tuple(f"UP{i}" for i in range(draw(st.integers(0, 120)))),
            questions=tuple(f"{i} {q}" for q in [draw(text)] for i in range(draw(st.integers(0, 40)))),
            topic=draw(st.sampled_from([None, *ExploreTopic])),
        )
        for _ in range(draw(st.integers(0, 30)))
    )
    return Summary(
        interview=iv,
        verdict=Verdict(draw(st.sampled_from(list(VerdictKind))), reasons),
        areas=tuple(areas),
        tally={r: draw(st.integers(0, n)) for r in Recommendation},
        mean_recommendation=draw(st.sampled_from([None, -2.0, 0.3, 2.0])),
        deal_breakers=tuple(DealBreaker(uid, draw(text)) for uid in draw(some_ids)),
        flags=tuple(
            Flag(kind, "Strong skills, unclear motivation", draw(some_ids))
            for kind in draw(st.lists(st.sampled_from(list(FlagKind)), max_size=2, unique=True))
        ),
        agenda=Agenda(total_minutes=60, items=items),
        submitted=ids[:k],
        missing=ids[k:],
        calibration=tuple(
            CalibrationHint(uid, "usually rates lower than their panels", -1.5, 0.5, 9)
            for uid in draw(some_ids)
        ),
        follow_up_received=iv.follow_up_at is not None,
        final=draw(st.booleans()),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(summaries())
def test_any_panel_fits_in_one_message(any_summary: Summary) -> None:
    kwargs = check_message(summary_message(any_summary))  # ≤ 50 blocks, every limit, nothing pings
    text = visible(kwargs)
    items = any_summary.agenda.items
    if items and f"*{len(items)}. " not in text:
        assert "more agenda items_" in text  # cut, but said so


def test_the_worst_case_panel_fits_and_says_what_was_cut() -> None:
    ids = panel(12)
    worst = summary(
        interview=interview(candidate="&" * 150, role="&" * 150, interviewer_ids=ids),
        verdict=Verdict(
            VerdictKind.DISCUSS, tuple(Reason(Rule.SPLIT, "Split panel — yes from", ids) for _ in range(80))
        ),
        deal_breakers=tuple(DealBreaker(uid, "&" * 3000) for uid in ids),
        agenda=Agenda(
            total_minutes=60,
            items=tuple(
                AgendaItem(
                    kind=AgendaKind.TOPIC,
                    title="&" * 200,
                    minutes=5,
                    votes=12,
                    raised_by=ids,
                    people=ids * 3,
                    questions=tuple(f"{i}" + "&" * 3000 for i in range(50)),
                )
                for _ in range(40)
            ),
        ),
        submitted=ids,
        missing=(),
        calibration=tuple(
            CalibrationHint(uid, "usually rates higher than their panels", 2, -2, 40) for uid in ids
        ),
    )
    kwargs = check_message(summary_message(worst))
    text = visible(kwargs)
    assert "more agenda items_" in text
    assert "more questions (see “Who said what”)" in text
    assert "more reasons_" in text


# --- who said what --------------------------------------------------------------------------------


def test_who_said_what_shows_each_debrief_but_never_private_notes() -> None:
    iv = interview()
    debriefs = [debrief("UBO", full_answers(EVIL)), debrief("UANA", full_answers())]
    payload = check_view(who_said_what_modal(iv, debriefs))
    assert payload["title"]["text"] == "Who said what"
    assert "submit" not in payload
    text = visible(payload)
    assert text.index("<@UANA> — *Strong no*") < text.index("<@UBO> — *Strong no*")  # panel order
    assert "*Excitement: Genuinely excited (4/4)*" in text
    assert f"*Fit: Some concerns (2/4)*\nFit: {EVIL_ESCAPED}" in text
    assert "*🚫 Deal-breaker*\nDismissive of &lt;junior&gt; colleagues &amp; support staff." in text
    assert "*Questions for the next stage*\nHow would you split the monolith?" in text
    assert "Explore next: How they approach tasks, How they build relationships" in text
    assert "Should meet: <@UPAT>, <@UQUIN>" in text
    assert "PRIVATE-NOTE-MARKER" not in text


def test_who_said_what_with_no_debriefs() -> None:
    assert "No debriefs yet" in visible(check_view(who_said_what_modal(interview(), [])))


def test_who_said_what_for_a_full_panel_of_long_texts_fits_one_modal() -> None:
    ids = panel(12)
    for long_text in ("&" * 3000, "x" * 3000):
        answers = full_answers(long_text)
        debriefs = [debrief(uid, answers) for uid in ids]
        payload = check_view(who_said_what_modal(interview(interviewer_ids=ids), debriefs))
        text = visible(payload)
        for uid in ids:
            assert f"<@{uid}> — " in text


def test_who_said_what_shows_a_long_text_in_full_when_there_is_room() -> None:
    answers = full_answers("word " * 590)
    payload = check_view(who_said_what_modal(interview(), [debrief("UANA", answers)]))
    assert visible(payload).count("word") == 590 * 3


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 12),
    texts=st.lists(st.sampled_from(LONG_TEXTS), min_size=5, max_size=5),
)
def test_who_said_what_fits_any_panel(n: int, texts: list[str]) -> None:
    ids = panel(n)
    answers = full_answers(texts[0])
    answers = replace(
        answers,
        excitement_evidence=texts[1],
        fit_evidence=texts[2],
        questions=texts[3],
        deal_breaker=texts[4],
        people_to_meet=ids,
    )
    payload = check_view(
        who_said_what_modal(interview(interviewer_ids=ids), [debrief(u, answers) for u in ids])
    )
    assert all(f"<@{uid}> — " in visible(payload) for uid in ids)


def test_long_ids_everywhere_still_fit() -> None:
    ids = tuple(f"U{i:02d}" + "A" * 61 for i in range(30))  # 64-character ids, the most mention() links
    item = AgendaItem(
        kind=AgendaKind.MEET,
        title="x" * 3000,
        minutes=5,
        votes=30,
        raised_by=ids,
        people=ids,
        questions=tuple("&" * 3000 for _ in range(40)),
    )
    long = summary(
        agenda=Agenda(total_minutes=60, items=(item,) * 3),
        deal_breakers=tuple(DealBreaker(uid, "&" * 3000) for uid in ids),
        calibration=tuple(
            CalibrationHint(uid, "usually rates higher than their panels", 2, -2, 40) for uid in ids
        ),
        missing=ids,
        verdict=Verdict(VerdictKind.ADVANCE, (Reason(Rule.SPLIT, "Split panel — yes from", ids),)),
    )
    text = visible(check_message(summary_message(long)))
    assert "and 20 more" in text
