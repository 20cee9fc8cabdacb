"""Runs the real bot — waitress, Bolt, scheduler, database — against the fake Slack, in-process."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from waitress import create_server

from bot.app import Bot, build
from bot.http import SlackWsgi
from bot.scheduler import build_scheduler
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
    """One bot process's worth of moving parts; `stop()` is a clean shutdown (a restart's first half)."""

    bot: Bot
    url: str
    slack: SlackRequester
    scheduler: BackgroundScheduler | None
    _server: Any
    _thread: threading.Thread
    _trigger: tuple[int, int] = (0, 0)  # (device, inode) of the waitress trigger's write end
    _stopped: bool = False

    def _trigger_is_ours(self) -> bool:
        try:
            found = os.fstat(self._server.trigger.trigger)
        except OSError:
            return False
        return (found.st_dev, found.st_ino) == self._trigger

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until nothing owed is in flight (the dispatcher and ticks have finished sending).

        Call it before moving the clock: jumping past an outbox lease while a send is still in
        flight would let a tick claim that send again, which no real clock can do in a blink.
        """
        if self._stopped:
            return
        deadline = time.monotonic() + timeout
        if not self.bot.dispatcher.wait_idle(timeout):
            raise TimeoutError("the dispatcher is still sending what requests owed")
        while self.bot.repository.outbox.outbox_counts().in_flight:
            if time.monotonic() > deadline:
                raise TimeoutError("outbox still has calls in flight")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        server = self._server

        def close_everything() -> None:  # runs in the server's own loop thread: no poll on a closed fd
            for dispatcher in list(server._map.values()):
                if dispatcher is not server.trigger:  # the server closes its trigger; closing twice
                    with contextlib.suppress(OSError):  # would close whatever reused that fd number
                        dispatcher.close()

        if self._trigger_is_ours():
            server.trigger.pull_trigger(close_everything)
        else:  # its fd was closed under it (seldom, cause unknown): never write to a number reused since
            close_everything()
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        self.bot.close()


def start_bot(
    settings: Settings, fake: FakeSlack, clock: Callable[[], datetime], *, with_scheduler: bool = True
) -> RunningBot:
    bot = build(settings, clock=clock)
    server = create_server(
        SlackWsgi(bot.app, settings.slack_signing_secret, routes=bot.routes),
        host="127.0.0.1",
        port=0,
        threads=4,
        clear_untrusted_proxy_headers=True,
    )
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    scheduler = None
    if with_scheduler:
        scheduler = build_scheduler(
            bot.flows, clock, tick_seconds=settings.debrief_tick_seconds, dispatcher=bot.dispatcher
        )
        scheduler.start()
    slack = SlackRequester(url, settings.slack_signing_secret, fake=fake)
    pipe = os.fstat(server.trigger.trigger)
    running = RunningBot(
        bot=bot,
        url=url,
        slack=slack,
        scheduler=scheduler,
        _server=server,
        _thread=thread,
        _trigger=(pipe.st_dev, pipe.st_ino),
    )
    hooks = getattr(clock, "before_advance", None)
    if hooks is not None:  # a FakeClock: let in-flight sends finish before time jumps
        hooks.append(running.settle)
    return running
