"""Ephemeral help for the /debrief command."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.ids import COMMAND
from bot.views.common import Message, context, fit, one_line, section

# (usage, what it does); recruiters run the interview loop, everyone else answers prompts.
RECRUITER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("schedule", "schedule an interview; the panel is prompted for debriefs when it ends"),
    ("list", "interviews waiting for debriefs or a decision"),
    ("status <id>", "who has submitted a debrief for interview <id>"),
    ("remind <id>", "nudge the interviewers who haven't submitted yet"),
    ("close <id>", "stop waiting and post the final summary"),
    ("cancel <id>", "cancel an interview and its prompts"),
    ("reschedule <id>", "change the time, panel or channel of an interview"),
    ("followup <id>", "record that the candidate sent a follow-up note"),
    ("export [from] [to]", "download debriefs between two dates (YYYY-MM-DD)"),
    ("forget <id>", "erase the candidate's personal data and the debrief texts (GDPR)"),
    ("sources", "the calendar feeds and ATSs interviews are imported from, and how they are doing"),
    ("panel <id> add|remove @person", "change a panel before its summary; the prompt follows"),
    ("audit <id>", "who opened, exported, erased, cancelled or decided what, and who was refused"),
)
EVERYONE_COMMANDS: tuple[tuple[str, str], ...] = (("help", "show this message"),)


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
