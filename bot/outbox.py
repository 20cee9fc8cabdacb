"""Delivers owed Slack calls from the outbox: at most one sender per call, retries with back-off.

Slack has no idempotency key, so a call is leased before it is sent and marked sent right after;
only a crash between the two can repeat it, and the lease keeps every other process off it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.repository import OutboxItem, Repository

log = logging.getLogger(__name__)

# Errors that no retry can fix: the call is marked failed at once, loudly.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "user_not_found",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "cant_update_message",
        "edit_window_closed",
        "message_not_found",
    }
)


# Answers meaning the call's work is already done (an earlier attempt did it and its answer was lost,
# or a person did it): the call counts as sent, not failed.
ALREADY_DONE = {"files.delete": "file_not_found", "conversations.archive": "already_archived"}

# Every message we post carries its outbox key in Slack's message metadata, so a retry after a
# crash can look for it instead of posting it again.
METADATA_TYPE = "debrief_outbox"


class Deferred(Exception):
    """The call depends on another that has not been sent yet (e.g. an update of the summary)."""


class Courier:
    """Sends outbox items through a WebClient (whose retry handlers absorb short 429/5xx bursts)."""

    def __init__(
        self,
        client: WebClient,
        *,
        # Longer than any one send can take (3 attempts, 10 s timeouts, Retry-After waits), so no
        # other sender takes a call over while its sender is still alive.
        lease: timedelta = timedelta(minutes=5),
        give_up_after: timedelta = timedelta(hours=24),
        max_backoff: timedelta = timedelta(minutes=10),
        workers: int = 32,  # channels sent to at once; each waits on Slack, not on the CPU
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.clock = clock
        self.lease = lease
        self.give_up_after = give_up_after
        self.max_backoff = max_backoff
        self.workers = workers
        self._pools: dict[int, ThreadPoolExecutor] = {}  # by size: deliveries from the tick and from requests
        self._pools_lock = threading.Lock()
        # Told about every call given up on, so a person hears about it (set by the flows).
        self.on_failure: Callable[[OutboxItem, str], None] | None = None

    def deliver(self, repository: Repository, *, now: datetime, workers: int | None = None) -> int:
        """Send everything due at `now`: channels in parallel, in order within a channel.

        Each call is leased right before it is sent (from the clock, not `now`), so a long lane —
        a channel at Slack's one post a second, or Retry-After waits — never sends on a lease that
        has run out and been taken by another process; the first calls of the lanes that start at
        once are leased together, in one statement. `workers` caps the channels sent to at once
        (default: the courier's own).
        """
        workers = workers or self.workers
        delivered = 0
        while True:
            due = repository.due_outbox(now=now, limit=200)
            if not due:
                return delivered
            lanes: dict[str, list[int]] = {}
            for outbox_id, lane in due:
                lanes.setdefault(lane, []).append(outbox_id)
            # Under a burst of submissions every lane is one receipt: one statement leases them all.
            starting = [lane[0] for lane in list(lanes.values())[: 1 if workers == 1 else workers]]
            leased = self._lease(repository, starting, now)
            heads = {outbox_id: leased.get(outbox_id) for outbox_id in starting}
            sends = [partial(self._send_lane, repository, lane, now, heads) for lane in lanes.values()]
            if len(sends) == 1 or workers == 1:
                sent = sum(send() for send in sends)
            else:
                sent = sum(self._in_parallel(workers, sends))
            delivered += sent
            if sent == 0:
                return delivered

    def _in_parallel(self, workers: int, calls: Sequence[Callable[[], int]]) -> list[int]:
        """Run `calls` on at most `workers` threads of a pool kept for the courier's lifetime."""
        with self._pools_lock:
            pool = self._pools.get(workers)
            if pool is None:
                pool = self._pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix=f"send{workers}")
        return [future.result() for future in [pool.submit(call) for call in calls]]

    def close(self) -> None:
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=True)

    def _lease(self, repository: Repository, outbox_ids: list[int], now: datetime) -> dict[int, OutboxItem]:
        return repository.claim_outbox_items(
            outbox_ids=outbox_ids, now=max(now, self.clock()), lease=self.lease
        )

    def _send_lane(
        self, repository: Repository, lane: list[int], now: datetime, heads: dict[int, OutboxItem | None]
    ) -> int:
        sent = 0
        for outbox_id in lane:
            if outbox_id in heads:  # leased (or found taken) with the other lanes' first calls
                item = heads[outbox_id]
            else:
                item = self._lease(repository, [outbox_id], now).get(outbox_id)
            if item is not None:  # else another sender has it, or it is done
                sent += self._send(repository, item, now)
        return sent

    def _send(self, repository: Repository, item: OutboxItem, now: datetime) -> bool:
        try:
            payload = self._resolve(repository, item)
            if item.method == "chat.postMessage":
                payload["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"outbox_key": item.key}}
                found = self._already_posted(item, payload) if item.attempts > 1 else None
                if found is not None:  # a sender died after Slack took the call: don't post it twice
                    repository.outbox_sent(outbox_id=item.id, now=now, channel=found[0], ts=found[1])
                    return True
            response = self.client.api_call(item.method, json=payload)
        except Deferred as exc:
            repository.outbox_retry(outbox_id=item.id, at=now + timedelta(seconds=5), error=str(exc))
            return False
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if ALREADY_DONE.get(item.method) == error:
                repository.outbox_sent(outbox_id=item.id, now=now, channel=None, ts=None)
                return True
            if error == "not_in_channel" and self._join(str(item.payload.get("channel", ""))):
                return self._send(repository, item, now)
            self._failed_attempt(repository, item, now, error, permanent=error in PERMANENT)
            return False
        except Exception as exc:  # connection reset, timeout: Slack may come back
            self._failed_attempt(repository, item, now, f"{type(exc).__name__}: {exc}", permanent=False)
            return False
        message = response.get("message") or {}
        channel = response.get("channel")  # conversations.* answer with the channel object
        repository.outbox_sent(
            outbox_id=item.id,
            now=now,
            channel=(channel.get("id") if isinstance(channel, dict) else channel) or payload.get("channel"),
            ts=response.get("ts") or message.get("ts"),
        )
        return True

    def _already_posted(self, item: OutboxItem, payload: dict[str, Any]) -> tuple[str, str] | None:
        """(channel, ts) of a message an earlier attempt posted, found by the outbox key it carries."""
        channel = str(payload.get("channel", ""))
        try:
            if channel.startswith(("U", "W")):  # a DM: its history is under the IM channel's id
                channel = self.client.conversations_open(users=channel)["channel"]["id"]
            if payload.get("thread_ts"):
                history = self.client.conversations_replies(
                    channel=channel, ts=payload["thread_ts"], include_all_metadata=True, limit=200
                )
            else:
                history = self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=200
                )
        except SlackApiError as exc:  # can't tell: sending again risks a repeat, not sending risks a loss
            log.warning(
                "could not check whether %s was already posted: %s", item.key, exc.response.get("error")
            )
            return None
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (metadata.get("event_payload") or {}).get("outbox_key") == item.key:
                return channel, str(message["ts"])
        return None

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except (SlackApiError, KeyError):
            return None

    def _resolve(self, repository: Repository, item: OutboxItem) -> dict[str, Any]:
        """Fill in where an update or thread reply goes, from the message it refers to."""
        payload = dict(item.payload)
        for field, ts_name in (("of", "ts"), ("thread_of", "thread_ts")):
            key = payload.pop(field, None)
            if key is None:
                continue
            sent = repository.sent_message(key=key)
            if sent is None:
                raise Deferred(f"waiting for {key} to be sent")
            payload["channel"] = sent.channel
            payload[ts_name] = sent.ts
        return payload

    def _join(self, channel: str) -> bool:
        if not channel.startswith("C"):
            return False
        try:
            self.client.conversations_join(channel=channel)
        except SlackApiError as exc:
            log.warning("could not join %s: %s", channel, exc.response.get("error"))
            return False
        return True

    def _failed_attempt(
        self, repository: Repository, item: OutboxItem, now: datetime, error: str, *, permanent: bool
    ) -> None:
        if permanent or now - item.created_at >= self.give_up_after:
            log.error(
                "giving up on %s (%s) after %d attempts: %s", item.key, item.method, item.attempts, error
            )
            repository.outbox_failed(outbox_id=item.id, error=error)
            if self.on_failure is not None:
                self.on_failure(item, error)
            return
        backoff = min(self.max_backoff, timedelta(seconds=2 ** min(item.attempts, 12)))
        log.warning("will retry %s in %ss: %s", item.key, int(backoff.total_seconds()), error)
        repository.outbox_retry(outbox_id=item.id, at=now + backoff, error=error)
