"""`debrief-bot doctor`: check a real installation and say, line by line, what to fix.

Settings, the database (reachable, migrated, the scheduler's last tick, the outbox's backlog),
then Slack: the bot token, Socket Mode or HTTP mode, granted scopes, DEBRIEF_CHANNEL, recruiters and
the clock. Exit status 0 only when nothing failed (warnings pass).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.doctor import slack
from bot.doctor.database import database
from bot.doctor.lines import NEEDS_TOKEN, Line, Status, fail, ok, skip
from bot.settings import CONNECTION, Settings, SettingsError, load_settings
from storage.database import make_engine

SLACK_TIMEOUT = 10


def _now() -> datetime:
    return datetime.now(UTC)


def _client(settings: Settings) -> Callable[[str], WebClient]:
    """A plain client per token: no retries, so a refused token answers at once."""
    return lambda token: WebClient(token=token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT)


def diagnose(
    load: Callable[[], Settings] = load_settings,
    *,
    now: Callable[[], datetime] = _now,
    engine_for: Callable[[str], Engine] = make_engine,
) -> list[Line]:
    """Every check, in the order a newcomer should fix them."""
    try:
        settings = load()
    except SettingsError as exc:
        return [fail("Settings", str(exc), "Correct it in the environment or .env (see .env.example).")]
    lines = [_settings(settings)]
    lines += list(database(settings, engine_for, now()))
    lines += _slack(settings, now)
    return lines


def _settings(settings: Settings) -> Line:
    missing = [name for name in settings.missing_for_run() if name != CONNECTION]  # its own line
    if missing:
        return fail("Settings", f"{' and '.join(missing)} not set",
                    "Set it in the environment or .env (see .env.example).")  # fmt: skip
    mode = "Socket Mode" if settings.socket_mode else "HTTP mode"
    return ok("Settings", f"parsed ({mode})")


def _slack(settings: Settings, now: Callable[[], datetime]) -> list[Line]:
    titles = ("Bot token", "Scopes", "Debrief channel", "Recruiters", "Clock")
    if not settings.slack_bot_token:
        return [skip(title, "needs SLACK_BOT_TOKEN") for title in titles]
    client_for = _client(settings)
    client = client_for(settings.slack_bot_token)
    auth, identity = slack.authenticate(client, settings)
    mode = slack.connection_mode(settings, client_for)
    if identity is None:
        return [auth, mode, *(skip(title, NEEDS_TOKEN) for title in titles[1:])]
    return [
        auth,
        mode,
        slack.scopes(identity),
        *slack.channel(client, settings, identity),
        slack.recruiters(client, settings),
        slack.clock_skew(identity, now()),
    ]


def render(lines: list[Line], stream: TextIO) -> None:
    width = max(len(line.title) for line in lines)
    for line in lines:
        print(f"{line.status.value} {line.title.ljust(width)}  {line.detail}", file=stream)
        if line.fix and line.status in (Status.FAIL, Status.WARN):
            print(f"  {' ' * width}  → {line.fix}", file=stream)
    failed = sum(line.status is Status.FAIL for line in lines)
    print(
        "\nAll checks passed." if not failed else f"\n{failed} check(s) failed: fix them from the top down.",
        file=stream,
    )


def main(stream: TextIO = sys.stdout) -> int:
    lines = diagnose()
    render(lines, stream)
    return 1 if any(line.status is Status.FAIL for line in lines) else 0
