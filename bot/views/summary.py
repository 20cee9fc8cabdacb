"""The channel summary of a panel's debriefs, and the "Who said what" modal behind it.

The summary shows aggregates only: no evidence (that is "Who said what") and never private notes.
It stays within 50 blocks for any panel the domain allows: every list is packed into a bounded
number of sections and ends in "…and N more" instead of dropping items silently.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import ButtonElement, ConfirmObject

from bot.domain.models import MAX_LEVEL, MIN_LEVEL, Recommendation, level_label
from bot.domain.summary_types import AgendaItem, AreaStats, Reason, Rule, Summary, VerdictKind
from bot.ids import Action, Block
from bot.views.common import (
    CONTEXT_TEXT_MAX,
    HEADER_TEXT_MAX,
    Message,
    actions,
    button,
    context,
    divider,
    escape,
    fit,
    header,
    interview_line,
    interview_plain,
    mention,
    mentions_capped,
    one_line,
    pack_lines,
    plain,
    section,
    slack_date,
)
from bot.views.who_said_what import who_said_what_modal

__all__ = ["VERDICT_EMOJI", "summary_message", "who_said_what_modal"]

VERDICT_EMOJI = {
    VerdictKind.ADVANCE: "✅",
    VerdictKind.DISCUSS: "💬",
    VerdictKind.DECLINE: "⛔",
    VerdictKind.INCOMPLETE: "⏳",
}
# Per-list budgets (sections); with the fixed blocks they add up to well under 50.
REASON_SECTIONS = 2
SCORE_SECTIONS = 2
DEAL_BREAKER_SECTIONS = 2
AGENDA_SECTIONS = 8
# An agenda item stays under ~2,700 characters even with 10 long ids in each list.
QUESTIONS_PER_ITEM = 5
QUESTION_CHARS = 200
DEAL_BREAKER_CHARS = 500
MENTION_CAP = 10
MISSING_RULES = {Rule.NO_DEBRIEFS, Rule.QUORUM, Rule.MISSING}
_BAR_FULL, _BAR_EMPTY = "▰", "▱"


def _more(what: str) -> Callable[[int], str]:
    return lambda n: f"_…and {n} more {what}_"


def bar(mean: float) -> str:
    """A 4-cell bar for a mean level, e.g. ▰▰▰▱ for about 3."""
    filled = min(MAX_LEVEL, max(0, math.floor(mean + 0.5)))
    return _BAR_FULL * filled + _BAR_EMPTY * (MAX_LEVEL - filled)


def _reason(reason: Reason) -> str:
    who = mentions_capped(reason.user_ids, MENTION_CAP)
    return f"• {escape(reason.text)} {who}" if who else f"• {escape(reason.text)}"


def _area_lines(stats: AreaStats) -> list[str]:
    area = stats.area
    if stats.mean is None or stats.low is None or stats.high is None:
        return [f"*{area.label}* — no ratings yet"]
    rounded = min(MAX_LEVEL, max(MIN_LEVEL, math.floor(stats.mean + 0.5)))
    spread = (
        f"all {level_label(area, stats.low)}"
        if stats.low == stats.high
        else f"{level_label(area, stats.low)} – {level_label(area, stats.high)}"
    )
    lines = [
        f"*{area.label}* `{bar(stats.mean)}` {stats.mean:.1f}/4 · {level_label(area, rounded)} "
        f"· range {stats.low}–{stats.high} ({spread}) · {stats.count} rated"
    ]
    d = stats.disagreement
    if d is not None:
        lines.append(
            f"↕️ {area.label}: {mentions_capped(d.high_ids, MENTION_CAP)} {level_label(area, d.high_level)} "
            f"vs {mentions_capped(d.low_ids, MENTION_CAP)} {level_label(area, d.low_level)}"
        )
    return lines


def _tally(summary: Summary) -> str:
    order = sorted(Recommendation, reverse=True)
    counts = " · ".join(f"{r.label} {summary.tally.get(r, 0)}" for r in order)
    mean = summary.mean_recommendation
    return f"*Recommendations:* {counts}" + (f" · average {mean:+.1f}" if mean is not None else "")


def _agenda_item(number: int, item: AgendaItem) -> str:
    head = f"*{number}. {fit(one_line(item.title), 200)}* · {item.minutes} min"
    if item.votes:
        head += f" · {item.votes} vote{'s' if item.votes != 1 else ''}"
    if item.raised_by:
        head += f" · raised by {mentions_capped(item.raised_by, MENTION_CAP)}"
    lines = [head]
    lines += [f"      • {fit(one_line(q), QUESTION_CHARS)}" for q in item.questions[:QUESTIONS_PER_ITEM]]
    if len(item.questions) > QUESTIONS_PER_ITEM:
        rest = len(item.questions) - QUESTIONS_PER_ITEM
        lines.append(f"      _…and {rest} more question{'s' if rest != 1 else ''} (see “Who said what”)_")
    if item.people:
        lines.append(f"      Meet: {mentions_capped(item.people, MENTION_CAP)}")
    return "\n".join(lines)


def _decision_buttons(summary: Summary) -> list[ButtonElement]:
    iv = summary.interview
    value = str(iv.id)
    confirm = ConfirmObject(
        title=plain("Reject this candidate?"),
        text=plain(f"Record the decision Reject for {fit(one_line(iv.candidate), 200)} ({iv.short_id})?"),
        confirm=plain("Reject"),
        deny=plain("Cancel"),
        style="danger",
    )
    return [
        button("Advance", action_id=Action.DECIDE_ADVANCE, value=value, style="primary"),
        button("Reject", action_id=Action.DECIDE_REJECT, value=value, style="danger", confirm=confirm),
        button("Hold", action_id=Action.DECIDE_HOLD, value=value),
    ]


def _heading(summary: Summary) -> list[SlackBlock]:
    """The verdict and candidate, then the interview and how many debriefs are in."""
    iv = summary.interview
    kind = summary.verdict.kind
    prefix = f"{VERDICT_EMOJI[kind]} {kind.label} — "
    panel_size = len(summary.submitted) + len(summary.missing)
    status = f"{len(summary.submitted)} of {panel_size} debriefs in · " + (
        "final" if summary.final else "interim, updates as debriefs arrive"
    )
    return [
        header(prefix + fit(one_line(iv.candidate), HEADER_TEXT_MAX - len(prefix))),
        section(f"{interview_line(iv)} · {iv.short_id} · {slack_date(iv.starts_at)}\n{status}"),
    ]


def _why(summary: Summary) -> list[SlackBlock]:
    """The verdict's reasons; a disagreement is shown with the scores instead."""
    has_disagreements = any(a.disagreement for a in summary.areas)
    reasons = [
        _reason(r) for r in summary.verdict.reasons if not (r.rule is Rule.DISAGREEMENT and has_disagreements)
    ]
    if not reasons:
        return []
    texts = pack_lines(reasons, max_chunks=REASON_SECTIONS, limit=2900, more=_more("reasons"))
    return [section(("*Why*\n" if i == 0 else "") + t) for i, t in enumerate(texts)]


