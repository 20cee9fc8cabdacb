"""Fixtures for the fake's own tests: a started FakeSlack with a few people and channels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from fakeslack import FakeSlack

USERS: list[dict[str, Any]] = [
    {"id": "U1", "name": "ada", "real_name": "Ada Lovelace", "tz": "Europe/London", "tz_offset": 0},
    {"id": "U2", "name": "grace", "real_name": "Grace Hopper", "tz": "America/New_York", "tz_offset": -18000},
]
CHANNELS: list[dict[str, Any]] = [
    {"id": "C1", "name": "debriefs"},
    {"id": "C2", "name": "hiring", "member": False},
    {"id": "C3", "name": "secret", "is_private": True, "member": False},
]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock, users=USERS, channels=CHANNELS, usergroups={"S1": ["U1", "U2"]}) as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)
