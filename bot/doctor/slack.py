"""The Slack checks: token, connection mode, scopes, the debrief channel, recruiters, the clock."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.doctor.lines import Line, ago, fail, ok, warn
from bot.doctor.scopes import missing
from bot.settings import Settings

SKEW_LIMIT = timedelta(seconds=60)

AUTH_FIXES = {
    "invalid_auth": "SLACK_BOT_TOKEN is not a valid token: copy the Bot User OAuth Token (xoxb-…) "
    "from OAuth & Permissions.",
    "not_authed": "Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.",
    "token_revoked": "The token was revoked (the app was uninstalled or reinstalled): reinstall the app "
    "and copy the new Bot User OAuth Token into SLACK_BOT_TOKEN.",
    "account_inactive": "The token belongs to a deactivated app or user: reinstall the app and copy the "
    "new Bot User OAuth Token into SLACK_BOT_TOKEN.",
    "not_allowed_token_type": "SLACK_BOT_TOKEN must be the bot token (xoxb-…), not an app-level or user token.",
    "team_access_not_granted": "The app is not installed in this workspace: install it, then copy its "
    "Bot User OAuth Token into SLACK_BOT_TOKEN.",
}


def _header(response: SlackResponse | dict[str, Any], name: str) -> str | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


@dataclass(frozen=True)
class Identity:
    team: str
    bot_user: str
    bot_user_id: str
    scopes: frozenset[str] | None
    date: datetime | None


def authenticate(client: WebClient, settings: Settings) -> tuple[Line, Identity | None]:
    if not settings.slack_bot_token.startswith(("xoxb-", "xoxe.xoxb-")):  # the latter: rotating tokens
        kind = "a user token" if settings.slack_bot_token.startswith("xoxp-") else "not a bot token"
        return fail(
            "Bot token",
            f"SLACK_BOT_TOKEN is {kind} (a bot token starts with xoxb-)",
            AUTH_FIXES["not_allowed_token_type"],
        ), None
    try:
        response = client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        fix = AUTH_FIXES.get(error, f"Slack refused the token ({error}): check SLACK_BOT_TOKEN.")
        return fail("Bot token", f"auth.test: {error}", fix), None
    except (SlackClientError, OSError) as exc:
        return fail(
            "Bot token",
            f"cannot reach Slack at {settings.slack_api_url} ({type(exc).__name__})",
            "Check this machine's network and proxy, and SLACK_API_URL if you set it.",
        ), None
    scopes = _header(response, "x-oauth-scopes")
    date = _header(response, "date")
    identity = Identity(
        team=str(response.get("team")),
        bot_user=str(response.get("user")),
        bot_user_id=str(response.get("user_id")),
        scopes=frozenset(s.strip() for s in scopes.split(",") if s.strip()) if scopes is not None else None,
        date=email.utils.parsedate_to_datetime(date) if date else None,
    )
    line = ok(
        "Bot token", f"workspace “{identity.team}”, bot user @{identity.bot_user} ({identity.bot_user_id})"
    )
    return line, identity


def connection_mode(settings: Settings, app_client: Callable[[str], WebClient]) -> Line:
    if not settings.socket_mode:
        if settings.slack_signing_secret:
            return ok(
                "HTTP mode", "SLACK_SIGNING_SECRET is set; Slack must reach https://<your host>/slack/events"
            )
        return fail(
            "HTTP mode",
            "no SLACK_APP_TOKEN and no SLACK_SIGNING_SECRET",
            "Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET from Basic Information (HTTP mode).",
        )
    token = settings.slack_app_token
    fix = "Create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and put it in SLACK_APP_TOKEN."
    if not token.startswith("xapp-"):
        return fail("Socket Mode", "SLACK_APP_TOKEN is not an app-level token (xapp-…)", fix)
    try:
        app_client(token).apps_connections_open(app_token=token)
    except SlackApiError as exc:
        return fail("Socket Mode", f"apps.connections.open: {exc.response.get('error')}", fix)
    except (SlackClientError, OSError) as exc:
        return fail(
            "Socket Mode", f"cannot reach Slack ({type(exc).__name__})", "Check the network and proxy."
        )
    return ok("Socket Mode", "the app-level token opens a connection")


def scopes(identity: Identity) -> Line:
    if identity.scopes is None:
        return warn(
            "Scopes",
            "Slack did not say which scopes were granted",
            "Compare OAuth & Permissions → Scopes with manifest.yml by hand.",
        )
    lacking = missing(identity.scopes)
    if not lacking:
        return ok("Scopes", "every scope manifest.yml asks for is granted")
    named = "; ".join(f"{scope} ({feature})" for scope, feature in lacking)
    return fail(
        "Scopes",
        f"missing {named}",
        "Add the missing scopes under OAuth & Permissions (or paste manifest.yml again), then reinstall the app.",
    )


def channel(client: WebClient, settings: Settings, identity: Identity) -> Iterator[Line]:
    """DEBRIEF_CHANNEL: exists, the bot is in it (or may join), not shared outside, can post."""
    channel_id = settings.debrief_channel
    if not channel_id:
        yield warn(
            "Debrief channel",
            "DEBRIEF_CHANNEL is not set",
            "Set DEBRIEF_CHANNEL to a channel id so the schedule form has a default; until then "
            "recruiters pick one for each interview.",
        )
        return
    info = yield from _channel_info(client, channel_id, identity)
    if info is None:
        return
    name = f"#{info.get('name') or channel_id}"
    yield ok("Debrief channel", f"{name} ({channel_id}) exists")
    archived = bool(info.get("is_archived"))
    if archived:
        yield fail("Channel open", f"{name} is archived",
                   f"Unarchive {name}, or set DEBRIEF_CHANNEL to a channel in use.")  # fmt: skip
    granted = identity.scopes
    can_join = not info.get("is_private") and (granted is None or "channels:join" in granted)
    yield _bot_in_channel(info, name, identity, can_join=can_join, archived=archived)
    yield _not_shared(info, name)
    yield _can_post(info, name, identity, can_join=can_join, archived=archived)


def _channel_info(
    client: WebClient, channel_id: str, identity: Identity
) -> Generator[Line, None, dict[str, Any] | None]:
    """The channel as Slack describes it, or None after a line saying why it can't be read."""
    try:
        info: dict[str, Any] = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope":
            needed = exc.response.get("needed")
            yield fail("Debrief channel", f"cannot read {channel_id}: missing scope {needed}",
                       "Add the scope under OAuth & Permissions and reinstall the app.")  # fmt: skip
            return None
        yield fail(
            "Debrief channel",
            f"DEBRIEF_CHANNEL={channel_id}: {error} in “{identity.team}”",
            "Use the channel's id (channel details → About → Channel ID, like C0123ABCD), not its name; "
            "for a private channel, /invite the bot there first.",
        )
        return None
    return info


