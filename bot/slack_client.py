"""The Web API client: waits out 429s, retries 5xx and dropped connections only where a repeat is harmless.

A 5xx or a dropped connection can come *after* Slack did the work. Re-sending a call that creates
something (a message, a channel) would then create it twice, so those methods are never re-sent
here: the outbox looks for the message before posting it again (bot/courier.py). A 429 means Slack
did nothing, so every method waits out Retry-After and tries again.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest

from bot.settings import Settings

# Calls that make something new each time they go through (completing an upload shares the file
# with a message: a second one would post a second copy).
NOT_REPEATABLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "conversations.create",
        "files.upload",
        "files.completeUploadExternal",
    }
)


def _repeatable(request: HttpRequest) -> bool:
    return request.url.rstrip("/").rsplit("/", 1)[-1] not in NOT_REPEATABLE


class RepeatableServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries a 5xx, except for calls that would make a second copy."""

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


class RepeatableConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retries a dropped connection, except for calls that would make a second copy."""

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


def make_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            RepeatableServerErrorRetryHandler(max_retry_count=2),
            RepeatableConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )
