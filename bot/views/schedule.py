"""The "Schedule interview" modal (also used to reschedule) and its parsers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.models import Interview, InterviewDraft, Stage
from bot.domain.validation import (
    MAX_LENGTH_MINUTES,
    MAX_NAME_CHARS,
    MAX_PANEL,
    MAX_TEXT_CHARS,
    MIN_LENGTH_MINUTES,
    InvalidInput,
    clean_text,
)
from bot.ids import Block, Callback
from bot.views.common import StaleForm, plain
from bot.views.form_state import input_state, selected_user, selected_users, selected_value, text_value

DEFAULT_LENGTH_MINUTES = 45
STALE_FORM = "This form is out of date or damaged: close it and start again."


@dataclass(frozen=True)
class ScheduleMeta:
    """What the schedule modal's private_metadata carries."""

    origin_channel_id: str | None
    interview_id: int | None  # set when rescheduling


def _stage_option(stage: Stage) -> Option:
    return Option(value=stage.value, text=plain(stage.label))


def _who_and_what(interview: Interview | None) -> list[InputBlock]:
    """Candidate, role and stage."""
    return [
        InputBlock(
            block_id=Block.CANDIDATE,
            label="Candidate",
            element=PlainTextInputElement(
                action_id=Block.CANDIDATE,
                placeholder="Full name",
                max_length=MAX_NAME_CHARS,
                initial_value=interview.candidate[:MAX_NAME_CHARS] if interview else None,
            ),
        ),
        InputBlock(
            block_id=Block.ROLE,
            label="Role",
            element=PlainTextInputElement(
                action_id=Block.ROLE,
                placeholder="e.g. Senior Backend Engineer",
                max_length=MAX_NAME_CHARS,
                initial_value=interview.role[:MAX_NAME_CHARS] if interview else None,
            ),
        ),
        InputBlock(
            block_id=Block.STAGE,
            label="Stage",
            element=StaticSelectElement(
                action_id=Block.STAGE,
                placeholder="Pick a stage",
                options=[_stage_option(s) for s in Stage],
                initial_option=_stage_option(interview.stage) if interview else None,
            ),
        ),
    ]


def _who_decides(interview: Interview | None) -> list[InputBlock]:
    """The panel, and the hiring manager who decides after the debrief."""
    return [
        InputBlock(
            block_id=Block.INTERVIEWERS,
            label="Interviewers",
            hint=f"Everyone who will be in the room (up to {MAX_PANEL}). Each gets their own debrief.",
            element=UserMultiSelectElement(
                action_id=Block.INTERVIEWERS,
                placeholder="Pick the panel",
                max_selected_items=MAX_PANEL,
                initial_users=list(interview.interviewer_ids) if interview else None,
            ),
        ),
        InputBlock(
            block_id=Block.HIRING_MANAGER,
            label="Hiring manager",
            hint="Decides after the debrief and reads the panel's private notes.",
            element=UserSelectElement(
                action_id=Block.HIRING_MANAGER,
                placeholder="Pick the hiring manager",
                initial_user=interview.hiring_manager_id if interview else None,
            ),
        ),
    ]


def _when(interview: Interview | None) -> list[InputBlock]:
    """Start and length: the debrief opens when the interview ends."""
    return [
        InputBlock(
            block_id=Block.STARTS,
            label="Starts",
            element=DateTimePickerElement(
                action_id=Block.STARTS,
                initial_date_time=int(interview.starts_at.timestamp()) if interview else None,
            ),
        ),
        InputBlock(
            block_id=Block.LENGTH,
            label="Length in minutes",
            element=NumberInputElement(
                action_id=Block.LENGTH,
                is_decimal_allowed=False,
                initial_value=str(interview.length_minutes if interview else DEFAULT_LENGTH_MINUTES),
                min_value=MIN_LENGTH_MINUTES,
                max_value=MAX_LENGTH_MINUTES,
            ),
        ),
    ]


def _where_and_notes(channel: str | None, interview: Interview | None) -> list[InputBlock]:
    """The debrief channel, and notes shown to the panel with the prompt."""
    return [
        InputBlock(
            block_id=Block.CHANNEL,
            label="Debrief channel",
            hint="Where the debrief prompt and the summary are posted. Invite the bot there.",
            element=ConversationSelectElement(
                action_id=Block.CHANNEL,
                placeholder="Pick a channel",
                initial_conversation=channel,
                default_to_current_conversation=None if channel else True,
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_bot_users=True,
                    exclude_external_shared_channels=True,  # debriefs are HR data: no Slack Connect
                ),
            ),
        ),
        InputBlock(
            block_id=Block.NOTES,
            label="Notes for the panel",
            optional=True,
            hint="Shown to the interviewers with the debrief prompt.",
            element=PlainTextInputElement(
                action_id=Block.NOTES,
                multiline=True,
                max_length=MAX_TEXT_CHARS,
                initial_value=interview.notes[:MAX_TEXT_CHARS] if interview and interview.notes else None,
            ),
        ),
    ]


