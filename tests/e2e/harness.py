"""Runs the real bot — waitress, Bolt, scheduler, database — against the fake Slack, in-process."""

from __future__ import annotations

import time
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
        """Wait until nothing owed is in flight (the dispatcher and ticks have finished sending).

        Call it before moving the clock: jumping past an outbox lease while a send is still in
        flight would let a tick claim that send again, which no real clock can do in a blink.
        """
        if self.served._stopped:
            return
        deadline = time.monotonic() + timeout
        if not self.bot.dispatcher.wait_idle(timeout):
            raise TimeoutError("the dispatcher is still sending what requests owed")
        while self.bot.repository.outbox.outbox_counts().in_flight:
            if time.monotonic() > deadline:
                raise TimeoutError("outbox still has calls in flight")
            time.sleep(0.01)

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
