"""E-mails to Slack users: a paginated warm-up, lookups for misses, caches, and 429s waited out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import make_client
from bot.people import People
from fakeslack import FakeSlack
from tests.e2e.harness import ANA, settings_for
from tests.sources.conftest import people_workspace


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with people_workspace() as fake:
        for n in range(430):  # more than two pages of users.list
            fake.add_user(f"UMANY{n:03d}", f"many{n}", email=f"many{n}@example.com")
        yield fake


def people(fake: FakeSlack, ticks: Ticks) -> People:
    client = make_client(settings_for(fake, "sqlite://"))
    return People(client, ttl_seconds=3600, negative_ttl_seconds=600, monotonic=ticks)


def test_the_warm_up_reads_every_page_and_skips_deleted_and_bot_users(fake: FakeSlack) -> None:
    ticks = Ticks()
    directory = people(fake, ticks)
    learnt = directory.warm()
    assert len(fake.calls("users.list")) == 3  # 438 members, 200 a page
    assert learnt == 430 + 6  # the six people with e-mails; not the deleted user, not the bot
    assert directory.resolve("MANY17@example.com") == "UMANY017"  # e-mails are case-insensitive
    assert directory.resolve("ana@example.com") == ANA
    assert fake.calls("users.lookupByEmail") == []  # all from the cache


def test_a_miss_is_looked_up_once_and_remembered_for_a_while(fake: FakeSlack) -> None:
    ticks = Ticks()
    directory = people(fake, ticks)
    assert directory.resolve("guest@elsewhere.example") is None  # only a deleted account has it
    assert directory.resolve("nobody@example.com") is None
    assert directory.resolve("nobody@example.com") is None
    assert len(fake.calls("users.lookupByEmail")) == 2  # the second "nobody" came from the negative cache
    fake.add_user("UNEW", "newbie", email="nobody@example.com")
    ticks.now += 601  # the negative entry expires: they have joined since
    assert directory.resolve("nobody@example.com") == "UNEW"
    assert directory.resolve("robot@example.com") is None  # a bot is never an interviewer


def test_rate_limits_are_waited_out(fake: FakeSlack) -> None:
    directory = people(fake, Ticks())
    fake.fail_next("users.lookupByEmail", status=429, retry_after=1)
    fake.fail_next("users.list", status=429, retry_after=1)
    assert directory.resolve("ana@example.com") == ANA
    assert directory.warm() == 436
    assert [c.status for c in fake.calls("users.lookupByEmail")] == [429, 200]
