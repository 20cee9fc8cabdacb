"""Web API methods: auth, chat, conversations, users, usergroups.

Each handler takes the workspace and the decoded params, returns the success body (without
"ok") or raises ApiError. views.* and files.* live in api_views.py.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from .models import ApiError, id_list, truthy
from .store import Workspace, message_content
from .validation import check_message

Handler = Callable[[Workspace, dict[str, Any]], dict[str, Any]]
METHODS: dict[str, Handler] = {}
MAX_TEXT = 40_000
# Lowercase letters of any script (with their combining marks), digits, hyphens and underscores:
# Slack takes "雑談" or "débrief" but not "Hiring" or "a.b".
CHANNEL_NAME = re.compile(
    r"[\w\-\u0300-\u036f\u0e31-\u0e3a\u0e47-\u0e4e\u064b-\u065f\u0900-\u0903\u093a-\u094f]+"
)


def valid_channel_name(name: str) -> bool:
    return bool(CHANNEL_NAME.fullmatch(name)) and name == name.lower()


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


def required(p: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if p.get(n) in (None, "")]
    if missing:
        raise ApiError("invalid_arguments", *(f"[ERROR] missing required field: {n}" for n in missing))


@method("api.test")
def api_test(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    return {"args": p}


@method("auth.test")
def auth_test(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": f"https://{ws.domain}.slack.com/",
        "team": ws.team,
        "user": ws.users[ws.bot_user_id].name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def _message_fields(ws: Workspace, p: dict[str, Any], method_name: str) -> dict[str, Any]:
    check_message(p, strict=ws.strict, warnings=ws.warnings, method=method_name)
    fields = dict(p)
    text = fields.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT:
        ws.warnings.append(f"{method_name}: text truncated past {MAX_TEXT} characters")
        fields["text"] = text[:MAX_TEXT]
    return fields


@method("chat.postMessage")
def chat_post_message(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"], writable=True)
    fields = _message_fields(ws, p, "chat.postMessage")
    message = ws.store_message(channel.id, fields)
    return {"channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}


@method("chat.postEphemeral")
def chat_post_ephemeral(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "user")
    channel = ws.channel(p["channel"], writable=True)
    ws.user(p["user"])
    fields = _message_fields(ws, p, "chat.postEphemeral")
    ts = ws.next_ts()
    ws.ephemerals.append(
        {"channel": channel.id, "user": p["user"], "ts": ts, "text": fields.get("text") or ""}
        | {k: copy.deepcopy(fields[k]) for k in ("blocks", "thread_ts") if fields.get(k)}
    )
    return {"message_ts": ts}


@method("chat.update")
def chat_update(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "ts")
    channel = ws.channel(p["channel"], member=True)
    if channel.is_archived:  # an archived channel's history is frozen: no edits, no deletions
        raise ApiError("is_archived")
    message = ws.find_message(channel.id, p["ts"])
    if message.get("bot_id") != ws.bot_id:
        raise ApiError("cant_update_message")
    content = message_content(_message_fields(ws, p, "chat.update"))
    message["text"] = content["text"]
    for key in ("blocks", "attachments", "metadata"):
        if key in content:
            message[key] = content[key]
        elif key in p:
            message.pop(key, None)  # an empty array removes them; leaving the field out keeps them
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    return {
        "channel": channel.id,
        "ts": message["ts"],
        "text": message["text"],
        "message": copy.deepcopy(message),
    }


@method("chat.delete")
def chat_delete(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "ts")
    channel = ws.channel(p["channel"], member=True)
    if channel.is_archived:
        raise ApiError("is_archived")
    ws.messages[channel.id].remove(ws.find_message(channel.id, p["ts"]))
    return {"channel": channel.id, "ts": p["ts"]}


@method("chat.getPermalink")
def chat_get_permalink(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "message_ts")
    channel = ws.channel(p["channel"])
    ws.find_message(channel.id, p["message_ts"])
    ts = str(p["message_ts"]).replace(".", "")
    return {"channel": channel.id, "permalink": f"https://{ws.domain}.slack.com/archives/{channel.id}/p{ts}"}


@method("conversations.open")
def conversations_open(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    if p.get("channel"):
        channel = ws.channel(p["channel"])
        return {"channel": {"id": channel.id}}
    users = id_list(p.get("users"))
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        for user_id in users:
            ws.user(user_id)
        channel_id = "G" + "".join(sorted(u[-3:] for u in users))
        channel = ws.channels.get(channel_id) or ws.add_channel(channel_id, f"mpdm-{'--'.join(users)}-1")
        channel.members.update(users)
        return {"channel": {"id": channel.id}}
    already = f"D{users[0]}" in ws.channels
    channel = ws.dm(users[0])
    body = channel.info() if truthy(p.get("return_im")) else {"id": channel.id}
    return {"no_op": already, "already_open": already, "channel": body}


@method("conversations.join")
def conversations_join(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"])
    if channel.is_im or channel.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    was_member = channel.is_member
    channel.is_member = True
    channel.members.add(ws.bot_user_id)
    body: dict[str, Any] = {"channel": channel.info()}
    if was_member:
        body["warning"] = "already_in_channel"
    return body


@method("conversations.info")
def conversations_info(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    return {"channel": ws.channel(p["channel"]).info()}


@method("conversations.history")
def conversations_history(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"], member=True)
    found = [m for m in ws.messages.get(channel.id, []) if m.get("thread_ts") in (None, m["ts"])]
    return _page(found, p)


@method("conversations.replies")
def conversations_replies(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "ts")
    channel = ws.channel(p["channel"], member=True)
    parent = ws.find_message(channel.id, p["ts"])
    thread = [m for m in ws.messages[channel.id] if m is parent or m.get("thread_ts") == p["ts"]]
    body = _page(thread, p)
    body["messages"].reverse()  # replies come oldest first
    return body


def _page(messages: list[dict[str, Any]], p: dict[str, Any]) -> dict[str, Any]:
    """Newest first, within oldest/latest, at most `limit`; metadata only when asked for."""
    oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or "inf")
    inclusive = truthy(p.get("inclusive"))
    limit = int(p.get("limit") or 100)
    picked = [
        m for m in reversed(messages)
        if (oldest < float(m["ts"]) < latest) or (inclusive and float(m["ts"]) in (oldest, latest))
    ]  # fmt: skip
    keep_metadata = truthy(p.get("include_all_metadata"))
    out = [copy.deepcopy(m) for m in picked[:limit]]
    for message in out if not keep_metadata else []:
        message.pop("metadata", None)
    return {"messages": out, "has_more": len(picked) > limit, "response_metadata": {"next_cursor": ""}}


@method("conversations.create")
def conversations_create(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    name = p.get("name")
    if not isinstance(name, str) or not name:
        raise ApiError("invalid_name_required")
    if len(name) > 80:
        raise ApiError("invalid_name_maxlength")
    if not valid_channel_name(name):
        raise ApiError("invalid_name_specials")
    if not name.strip("-_"):
        raise ApiError("invalid_name_punctuation")
    if any(c.name == name for c in ws.channels.values()):
        raise ApiError("name_taken")
    channel = ws.add_channel(ws.new_id("C"), name, is_private=truthy(p.get("is_private")))
    return {"channel": channel.info()}


@method("conversations.invite")
def conversations_invite(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "users")
    channel = ws.channel(p["channel"], writable=True)
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    users = id_list(p["users"])
    for user_id in users:
        ws.user(user_id)
        if user_id == ws.bot_user_id:
            raise ApiError("cant_invite_self")
    if len(users) == 1 and users[0] in channel.members:
        raise ApiError("already_in_channel")
    channel.members.update(users)
    return {"channel": channel.info()}


@method("conversations.list")
def conversations_list(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Channels the bot can see (private ones only where it is a member), one page."""
    types = set(str(p.get("types") or "public_channel").split(","))
    found = []
    for channel in ws.channels.values():
        kind = "im" if channel.is_im else "private_channel" if channel.is_private else "public_channel"
        if kind not in types or (channel.is_private and not channel.is_member):
            continue
        if channel.is_archived and truthy(p.get("exclude_archived")):
            continue
        found.append(channel.info())
    return {"channels": found, "response_metadata": {"next_cursor": ""}}


