"""A workspace whose people have e-mails, a calendar feed served over loopback HTTP, and a bot reading it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import (
    ANA,
    BO,
    CHANNEL,
    HIRING_MANAGER,
    OUTSIDER,
    RECRUITER,
    RunningBot,
    settings_for,
    start_bot,
)
from tests.fakeapi import FakeApi, Reply, Request, serving
from tests.sources.feeds import ANA_MAIL, BO_MAIL, CARL_MAIL, HANA_MAIL, ORGANISER, Feed, realistic_feed

CARL = "UCARL"
GONE, ROBOT = "UGONE", "UROBOT"


def people_workspace() -> FakeSlack:
    fake = FakeSlack()
    for user, name, email in (
        (RECRUITER, "rita", ORGANISER),
        (ANA, "ana", ANA_MAIL),
        (BO, "bo", BO_MAIL),
        (HIRING_MANAGER, "hana", HANA_MAIL),
        (CARL, "carl", CARL_MAIL),
        (OUTSIDER, "otto", "otto@example.com"),
    ):
        fake.add_user(user, name, email=email)
    fake.add_user(GONE, "gone", email="guest@elsewhere.example", deleted=True)  # left: not a match
    fake.add_user(ROBOT, "robot", email="robot@example.com", is_bot=True)
    fake.add_channel(CHANNEL, "hiring")
    return fake


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with people_workspace() as fake:
        yield fake


class FeedServer:
    """Serves `feed` as text/calendar; `status`/`body` override the answer (faults)."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.status = 200
        self.body: bytes | None = None
        self.api: FakeApi | None = None

    def handle(self, request: Request) -> Reply:
        if self.status != 200:
            return Reply(self.status, b"nope", {"Retry-After": "0"})
        return Reply(
            200,
            self.body if self.body is not None else self.feed.render(),
            {"Content-Type": "text/calendar; charset=utf-8"},
        )

    @property
    def url(self) -> str:
        assert self.api is not None
        return f"{self.api.url}/calendar/ical/hiring%40example.com/private-5ecret/basic.ics"

    @property
    def fetches(self) -> int:
        assert self.api is not None
        return len(self.api.requests)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer(realistic_feed())
    with serving(server.handle) as api:
        server.api = api
        yield server


StartBot = Callable[..., RunningBot]


@pytest.fixture
def make_bot(fake: FakeSlack, clock: FakeClock, database_url: str) -> Iterator[StartBot]:
    started: list[RunningBot] = []

    def make(**overrides: Any) -> RunningBot:
        values: dict[str, Any] = {"debrief_channel": CHANNEL, "debrief_recruiters": (RECRUITER,)}
        values.update(overrides)
        running = start_bot(settings_for(fake, database_url, **values), fake, clock, with_scheduler=False)
        started.append(running)
        return running

    yield make
    for running in reversed(started):
        running.stop()


@pytest.fixture
def running(make_bot: StartBot, feed_server: FeedServer) -> RunningBot:
    """A bot reading the realistic feed (synced by hand: `running.bot.sync.run(now=..., force=True)`)."""
    return make_bot(debrief_ics_urls=(feed_server.url,))