def _bot_in_channel(
    info: dict[str, Any], name: str, identity: Identity, *, can_join: bool, archived: bool
) -> Line:
    if info.get("is_member"):
        return ok("Bot in channel", f"@{identity.bot_user} is a member of {name}")
    if can_join and not archived:
        return ok("Bot in channel", f"not a member yet; it joins {name} on its first post (channels:join)")
    return fail("Bot in channel", f"@{identity.bot_user} is not a member of {name}",
                f"Type /invite @{identity.bot_user} in {name}.")  # fmt: skip


def _not_shared(info: dict[str, Any], name: str) -> Line:
    if info.get("is_ext_shared"):
        return fail(
            "Channel not shared outside",
            f"{name} is shared with another organisation (Slack Connect)",
            "Debriefs are HR data: point DEBRIEF_CHANNEL at a channel only your company can see.",
        )
    return ok("Channel not shared outside", f"{name} is internal to your organisation")


def _can_post(info: dict[str, Any], name: str, identity: Identity, *, can_join: bool, archived: bool) -> Line:
    """Whether the bot can post, with every reason it can't."""
    granted = identity.scopes
    reasons = []
    if archived:
        reasons.append("it is archived")
    if not info.get("is_member") and not can_join:
        reasons.append("the bot is not in it")
    if granted is not None and "chat:write" not in granted:
        reasons.append("chat:write is not granted")
    if reasons:
        return fail("Can post", f"the bot cannot post in {name}: {', '.join(reasons)}",
                    "Fix the lines above; the bot will post there from its next tick.")  # fmt: skip
    return ok("Can post", f"the bot can post in {name}")


def recruiters(client: WebClient, settings: Settings) -> Line:
    ids = settings.debrief_recruiters
    if not ids:
        return warn(
            "Recruiters",
            "DEBRIEF_RECRUITERS is empty: only workspace admins and owners may schedule interviews and run /debrief's recruiter commands",
            "Set DEBRIEF_RECRUITERS to your recruiters' member ids (U…) or a user group id (S…).",
        )
    found, problems = [], []
    for item in ids:
        try:
            if item.startswith("S"):
                members = client.usergroups_users_list(usergroup=item).get("users") or []
                found.append(f"group {item} ({len(members)} people)")
                if not members:
                    problems.append(f"group {item} has no members")
                continue
            user = client.users_info(user=item)["user"]
        except SlackApiError as exc:
            problems.append(f"{item}: {exc.response.get('error')}")
            continue
        if user.get("deleted"):
            problems.append(f"{item} ({user.get('real_name') or user.get('name')}) is deactivated")
        elif user.get("is_bot"):
            problems.append(f"{item} is a bot")
        else:
            found.append(str(user.get("real_name") or user.get("name") or item))
    if problems:
        return fail(
            "Recruiters",
            "DEBRIEF_RECRUITERS: " + "; ".join(problems),
            "Use active people's member ids (profile → ⋯ → Copy member ID) or user group ids (S…) from this workspace.",
        )
    return ok("Recruiters", ", ".join(found))


def clock_skew(identity: Identity, now: datetime) -> Line:
    if identity.date is None:
        return warn(
            "Clock",
            "Slack's answer had no Date header",
            "Check that this machine's clock is synchronised (NTP).",
        )
    skew = now - identity.date.astimezone(UTC)
    if abs(skew) > SKEW_LIMIT:
        way = "ahead of" if skew > timedelta(0) else "behind"
        return fail(
            "Clock",
            f"this machine is {ago(abs(skew))} {way} Slack",
            "Synchronise the clock (NTP): Slack refuses requests more than 5 minutes off, and reminders go out late.",
        )
    return ok("Clock", f"within {int(abs(skew).total_seconds())} s of Slack")
