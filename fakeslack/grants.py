"""What a token may do: the scopes each Web API method needs (`missing_scope` when not granted),
token types (`not_allowed_token_type`), revoked tokens, and apps.connections.open for Socket Mode.

Only enforced when the fake is given the granted scopes (FakeSlack(scopes=...)); then every answer
also carries them in the `x-oauth-scopes` header, as Slack's do.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .api import method
from .models import ApiError
from .store import Workspace

APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
# Methods a bot token (xoxb-) cannot call, and what Slack answers: its docs say bot tokens "cannot
# currently be used to unarchive conversations" (a user token must); the bot, removed from the
# channel when it was archived, is told it is not in it.
NOT_FOR_BOTS = {"conversations.unarchive": "not_in_channel"}

# Methods whose scope doesn't depend on the conversation.
FIXED = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "users.info": "users:read",
    "users.list": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.users.list": "usergroups:read",
    "usergroups.list": "usergroups:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "files.list": "files:read",
}
# conversations.* by kind of conversation: public channel, private channel, DM.
BY_CONVERSATION = {
    "conversations.info": ("channels:read", "groups:read", "im:read"),
    "conversations.members": ("channels:read", "groups:read", "im:read"),
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history"),
    "conversations.join": ("channels:join", "channels:join", "channels:join"),
    "conversations.invite": ("channels:manage", "groups:write", "im:write"),
    "conversations.setTopic": ("channels:manage", "groups:write", "im:write"),
    "conversations.archive": ("channels:manage", "groups:write", "im:write"),
    "conversations.unarchive": ("channels:manage", "groups:write", "im:write"),
    "conversations.create": ("channels:manage", "groups:write", "im:write"),
}


def needed_scope(ws: Workspace, method_name: str, params: dict[str, Any]) -> str | None:
    """The scope a bot token needs for this call, or None when it needs none we model."""
    if method_name in FIXED:
        return FIXED[method_name]
    if method_name == "conversations.open":
        return "im:write"
    if method_name not in BY_CONVERSATION:
        return None
    public, private, im = BY_CONVERSATION[method_name]
    if method_name == "conversations.create":
        return private if str(params.get("is_private")).lower() in ("1", "true") else public
    channel = ws.channels.get(str(params.get("channel") or ""))
    if channel is None:
        return public  # Slack checks the scope first; the method then says channel_not_found
    return im if channel.is_im else private if channel.is_private else public


def check_token(
    ws: Workspace,
    method_name: str,
    params: dict[str, Any],
    token: str,
    *,
    scopes: Collection[str] | None,
    revoked: Collection[str],
) -> None:
    """Raise what Slack answers when this token may not make this call."""
    if token in revoked:
        raise ApiError("token_revoked")
    is_app_token = token.startswith("xapp-")
    if is_app_token != (method_name in APP_TOKEN_METHODS):
        raise ApiError("not_allowed_token_type")
    if token.startswith("xoxb-") and method_name in NOT_FOR_BOTS:
        raise ApiError(NOT_FOR_BOTS[method_name])
    if scopes is None or is_app_token:
        return
    needed = needed_scope(ws, method_name, params)
    if needed is not None and needed not in scopes:
        raise ApiError("missing_scope", needed=needed, provided=",".join(sorted(scopes)))


@method("apps.connections.open")
def apps_connections_open(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """A Socket Mode URL; nothing listens there (the fake serves the Web API only)."""
    return {"url": f"wss://wss-primary.slack.invalid/link/?ticket={ws.new_id('T')}&app_id={ws.app_id}"}
