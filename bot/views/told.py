"""What a person who clicked a button is told (done, or refused and why), or that the export they
asked for could not be delivered: built when it is sent, from the facts its outbox row holds."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from bot.domain.models import Interview
from bot.views.common import Message
from bot.views.messages import notice
from bot.views.pipeline import reminded_message

CANDIDATE = "{candidate}"  # a refusal's words hold this, never the name: filled in when sent


class Say(StrEnum):
    """What the clicker is told; the facts each needs are named beside it."""

    REMINDED = "reminded"  # reminded, skipped: user ids
    EXTENDED = "extended"
    SNOOZED = "snoozed"
    REFUSED = "refused"  # text: the refusal's words, the candidate's name held out
    EXPORT_FAILED = "export_failed"  # first, last: the export's days; error: what Slack said


def without_candidate(text: str, interview: Interview | None) -> str:
    """A refusal's words as the outbox may hold them: the candidate's name replaced by a placeholder."""
    if interview is None or not interview.candidate:
        return text
    return text.replace(interview.candidate, CANDIDATE)


def told_message(say: str, facts: Mapping[str, Any], interview: Interview | None) -> Message | None:
    """The answer to a click, in the words the listener used to send at once; None if it can't be said
    any more (the interview it is about is gone)."""
    if say == Say.REFUSED:
        name = interview.candidate if interview is not None else "the candidate"
        return notice(str(facts.get("text", "")).replace(CANDIDATE, name))
    if say == Say.SNOOZED:
        return notice("Snoozed: I'll remind you again in an hour.")
    if say == Say.EXPORT_FAILED:
        first, last = facts.get("first"), facts.get("last")
        return notice(
            f"Your export of debriefs from {first} to {last} could not be delivered "
            f"(Slack said `{facts.get('error')}`). Try `/debrief export {first} {last}` again later; "
            "if it fails again, ask whoever runs the bot to check `debrief-bot outbox`."
        )
    if interview is None:
        return None
    if say == Say.EXTENDED:
        return notice(f"Extended: the panel has another 24 hours for {interview.short_id}.")
    if say == Say.REMINDED:
        return reminded_message(
            interview, reminded=list(facts.get("reminded") or ()), skipped=list(facts.get("skipped") or ())
        )
    raise ValueError(f"nothing to tell for {say!r}")
