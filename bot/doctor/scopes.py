"""The bot token scopes manifest.yml asks for, each with what stops working without it.

A test holds this table equal to manifest.yml's `oauth_config.scopes.bot`: add a scope there and
here together.
"""

from __future__ import annotations

FEATURES: dict[str, str] = {
    "commands": "/debrief and the Schedule interview shortcut",
    "chat:write": "every prompt, reminder, summary and DM",
    "im:write": "opening DMs (receipts, exports, private notes to the hiring manager)",
    "channels:join": "joining a public debrief channel it wasn't invited to",
    "channels:read": "reading a public debrief channel's details (this check, too)",
    "channels:history": "checking before re-posting in public channels, so nothing posts twice",
    "groups:history": "checking before re-posting in private channels, so nothing posts twice",
    "im:history": "checking before re-sending a DM, so nothing arrives twice",
    "groups:read": "reading a private debrief channel's details",
    "groups:write": "per-candidate private channels (create, invite, archive)",
    "usergroups:read": "recruiters named by a user group in DEBRIEF_RECRUITERS",
    "users:read": "time zones for reminders in working hours, deactivated interviewers, and checking recruiters and admins",
    "users:read.email": "interviewers of interviews imported from a calendar or ATS, found by e-mail",
    "files:write": "/debrief export (the CSV file in your DM), and deleting exports on erasure",
    "files:read": "checking before re-uploading an export, so no file arrives twice",
}


def missing(granted: frozenset[str]) -> list[tuple[str, str]]:
    """(scope, the feature it breaks) for every scope the manifest asks for and Slack didn't grant."""
    return [(scope, feature) for scope, feature in FEATURES.items() if scope not in granted]
