"""Engine from DATABASE_URL, short sessions, and Alembic migrations run from code."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, exc, make_url, text
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


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
    # A server restart or an idle timeout closes pooled connections: check each before handing it out.
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine) -> Config:
    config = alembic_config_without_engine()
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (creates every table on a new database).

    Every process migrates on start, so they take turns: one migrates, the others wait for it and
    then find nothing left to do (a PostgreSQL advisory lock; on SQLite, a lock file beside it).
    Lock, check and migration share one connection, so a pool of one connection is enough.
    """
    with engine.connect() as connection, _migration_lock(connection):
        current = MigrationContext.configure(connection).get_current_revision()
        if current == _head() and revision == "head":
            return
        log.info("migrating the database from %s to %s", current or "nothing", revision)
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config_without_engine()).get_current_head()


def alembic_config_without_engine() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        # A session lock, so it outlives the migration's transactions; the key is per schema, so
        # deployments (and test schemas) sharing a server don't wait for each other.
        key = connection.execute(
            text("SELECT hashtext('debrief-bot migrations ' || current_schema())")
        ).scalar()
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()  # whatever failed inside, the unlock must run
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
        return
    database = connection.engine.url.database if connection.dialect.name == "sqlite" else None
    if not database or database == ":memory:":  # in memory: one process by definition
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as lock:  # SQLite's own locks can't span Alembic's
        fcntl.flock(lock, fcntl.LOCK_EX)  # transactions; a file lock can, and dies with its process
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class DatabaseUrlError(Exception):
    """DATABASE_URL names a database this process cannot use; the message is one line naming it."""


def open_database(url: str, *, migrate: bool = True, **kwargs: Any) -> Engine:
    """An engine for `url`, checked (and migrated) now, so a bad setting stops the start in one line."""
    shown = _safe_url(url)
    try:
        engine = make_engine(url, **kwargs)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise DatabaseUrlError(
            f"DATABASE_URL: not a database URL we can use (got {shown}): {_first_line(error)}"
        ) from None
    except ImportError as error:
        raise DatabaseUrlError(
            f"DATABASE_URL: the driver for {shown} is not installed ({error.name or error}); "
            "PostgreSQL URLs need psycopg (a dependency of debrief-bot: reinstall it)"
        ) from None
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except exc.DBAPIError as error:
        engine.dispose()
        raise DatabaseUrlError(
            f"DATABASE_URL: can't use {shown}: {_first_line(error.orig or error)}"
        ) from None
    except OSError as error:  # e.g. a SQLite file in a directory that isn't there
        engine.dispose()
        raise DatabaseUrlError(f"DATABASE_URL: can't use {shown}: {error.strerror or error}") from None
    return engine


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return repr(url[:60])


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
