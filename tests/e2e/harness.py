"""Runs the real bot — waitress, Bolt, scheduler, database — against the fake Slack, in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app import Bot, build
from bot.serve import Background, in_background
from bot.settings import Settings
from fakeslack import FakeSlack, SlackRequester

SIGNING_SECRET = "e2e-signing-secret"
RECRUITER, ANA, BO, HIRING_MANAGER, OUTSIDER = "UREC", "UANA", "UBO", "UHM", "UOUT"
CHANNEL = "CHIRING"


def workspace() -> FakeSlack:
    fake = FakeSlack()
    for user, name in (
        (RECRUITER, "rita"),
        (ANA, "ana"),
        (BO, "bo"),
        (HIRING_MANAGER, "hana"),
        (OUTSIDER, "otto"),
    ):
        fake.add_user(user, name)
    fake.add_channel(CHANNEL, "hiring")
    return fake


def settings_for(fake: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-e2e",
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": "",
        "slack_api_url": fake.api_url,
        "database_url": database_url,
        "debrief_channel": "",
        "debrief_recruiters": (RECRUITER,),  # closed by default: name the recruiter
        "debrief_tick_seconds": 0.05,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningBot:
    """The bot served as `debrief-bot run` serves it (bot/serve.py), and a signed Slack to drive it."""

    served: Background
    slack: SlackRequester

    @property
    def bot(self) -> Bot:
        return self.served.bot

    @property
    def url(self) -> str:
        return self.served.url

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until nothing owed is in flight; call it before moving the clock (bot/serve.py)."""
        self.served.settle(timeout)

    def stop(self) -> None:
        """A clean shutdown (a restart's first half)."""
        self.served.stop()


def start_bot(
    settings: Settings, fake: FakeSlack, clock: Callable[[], datetime], *, with_scheduler: bool = True
) -> RunningBot:
    # Sources are synced by hand in tests (`bot.sync.run`), step by step.
    served = in_background(build(settings, clock=clock), settings, scheduler=with_scheduler, sources=False)
    running = RunningBot(
        served=served, slack=SlackRequester(served.url, settings.slack_signing_secret, fake=fake)
    )
    hooks = getattr(clock, "before_advance", None)
    if hooks is not None:  # a FakeClock: let in-flight sends finish before time jumps
        hooks.append(running.settle)
    return running
