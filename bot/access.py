"""Who is a recruiter: DEBRIEF_RECRUITERS user ids and user-group ids (members looked up, cached)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class Access:
    """Answers "may this user drive the pipeline?"; an empty recruiter list means everyone may."""

    def __init__(
        self,
        client: WebClient,
        recruiters: tuple[str, ...],
        *,
        ttl_seconds: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.users = frozenset(r for r in recruiters if not r.startswith("S"))
        self.groups = tuple(r for r in recruiters if r.startswith("S"))
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def open_to_all(self) -> bool:
        return not self.users and not self.groups

    def is_recruiter(self, user_id: str) -> bool:
        """May schedule and run the pipeline (everyone, when no recruiters are configured)."""
        return self.open_to_all or self.is_listed_recruiter(user_id)

    def is_listed_recruiter(self, user_id: str) -> bool:
        """Named in DEBRIEF_RECRUITERS (directly or by user group): may read any panel's debriefs."""
        if user_id in self.users:
            return True
        return any(user_id in self._group_members(group) for group in self.groups)

    def _group_members(self, group: str) -> frozenset[str]:
        now = self.monotonic()
        with self._lock:
            cached = self._members.get(group)
            if cached and now - cached[0] < self.ttl:
                return cached[1]
        try:
            response = self.client.usergroups_users_list(usergroup=group)
            members = frozenset(response.get("users") or ())
        except SlackApiError as exc:
            log.warning("could not list user group %s: %s", group, exc.response.get("error"))
            return cached[1] if cached else frozenset()
        with self._lock:
            self._members[group] = (now, members)
        return members
