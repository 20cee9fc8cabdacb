"""The demo's stage: the real bot (HTTP endpoint, listeners, scheduler, outbox, database) and a Slack
stand-in, both on 127.0.0.1, with a clock the script moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import Bot, build
from bot.serve import Background, in_background
from bot.settings import Settings
from fakeslack import FakeSlack, SlackRequester

SIGNING_SECRET = "demo-signing-secret"  # shared by the stand-in and the bot; never leaves this machine
BOT_TOKEN = "xoxb-demo"
TICK_SECONDS = 0.05  # real seconds between the scheduler's ticks; simulated time moves by script


@dataclass
class SimClock:
    """Simulated time: stands still until the script moves it, after everything owed was sent."""

    now: datetime
    before_advance: list[Any] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance_to(self, when: datetime) -> None:
        for settle in self.before_advance:
            settle()
        self.now = max(self.now, when)


@dataclass
class Stage:
    """Everything running; `stop()` shuts it down cleanly."""

    served: Background
    slack: FakeSlack
    requests: SlackRequester

    @property
    def bot(self) -> Bot:
        return self.served.bot

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until everything owed by now has been sent, so each step's messages are filed under
        it and moving the clock can't race a send."""
        self.served.settle(timeout, due_too=True)

    def stop(self) -> None:
        self.served.stop()
        self.slack.stop()


def demo_settings(slack: FakeSlack, database: Path, **overrides: Any) -> Settings:
    """Settings for the demo alone: nothing is read from the environment or a .env file."""
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": "",
        "slack_api_url": slack.api_url,
        "database_url": f"sqlite:///{database}",
        "debrief_tick_seconds": TICK_SECONDS,
        "debrief_recruiters": overrides.pop("debrief_recruiters", ("URITA",)),
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def start(slack: FakeSlack, settings: Settings, clock: SimClock) -> Stage:
    """Start the bot's HTTP endpoint and scheduler against a started stand-in, as `debrief-bot run`
    wires them (bot/serve.py)."""
    served = in_background(build(settings, clock=clock), settings)
    stage = Stage(
        served=served,
        slack=slack,
        requests=SlackRequester(served.url, settings.slack_signing_secret, fake=slack),
    )
    clock.before_advance.append(stage.settle)
    return stage
