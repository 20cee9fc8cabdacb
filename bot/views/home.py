"""The Home tab: what is waiting for this person, and what is coming up."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.domain.models import Interview
from bot.ids import Action
from bot.views.common import (
    button,
    context,
    divider,
    header,
    interview_line,
    mrkdwn,
    pack_lines,
    section,
    slack_date,
)

MAX_LISTED = 20  # per list: keeps the tab far inside Slack's 100 blocks


def _waiting(interview: Interview) -> SectionBlock:
    return SectionBlock(
        block_id=f"waiting-{interview.id}",
        text=mrkdwn(
            f"{interview_line(interview)}\nInterview {interview.short_id} · {slack_date(interview.starts_at)}"
        ),
        accessory=button(
            "Write debrief", action_id=Action.WRITE_DEBRIEF, value=str(interview.id), style="primary"
        ),
    )


def _more(count: int) -> list[SlackBlock]:
    return [context(f"…and {count} more.")] if count > 0 else []


def home_view(*, waiting: Sequence[Interview], upcoming: Sequence[Interview], is_recruiter: bool) -> View:
    """The Home tab for one person: debriefs waiting for them (with buttons) and their upcoming interviews."""
    blocks: list[SlackBlock] = [header("Your debriefs")]
    if waiting:
        blocks += [_waiting(i) for i in waiting[:MAX_LISTED]] + _more(len(waiting) - MAX_LISTED)
    else:
        blocks.append(section("Nothing is waiting for you. 🎉"))
    blocks += [divider(), header("Your upcoming interviews")]
    if upcoming:
        lines = [f"• {interview_line(i)} — {slack_date(i.starts_at)}" for i in upcoming]
        blocks += [section(text) for text in pack_lines(lines, max_chunks=5)]
    else:
        blocks.append(section("No interviews on your calendar with Debrief."))
    tip = "Recruiters: `/debrief schedule` sets up an interview." if is_recruiter else ""
    blocks += [
        divider(),
        context(f"After each interview I'll ask you for a short debrief. {tip} `/debrief help` for more."),
    ]
    return View(type="home", blocks=blocks)
