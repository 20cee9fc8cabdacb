from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.models import InterviewDraft, Stage
from bot.domain.validation import DomainError, InvalidInput, validate_draft
from bot.ids import Block, Callback
from bot.views.common import StaleForm
from bot.views.schedule import (
    ScheduleMeta,
    read_schedule,
    read_schedule_meta,
    schedule_modal,
)
from bot.views.scheduled import scheduled_view
from tests.views.builders import EVIL, T0, interview
from tests.views.slack_checks import check_view, submitted_values, visible


def _element(payload: dict[str, Any], block_id: str) -> dict[str, Any]:
    (block,) = [b for b in payload["blocks"] if b.get("block_id") == block_id]
    return block["element"]


def test_new_form_reads_as_a_scheduling_form() -> None:
    payload = check_view(schedule_modal(default_channel_id="CHIRING", origin_channel_id="CORIGIN"))
    assert payload["callback_id"] == Callback.SCHEDULE
    assert payload["title"]["text"] == "Schedule interview"
    assert payload["submit"]["text"] == "Schedule"
    text = visible(payload)
    for label in (
        "Candidate",
        "Role",
        "Stage",
        "Interviewers",
        "Hiring manager",
        "Starts",
        "Length in minutes",
        "Debrief channel",
        "Notes for the panel",
    ):
        assert label in text
    assert [o["text"]["text"] for o in _element(payload, Block.STAGE)["options"]] == [
        "Phone screen",
        "Technical",
        "Onsite",
        "Final",
        "Other",
    ]
    assert _element(payload, Block.INTERVIEWERS)["max_selected_items"] == 12
    length = _element(payload, Block.LENGTH)
    assert (length["initial_value"], length["min_value"], length["max_value"]) == ("45", "5", "480")
    assert length["is_decimal_allowed"] is False
    assert _element(payload, Block.CHANNEL)["initial_conversation"] == "CHIRING"
    notes = next(b for b in payload["blocks"] if b.get("block_id") == Block.NOTES)
    assert notes["optional"] is True and notes["element"]["multiline"] is True
    assert json.loads(payload["private_metadata"]) == {"origin_channel_id": "CORIGIN", "interview_id": None}
    assert " " not in payload["private_metadata"]  # compact


def test_channel_falls_back_to_where_the_form_was_opened() -> None:
    payload = check_view(schedule_modal(default_channel_id=None, origin_channel_id="CORIGIN"))
    assert _element(payload, Block.CHANNEL)["initial_conversation"] == "CORIGIN"
    payload = check_view(schedule_modal(default_channel_id=None, origin_channel_id=None))
    channel = _element(payload, Block.CHANNEL)
    assert "initial_conversation" not in channel
    assert channel["default_to_current_conversation"] is True


def test_reschedule_form_is_prefilled_and_reads_back_the_same_interview() -> None:
    iv = interview(
        candidate=EVIL,
        role="Staff <Engineer> & more",
        stage=Stage.FINAL,
        interviewer_ids=("UANA", "UBO", "UCY"),
        length_minutes=90,
        notes="Bring the take-home.\nRoom 4 & 5.",
        channel_id="CDEBRIEF",
    )
    view = schedule_modal(default_channel_id="COTHER", origin_channel_id="CORIGIN", interview=iv)
    payload = check_view(view)
    assert payload["title"]["text"] == "Reschedule interview"
    assert payload["submit"]["text"] == "Reschedule"
    assert read_schedule_meta(payload["private_metadata"]) == ScheduleMeta("CORIGIN", 12)

    draft = read_schedule(submitted_values(view), fallback_channel_id=None)
    assert draft == InterviewDraft(
        candidate=iv.candidate,
        role=iv.role,
        stage=iv.stage,
        interviewer_ids=iv.interviewer_ids,
        hiring_manager_id=iv.hiring_manager_id,
        starts_at=iv.starts_at,
        length_minutes=iv.length_minutes,
        channel_id="CDEBRIEF",
        notes=iv.notes,
    )


