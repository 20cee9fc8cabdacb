"""What listeners are handed: the use cases, access rules, the clock and a few settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import Access
from bot.flows import Flows
from bot.views.common import Message


@dataclass(frozen=True)
class Deps:
    flows: Flows
    access: Access
    clock: Callable[[], datetime]
    default_channel: str | None = None


def tell(client: WebClient, *, user_id: str, channel_id: str | None, message: Message) -> None:
    """Show one person a message: ephemeral where they are, else in their DM with the bot."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **message.as_kwargs())
            return
        except SlackApiError:
            pass  # not in that channel (or it's gone): their DM still works
    client.chat_postMessage(channel=user_id, **message.as_kwargs())