def schedule_modal(
    *,
    default_channel_id: str | None,
    origin_channel_id: str | None,
    interview: Interview | None = None,
) -> View:
    """The scheduling form; given `interview`, a pre-filled "Reschedule interview" form."""
    channel = (interview.channel_id if interview else None) or default_channel_id or origin_channel_id
    blocks = _who_and_what(interview) + _who_decides(interview) + _when(interview)
    blocks += _where_and_notes(channel, interview)
    meta = {"origin_channel_id": origin_channel_id, "interview_id": interview.id if interview else None}
    return View(
        type="modal",
        callback_id=Callback.SCHEDULE,
        title="Reschedule interview" if interview else "Schedule interview",
        submit="Reschedule" if interview else "Schedule",
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def read_schedule_meta(private_metadata: str) -> ScheduleMeta:
    """Parse the modal's private_metadata.

    Raises StaleForm (an InvalidInput with empty `errors`: no field is at fault) when it is not
    what `schedule_modal` wrote; `str(exc)` is safe to show the user.
    """
    try:
        meta = json.loads(private_metadata)
    except (TypeError, ValueError):
        raise StaleForm(STALE_FORM) from None
    if not isinstance(meta, dict):
        raise StaleForm(STALE_FORM)
    origin, interview_id = meta.get("origin_channel_id"), meta.get("interview_id")
    if origin is not None and not isinstance(origin, str):
        raise StaleForm(STALE_FORM)
    if interview_id is not None and (type(interview_id) is not int or interview_id < 1):
        raise StaleForm(STALE_FORM)
    return ScheduleMeta(origin_channel_id=origin or None, interview_id=interview_id)


def read_schedule(
    values: Mapping[str, Mapping[str, Any]], *, fallback_channel_id: str | None
) -> InterviewDraft:
    """Read the submitted form (`view["state"]["values"]`) into a draft.

    Raises InvalidInput({block_id: message}) for what cannot be parsed at all; anything merely
    missing becomes "" / () for `validate_draft` to report.
    """
    errors: dict[str, str] = {}
    stage = _read_stage(values, errors)
    starts_at = _read_start(values, errors)
    length = _read_length(values, errors)
    if errors:
        raise InvalidInput(errors)
    channel = input_state(values, Block.CHANNEL).get("selected_conversation")
    return InterviewDraft(
        candidate=clean_text(text_value(values, Block.CANDIDATE)),
        role=clean_text(text_value(values, Block.ROLE)),
        stage=stage,
        interviewer_ids=selected_users(values, Block.INTERVIEWERS),
        hiring_manager_id=selected_user(values, Block.HIRING_MANAGER),
        starts_at=starts_at,
        length_minutes=length,
        channel_id=(channel if isinstance(channel, str) and channel else None) or fallback_channel_id or "",
        notes=clean_text(text_value(values, Block.NOTES)),
    )


def _read_stage(values: Mapping[str, Mapping[str, Any]], errors: dict[str, str]) -> Stage:
    """The picked stage; a missing or unknown one is an error (and Stage.OTHER as a placeholder)."""
    stage_value = selected_value(values, Block.STAGE)
    if stage_value is None:
        errors[Block.STAGE] = "Pick the stage."
    elif stage_value not in {s.value for s in Stage}:
        errors[Block.STAGE] = "Pick one of the stages offered."
    else:
        return Stage(stage_value)
    return Stage.OTHER


def _read_start(values: Mapping[str, Mapping[str, Any]], errors: dict[str, str]) -> datetime:
    """The picked start; a missing or unreadable one is an error (and the epoch as a placeholder)."""
    raw_start = input_state(values, Block.STARTS).get("selected_date_time")
    if raw_start is None:
        errors[Block.STARTS] = "Pick the date and time the interview starts."
    elif (parsed := _timestamp(raw_start)) is None:
        errors[Block.STARTS] = "That date and time can't be read: pick it again."
    else:
        return parsed
    return datetime.fromtimestamp(0, UTC)


def _read_length(values: Mapping[str, Mapping[str, Any]], errors: dict[str, str]) -> int:
    """The length in whole minutes; a missing or unreadable one is an error (and 0 as a placeholder)."""
    raw_length = (text_value(values, Block.LENGTH) or "").strip()
    if not raw_length:
        errors[Block.LENGTH] = "Enter the length in minutes."
        return 0
    try:
        return int(raw_length)
    except ValueError:
        errors[Block.LENGTH] = "Enter a whole number of minutes."
        return 0


def _timestamp(raw: object) -> datetime | None:
    """Slack sends `selected_date_time` as unix seconds; accept an int or a string of digits."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int):
        return None
    try:
        return datetime.fromtimestamp(raw, UTC)
    except (OverflowError, OSError, ValueError):
        return None
