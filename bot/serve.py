"""Serving a built bot: its HTTP endpoint and its scheduler, wired once for every way it runs.

`debrief-bot run` serves in the foreground (bot/__main__.py); the demo and the end-to-end tests serve
the same endpoint and scheduler on a loopback thread (`in_background`), so what they exercise is
what production runs.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from waitress import create_server

from bot.app import Bot
from bot.http import SlackWsgi
from bot.scheduler import build_scheduler
from bot.settings import Settings
from storage.health import read_health


def endpoint(bot: Bot, settings: Settings) -> SlackWsgi:
    """The WSGI app Slack (and Ashby's webhooks) talk to."""
    return SlackWsgi(bot.app, settings.slack_signing_secret, routes=bot.routes)


def scheduler_for(bot: Bot, settings: Settings, *, sources: bool = True) -> BackgroundScheduler:
    """Every job with its settings; the dispatcher moves the wake-up after each of its passes.
    `sources=False` leaves the sync to whoever runs it by hand (tests that drive a feed step by step)."""
    return build_scheduler(
        bot.flows,
        bot.clock,
        tick_seconds=settings.debrief_tick_seconds,
        retention_days=settings.debrief_retention_days,
        dispatcher=bot.dispatcher,
        sync=bot.sync if sources else None,
        sync_seconds=settings.debrief_source_poll_seconds,
    )


@dataclass
class Background:
    """A bot served on a loopback port from a thread; `stop()` shuts it down as a process would."""

    bot: Bot
    url: str
    scheduler: BackgroundScheduler | None
    _server: Any
    _thread: threading.Thread
    _trigger: tuple[int, int] = (0, 0)  # (device, inode) of the waitress trigger's write end
    stopped: bool = field(default=False)

    def settle(self, timeout: float, *, due_too: bool = False) -> None:
        """Wait until nothing owed is in flight (the dispatcher's and the ticks' sends are done), and
        with `due_too` until nothing owed is due either. Before a test or the demo moves its clock:
        jumping past an outbox lease while a send is in flight would let a tick claim that send
        again, which no real clock can do in a blink."""
        if self.stopped:
            return
        deadline = time.monotonic() + timeout
        if not self.bot.dispatcher.wait_idle(timeout):
            raise TimeoutError("the dispatcher is still sending what requests owed")
        repository = self.bot.repository
        while repository.outbox.outbox_counts().in_flight or (
            due_too and read_health(repository.engine, now=self.bot.clock()).pending
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the outbox still has calls in flight" + (" or due" if due_too else ""))
            time.sleep(0.01)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
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
        else:  # its fd was closed under it (seldom): never write to a number reused since
            close_everything()
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        self.bot.close()

    def _trigger_is_ours(self) -> bool:
        try:
            found = os.fstat(self._server.trigger.trigger)
        except OSError:
            return False
        return (found.st_dev, found.st_ino) == self._trigger


def in_background(
    bot: Bot, settings: Settings, *, scheduler: bool = True, sources: bool = True, threads: int = 4
) -> Background:
    """Serve `bot` on 127.0.0.1 (a free port) from a thread, with its scheduler started."""
    server = create_server(
        endpoint(bot, settings),
        host="127.0.0.1",
        port=0,
        threads=threads,
        clear_untrusted_proxy_headers=True,
    )
    thread = threading.Thread(target=server.run, name="http", daemon=True)
    thread.start()
    jobs = scheduler_for(bot, settings, sources=sources) if scheduler else None
    if jobs is not None:
        jobs.start()
    pipe = os.fstat(server.trigger.trigger)
    return Background(
        bot=bot,
        url=f"http://127.0.0.1:{server.effective_port}",
        scheduler=jobs,
        _server=server,
        _thread=thread,
        _trigger=(pipe.st_dev, pipe.st_ino),
    )
