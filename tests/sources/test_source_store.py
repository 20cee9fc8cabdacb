"""The external key's reservation and the per-source claim, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from storage.database import make_engine, upgrade
from storage.repository import Repository
from tests.conftest import FakeClock


@pytest.fixture
def repository(database_url: str) -> Iterator[Repository]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


def test_a_key_is_reserved_once_and_a_dead_reservation_is_taken_over(
    repository: Repository, clock: FakeClock
) -> None:
    assert repository.sources.reserve_key(key="ics:a", source="ics-1", now=clock())
    assert not repository.sources.reserve_key(key="ics:a", source="ics-1", now=clock() + timedelta(minutes=1))
    # Its process died before creating the interview: a quarter of an hour later, another takes it.
    assert repository.sources.reserve_key(key="ics:a", source="ics-1", now=clock() + timedelta(minutes=16))
    assert not repository.sources.reserve_key(
        key="ics:a", source="ics-1", now=clock() + timedelta(minutes=17)
    )
    repository.sources.release_key(key="ics:a")
    assert repository.sources.reserve_key(key="ics:a", source="ics-1", now=clock() + timedelta(minutes=18))


def test_a_source_is_claimed_once_per_interval(repository: Repository, clock: FakeClock) -> None:
    every = timedelta(minutes=5)
    assert repository.sources.claim_source(name="greenhouse", kind="greenhouse", now=clock(), interval=every)
    assert not repository.sources.claim_source(
        name="greenhouse", kind="greenhouse", now=clock() + timedelta(minutes=4), interval=every
    )
    assert repository.sources.claim_source(
        name="ashby", kind="ashby", now=clock(), interval=every
    )  # each its own
    assert repository.sources.claim_source(
        name="greenhouse", kind="greenhouse", now=clock() + every, interval=every
    )
    [ashby, greenhouse] = repository.sources.source_statuses()
    assert (ashby.name, greenhouse.name, greenhouse.last_success_at) == ("ashby", "greenhouse", None)
