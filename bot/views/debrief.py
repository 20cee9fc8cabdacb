"""The debrief modal an interviewer fills in after the interview, and its parsers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.models import (
    MAX_LEVEL,
    MIN_LEVEL,
    Area,
    DebriefAnswers,
    ExploreTopic,
    Interview,
    Recommendation,
)
from bot.domain.validation import MAX_TEXT_CHARS, InvalidInput, clean_text
from bot.ids import Block, Callback
from bot.views.common import (
    StaleForm,
    context,
    interview_line,
    plain,
    section,
    slack_date,
)
from bot.views.form_state import selected_users, selected_value, selected_values, text_value

STALE_FORM = "This debrief form is out of date or damaged: close it and open it again from the message."
MAX_PEOPLE_TO_MEET = 10

_AREA_BLOCKS = {
    Area.EXCITEMENT: (Block.EXCITEMENT, Block.EXCITEMENT_EVIDENCE),
    Area.FIT: (Block.FIT, Block.FIT_EVIDENCE),
    Area.ABILITY: (Block.ABILITY, Block.ABILITY_EVIDENCE),
}
_AREA_LABELS = {
    Area.EXCITEMENT: "Excitement about the opportunity",
    Area.FIT: "Fit with the team",
    Area.ABILITY: "Ability to do the job",
}
_AREA_HINTS = {
    Area.EXCITEMENT: (
        "Real interest shows: questions about our work, energy when the role comes up, "
        "a project of ours they already knew."
    ),
    Area.FIT: (
        "Would they gel with the people they'd work with every day, share our core values, and grow here?"
    ),
    Area.ABILITY: "Could they do this job well? Rate what you saw in the interview, not the CV.",
}
DEAL_BREAKER_HINT = (
    "Only what would stop you hiring them. Minor concerns belong in the evidence — "
    "the big picture matters, nobody is 100% perfect."
)
PRIVATE_NOTE_HINT = "Only the hiring manager reads this. It is never shown in the channel or to the panel."


def _level_option(area: Area, level: int) -> Option:
    return Option(value=str(level), text=plain(area.levels[level - 1]))


def _recommendation_option(rec: Recommendation) -> Option:
    return Option(value=str(rec.value), text=plain(rec.label))


def _topic_option(topic: ExploreTopic) -> Option:
    return Option(value=topic.value, text=plain(topic.label))


def _text_input(block_id: str, *, initial: str, placeholder: str | None = None) -> PlainTextInputElement:
    return PlainTextInputElement(
        action_id=block_id,
        multiline=True,
        max_length=MAX_TEXT_CHARS,
        placeholder=placeholder,
        initial_value=initial[:MAX_TEXT_CHARS] or None,
    )


def debrief_modal(
    interview: Interview, *, existing: DebriefAnswers | None = None, from_home: bool = False
) -> View:
    """The structured debrief form; `existing` pre-fills every input for an edit; `from_home` when
    opened from the Home tab (which is then rebuilt after the submission)."""
    return _modal(interview, from_home, [*_intro_blocks(interview), *_form_blocks(existing)])


def _intro_blocks(interview: Interview) -> list[SlackBlock]:
    return [
        section(
            f"{interview_line(interview)}\nInterview {interview.short_id} · {slack_date(interview.starts_at)}"
        ),
        context(
            "🔒 Your answers stay private until the summary posts, so every first impression is "
            "independent. Be specific: what did you see and hear?"
        ),
    ]


def _form_blocks(existing: DebriefAnswers | None) -> list[SlackBlock]:
    blocks: list[SlackBlock] = []
    for area in Area:
        blocks += _area_blocks(area, existing)
    return blocks + _next_stage_blocks(existing) + _verdict_blocks(existing)


def _area_blocks(area: Area, existing: DebriefAnswers | None) -> list[SlackBlock]:
    """An area's rating and the evidence for it."""
    rating_block, evidence_block = _AREA_BLOCKS[area]
    options = [_level_option(area, level) for level in range(MIN_LEVEL, MAX_LEVEL + 1)]
    return [
        InputBlock(
            block_id=rating_block,
            label=_AREA_LABELS[area],
            hint=_AREA_HINTS[area],
            element=RadioButtonsElement(
                action_id=rating_block,
                options=options,
                initial_option=_level_option(area, existing.level(area)) if existing else None,
            ),
        ),
        InputBlock(
            block_id=evidence_block,
            label=f"Evidence for {area.label.lower()}",
            element=_text_input(
                evidence_block,
                initial=existing.evidence(area) if existing else "",
                placeholder="What did they say or do that shows it?",
            ),
        ),
    ]


def _next_stage_blocks(existing: DebriefAnswers | None) -> list[SlackBlock]:
    """What the next stage should explore, whom the candidate should meet, and questions to ask."""
    return [
        InputBlock(
            block_id=Block.EXPLORE,
            label="Explore further in the next stage",
            optional=True,
            element=CheckboxesElement(
                action_id=Block.EXPLORE,
                options=[_topic_option(t) for t in ExploreTopic],
                initial_options=[_topic_option(t) for t in ExploreTopic if existing and t in existing.explore]
                or None,
            ),
        ),
        InputBlock(
            block_id=Block.PEOPLE_TO_MEET,
            label="People they should meet",
            optional=True,
            element=UserMultiSelectElement(
                action_id=Block.PEOPLE_TO_MEET,
                placeholder="Pick people",
                max_selected_items=MAX_PEOPLE_TO_MEET,
                initial_users=list(existing.people_to_meet) if existing and existing.people_to_meet else None,
            ),
        ),
        InputBlock(
            block_id=Block.QUESTIONS,
            label="Questions for the next stage",
            optional=True,
            element=_text_input(Block.QUESTIONS, initial=existing.questions if existing else ""),
        ),
    ]