@method("conversations.members")
def conversations_members(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"])
    return {"members": sorted(channel.members), "response_metadata": {"next_cursor": ""}}


@method("conversations.setTopic")
def conversations_set_topic(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"], writable=True)
    topic = str(p.get("topic") or "")
    if len(topic) > 250:
        raise ApiError("too_long")
    channel.topic = topic
    return {"channel": channel.info()}


@method("conversations.rename")
def conversations_rename(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel", "name")
    channel = ws.channel(p["channel"], writable=True)
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    name = str(p["name"])
    if len(name) > 80:
        raise ApiError("invalid_name_maxlength")
    if not valid_channel_name(name):
        raise ApiError("invalid_name_specials")
    if any(c.name == name and c is not channel for c in ws.channels.values()):
        raise ApiError("name_taken")
    channel.name = name
    return {"channel": channel.info()}


@method("conversations.archive")
def conversations_archive(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "channel")
    channel = ws.channel(p["channel"])
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("already_archived")
    if not channel.is_member:
        raise ApiError("not_in_channel")
    channel.is_archived = True
    return {}


@method("conversations.unarchive")
def conversations_unarchive(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """For user tokens only: a bot token is refused before this runs (fakeslack/grants.py)."""
    required(p, "channel")
    channel = ws.channel(p["channel"])
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if not channel.is_archived:
        raise ApiError("not_archived")
    channel.is_archived = False
    return {}


@method("users.info")
def users_info(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "user")
    return {"user": ws.user(p["user"]).info(ws.team_id)}


@method("users.list")
def users_list(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Every member, deleted and bot users included (as Slack does), `limit` at a time by cursor."""
    members = sorted(ws.users.values(), key=lambda u: u.id)
    limit = int(p.get("limit") or 200)
    if not 1 <= limit <= 1000:
        raise ApiError("invalid_limit")
    start = 0
    if p.get("cursor"):
        try:
            start = int(str(p["cursor"]).removeprefix("user:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    page = members[start : start + limit]
    more = start + limit < len(members)
    return {
        "members": [user.info(ws.team_id) for user in page],
        "response_metadata": {"next_cursor": f"user:{start + limit}" if more else ""},
    }


@method("users.lookupByEmail")
def users_lookup_by_email(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "email")
    for user in ws.users.values():
        if user.email and user.email.lower() == str(p["email"]).lower():
            return {"user": user.info(ws.team_id)}
    raise ApiError("users_not_found")


@method("usergroups.users.list")
def usergroups_users_list(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "usergroup")
    if p["usergroup"] not in ws.usergroups:
        raise ApiError("no_such_subteam")
    return {"users": list(ws.usergroups[p["usergroup"]])}
