"""Notifications: the channel prompt, DMs to interviewers and the hiring manager, ephemeral notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import ButtonElement

from bot.domain.models import Area, DebriefAnswers, Interview
from bot.ids import Action, Block
from bot.views.common import (
    FALLBACK_TEXT_MAX,
    MESSAGE_MAX_BLOCKS,
    SECTION_TEXT_MAX,
    Message,
    actions,
    button,
    context,
    escape,
    fit,
    interview_line,
    interview_plain,
    mention,
    mentions,
    one_line,
    pack_lines,
    section,
    slack_date,
    split_fit,
    truncate,
)
from bot.views.scheduled import scheduled_text

PRIVACY_NOTE = "🔒 Feedback stays private until the summary posts, so every first impression is independent."

# What a person is told when something failed on our side (never the error itself).
SORRY = "Something went wrong on our side while doing that. Please try again in a minute."


def _write_button(interview: Interview) -> ButtonElement:
    return button("Write debrief", action_id=Action.WRITE_DEBRIEF, value=str(interview.id), style="primary")


def _message(text: str, blocks: Sequence[SlackBlock]) -> Message:
    return Message(text=truncate(text, FALLBACK_TEXT_MAX), blocks=tuple(blocks))


def _notes(interview: Interview) -> list[SlackBlock]:
    if not interview.notes:
        return []
    heading = "*Notes for the panel*\n"
    return [section(heading + fit(interview.notes, SECTION_TEXT_MAX - len(heading)))]


def prompt_message(interview: Interview) -> Message:
    """Channel post when the interview ends: who, for what, the panel, and a "Write debrief" button."""
    panel = mentions(interview.interviewer_ids)
    lines = [
        f"📝 *Time to debrief* {interview_line(interview)}",
        f"Interview {interview.short_id} · {slack_date(interview.starts_at)}",
        f"Panel: {panel}",
    ]
    blocks = [
        section("\n".join(lines)),
        *_notes(interview),
        actions(_write_button(interview), block_id=Block.ACTIONS),
        context(PRIVACY_NOTE),
    ]
    return _message(f"Time to debrief {interview_plain(interview)}: {panel}", blocks)


def prompt_dm(interview: Interview, *, deadline: datetime) -> Message:
    """DM to one interviewer: the same button, with the deadline."""
    text = (
        f"You interviewed {interview_line(interview)} ({interview.short_id}).\n"
        f"Please write your debrief by {slack_date(deadline)}."
    )
    blocks = [
        section(text),
        *_notes(interview),
        actions(_write_button(interview), block_id=Block.ACTIONS),
        context(PRIVACY_NOTE),
    ]
    return _message(f"Please write your debrief for {interview_plain(interview)}", blocks)


def reminder_dm(interview: Interview, *, deadline: datetime) -> Message:
    """A nudge with "Write debrief" and "Snooze 1 h"."""
    text = (
        f"⏰ Reminder: your debrief for {interview_line(interview)} ({interview.short_id}) "
        f"is due {slack_date(deadline)}."
    )
    return _message(
        f"Reminder: your debrief for {interview_plain(interview)} is due",
        [
            section(text),
            actions(
                _write_button(interview),
                button("Snooze 1 h", action_id=Action.SNOOZE, value=str(interview.id)),
                block_id=Block.ACTIONS,
            ),
        ],
    )


def receipt_dm(interview: Interview, answers: DebriefAnswers, *, replaced: bool) -> Message:
    """Thanks, a recap of the interviewer's own ratings and recommendation, and "Edit my debrief"."""
    verb = "updated" if replaced else "received"
    recap = [
        f"*{area.label}:* {area.levels[answers.level(area) - 1]} ({answers.level(area)}/4)" for area in Area
    ]
    recap.append(f"*Recommendation:* {answers.recommendation.label}")
    extras = []
    if answers.has_deal_breaker:
        extras.append("You noted a deal-breaker.")
    if answers.private_note:
        extras.append("Your private note goes to the hiring manager only.")
    blocks: list[SlackBlock] = [
        section(f"✅ Thanks! Your debrief for {interview_line(interview)} ({interview.short_id}) is {verb}."),
        section("\n".join(recap)),
    ]
    if extras:
        blocks.append(context(" ".join(extras)))
    blocks.append(
        actions(
            button("Edit my debrief", action_id=Action.EDIT_DEBRIEF, value=str(interview.id)),
            block_id=Block.ACTIONS,
        )
    )
    return _message(f"Thanks! Your debrief for {interview_plain(interview)} is {verb}.", blocks)