def _verdict_blocks(existing: DebriefAnswers | None) -> list[SlackBlock]:
    """A deal-breaker, the overall recommendation, and the private note for the hiring manager."""
    return [
        InputBlock(
            block_id=Block.DEAL_BREAKER,
            label="Deal-breaker",
            optional=True,
            hint=DEAL_BREAKER_HINT,
            element=_text_input(Block.DEAL_BREAKER, initial=existing.deal_breaker if existing else ""),
        ),
        InputBlock(
            block_id=Block.RECOMMENDATION,
            label="Overall recommendation",
            element=RadioButtonsElement(
                action_id=Block.RECOMMENDATION,
                options=[_recommendation_option(r) for r in sorted(Recommendation)],
                initial_option=_recommendation_option(existing.recommendation) if existing else None,
            ),
        ),
        InputBlock(
            block_id=Block.PRIVATE_NOTE,
            label="Private note for the hiring manager",
            optional=True,
            hint=PRIVATE_NOTE_HINT,
            element=_text_input(Block.PRIVATE_NOTE, initial=existing.private_note if existing else ""),
        ),
    ]


def _modal(interview: Interview, from_home: bool, blocks: list[SlackBlock]) -> View:
    return View(
        type="modal",
        callback_id=Callback.DEBRIEF,
        title="Debrief",
        submit="Submit",
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps(
            {"interview_id": interview.id, **({"home": 1} if from_home else {})}, separators=(",", ":")
        ),
    )


def read_debrief_meta(private_metadata: str) -> int:
    """The interview id the modal was opened for.

    Raises StaleForm (an InvalidInput with empty `errors`: no field is at fault) when the
    metadata is not what `debrief_modal` wrote; `str(exc)` is safe to show the user.
    """
    try:
        meta = json.loads(private_metadata)
    except (TypeError, ValueError):
        raise StaleForm(STALE_FORM) from None
    interview_id = meta.get("interview_id") if isinstance(meta, dict) else None
    if type(interview_id) is not int or interview_id < 1:
        raise StaleForm(STALE_FORM)
    return interview_id


def opened_from_home(private_metadata: str) -> bool:
    """Whether `debrief_modal` was opened from the Home tab (anything unexpected: no)."""
    try:
        meta = json.loads(private_metadata)
    except (TypeError, ValueError):
        return False
    home = meta.get("home") if isinstance(meta, dict) else None
    return type(home) is int and home == 1


def read_debrief(values: Mapping[str, Mapping[str, Any]]) -> DebriefAnswers:
    """Read the submitted form (`view["state"]["values"]`).

    Raises InvalidInput({block_id: message}) for a missing rating or recommendation and for any
    value the form never offered; texts are cleaned, their rules left to `validate_answers`.
    """
    errors: dict[str, str] = {}
    levels: dict[Area, int] = {}
    for area in Area:
        block = _AREA_BLOCKS[area][0]
        raw = selected_value(values, block)
        if raw is None:
            errors[block] = f"Rate {area.label.lower()}."
        elif raw not in {str(level) for level in range(MIN_LEVEL, MAX_LEVEL + 1)}:
            errors[block] = "Pick one of the options offered."
        else:
            levels[area] = int(raw)

    recommendation = Recommendation.YES
    raw_rec = selected_value(values, Block.RECOMMENDATION)
    if raw_rec is None:
        errors[Block.RECOMMENDATION] = "Pick your overall recommendation."
    elif raw_rec not in {str(r.value) for r in Recommendation}:
        errors[Block.RECOMMENDATION] = "Pick one of the options offered."
    else:
        recommendation = Recommendation(int(raw_rec))

    topics = selected_values(values, Block.EXPLORE)
    known_topics = {t.value for t in ExploreTopic}
    if any(t not in known_topics for t in topics):
        errors[Block.EXPLORE] = "Pick from the topics offered."

    if errors:
        raise InvalidInput(errors)

    return DebriefAnswers(
        excitement=levels[Area.EXCITEMENT],
        excitement_evidence=clean_text(text_value(values, Block.EXCITEMENT_EVIDENCE)),
        fit=levels[Area.FIT],
        fit_evidence=clean_text(text_value(values, Block.FIT_EVIDENCE)),
        ability=levels[Area.ABILITY],
        ability_evidence=clean_text(text_value(values, Block.ABILITY_EVIDENCE)),
        recommendation=recommendation,
        explore=frozenset(ExploreTopic(t) for t in topics),
        people_to_meet=tuple(dict.fromkeys(selected_users(values, Block.PEOPLE_TO_MEET))),
        questions=clean_text(text_value(values, Block.QUESTIONS)),
        deal_breaker=clean_text(text_value(values, Block.DEAL_BREAKER)),
        private_note=clean_text(text_value(values, Block.PRIVATE_NOTE)),
    )
