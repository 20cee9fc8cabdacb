"""Interviewers' e-mails to Slack users: one resolver for every source.

A paginated `users.list` warm-up fills the cache (deleted and bot users skipped); a miss asks
`users.lookupByEmail` (scope `users:read.email`); "no such user" is remembered for a while so a
feed with an outside guest doesn't ask Slack every sync. 429s are waited out by the client's
RateLimitErrorRetryHandler (Retry-After), and a still-limited answer fails this sync, not the bot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

NOT_FOUND = ("users_not_found", "user_not_found")


class People:
    def __init__(
        self,
        client: WebClient,
        *,
        ttl_seconds: float = 6 * 3600,
        negative_ttl_seconds: float = 3600,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl_seconds
        self.negative_ttl = negative_ttl_seconds
        self.monotonic = monotonic
        self._ids: dict[str, tuple[float, str | None]] = {}  # e-mail -> (when learnt, user id or None)
        self._warmed_at: float | None = None
        self._lock = threading.Lock()

    def warm(self) -> int:
        """Learn every active human's e-mail (`users.list`, every page); how many were learnt."""
        at = self.monotonic()
        learnt: dict[str, tuple[float, str | None]] = {}
        cursor = ""
        while True:
            response = self.client.users_list(limit=200, cursor=cursor or None)
            for member in response.get("members") or []:
                if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
                    continue
                email = str((member.get("profile") or {}).get("email") or "").lower()
                if email:
                    learnt[email] = (at, member["id"])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        with self._lock:
            self._ids.update(learnt)
            self._warmed_at = at
        return len(learnt)

    def warm_if_stale(self) -> None:
        if self._warmed_at is None or self.monotonic() - self._warmed_at >= self.ttl:
            self.warm()

    def resolve(self, email: str) -> str | None:
        """The Slack user id for an e-mail, or None if nobody (active) in the workspace has it."""
        email = email.strip().lower()
        at = self.monotonic()
        with self._lock:
            cached = self._ids.get(email)
        if cached is not None:
            learnt, user = cached
            if at - learnt < (self.ttl if user else self.negative_ttl):
                return user
        try:
            found = self.client.users_lookupByEmail(email=email).get("user") or {}
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_FOUND:
                raise
            found = {}
        user = None if found.get("deleted") or found.get("is_bot") else found.get("id")
        with self._lock:
            self._ids[email] = (at, user)
        return user