def scheduled_notice(
    interview: Interview, *, rescheduled: bool = False, now: datetime | None = None
) -> Message:
    """Ephemeral confirmation to the recruiter (the same words as `scheduled_view`).

    Without `now`, "already ended" is read from the status (the prompt went out).
    """
    verb = "Rescheduled" if rescheduled else "Scheduled"
    return _message(
        f"{verb} {interview.short_id}: {interview_plain(interview)}",
        [section(scheduled_text(interview, rescheduled=rescheduled, now=now))],
    )


def private_notes_dm(interview: Interview, notes: Sequence[tuple[str, str]]) -> Message:
    """To the hiring manager: each interviewer's private note, escaped, split to fit."""
    notes = [(uid, text) for uid, text in notes if text.strip()]
    blocks: list[SlackBlock] = [
        section(
            f"🔒 *Private notes* on {interview_line(interview)} ({interview.short_id}). "
            "Only you can see these; they are never shown in the channel."
        )
    ]
    if not notes:
        blocks.append(section("_No private notes._"))
    elif len(notes) > MESSAGE_MAX_BLOCKS - len(blocks):  # more notes than blocks: one line each
        lines = [f"*{mention(uid)}:* {fit(one_line(text), 500)}" for uid, text in notes]
        blocks += [section(t) for t in pack_lines(lines, max_chunks=MESSAGE_MAX_BLOCKS - len(blocks))]
    else:
        per_note = (MESSAGE_MAX_BLOCKS - len(blocks)) // len(notes)
        for uid, text in notes:
            head = f"*{mention(uid)}:*\n"
            chunks = split_fit(text, size=SECTION_TEXT_MAX - len(head), max_chunks=per_note)
            blocks.append(section(head + chunks[0]))
            blocks += [section(chunk) for chunk in chunks[1:] if chunk]
    return _message(f"Private notes on {interview_plain(interview)}", blocks)


def notice(text: str) -> Message:
    """A short message in fixed wording, escaped (it may quote what the user typed)."""
    body = fit(text.strip(), min(SECTION_TEXT_MAX, FALLBACK_TEXT_MAX))
    return _message(body, [section(body)])


def not_on_panel(interview: Interview) -> Message:
    """Told to someone who clicked "Write debrief" without being on the panel."""
    text = (
        f"You're not on the panel for {interview.short_id} ({interview_line(interview)}), "
        f"so there's no debrief for you to write. If that's a mistake, ask {mention(interview.recruiter_id)} "
        "to add you."
    )
    return _message(f"You're not on the panel for {interview.short_id}.", [section(text)])


# What each kind of owed call is, in words a recruiter reads (dead letters: DM, Home tab, status).
_UNDELIVERED = {
    "prompt": "the debrief prompt",
    "prompt_dm": "the request to write a debrief",
    "reminder": "a reminder to write a debrief",
    "receipt": "the receipt of a debrief",
    "summary": "the summary",
    "summary_update": "an update of the summary",
    "summary_reply": "a note in the summary's thread",
    "private_notes": "the private notes for the hiring manager",
    "missing": "the list of missing debriefs",
    "cancelled": "the notice that the interview was cancelled",
    "erased": "the erasure of a posted message",
    "archive": "archiving the candidate's channel",
    "channel": "setting up the interview's channel",
    "calibration": "the calibration hints for the hiring manager",
    "erase_channel": "removing the candidate's name from their channel",
    "delete_file": "deleting an export that held the interview",
}


def undelivered_line(kind: str, recipient: str, error: str) -> str:
    """One dead letter in a line: what could not be delivered, to whom, and what Slack said."""
    what = _UNDELIVERED.get(kind, f"a message ({kind})")
    if recipient.startswith(("C", "G")):
        what += f" in <#{recipient}>"
    elif recipient.startswith(("U", "W")):
        what += f" to {mention(recipient)}"
    return f"{what} (Slack said `{escape(one_line(error))[:200]}`)"


def undelivered_notice(interview: Interview, line: str, *, private_channel_hint: bool) -> Message:
    """The recruiter's DM about a dead letter: what failed, and where to look next."""
    hint = " If it's a private channel, type `/invite @Debrief` there." if private_channel_hint else ""
    text = (
        f"⚠️ I couldn't post {line} for {interview.short_id}.{hint} "
        f"`/debrief status {interview.id}` shows where things stand; an admin lists what "
        "failed with `debrief-bot outbox` and re-sends it with `debrief-bot outbox retry ID`."
    )
    return _message(text, [section(text)])
