"""Ephemeral help for the /debrief command."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.ids import COMMAND, HELP, SUBCOMMANDS
from bot.views.common import Message, context, fit, one_line, section

# (usage, what it does); recruiters run the interview loop, everyone else answers prompts.
RECRUITER_COMMANDS: tuple[tuple[str, str], ...] = tuple(
    (f"{command.name} {command.usage}".strip(), command.summary) for command in SUBCOMMANDS
)
EVERYONE_COMMANDS: tuple[tuple[str, str], ...] = ((HELP.name, HELP.summary),)


def _line(usage: str, what: str) -> str:
    # `<id>` is literal text here: escape it so Slack never reads it as a link or mention.
    usage = usage.replace("<", "&lt;").replace(">", "&gt;")
    what = what.replace("<", "&lt;").replace(">", "&gt;")
    return f"• `{COMMAND} {usage}` — {what}"


def help_message(*, unknown: str | None = None, is_recruiter: bool = True) -> Message:
    """What /debrief can do; with `unknown`, starts by saying that subcommand was not understood."""
    lines = []
    if unknown:
        lines.append(f"I didn't understand `{fit(one_line(unknown), 100)}`.")
    lines.append(
        f"*{COMMAND}* runs the conversation after an interview: each interviewer writes a "
        "private structured debrief, then the bot posts a verdict and next-stage agenda."
    )
    commands = (RECRUITER_COMMANDS if is_recruiter else ()) + EVERYONE_COMMANDS
    lines += [_line(usage, what) for usage, what in commands]
    blocks: list[SlackBlock] = [section("\n".join(lines))]
    if not is_recruiter:
        blocks.append(
            context(
                "Interviewers don't need commands: when an interview you're on ends, you get a "
                "message with a *Write debrief* button. Recruiters schedule interviews."
            )
        )
    fallback = (
        f"I didn't understand “{fit(one_line(unknown), 100)}”. " if unknown else ""
    ) + f"How to use {COMMAND}"
    return Message(text=fallback, blocks=tuple(blocks))
