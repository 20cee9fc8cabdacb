"""The fake workspace's state: people, conversations, messages, views, files, triggers."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import ApiError, Channel, Trigger, UploadedFile, User

INTERACTIVE_CONTAINERS = ("actions", "input", "section")


@dataclass
class Workspace:
    """Everything a Web API method reads or changes; guarded by FakeSlack's lock."""

    clock: Callable[[], float]
    team_id: str = "T0001"
    team: str = "Debrief Test"
    domain: str = "debrief-test"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    app_id: str = "A0001"
    strict: bool = True
    trigger_ttl: float = 3.0
    base_url: str = ""
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    stacks: dict[str, list[str]] = field(default_factory=dict)
    home: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.users.setdefault(self.bot_user_id, User(self.bot_user_id, "debrief-bot", is_bot=True))

    # ---- ids -------------------------------------------------------------------------------
    def next_ts(self) -> str:
        """Unique, increasing message timestamps: 1700000000.000100, .000200, ..."""
        n = next(self._serial)
        return f"{1700000000 + n // 10000}.{(n % 10000) * 100:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):08d}"

    def issue_trigger(self, user_id: str | None = None, view_id: str | None = None) -> str:
        n = next(self._serial)
        trigger_id = f"{1700000000 + n}.{self.team_id[1:] or '1'}.{hashlib.sha1(str(n).encode()).hexdigest()}"
        self.triggers[trigger_id] = Trigger(trigger_id, self.clock(), user_id, view_id)
        return trigger_id

    def check_trigger(self, trigger_id: Any) -> Trigger:
        """The trigger if still usable; Slack's errors otherwise. Not consumed here."""
        trigger = self.triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        return trigger

    # ---- people and conversations ----------------------------------------------------------
    def user(self, user_id: Any) -> User:
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            raise ApiError("user_not_found")
        return user

    def dm(self, user_id: str) -> Channel:
        """The bot's DM with a person: channel id "D" + user id, opened on first use."""
        if self.user(user_id).deleted:
            raise ApiError("user_disabled")
        channel_id = f"D{user_id}"
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(
                channel_id, "", is_private=True, is_im=True, user=user_id, members={user_id}
            )
        return self.channels[channel_id]

    def channel(self, channel_id: Any, *, member: bool = False, writable: bool = False) -> Channel:
        """Resolve a channel id (a user id means the DM); enforce membership like Slack."""
        if not isinstance(channel_id, str) or not channel_id:
            raise ApiError("channel_not_found")
        if channel_id[0] in "UW" and channel_id in self.users:
            return self.dm(channel_id)
        if channel_id.startswith("D") and channel_id[1:] in self.users:
            return self.dm(channel_id[1:])
        channel = self.channels.get(channel_id)
        if channel is None or (channel.is_private and not channel.is_member):
            raise ApiError("channel_not_found")  # private channels are invisible to non-members
        if writable and channel.is_archived:
            raise ApiError("is_archived")
        if (member or writable) and not channel.is_member:
            raise ApiError("not_in_channel")
        return channel

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, member: bool = True
    ) -> Channel:
        channel = Channel(channel_id, name, is_private=is_private, is_member=member)
        if member:
            channel.members.add(self.bot_user_id)
        self.channels[channel_id] = channel
        return channel

    # ---- messages --------------------------------------------------------------------------
    def store_message(
        self, channel: str, fields: dict[str, Any], *, user: str | None = None
    ) -> dict[str, Any]:
        """Append a message as Slack would hold it; returns the stored dict."""
        message: dict[str, Any] = {"type": "message", "ts": self.next_ts(), "team": self.team_id}
        if user is None:
            message |= {"user": self.bot_user_id, "bot_id": self.bot_id, "app_id": self.app_id}
        else:
            message["user"] = user
        message |= message_content(fields)
        self.messages.setdefault(channel, []).append(message)
        return message

    def find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise ApiError("message_not_found")

    def channel_of(self, ts: str) -> str | None:
        """The channel holding the message with this ts, if any."""
        for channel, messages in self.messages.items():
            if any(m["ts"] == ts for m in messages):
                return channel
        return None

    # ---- views -----------------------------------------------------------------------------
    def store_view(
        self, view: dict[str, Any], *, root: str | None = None, previous: str | None = None,
        view_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Keep a view as Slack returns it: an id, a hash, defaults filled, state empty."""
        view_id = view_id or self.new_id("V")
        stored = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": previous,
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "app_installed_team_id": self.team_id,
            "root_view_id": root or view_id,
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{self.new_id('h')}",
        }
        stored["blocks"] = fill_ids(view.get("blocks") or [])
        self.views[view_id] = stored
        return copy.deepcopy(stored)

    def find_view(self, view_id: Any = None, external_id: Any = None) -> dict[str, Any]:
        for view in self.views.values():
            if (view_id and view["id"] == view_id) or (
                external_id and view.get("external_id") == external_id
            ):
                return view
        raise ApiError("not_found")


def message_content(fields: dict[str, Any]) -> dict[str, Any]:
    """The parts of a call that become the message: text always, the rest when given."""
    content: dict[str, Any] = {"text": fields.get("text") or ""}
    for key in ("blocks", "metadata", "thread_ts", "attachments", "files"):
        if fields.get(key):
            content[key] = fill_ids(fields[key]) if key == "blocks" else copy.deepcopy(fields[key])
    return content


def fill_ids(blocks: Any) -> Any:
    """Give blocks and interactive elements the ids Slack assigns when the app left them out."""
    blocks = copy.deepcopy(blocks)
    if not isinstance(blocks, list):
        return blocks
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", _short_id(i, block))
        if block.get("type") not in INTERACTIVE_CONTAINERS:
            continue
        elements = block.get("elements") or []
        elements = [*elements, block.get("element"), block.get("accessory")]
        for j, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") not in ("plain_text", "mrkdwn", "image"):
                element.setdefault("action_id", _short_id(j, element))
    return blocks


def _short_id(index: int, obj: Any) -> str:
    digest = hashlib.sha1(f"{index}:{json.dumps(obj, sort_keys=True)}".encode()).hexdigest()
    return digest[:5]