def test_untouched_optional_and_missing_fields_are_left_for_domain_validation() -> None:
    values: dict[str, Any] = {
        Block.STAGE: {Block.STAGE: {"type": "static_select", "selected_option": {"value": "onsite"}}},
        Block.STARTS: {Block.STARTS: {"type": "datetimepicker", "selected_date_time": int(T0.timestamp())}},
        Block.LENGTH: {Block.LENGTH: {"type": "number_input", "value": "45"}},
        Block.CANDIDATE: {Block.CANDIDATE: {"type": "plain_text_input", "value": "  Ada\x00 "}},
        Block.NOTES: {Block.NOTES: {"type": "plain_text_input", "value": None}},
    }
    draft = read_schedule(values, fallback_channel_id=None)
    assert (draft.candidate, draft.role, draft.interviewer_ids, draft.hiring_manager_id) == (
        "Ada",
        "",
        (),
        "",
    )
    assert (draft.channel_id, draft.notes, draft.stage, draft.starts_at) == ("", "", Stage.ONSITE, T0)
    errors = validate_draft(draft, now=T0 - timedelta(days=1), bot_user_id=None)
    assert set(errors) == {Block.ROLE, Block.INTERVIEWERS, Block.HIRING_MANAGER, Block.CHANNEL}


def test_channel_falls_back_to_the_given_channel() -> None:
    view = schedule_modal(default_channel_id=None, origin_channel_id=None, interview=interview())
    values = submitted_values(view)
    values[Block.CHANNEL][Block.CHANNEL]["selected_conversation"] = None
    assert read_schedule(values, fallback_channel_id="CFALL").channel_id == "CFALL"


@pytest.mark.parametrize(
    ("block", "state", "message"),
    [
        (Block.STARTS, {"selected_date_time": None}, "Pick the date and time"),
        (Block.STARTS, {"selected_date_time": "soon"}, "can't be read"),
        (Block.STARTS, {"selected_date_time": 10**15}, "can't be read"),
        (Block.STARTS, {"selected_date_time": True}, "can't be read"),
        (Block.LENGTH, {"value": "4.5"}, "whole number"),
        (Block.LENGTH, {"value": "an hour"}, "whole number"),
        (Block.LENGTH, {"value": None}, "Enter the length"),
        (Block.STAGE, {"selected_option": {"value": "lunch"}}, "stages offered"),
        (Block.STAGE, {"selected_option": None}, "Pick the stage"),
    ],
)
def test_unparseable_input_is_rejected_on_its_block(block: str, state: dict[str, Any], message: str) -> None:
    values = submitted_values(
        schedule_modal(default_channel_id="C1", origin_channel_id=None, interview=interview())
    )
    values[block][block].update(state)
    with pytest.raises(InvalidInput) as caught:
        read_schedule(values, fallback_channel_id=None)
    assert list(caught.value.errors) == [block]
    assert message in caught.value.errors[block]


def test_every_unparseable_field_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_schedule({}, fallback_channel_id=None)
    assert set(caught.value.errors) == {Block.STAGE, Block.STARTS, Block.LENGTH}


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not json",
        "[]",
        "null",
        '{"interview_id": "12"}',
        '{"interview_id": true}',
        '{"interview_id": 0}',
        '{"origin_channel_id": 5}',
        '{"origin_channel_id": ["C1"]}',
    ],
)
def test_tampered_metadata_is_an_input_error_without_a_field_not_a_crash(metadata: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_schedule_meta(metadata)
    assert isinstance(caught.value, StaleForm) and isinstance(caught.value, DomainError)
    assert caught.value.errors == {}
    assert "close it and start again" in str(caught.value)


def test_metadata_of_a_new_form() -> None:
    view = schedule_modal(default_channel_id=None, origin_channel_id=None)
    assert read_schedule_meta(view.private_metadata or "") == ScheduleMeta(None, None)


def test_the_submitted_form_turns_into_a_confirmation() -> None:
    iv = interview()
    payload = check_view(scheduled_view(iv, now=T0 - timedelta(days=1)))
    assert payload["title"]["text"] == "Interview scheduled" and "submit" not in payload
    text = visible(payload)
    assert text.startswith("🗓️ Scheduled #12: *Ada Lovelace*")
    assert f"The debrief opens <!date^{int(iv.ends_at.timestamp())}^" in text

    payload = check_view(scheduled_view(iv, now=T0 + timedelta(hours=1), rescheduled=True))
    assert payload["title"]["text"] == "Interview rescheduled"
    assert "the debrief prompt goes out now in <#CHIRING>" in visible(payload)
