"""The "Who said what" modal: each interviewer's ratings with their evidence (never private notes)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.domain.models import Area, Debrief, ExploreTopic, Interview
from bot.ids import Callback
from bot.views.common import (
    MODAL_MAX_BLOCKS,
    SECTION_TEXT_MAX,
    context,
    divider,
    interview_line,
    mention,
    mentions_capped,
    section,
    slack_date,
    split_fit,
)

_FIXED_PER_DEBRIEF = 2  # divider + the interviewer's headline


def _parts(debrief: Debrief) -> list[tuple[str, str]]:
    """(heading, user text) pairs shown for one debrief, in reading order."""
    answers = debrief.answers
    parts = [
        (
            f"*{area.label}: {area.levels[answers.level(area) - 1]} ({answers.level(area)}/4)*",
            answers.evidence(area) or "",
        )
        for area in Area
    ]
    if answers.has_deal_breaker:
        parts.append(("*🚫 Deal-breaker*", answers.deal_breaker))
    if answers.questions.strip():
        parts.append(("*Questions for the next stage*", answers.questions))
    return parts


def _headline(debrief: Debrief) -> str:
    answers = debrief.answers
    lines = [
        f"{mention(debrief.interviewer_id)} — *{answers.recommendation.label}* "
        f"· submitted {slack_date(debrief.submitted_at)}"
    ]
    if answers.explore:
        topics = [t.label for t in ExploreTopic if t in answers.explore]
        lines.append("Explore next: " + ", ".join(topics))
    if answers.people_to_meet:
        lines.append("Should meet: " + mentions_capped(answers.people_to_meet, 15))
    return "\n".join(lines)


def _panel_order(interview: Interview, debriefs: Sequence[Debrief]) -> list[Debrief]:
    rank = {uid: i for i, uid in enumerate(interview.interviewer_ids)}
    return sorted(debriefs, key=lambda d: rank.get(d.interviewer_id, len(rank)))


def who_said_what_modal(interview: Interview, debriefs: Sequence[Debrief]) -> View:
    """Each debrief in full (ratings, evidence, recommendation, deal-breaker, questions), ≤ 100 blocks."""
    blocks: list[SlackBlock] = [
        section(f"{interview_line(interview)} · {interview.short_id} · {slack_date(interview.starts_at)}"),
        context("Private notes to the hiring manager are never shown here."),
    ]
    ordered = _panel_order(interview, debriefs)
    if not ordered:
        blocks.append(section("_No debriefs yet._"))
    budget = MODAL_MAX_BLOCKS - len(blocks) - 1  # keep one for an "…and N more" note
    parts = [_parts(d) for d in ordered]
    shown = 0
    fixed = 0
    for p in parts:
        if fixed + _FIXED_PER_DEBRIEF + len(p) > budget:
            break
        fixed += _FIXED_PER_DEBRIEF + len(p)
        shown += 1
    total_parts = sum(len(p) for p in parts[:shown])
    per_part = 1 + (budget - fixed) // total_parts if total_parts else 1
    for debrief, debrief_parts in zip(ordered[:shown], parts[:shown], strict=True):
        blocks += [divider(), section(_headline(debrief))]
        for heading, text in debrief_parts:
            size = SECTION_TEXT_MAX - len(heading) - 1
            chunks = split_fit(text, size=size, max_chunks=per_part) if text else ["_No evidence given._"]
            blocks.append(section(f"{heading}\n{chunks[0]}"))
            blocks += [section(chunk) for chunk in chunks[1:]]
    if shown < len(ordered):
        blocks.append(context(f"…and {len(ordered) - shown} more debriefs that don't fit here."))
    return View(
        type="modal",
        callback_id=Callback.WHO_SAID_WHAT,
        title="Who said what",
        close="Close",
        blocks=blocks,
    )
