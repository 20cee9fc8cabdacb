"""The Home tab, per viewer: what waits for them as interviewer, recruiter and hiring manager."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.domain.models import Interview
from bot.ids import Action, Block
from bot.views.common import (
    actions,
    button,
    context,
    divider,
    escape,
    header,
    interview_line,
    mentions,
    mrkdwn,
    pack_lines,
    section,
    slack_date,
)

MAX_BUTTON_ROWS = 10  # per list with a button on each row; the rest is counted, not dropped
MAX_BLOCKS = 100


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home tab shows; lists are newest first."""

    waiting: Sequence[Interview] = ()  # debriefs they owe
    upcoming: Sequence[Interview] = ()  # interviews they're on
    editable: Sequence[Interview] = ()  # their debriefs still open for edits
    is_recruiter: bool = False
    awaiting: Sequence[tuple[Interview, Sequence[str]]] = ()  # recruiter: (interview, missing)
    scheduled: Sequence[Interview] = ()  # recruiter: upcoming interviews
    verdicts: Sequence[Interview] = ()  # recent summaries (recruiter: all; hiring manager: theirs)
    pending_decisions: Sequence[Interview] = ()  # hiring manager: summaries awaiting their decision
    links: Mapping[int, str] = field(default_factory=dict)  # interview id -> summary permalink
    attention: Sequence[tuple[Interview, str]] = ()  # dead letters of interviews they scheduled


def _row(interview: Interview, label: str, action_id: str, *, prefix: str, extra: str = "") -> SectionBlock:
    text = f"{interview_line(interview)}\n{interview.short_id} · {slack_date(interview.starts_at)}{extra}"
    return SectionBlock(
        block_id=f"{prefix}-{interview.id}",
        text=mrkdwn(text),
        accessory=button(label, action_id=action_id, value=str(interview.id)),
    )


def _rows(
    items: Sequence[Interview], make: Callable[[Interview], SlackBlock], *, more_hint: str
) -> list[SlackBlock]:
    blocks: list[SlackBlock] = [make(i) for i in items[:MAX_BUTTON_ROWS]]
    if len(items) > MAX_BUTTON_ROWS:
        blocks.append(context(f"…and {len(items) - MAX_BUTTON_ROWS} more — {more_hint}"))
    return blocks


def _lines(lines: Sequence[str]) -> list[SlackBlock]:
    return [
        section(text)
        for text in pack_lines(lines, max_chunks=3, more=lambda n: f"_…and {n} more — /debrief list_")
    ]


def _verdict_line(interview: Interview, links: Mapping[int, str]) -> str:
    verdict = (interview.verdict or "").capitalize()
    decided = f" · decided *{interview.decision.label}*" if interview.decision else ""
    link = links.get(interview.id)
    where = f" · <{escape(link)}|summary>" if link else ""
    return f"• {interview_line(interview)} — *{verdict}*{decided}{where}"


def _needs_attention(data: HomeData) -> list[SlackBlock]:
    """Messages that couldn't be delivered: first, since nothing else on the tab matters while one is lost."""
    if not data.attention:
        return []
    blocks: list[SlackBlock] = [header("Needs attention")]
    blocks += _lines(
        [f"• {i.short_id} {interview_line(i)}: couldn't deliver {line}" for i, line in data.attention]
    )
    blocks.append(
        context(
            "`/debrief status <id>` for the details; fix the cause, then an admin re-sends with `debrief-bot outbox retry`."
        )
    )
    return blocks


def _as_interviewer(data: HomeData) -> list[SlackBlock]:
    """Debriefs to write, debriefs still open for edits, and the person's upcoming interviews."""
    blocks: list[SlackBlock] = [header("Debriefs waiting for you")]
    if data.waiting:
        blocks += _rows(
            data.waiting,
            lambda i: _row(i, "Write debrief", Action.WRITE_DEBRIEF, prefix="waiting"),
            more_hint="see your DMs from me",
        )
    else:
        blocks.append(section("Nothing is waiting for you. 🎉"))
    if data.editable:
        blocks += [header("Your debriefs (still open for edits)")]
        blocks += _rows(
            data.editable,
            lambda i: _row(i, "Edit my debrief", Action.EDIT_DEBRIEF, prefix="editable"),
            more_hint="the receipts in your DMs have Edit buttons",
        )
    if data.upcoming:
        blocks += [header("Your upcoming interviews")]
        blocks += _lines([f"• {interview_line(i)} — {slack_date(i.starts_at)}" for i in data.upcoming])
    return blocks


def _as_recruiter(data: HomeData) -> list[SlackBlock]:
    """The Schedule button, panels awaiting feedback (with Remind), and every upcoming interview."""
    if not data.is_recruiter:
        return []
    blocks: list[SlackBlock] = [
        divider(),
        header("Recruiting"),
        actions(
            button("Schedule interview", action_id=Action.SCHEDULE, value="home", style="primary"),
            block_id=Block.ACTIONS,
        ),
    ]
    if data.awaiting:
        missing = {i.id: m for i, m in data.awaiting}
        blocks.append(section("*Awaiting feedback*"))
        blocks += _rows(
            [i for i, _ in data.awaiting],
            lambda i: _row(
                i,
                "Remind",
                Action.REMIND,
                prefix="awaiting",
                extra=f"\nMissing: {mentions(missing[i.id][:12])}",
            ),
            more_hint="/debrief list",
        )
    if data.scheduled:
        blocks.append(section("*Upcoming interviews*"))
        blocks += _lines(
            [f"• {i.short_id} {interview_line(i)} — {slack_date(i.starts_at)}" for i in data.scheduled]
        )
    return blocks


def _verdicts(title: str, interviews: Sequence[Interview], links: Mapping[int, str]) -> list[SlackBlock]:
    if not interviews:
        return []
    return [divider(), header(title), *_lines([_verdict_line(i, links) for i in interviews])]


def home_view(data: HomeData) -> View:
    """The Home tab for one person; stays inside 100 blocks however much data there is."""
    blocks = _needs_attention(data) + _as_interviewer(data)
    blocks += _verdicts("Waiting for your decision", data.pending_decisions, data.links)
    blocks += _as_recruiter(data)
    blocks += _verdicts("Recent verdicts", data.verdicts, data.links)
    blocks += [
        divider(),
        context("After each interview I'll ask you for a short debrief. `/debrief help` for more."),
    ]
    return View(type="home", blocks=blocks[:MAX_BLOCKS])