def _scores(summary: Summary) -> list[SlackBlock]:
    score_lines = ["*Scores*"]
    for stats in summary.areas:
        score_lines += _area_lines(stats)
    score_lines.append(_tally(summary))
    return [section(t) for t in pack_lines(score_lines, max_chunks=SCORE_SECTIONS)]


def _deal_breakers_and_flags(summary: Summary) -> list[SlackBlock]:
    blocks: list[SlackBlock] = []
    if summary.deal_breakers:
        lines = ["*🚫 Deal-breakers*"] + [
            f"• {mention(d.interviewer_id)}: {fit(one_line(d.text), DEAL_BREAKER_CHARS)}"
            for d in summary.deal_breakers
        ]
        more = _more("deal-breakers")
        blocks += [section(t) for t in pack_lines(lines, max_chunks=DEAL_BREAKER_SECTIONS, more=more)]
    if summary.flags:
        lines = [
            f"⚠️ {escape(f.text)}"
            + (f" — ask {mentions_capped(f.user_ids, MENTION_CAP)}" if f.user_ids else "")
            for f in summary.flags
        ]
        blocks += [section(t) for t in pack_lines(lines, max_chunks=1, more=_more("flags"))]
    return blocks


def _agenda(summary: Summary) -> list[SlackBlock]:
    agenda = summary.agenda
    if not agenda.items:
        return [section("*Next-stage agenda* · nothing flagged yet")]
    items = [f"*Next-stage agenda* · {agenda.total_minutes} min"]
    items += [_agenda_item(n, item) for n, item in enumerate(agenda.items, start=1)]
    return [section(t) for t in pack_lines(items, max_chunks=AGENDA_SECTIONS, more=_more("agenda items"))]


