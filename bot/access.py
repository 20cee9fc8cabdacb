"""Who a person is to the bot: a recruiter (DEBRIEF_RECRUITERS user ids and user-group ids, members
looked up and cached; workspace admins and owners when that list is empty), an admin. What each role
may do is decided in `bot.policy`, not here."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.directory import Directory

log = logging.getLogger(__name__)

CLOSED_BY_DEFAULT = (
    "DEBRIEF_RECRUITERS is empty: only workspace admins and owners are recruiters "
    "(set it to user or user-group ids to name your recruiting team)"
)


class Access:
    """Answers "is this person a recruiter?"; never "everyone" (closed by default)."""

    def __init__(
        self,
        client: WebClient,
        recruiters: tuple[str, ...],
        *,
        directory: Directory | None = None,
        ttl_seconds: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.directory = directory or Directory(client)
        self.users = frozenset(r for r in recruiters if not r.startswith("S"))
        self.groups = tuple(r for r in recruiters if r.startswith("S"))
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def admins_are_recruiters(self) -> bool:
        return not self.users and not self.groups

    def is_recruiter(self, user_id: str) -> bool:
        """Named in DEBRIEF_RECRUITERS (directly or by user group); with none named, an admin or owner."""
        if self.admins_are_recruiters:
            return self.directory.is_admin(user_id)
        if user_id in self.users:
            return True
        return any(user_id in self._group_members(group) for group in self.groups)

    def is_admin(self, user_id: str) -> bool:
        return self.directory.is_admin(user_id)

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
