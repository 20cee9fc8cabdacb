"""Shared pieces of every surface: the Message value, mrkdwn escaping, fitting text into Slack's limits.

Everything a user typed goes through `escape` (or `fit`, which escapes and cuts) before it lands in
a text object, so `<!channel>` typed into a form renders as text and never pings anyone. Mentions,
channel links and dates are built here from ids and datetimes only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks import Block as SlackBlock

from bot.domain.models import Interview
from bot.domain.validation import InvalidInput

# Slack limits (SLACK.md); slack_sdk checks some of them, not all (field text, message blocks).
MESSAGE_MAX_BLOCKS = 50
MODAL_MAX_BLOCKS = 100
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
CONTEXT_TEXT_MAX = 2000
FALLBACK_TEXT_MAX = 3000
ELLIPSIS = "…"

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What may sit inside `<@…>` / `<#…>`: Slack ids, and nothing that could close the bracket.
_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class Message:
    """A message ready for chat_postMessage / chat_update / chat_postEphemeral."""

    text: str
    blocks: tuple[SlackBlock, ...]

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a message needs a non-empty fallback text")
        if len(self.text) > FALLBACK_TEXT_MAX:
            raise ValueError(f"fallback text is {len(self.text)} characters, over {FALLBACK_TEXT_MAX}")
        if len(self.blocks) > MESSAGE_MAX_BLOCKS:
            raise ValueError(f"{len(self.blocks)} blocks, over Slack's {MESSAGE_MAX_BLOCKS}")

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the Web API; `to_dict()` runs slack_sdk's validators on every block."""
        return {"text": self.text, "blocks": [b.to_dict() for b in self.blocks]}


class StaleForm(InvalidInput):
    """A view's private_metadata is not what we wrote (stale or tampered): no field is at fault.

    `errors` is empty, so a listener falls back to its own inline message; `str(exc)` is a
    message safe to show as is.
    """

    def __init__(self, message: str) -> None:
        super().__init__({})
        self.args = (message,)


# --- text -------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape Slack's three control characters so user text is shown, never parsed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending in "…" when something was cut."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def fit(text: str, limit: int) -> str:
    """Escape user text and cut it to `limit` characters *after* escaping, never inside an entity."""
    # Past `limit` raw characters the escaped text cannot fit either: no need to look further.
    return split_fit(text[: limit + 1], size=limit, max_chunks=1)[0] if text else ""


def one_line(text: str) -> str:
    """Collapse runs of whitespace (newlines included) into single spaces."""
    return " ".join(text.split())


def split_fit(text: str, *, size: int, max_chunks: int) -> list[str]:
    """Escape `text` and split it into at most `max_chunks` pieces of ≤ `size` characters.

    Breaks at whitespace where it can and never inside an entity; the last piece ends in "…"
    when the text did not fit.
    """
    if size < 6 or max_chunks < 1:
        raise ValueError("size must be at least 6 and max_chunks at least 1")
    atoms = [_ENTITIES.get(ch, ch) for ch in text]
    ends = [0]  # ends[i] = escaped length of atoms[:i]
    for atom in atoms:
        ends.append(ends[-1] + len(atom))

    def take(start: int, room: int) -> int:
        end = start
        while end < len(atoms) and ends[end + 1] - ends[start] <= room:
            end += 1
        return end

    chunks: list[str] = []
    start = 0
    while start < len(atoms):
        if ends[-1] - ends[start] <= size:
            chunks.append("".join(atoms[start:]))
            break
        if len(chunks) == max_chunks - 1:
            chunks.append("".join(atoms[start : take(start, size - 1)]).rstrip() + ELLIPSIS)
            break
        end = take(start, size)
        cut = next(
            (i for i in range(end, start + (end - start) // 2, -1) if atoms[i - 1].isspace()),
            end,
        )
        chunks.append("".join(atoms[start:cut]).rstrip())
        start = cut
        while start < len(atoms) and atoms[start].isspace():
            start += 1
    return chunks or [""]


def pack_lines(
    lines: Sequence[str],
    *,
    max_chunks: int,
    limit: int = SECTION_TEXT_MAX,
    more: Callable[[int], str] = lambda n: f"_…and {n} more_",
    sep: str = "\n",
) -> list[str]:
    """Join ready-made mrkdwn lines with `sep` into ≤ `max_chunks` texts of ≤ `limit` characters.

    Lines that do not fit are replaced by one `more(n)` line, so nothing disappears silently.
    Build lines that fit (user parts through `fit`); one that does not is cut rather than fail.
    """
    chunks: list[list[str]] = []
    sizes: list[int] = []
    dropped = 0
    for index, line in enumerate(lines):
        line = truncate(line, limit)
        if chunks and sizes[-1] + len(sep) + len(line) <= limit:
            chunks[-1].append(line)
            sizes[-1] += len(sep) + len(line)
        elif len(chunks) < max_chunks:
            chunks.append([line])
            sizes.append(len(line))
        else:
            dropped = len(lines) - index
            break
    if dropped:
        while True:
            note = more(dropped)
            last = chunks[-1]
            if not last or sum(map(len, last)) + len(sep) * len(last) + len(note) <= limit:
                last.append(note)
                break
            last.pop()
            dropped += 1
    return [sep.join(chunk) for chunk in chunks]


# --- ids, mentions, dates ---------------------------------------------------------------------------


def mention(user_id: str) -> str:
    """`<@U123>` for a Slack user id; anything that is not an id is shown escaped, never parsed."""
    return f"<@{user_id}>" if _ID.fullmatch(user_id) else fit(user_id, 64)


def mentions(ids: Iterable[str]) -> str:
    """Comma-separated mentions, in the given order."""
    return ", ".join(mention(i) for i in ids)


def mentions_capped(ids: Sequence[str], cap: int) -> str:
    """Like `mentions`, naming at most `cap` people and counting the rest."""
    shown = mentions(ids[:cap])
    rest = len(ids) - cap
    return f"{shown} and {rest} more" if rest > 0 else shown


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>" if _ID.fullmatch(channel_id) else fit(channel_id, 64)


def slack_date(dt: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A date each viewer sees in their own time zone; the fallback is UTC."""
    aware = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    fallback = aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(aware.timestamp())}^{fmt}|{fallback}>"


def interview_line(interview: Interview) -> str:
    """`*Candidate* · Role · Stage` in mrkdwn, user parts escaped and bounded (≤ ~500 chars)."""
    candidate = fit(one_line(interview.candidate), 200)
    return f"*{candidate}* · {fit(one_line(interview.role), 200)} · {interview.stage.label}"


def interview_plain(interview: Interview) -> str:
    """`Candidate (Role, Stage)` for fallback texts, escaped and bounded (≤ ~420 chars)."""
    candidate = fit(one_line(interview.candidate), 200)
    return f"{candidate} ({fit(one_line(interview.role), 200)}, {interview.stage.label})"


# --- block helpers ----------------------------------------------------------------------------------


def plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def section(text: str, *, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text), block_id=block_id)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(t) for t in texts])


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(truncate(text, HEADER_TEXT_MAX)))


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str,
    *,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=plain(truncate(text, BUTTON_TEXT_MAX)),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
    )


def actions(*buttons: ButtonElement, block_id: str) -> ActionsBlock:
    return ActionsBlock(elements=list(buttons), block_id=block_id)
