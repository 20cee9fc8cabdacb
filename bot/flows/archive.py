"""Archiving a per-candidate channel, emptied first.

Slack's archive is out of the bot's reach: an archived channel takes no edits, renames or topics,
and a bot token cannot unarchive it. So the bot empties what it archives: its messages there are
edited to a short form that names no candidate and quotes no debrief (it points to `/debrief
status N`, where the record lives until retention or `forget` erases it), the channel's name and
topic lose the candidate, and only then is the channel archived. A later erasure has nothing left
to reach there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels import archived_channel_name, erased_channel_name
from bot.courier import TaskFailed
from bot.domain.models import Interview
from bot.flows.gate import Gate
from bot.flows.render import archived_message, erased_message
from storage.repository import OutboxItem, Outgoing, Repository

ARCHIVE_CHANNEL = "debrief.archive_channel"  # our outbox task (bot/courier.py `Courier.tasks`)


class ArchiveWaits(Exception):
    """Other calls about the interview are still owed: archiving waits for them (and is retried)."""


def owe_archive(interview: Interview, *, at: datetime) -> Outgoing:
    """The emptying and archiving of a per-candidate channel, owed at `at`."""
    return Outgoing(
        key=f"archive:{interview.id}",
        kind="archive",
        method=ARCHIVE_CHANNEL,
        payload={"channel": interview.channel_id},
        interview_id=interview.id,
        not_before=at,
    )


def emptied(repository: Repository, interview_id: int) -> bool:
    """Whether the bot emptied and archived this interview's own channel."""
    return repository.outbox.outbox_status(key=f"archive:{interview_id}") == "sent"


class Archive:
    """Empties and archives a per-candidate channel (the courier runs it as our outbox task)."""

    def __init__(self, repository: Repository, *, gate: Gate, client: WebClient) -> None:
        self.repository = repository
        self.gate = gate
        self.client = client

    def empty_and_archive(self, item: OutboxItem, now: datetime) -> dict[str, Any]:
        """Edit the bot's messages in the channel to their archived (or erased) form, rename and
        re-topic it, then archive it. Waits while any other call about the interview is owed (a post
        in doubt, an edit), so nothing lands after; each step is safe to repeat."""
        assert item.interview_id is not None
        interview = self.gate.interview(interview_id=item.interview_id)
        channel = str(item.payload.get("channel", ""))
        if self.repository.outbox.pending_besides(interview_id=interview.id, key=item.key):
            raise ArchiveWaits(f"waiting for the other calls about {interview.short_id}")
        erased = interview.erased_at is not None
        name = erased_channel_name(interview.id) if erased else archived_channel_name(interview.id)
        client = self.client
        info = client.conversations_info(channel=channel)["channel"]
        if info.get("is_archived"):  # by us, after renaming it (an answer lost), or by a person
            if info.get("name") == name:
                return {"channel": channel}
            raise TaskFailed("is_archived: archived by someone before the bot could empty it")
        message = (erased_message if erased else archived_message)(interview).as_kwargs()
        for ts in self.repository.posts.posts_in(interview_id=interview.id, channel=channel):
            try:
                client.chat_update(channel=channel, ts=ts, **message)
            except SlackApiError as exc:
                if exc.response.get("error") != "message_not_found":  # deleted: nothing to empty
                    raise
        client.conversations_rename(channel=channel, name=name)
        state = "candidate data erased" if erased else "archived"
        client.conversations_setTopic(channel=channel, topic=f"Debrief {interview.short_id} ({state})")
        try:
            client.conversations_archive(channel=channel)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_archived":
                raise
        return {"channel": channel}
