"""People as `users.info` describes them (time zone, admin), cached: reminders wait for working
hours, and with no recruiters named, workspace admins and owners are the recruiters."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    tz: str | None = None
    admin: bool = False  # workspace admin or owner


class Directory:
    """`person(user)` from users.info (None when Slack can't say); `zone(user)` their time zone."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl_seconds: float = 3600,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._people: dict[str, tuple[float, Person | None]] = {}
        self._lock = threading.Lock()

    def zone(self, user_id: str) -> ZoneInfo | None:
        person = self.person(user_id)
        if person is None or person.tz is None:
            return None
        try:
            return ZoneInfo(person.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def is_admin(self, user_id: str) -> bool:
        person = self.person(user_id)
        return person is not None and person.admin

    def person(self, user_id: str) -> Person | None:
        at = self.monotonic()
        with self._lock:
            cached = self._people.get(user_id)
        if cached and at - cached[0] < self.ttl:
            return cached[1]
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return cached[1] if cached else None
        person = Person(
            tz=user.get("tz"),
            admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        )
        with self._lock:
            self._people[user_id] = (at, person)
        return person
