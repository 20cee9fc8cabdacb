"""Shared fixtures: an injected clock and a database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from storage.database import make_engine

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


class FakeClock:
    """A clock tests move by hand; `now` is always timezone-aware UTC."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.before_advance: list[Callable[[], None]] = []  # e.g. a running bot settling its sends

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        for hook in self.before_advance:
            hook()
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        message = (
            "PostgreSQL tests need TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is down or refuses us
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is not reachable: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database: a SQLite file, and the same test again on a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'debrief.db'}"
    else:
        yield from _postgres_schema_url()
