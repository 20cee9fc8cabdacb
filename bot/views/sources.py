"""`/debrief sources`: each calendar feed and ATS, when it last synced, what it brought, what went wrong."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block as SlackBlock

from bot.domain.sources import SourceStatus
from bot.views.common import Message, context, escape, section, slack_date, truncate

NONE_CONFIGURED = (
    "No calendar feed or ATS is connected, so interviews arrive only through `/debrief schedule`. "
    "To connect one, set DEBRIEF_ICS_URLS, GREENHOUSE_CLIENT_ID/GREENHOUSE_CLIENT_SECRET or ASHBY_API_KEY "
    "(the README's “Connect your calendar or ATS” says how) and restart the bot."
)


def source_line(label: str, status: SourceStatus | None) -> str:
    if status is None:
        return f"*{escape(label)}*\n⏳ Not synced yet."
    lines = [f"*{escape(label)}*"]
    if status.last_success_at is not None:
        lines.append(
            f"✅ Last synced {slack_date(status.last_success_at)}; {status.imported} interview(s) brought in so far."
        )
    else:
        lines.append(f"Never synced successfully; {status.imported} interview(s) brought in.")
    if status.last_error:
        since = f" (failing since {slack_date(status.error_since)})" if status.error_since else ""
        lines.append(f"⚠️ Last error{since}: {escape(status.last_error)}")
    return "\n".join(lines)


def sources_message(sources: Sequence[tuple[str, SourceStatus | None]], *, now: datetime) -> Message:
    """One section per source, in the order they are configured."""
    if not sources:
        return Message(text=NONE_CONFIGURED, blocks=(section(NONE_CONFIGURED),))
    blocks: list[SlackBlock] = [
        section(truncate(source_line(label, status), 3000)) for label, status in sources[:45]
    ]
    blocks.append(
        context(
            f"Imported interviews are debriefed like manual ones. Checked {slack_date(now)}. "
            "An interview edited in Slack keeps Slack's version."
        )
    )
    failing = sum(1 for _label, status in sources if status is not None and status.error_since is not None)
    text = f"{len(sources)} source(s) connected" + (f", {failing} failing" if failing else "")
    return Message(text=text, blocks=tuple(blocks))
