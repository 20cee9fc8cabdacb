"""People's time zones from `users.info`, cached, so reminders can wait for working hours."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class Directory:
    """`offset(user, now)`: the person's UTC offset at `now`, or None when Slack doesn't say."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl_seconds: float = 12 * 3600,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._zones: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def offset(self, user_id: str, now: datetime) -> timedelta | None:
        zone = self._zone(user_id)
        if zone is None:
            return None
        try:
            return now.astimezone(ZoneInfo(zone)).utcoffset()
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def _zone(self, user_id: str) -> str | None:
        at = self.monotonic()
        with self._lock:
            cached = self._zones.get(user_id)
        if cached and at - cached[0] < self.ttl:
            return cached[1]
        try:
            zone = (self.client.users_info(user=user_id).get("user") or {}).get("tz")
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return cached[1] if cached else None
        with self._lock:
            self._zones[user_id] = (at, zone)
        return zone