def _notes(summary: Summary) -> list[SlackBlock]:
    """Who is still missing and the candidate's follow-up, unless a reason already says so."""
    iv = summary.interview
    notes = []
    if summary.missing and not any(r.rule in MISSING_RULES for r in summary.verdict.reasons):
        waiting = "Closed without" if summary.final else "Waiting for"
        notes.append(f"⏳ {waiting} {mentions_capped(summary.missing, MENTION_CAP)}")
    if summary.follow_up_received and not any(r.rule is Rule.FOLLOW_UP for r in summary.verdict.reasons):
        when = f" ({slack_date(iv.follow_up_at)})" if iv.follow_up_at else ""
        notes.append(f"✉️ The candidate sent a follow-up note{when}")
    return [context(*notes)] if notes else []


def _decision_and_buttons(summary: Summary) -> list[SlackBlock]:
    """The decision once made; the actions, with Remind and Extend when a panel closed incomplete;
    the decision buttons until someone decides."""
    iv = summary.interview
    blocks: list[SlackBlock] = []
    if iv.decision is not None:
        by = f" by {mention(iv.decided_by)}" if iv.decided_by else ""
        at = f" at {slack_date(iv.decided_at)}" if iv.decided_at else ""
        blocks.append(section(f"🏁 *Decided: {iv.decision.label}*{by}{at}", block_id=Block.DECISION))
    value = str(iv.id)
    row = [button("Who said what", action_id=Action.WHO_SAID_WHAT, value=value)]
    if summary.verdict.kind is VerdictKind.INCOMPLETE and summary.final:
        row += [
            button("Remind", action_id=Action.REMIND, value=value),
            button("Extend 24 h", action_id=Action.EXTEND, value=value),
        ]
    blocks.append(actions(*row, block_id=Block.ACTIONS))
    if iv.decision is None:
        blocks.append(actions(*_decision_buttons(summary), block_id=Block.DECISION))
    return blocks


def summary_message(summary: Summary) -> Message:
    """The channel summary: verdict, reasons, scores, deal-breakers, agenda, and the decision buttons."""
    iv = summary.interview
    blocks = _heading(summary) + _why(summary) + _scores(summary) + _deal_breakers_and_flags(summary)
    blocks += [divider(), *_agenda(summary), *_notes(summary), *_decision_and_buttons(summary)]
    decided = f" · decided: {iv.decision.label}" if iv.decision else ""
    return Message(
        text=f"Debrief summary for {interview_plain(iv)}: {summary.verdict.kind.label}{decided}",
        blocks=tuple(blocks),
    )


def calibration_dm(summary: Summary) -> Message:
    """To the hiring manager and the recruiter only, never a channel: how each interviewer's ratings
    usually sit against their panels' (personnel data about the interviewers)."""
    iv = summary.interview
    hints = [
        f"🎯 {mention(h.interviewer_id)} {escape(h.text)} "
        f"(their mean {h.own_mean:+.1f} vs panels {h.panel_mean:+.1f}, {h.debriefs} debriefs)"
        for h in summary.calibration
    ]
    head = section(
        f"🔒 *Calibration* for the panel on {interview_line(iv)} ({iv.short_id}). Only the hiring "
        "manager and recruiters see this; it is never posted in a channel."
    )
    blocks: list[SlackBlock] = [head, context(*pack_lines(hints, max_chunks=3, limit=CONTEXT_TEXT_MAX))]
    return Message(text=f"Calibration for the panel on {interview_plain(iv)}", blocks=tuple(blocks))
