"""Fixtures for end-to-end tests: a fake Slack workspace, and bots started against it (stopped after)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import RunningBot, settings_for, start_bot, workspace

StartBot = Callable[..., RunningBot]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with workspace() as fake:
        yield fake


@pytest.fixture
def make_bot(fake: FakeSlack, clock: FakeClock, database_url: str) -> Iterator[StartBot]:
    """`make_bot(with_scheduler=..., **settings)` starts a bot on this test's database; all are stopped after."""
    started: list[RunningBot] = []

    def make(*, with_scheduler: bool = False, **overrides: Any) -> RunningBot:
        running = start_bot(
            settings_for(fake, database_url, **overrides), fake, clock, with_scheduler=with_scheduler
        )
        started.append(running)
        return running

    yield make
    for running in reversed(started):
        running.stop()


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    """A bot without a background scheduler: tests tick it by hand with `running.bot.flows.ticks.tick(now=...)`."""
    return make_bot()
