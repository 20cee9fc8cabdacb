"""Plain records the fake keeps: calls, rejections, users, channels, uploads, triggers."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "user_auth_blocks", "files")


class ApiError(Exception):
    """A Web API method refusing a call, as Slack does: HTTP 200 with ok=false."""

    def __init__(self, error: str, *messages: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass(frozen=True)
class Call:
    """One request the fake received, decoded; `status` 0 means the connection was dropped."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    status: int = 200
    response: dict[str, Any] | None = None
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return None if self.response is None else self.response.get("error")


@dataclass(frozen=True)
class Rejection:
    """A call the fake refused (ok=false) because of what the caller sent."""

    method: str
    error: str
    messages: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class User:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    real_name: str = ""
    tz: str = "UTC"
    tz_offset: int | None = None
    is_bot: bool = False
    email: str | None = None
    deleted: bool = False
    is_admin: bool = False
    is_owner: bool = False

    def info(self, team_id: str) -> dict[str, Any]:
        offset = self.tz_offset
        if offset is None:
            delta = datetime.now(UTC).astimezone(ZoneInfo(self.tz)).utcoffset()
            offset = int(delta.total_seconds()) if delta else 0
        profile: dict[str, Any] = {
            "real_name": self.real_name or self.name,
            "display_name": self.name,
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name or self.name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": offset,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "is_admin": self.is_admin or self.is_owner,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "profile": profile,
        }


@dataclass
class Channel:
    """A conversation; `is_member` says whether the bot is in it."""

    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_im: bool = False
    user: str | None = None
    topic: str = ""
    is_archived: bool = False
    is_ext_shared: bool = False  # Slack Connect: shared with another organisation
    created: int = 1700000000
    members: set[str] = field(default_factory=set)

    def info(self) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "is_im": True, "user": self.user, "created": self.created, "is_open": True}
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": self.is_ext_shared,
            "is_ext_shared": self.is_ext_shared,
            "is_org_shared": False,
            "is_member": self.is_member,
            "created": self.created,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": len(self.members),
        }


@dataclass
class UploadedFile:
    """A file started by files.getUploadURLExternal; `content` arrives at the upload URL."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channels: tuple[str, ...] = ()
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    created: int = 0  # unix seconds, on the workspace's clock
    user: str = ""  # who uploaded it

    @property
    def text(self) -> str:
        return (self.content or b"").decode("utf-8")

    def info(self, team_domain: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": len(self.content or b""),
            "mimetype": "text/plain",
            "user": self.user,
            "channels": list(self.channels),
            "permalink": f"https://{team_domain}.slack.com/files/{self.id}/{self.filename}",
        }


@dataclass
class Trigger:
    """A trigger_id: valid for `ttl` seconds and for one views.open/push."""

    id: str
    issued_at: float
    user_id: str | None = None
    view_id: str | None = None
    used: bool = False


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Decode the fields slack_sdk sends as JSON strings inside form bodies."""
    decoded = dict(params)
    for key in JSON_FIELDS:
        value = decoded.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):  # else left a string; the method rejects it
                decoded[key] = json.loads(value)
    return decoded


def truthy(value: Any) -> bool:
    """Slack's reading of a boolean parameter: JSON true, or "1"/"true" in a form."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def id_list(value: Any) -> list[str]:
    """A comma-separated string or a list of ids."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]
