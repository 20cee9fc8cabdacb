"""Finding a message an earlier attempt may have posted, before posting it again.

Slack has no idempotency key: a post whose answer was lost may or may not be there. Every post
carries its outbox key in Slack's message metadata, and `Lookup` reads the channel's (or thread's)
recent history for that key: found, not there, or `LookupFailed` (can't tell, so look again later).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# Every message we post carries its outbox key in Slack's message metadata, so a retry can look
# for it instead of posting it again.
METADATA_TYPE = "debrief_outbox"


class LookupFailed(Exception):
    """Slack could not say whether a message is there: wait and look again, never guess."""


class Lookup:
    """Finds a message an earlier attempt may have posted, by the outbox key in its metadata."""

    def __init__(self, client: WebClient, *, pages: int = 5, page_size: int = 200) -> None:
        self.client = client
        self.pages = (
            pages  # how far back to look: posts are retried within minutes, not thousands of messages
        )
        self.page_size = page_size

    def find(self, key: str, payload: dict[str, Any]) -> tuple[str, str] | None:
        """(channel, ts) of the message posted under `key`, None if it is certainly not there."""
        channel = str(payload.get("channel", ""))
        try:
            if channel.startswith(("U", "W")):  # a DM: its history is under the IM channel's id
                channel = str(self.client.conversations_open(users=channel)["channel"]["id"])
            latest: str | None = None
            for _ in range(self.pages):
                page = self._page(channel, payload.get("thread_ts"), latest)
                messages = page.get("messages") or []
                for message in messages:
                    outbox_key = ((message.get("metadata") or {}).get("event_payload") or {}).get(
                        "outbox_key"
                    )
                    if outbox_key == key:
                        return channel, str(message["ts"])
                if not page.get("has_more") or not messages:
                    return None
                latest = min(str(m["ts"]) for m in messages)  # the next page: older than this one
        except SlackApiError as exc:
            raise LookupFailed(f"look-up failed: {exc.response.get('error')}") from exc
        except Exception as exc:  # a dropped connection, a timeout
            raise LookupFailed(f"look-up failed: {type(exc).__name__}: {exc}") from exc
        raise LookupFailed(f"not found in the last {self.pages * self.page_size} messages: can't tell")

    def _page(self, channel: str, thread_ts: Any, latest: str | None) -> Any:
        if thread_ts:
            return self.client.conversations_replies(
                channel=channel,
                ts=str(thread_ts),
                include_all_metadata=True,
                limit=self.page_size,
                latest=latest,
            )
        return self.client.conversations_history(
            channel=channel, include_all_metadata=True, limit=self.page_size, latest=latest
        )
