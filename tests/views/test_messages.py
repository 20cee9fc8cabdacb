from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.models import InterviewStatus, Recommendation
from bot.ids import Action, Block
from bot.views.common import Message
from bot.views.messages import (
    not_on_panel,
    notice,
    private_notes_dm,
    prompt_dm,
    prompt_message,
    receipt_dm,
    reminder_dm,
    scheduled_notice,
)
from tests.views.builders import EVIL, EVIL_ESCAPED, T0, answers, full_answers, interview, panel
from tests.views.slack_checks import check_message, visible

DEADLINE = T0 + timedelta(days=1)


def _buttons(kwargs: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (e["text"]["text"], e["action_id"], e["value"])
        for b in kwargs["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_channel_prompt_names_the_interview_the_panel_and_offers_the_form() -> None:
    kwargs = check_message(prompt_message(interview(notes="Focus on <system design> & APIs")))
    text = visible(kwargs)
    assert "*Ada Lovelace* · Staff Engineer · Technical" in text
    assert "Panel: <@UANA>, <@UBO>, <@UCY>" in text
    assert "private until the summary posts" in text
    assert "Focus on &lt;system design&gt; &amp; APIs" in text
    assert _buttons(kwargs) == [("Write debrief", Action.WRITE_DEBRIEF, "12")]
    (actions,) = [b for b in kwargs["blocks"] if b["type"] == "actions"]
    assert actions["block_id"] == Block.ACTIONS and actions["elements"][0]["style"] == "primary"
    assert "Ada Lovelace" in kwargs["text"] and "<@UANA>" in kwargs["text"]


def test_dm_prompt_and_reminder_carry_the_deadline() -> None:
    kwargs = check_message(prompt_dm(interview(), deadline=DEADLINE))
    assert f"<!date^{int(DEADLINE.timestamp())}^" in visible(kwargs)
    assert _buttons(kwargs) == [("Write debrief", Action.WRITE_DEBRIEF, "12")]

    kwargs = check_message(reminder_dm(interview(), deadline=DEADLINE))
    assert "Reminder" in visible(kwargs) and f"<!date^{int(DEADLINE.timestamp())}^" in visible(kwargs)
    assert _buttons(kwargs) == [
        ("Write debrief", Action.WRITE_DEBRIEF, "12"),
        ("Snooze 1 h", Action.SNOOZE, "12"),
    ]


@pytest.mark.parametrize(("replaced", "verb"), [(False, "received"), (True, "updated")])
def test_receipt_recaps_the_interviewers_own_answers(replaced: bool, verb: str) -> None:
    kwargs = check_message(receipt_dm(interview(), full_answers(), replaced=replaced))
    text = visible(kwargs)
    assert f"is {verb}" in text
    assert "*Excitement:* Genuinely excited (4/4)" in text
    assert "*Fit:* Some concerns (2/4)" in text
    assert "*Ability:* Not there (1/4)" in text
    assert "*Recommendation:* Strong no" in text
    assert "deal-breaker" in text
    assert "PRIVATE-NOTE-MARKER" not in text and "Dismissive" not in text  # a recap, not a copy
    assert _buttons(kwargs) == [("Edit my debrief", Action.EDIT_DEBRIEF, "12")]


def test_receipt_without_extras() -> None:
    kwargs = check_message(
        receipt_dm(interview(), answers(recommendation=Recommendation.YES), replaced=False)
    )
    assert "deal-breaker" not in visible(kwargs)


def test_scheduled_notice_says_when_and_where_the_debrief_opens() -> None:
    iv = interview()
    text = visible(check_message(scheduled_notice(iv)))
    assert text.startswith("🗓️ Scheduled #12: *Ada Lovelace*")
    assert f"The debrief opens <!date^{int(iv.ends_at.timestamp())}^" in text
    assert "in <#CHIRING>" in text
    assert "panel <@UANA>, <@UBO>, <@UCY> · hiring manager <@UHM>" in text

    assert "Rescheduled #12" in visible(check_message(scheduled_notice(iv, rescheduled=True)))


@pytest.mark.parametrize(
    ("status", "now_offset"),
    [(InterviewStatus.COLLECTING, None), (InterviewStatus.SCHEDULED, timedelta(hours=2))],
)
def test_scheduled_notice_for_an_interview_that_already_ended(
    status: InterviewStatus, now_offset: timedelta | None
) -> None:
    now = T0 + now_offset if now_offset else None
    text = visible(check_message(scheduled_notice(interview(status=status), now=now)))
    assert "the debrief prompt goes out now in <#CHIRING>" in text


def test_private_notes_go_to_the_hiring_manager_escaped() -> None:
    kwargs = check_message(private_notes_dm(interview(), [("UANA", EVIL), ("UBO", ""), ("UCY", "Fine")]))
    text = visible(kwargs)
    assert f"*<@UANA>:*\n{EVIL_ESCAPED}" in text
    assert "<@UBO>" not in text  # an empty note is no note
    assert "*<@UCY>:*\nFine" in text
    assert "never shown in the channel" in text


def test_private_notes_of_a_full_panel_of_long_notes_fit_in_one_message() -> None:
    notes = [(uid, "&" * 3000) for uid in panel(12)]
    kwargs = check_message(private_notes_dm(interview(interviewer_ids=panel(12)), notes))
    text = visible(kwargs)
    for uid, _ in notes:
        assert f"<@{uid}>" in text


def test_private_notes_none() -> None:
    assert "No private notes" in visible(check_message(private_notes_dm(interview(), [])))


def test_notice_and_not_on_panel() -> None:
    kwargs = check_message(notice("Interview #7 not found: <!here>"))
    assert kwargs["text"] == "Interview #7 not found: &lt;!here&gt;"
    text = visible(check_message(not_on_panel(interview())))
    assert "not on the panel for #12" in text and "<@UREC>" in text


def test_long_notice_is_cut_to_fit() -> None:
    check_message(notice("x " * 4000))


BUILDERS = [
    lambda iv: prompt_message(iv),
    lambda iv: prompt_dm(iv, deadline=DEADLINE),
    lambda iv: reminder_dm(iv, deadline=DEADLINE),
    lambda iv: receipt_dm(iv, full_answers(EVIL), replaced=True),
    lambda iv: scheduled_notice(iv),
    lambda iv: private_notes_dm(iv, [("UANA", EVIL)]),
    lambda iv: not_on_panel(iv),
]


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("candidate", [EVIL, "x" * 3000, "&" * 3000])
def test_user_text_never_pings_and_always_fits(build: Any, candidate: str) -> None:
    iv = interview(candidate=candidate, role=candidate, notes=candidate)
    message: Message = build(iv)
    kwargs = check_message(message)  # also asserts no raw <!channel> or stray < > &
    if candidate == EVIL:
        assert "&lt;!channel&gt; &amp; *bold*" in visible(kwargs)
