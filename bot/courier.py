"""Delivers owed Slack calls from the outbox: each message exactly once, its edits in order, nothing
retried forever.

- Leasing: a call is leased before it is sent and marked sent right after, so one sender at a time
  has it; calls about one message are due one at a time, oldest first (storage/outbox.py).
- Exactly once: Slack has no idempotency key, and a 5xx, a dropped connection or a sender that died
  mid-call may come *after* Slack stored the message. Such a post is marked in doubt, and before it
  is sent again `Lookup` (bot/lookup.py) looks for it by the outbox key its metadata carries. Only
  a 429 (Slack did nothing) is re-sent blindly, by the client's own handler (bot/slack_client.py).
- Bounded: every call, edits of a message that never posted included, is given up on at
  `give_up_after` or at once when it cannot succeed; `on_failure` then tells a person.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels import Channels
from bot.lookup import METADATA_TYPE, Lookup, LookupFailed
from storage.outbox import Due
from storage.repository import OutboxItem, Repository

log = logging.getLogger(__name__)

# Errors that no retry can fix: the call is given up on at once, loudly.
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
        "method_not_supported_for_channel_type",
        "depends_on_failed",
    }
)

# What a call answers when its work is already done (an earlier attempt did it and its answer was
# lost, or a person did it): the call counts as sent, not failed.
ALREADY_DONE = {"files.delete": "file_not_found", "conversations.archive": "already_archived"}


class TaskFailed(Exception):
    """A task of ours (see `Courier.tasks`) that cannot succeed: given up on with this error."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


# A call of ours rather than one Web API method (e.g. setting up a candidate's channel: create,
# invite, set the topic, remember it); it answers like a method, and must be safe to repeat.
Task = Callable[[OutboxItem, datetime], dict[str, Any]]


