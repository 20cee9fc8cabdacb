"""Engine from DATABASE_URL, short sessions, and Alembic migrations run from code."""

from __future__ import annotations

import select
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, exc
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
PING_AFTER_IDLE = 10.0  # seconds a pooled PostgreSQL connection may sit idle before it is pinged


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, a busy timeout and foreign keys.

    The pool has room for the courier's senders, the web server's threads and the dispatcher at once.
    """
    memory = url in ("sqlite://", "sqlite:///:memory:")
    if memory:
        kwargs.setdefault("poolclass", StaticPool)  # one connection, shared: the database lives in it
    else:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 30)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the bot loses
                # nothing; a power cut may lose the last commits. PostgreSQL is for when that matters.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("postgresql+psycopg://"):  # another driver: SQLAlchemy's own ping
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _hand_out_live_connections(engine)
    return engine


def _hand_out_live_connections(engine: Engine) -> None:
    """Replace a pooled connection the server has closed before anyone gets it, mostly without a round trip.

    SQLAlchemy's pre-ping is a `SELECT 1` at every checkout: four extra round trips for each debrief
    and its receipt. But a server that ends a connection (a restart, `pg_terminate_backend`, an idle
    timeout) sends a last error and closes the socket, so a connection whose idle socket is readable
    is dead, and one poll(2) tells. A connection idle for longer than `PING_AFTER_IDLE` is still
    pinged, for what closes a connection without a word (a NAT that forgot it answers with a reset).
    A dead connection fails the checkout with InvalidatePoolError, which makes the pool drop every
    connection as old as it and hand out a new one.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_from = record.info.pop("idle_from", None)
        if idle_from is None:  # a new connection
            return
        if dbapi_connection.closed or dbapi_connection.broken or _readable(dbapi_connection.fileno()):
            raise exc.InvalidatePoolError("the server closed this connection")
        if time.monotonic() - idle_from > PING_AFTER_IDLE:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise exc.InvalidatePoolError(f"ping failed: {error}") from error


def _readable(fd: int) -> bool:
    """Whether a socket has something to read (or was closed) right now, without waiting."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (creates every table on a new database)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
