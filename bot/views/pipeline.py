"""What recruiters read: `/debrief list`, `/debrief status` and `/debrief audit`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block as SlackBlock

from bot.domain.models import AuditEntry, Interview, InterviewStatus
from bot.views.common import (
    Message,
    context,
    interview_line,
    interview_plain,
    mentions,
    pack_lines,
    section,
    slack_date,
    truncate,
)

_STATE = {
    InterviewStatus.SCHEDULED: "🗓 upcoming",
    InterviewStatus.COLLECTING: "✍️ awaiting debriefs",
    InterviewStatus.SUMMARISED: "📊 summary posted",
    InterviewStatus.CANCELLED: "🚫 cancelled",
}


def _list_line(interview: Interview, missing: Sequence[str]) -> str:
    line = f"• *{interview.short_id}* {interview_line(interview)} — {slack_date(interview.starts_at)} · {_STATE[interview.status]}"
    if interview.status is InterviewStatus.COLLECTING and missing:
        line += f"\n    missing: {mentions(missing[:12])}"
    return line


def list_message(
    rows: Sequence[tuple[Interview, Sequence[str]]], *, total: int, page: int, per_page: int
) -> Message:
    """A page of upcoming interviews and those awaiting feedback, newest first."""
    if not rows:
        text = (
            "No upcoming interviews and none awaiting debriefs." if page <= 1 else f"There is no page {page}."
        )
        return Message(text=text, blocks=(section(text),))
    first = (page - 1) * per_page + 1
    heading = f"*Interviews {first}–{first + len(rows) - 1} of {total}*"
    blocks: list[SlackBlock] = [section(heading)]
    blocks += [section(text) for text in pack_lines([_list_line(i, m) for i, m in rows], max_chunks=10)]
    if first + len(rows) - 1 < total:
        blocks.append(context(f"More: `/debrief list {page + 1}`"))
    return Message(text=f"Interviews {first}–{first + len(rows) - 1} of {total}", blocks=tuple(blocks))


def status_message(
    interview: Interview,
    *,
    submitted: Sequence[str],
    missing: Sequence[str],
    undelivered: Sequence[str],
    pending: int,
    origin: str | None = None,
    edited_in_slack: bool = False,
) -> Message:
    """Panel, who has submitted (never what), the deadline, the verdict once posted, and delivery trouble."""
    lines = [
        f"*{interview.short_id}* {interview_line(interview)} — {_STATE[interview.status]}",
        f"Interview: {slack_date(interview.starts_at)} ({interview.length_minutes} min)",
        f"Panel: {mentions(interview.interviewer_ids)}",
        f"Submitted: {mentions(submitted) or 'nobody yet'}",
    ]
    if missing and interview.status is not InterviewStatus.CANCELLED:
        lines.append(f"Missing: {mentions(missing)}")
    if interview.deadline_at and interview.status in (InterviewStatus.SCHEDULED, InterviewStatus.COLLECTING):
        lines.append(f"Deadline: {slack_date(interview.deadline_at)}")
    if interview.verdict:
        lines.append(f"Verdict: *{interview.verdict.capitalize()}*")
    if interview.decision:
        lines.append(f"Decision: *{interview.decision.label}*")
    if interview.follow_up_at:
        lines.append("💌 The candidate sent a follow-up note.")
    if origin and edited_in_slack:
        lines.append(
            f"📥 Imported from {origin}, then edited in Slack: Slack's version wins; changes there no longer apply."
        )
    elif origin:
        lines.append(
            f"📥 Imported from {origin}: it follows changes there (edit it here and Slack's version wins)."
        )
    blocks: list[SlackBlock] = [section(truncate("\n".join(lines), 3000))]
    if undelivered:
        failed = "\n".join(f"• {line}" for line in undelivered)
        blocks.append(section(truncate(f"⚠️ *Could not be delivered:*\n{failed}", 3000)))
    elif pending:
        blocks.append(context(f"{pending} message(s) waiting to be delivered (Slack is being retried)."))
    return Message(text=f"Status of {interview.short_id}: {interview_plain(interview)}", blocks=tuple(blocks))


def reminded_message(interview: Interview, *, reminded: Sequence[str], skipped: Sequence[str]) -> Message:
    """What `remind` did: who got a DM now, who was reminded less than an hour ago."""
    lines = []
    if reminded:
        lines.append(f"Reminded {mentions(reminded)} about {interview.short_id}.")
    if skipped:
        lines.append(f"{mentions(skipped)} got a reminder less than an hour ago; try again later.")
    if not lines:
        lines.append(f"Everyone on {interview.short_id} has submitted. Nobody to remind.")
    text = "\n".join(lines)
    return Message(text=truncate(text, 3000), blocks=(section(truncate(text, 3000)),))


_AUDIT_ACTIONS = {
    "who_said_what": "opened “Who said what”",
    "export": "exported it",
    "forget": "erased it",
    "cancel": "cancelled it",
    "decide": "recorded a decision",
    "panel": "changed the panel",
}


def _audit_line(entry: AuditEntry) -> str:
    who = "the retention pass" if entry.actor == "retention" else mention_or_name(entry.actor)
    what = _AUDIT_ACTIONS.get(entry.action, entry.action)
    if entry.outcome == "refused":
        what = f"was refused: {entry.action.replace('_', ' ')}"
    detail = f" ({entry.detail})" if entry.detail else ""
    return f"• {slack_date(entry.at)} — {who} {what}{detail}"


def audit_message(interview: Interview, entries: Sequence[AuditEntry]) -> Message:
    """An interview's audit trail, oldest first: who did or was refused what, and when."""
    heading = f"*Audit trail of {interview.short_id}*"
    if not entries:
        return Message(
            text=f"Audit trail of {interview.short_id}",
            blocks=(section(heading + "\nNothing recorded yet."),),
        )
    lines = [_audit_line(e) for e in entries]
    blocks: list[SlackBlock] = [section(heading)]
    blocks += [section(text) for text in pack_lines(lines, max_chunks=20)]
    return Message(text=f"Audit trail of {interview.short_id}", blocks=tuple(blocks))


def mention_or_name(actor: str) -> str:
    return mentions([actor]) if actor[:1] in ("U", "W") else actor


def panel_changed_message(interview: Interview) -> Message:
    """What `panel add/remove` did: the panel as it is now."""
    text = f"The panel of {interview.short_id} is now {mentions(interview.interviewer_ids)}."
    return Message(text=text, blocks=(section(text),))