class Courier:
    """Sends what the outbox owes: lanes (a channel, or one message) in parallel, calls in order."""

    def __init__(
        self,
        client: WebClient,
        *,
        # Longer than any one send can take (a look-up, 10 s timeouts, Retry-After waits), so no
        # other sender takes a call over while its sender is still alive.
        lease: timedelta = timedelta(minutes=5),
        give_up_after: timedelta = timedelta(hours=24),
        max_backoff: timedelta = timedelta(minutes=10),
        workers: int = 32,  # lanes sent at once; each waits on Slack, not on the CPU
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        channels: Channels | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.lease = lease
        self.give_up_after = give_up_after
        self.max_backoff = max_backoff
        self.workers = workers
        self.lookup = Lookup(client)
        self.channels = channels or Channels(client)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self.tasks: dict[str, Task] = {}  # by method name (set by the flows)
        # Builds an owed message from current state when it is sent (None: nothing left to say), and
        # is shown each round's calls first, to read what they render from at once (set by the
        # flows; see bot/flows/render.py).
        self.render: Callable[[OutboxItem], dict[str, Any] | None] | None = None
        self.prepare: Callable[[Sequence[Due]], None] | None = None
        # Told about every call given up on, so a person hears about it (set by the flows).
        self.on_failure: Callable[[OutboxItem, str], None] | None = None

    def deliver(self, repository: Repository, *, now: datetime, workers: int | None = None) -> int:
        """Send everything due at `now`; how many calls went through. The pass goes on while due work
        remains that it has not tried yet, however much of it fails or waits.

        Each call is leased right before it is sent (from the clock, not `now`), so a long lane never
        sends on a lease that has run out and been taken by another process; the first calls of the
        lanes that start at once are leased together, in one statement. `workers` caps the lanes
        sent at once (default: the courier's own).
        """
        workers = max(1, min(workers or self.workers, self.workers))
        delivered = 0
        tried: set[int] = set()
        while True:
            fresh = [due for due in repository.outbox.due_outbox(now=now, limit=200) if due.id not in tried]
            if not fresh:
                return delivered
            tried.update(due.id for due in fresh)
            if self.prepare is not None:
                self.prepare(fresh)
            lanes: dict[str, list[int]] = {}
            for due in fresh:
                lanes.setdefault(due.lane, []).append(due.id)
            # Under a burst of submissions every lane is one receipt: one statement leases them all.
            heads = self._lease(repository, [ids[0] for ids in lanes.values()], now)
            groups = [list(lanes.values())[i::workers] for i in range(min(workers, len(lanes)))]
            if len(groups) == 1:
                delivered += self._send_lanes(repository, groups[0], now, heads)
            else:
                pool = self._executor()
                futures = [pool.submit(self._send_lanes, repository, g, now, heads) for g in groups]
                delivered += sum(future.result() for future in futures)

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="send")
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _lease(self, repository: Repository, outbox_ids: list[int], now: datetime) -> dict[int, OutboxItem]:
        return repository.outbox.claim_outbox_items(
            outbox_ids=outbox_ids, now=max(now, self.clock()), lease=self.lease
        )

    def _send_lanes(
        self, repository: Repository, lanes: list[list[int]], now: datetime, heads: dict[int, OutboxItem]
    ) -> int:
        sent = 0
        for lane in lanes:
            for position, outbox_id in enumerate(lane):
                if position == 0:  # leased with the other lanes' first calls (or found taken)
                    item = heads.get(outbox_id)
                else:
                    item = self._lease(repository, [outbox_id], now).get(outbox_id)
                if item is not None:  # else another sender has it, or it is done
                    sent += self._send(repository, item, now)
        return sent

    def _send(self, repository: Repository, item: OutboxItem, now: datetime) -> bool:
        try:
            payload = self._resolve(repository, item)
        except _NotYet as exc:
            return self._failed_attempt(repository, item, now, str(exc), permanent=False)
        except _DependencyFailed as exc:
            return self._failed_attempt(repository, item, now, str(exc), permanent=True)
        except _NothingToEdit:  # its post was owed no more and never posted (e.g. erased first)
            repository.outbox.outbox_sent(outbox_id=item.id, now=now, channel=None, ts=None)
            return True
        if "render" in payload:
            try:
                if self.render is None:
                    raise RuntimeError("no renderer set")
                rendered = self.render(item)
            except Exception as exc:  # a bug, or data gone: loud, and bounded like any failure
                log.exception("could not render %s", item.key)
                return self._failed_attempt(repository, item, now, f"render_failed: {exc}")
            if rendered is None:  # nothing left to say (e.g. erased meanwhile): owed no more
                log.info("%s has nothing left to say; not sent", item.key)
                repository.outbox.outbox_sent(outbox_id=item.id, now=now, channel=None, ts=None)
                return True
            facts = {k: payload.pop(k) for k in list(payload) if k not in ("channel", "ts", "thread_ts")}
            log.debug("rendered %s from %s", item.key, sorted(facts))
            payload.update(rendered)
        if item.method == "chat.postMessage":
            payload["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"outbox_key": item.key}}
            if item.unsure:  # an earlier attempt may have been stored: look before posting again
                try:
                    found = self.lookup.find(item.key, payload)
                except LookupFailed as exc:
                    return self._failed_attempt(repository, item, now, str(exc), permanent=False, unsure=True)
                if found is not None:
                    log.info("%s was already posted (its answer was lost): not posting it again", item.key)
                    repository.outbox.outbox_sent(outbox_id=item.id, now=now, channel=found[0], ts=found[1])
                    return True
        return self._call(repository, item, payload, now)

    def _call(self, repository: Repository, item: OutboxItem, payload: dict[str, Any], now: datetime) -> bool:
        task = self.tasks.get(item.method)
        try:
            response = task(item, now) if task else self.client.api_call(item.method, json=payload)
        except TaskFailed as exc:
            return self._failed_attempt(repository, item, now, exc.error, permanent=True)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error", "unknown_error"))
            if status >= 500:  # Slack may have done it before failing to answer
                return self._failed_attempt(repository, item, now, f"HTTP {status} {error}", unsure=True)
            if error == ALREADY_DONE.get(item.method):
                repository.outbox.outbox_sent(
                    outbox_id=item.id, now=now, channel=payload.get("channel"), ts=None
                )
                return True
            if error == "not_in_channel" and self.channels.join(str(payload.get("channel", ""))):
                return self._call(repository, item, payload, now)
            # Slack refused it (or, for a 429, did nothing): certain, so no look-up is needed.
            return self._failed_attempt(repository, item, now, error, permanent=error in PERMANENT)
        except Exception as exc:  # a reset connection or a timeout: Slack may have done it
            return self._failed_attempt(repository, item, now, f"{type(exc).__name__}: {exc}", unsure=True)
        message = response.get("message") or {}
        channel = response.get("channel")  # conversations.* answer with the channel object
        repository.outbox.outbox_sent(
            outbox_id=item.id,
            now=now,
            channel=(channel.get("id") if isinstance(channel, dict) else channel) or payload.get("channel"),
            ts=response.get("ts") or message.get("ts"),
        )
        return True

    def _resolve(self, repository: Repository, item: OutboxItem) -> dict[str, Any]:
        """Fill in where an update or thread reply goes, from the message it refers to."""
        payload = dict(item.payload)
        for field, ts_name in (("of", "ts"), ("thread_of", "thread_ts")):
            key = payload.pop(field, None)
            if key is None:
                continue
            sent = repository.posts.sent_message(key=key)
            if sent is None:
                status = repository.outbox.outbox_status(key=key)
                if status == "pending":  # only while another sender has it
                    raise _NotYet(f"waiting for {key} to be sent")
                if status == "sent":  # done without a message: nothing was posted
                    raise _NothingToEdit(key)
                raise _DependencyFailed(f"depends_on_failed: {key} was never posted")
            payload["channel"] = sent.channel
            payload[ts_name] = sent.ts
        return payload

    def _failed_attempt(
        self,
        repository: Repository,
        item: OutboxItem,
        now: datetime,
        error: str,
        *,
        permanent: bool = False,
        unsure: bool = False,
    ) -> bool:
        if permanent or now - item.created_at >= self.give_up_after:
            log.error(
                "giving up on %s (%s) after %d attempts: %s", item.key, item.method, item.attempts, error
            )
            # A post given up on takes the edits and replies still owed about it along.
            subject = item.subject if item.subject == item.key else None
            repository.outbox.outbox_failed(outbox_id=item.id, error=error, subject=subject)
            if self.on_failure is not None:
                try:
                    self.on_failure(item, error)
                except Exception:  # telling someone must not stop the pass
                    log.exception("could not report the failure of %s", item.key)
            return False
        backoff = min(self.max_backoff, timedelta(seconds=2 ** min(item.attempts, 12)))
        log.warning("will retry %s in %ss: %s", item.key, int(backoff.total_seconds()), error)
        repository.outbox.outbox_retry(outbox_id=item.id, at=now + backoff, error=error, unsure=unsure)
        return False


class _NotYet(Exception):
    """The message this call refers to is still being sent."""


class _DependencyFailed(Exception):
    """The message this call refers to was given up on, or never owed."""


class _NothingToEdit(Exception):
    """The message this call refers to was owed no more before it was posted, or never found."""
