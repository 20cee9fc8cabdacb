"""Slack Connect: nothing about a candidate is posted in a channel another organisation reads. What
would have gone there goes by DM to the hiring manager and the recruiter, with a word on why."""

from __future__ import annotations

from bot.domain.models import Interview
from bot.flows.render import owed_message
from storage.repository import Outgoing


def external_note(interview: Interview, what: str) -> str:
    then = (
        "The summary comes to you and the hiring manager privately."
        if what == "summary"
        else "The panel has its DMs; the summary will come to you and the hiring manager privately."
    )
    return (
        f"🔒 <#{interview.channel_id}> is shared with another organisation (Slack Connect), so I didn't "
        f"post the {what} for {interview.short_id} there: debriefs are HR data. {then}"
    )


def _dm(key: str, kind: str, interview: Interview, user: str, message: dict[str, object]) -> Outgoing:
    return Outgoing(
        key=key,
        kind=kind,
        method="chat.postMessage",
        payload={"channel": user, **message},
        interview_id=interview.id,
    )


def prompt_elsewhere(interview: Interview) -> Outgoing:
    """Instead of the channel prompt: the recruiter hears why there is none."""
    text = external_note(interview, "prompt")
    return _dm(f"prompt_external:{interview.id}", "notice", interview, interview.recruiter_id, {"text": text})


def summary_in_private(interview: Interview) -> list[Outgoing]:
    """The summary by DM to the hiring manager (the copy later updates edit) and the recruiter, each
    with a word on why it isn't in the channel; rendered when sent, like the channel's."""
    owed = []
    for n, user in enumerate(dict.fromkeys((interview.hiring_manager_id, interview.recruiter_id))):
        key = f"summary:{interview.id}" if n == 0 else f"summary_copy:{interview.id}:{user}"
        note: dict[str, object] = {"text": external_note(interview, "summary")}
        owed.append(_dm(f"summary_external:{interview.id}:{user}", "notice", interview, user, note))
        owed.append(owed_message(key, "summary", interview.id, user))
    return owed
