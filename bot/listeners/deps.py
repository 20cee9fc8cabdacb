"""What listeners are handed: the use cases, access rules, the clock and a few settings."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import Access
from bot.dispatch import Dispatcher
from bot.domain.validation import DomainError, parse_interview_id
from bot.flows import Flows
from bot.flows.sync import SourceSync
from bot.policy import Actor
from bot.views.common import Message
from bot.views.messages import SORRY, notice

STALE_BUTTON = "This button is out of date. Use the latest message from the bot."


def button_interview_id(action: dict[str, Any]) -> int:
    """The interview a button of ours carries. Any other value (from a message we never sent, or
    forged: "²", "-1", past the largest id) is a stale button, and said so."""
    try:
        return parse_interview_id(str(action.get("value") or ""), usage="{id}")
    except DomainError:
        raise DomainError(STALE_BUTTON) from None


@dataclass(frozen=True)
class Deps:
    flows: Flows
    access: Access
    clock: Callable[[], datetime]
    dispatcher: Dispatcher  # after the ack: sends what a listener owed, publishes Home tabs
    default_channel: str | None = None
    sync: SourceSync | None = None  # imported interviews' sources, for `/debrief sources`


def actor(deps: Deps, user: str) -> Actor:
    """Who `user` is to the policy. Admin status is looked up only when it makes them a recruiter."""
    admin = deps.access.admins_are_recruiters and deps.access.is_admin(user)
    return deps.flows.gate.actor(user, recruiter=deps.access.is_recruiter(user), admin=admin)


def tell(client: WebClient, *, user_id: str, channel_id: str | None, message: Message) -> None:
    """Show one person a message at once, from a lazy listener: ephemeral where they are, else in their
    DM. Anything else a listener wants said is owed through the outbox (bot/flows/told.py)."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **message.as_kwargs())
            return
        except SlackApiError:
            pass  # not in that channel (or it's gone): their DM still works
    client.chat_postMessage(channel=user_id, **message.as_kwargs())


log = logging.getLogger(__name__)
Lazy = TypeVar("Lazy", bound=Callable[..., None])


def tells_on_failure(function: Lazy) -> Lazy:
    """For lazy listeners (kept only to open a modal on a trigger, after the ack): Bolt only logs their
    errors, so say sorry to the person who acted (Bolt still injects arguments by the wrapped
    function's own names)."""

    @functools.wraps(function)
    def wrapper(**kwargs: Any) -> None:
        try:
            function(**kwargs)
        except Exception:
            log.exception("lazy listener %s failed", function.__name__)
            client = kwargs.get("client")
            request = kwargs.get("body") or kwargs.get("command") or {}
            user = (request.get("user") or {}).get("id") or request.get("user_id")
            if isinstance(client, WebClient) and user:
                try:
                    client.chat_postMessage(channel=user, **notice(SORRY).as_kwargs())
                except SlackApiError:
                    log.warning("could not tell %s about the failure either", user)

    return wrapper  # type: ignore[return-value]
