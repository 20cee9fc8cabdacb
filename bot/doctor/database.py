"""The database checks: reachable, migrated, and what the scheduler and the outbox left in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from bot.doctor.lines import Line, Status, ago, fail, ok, skip
from bot.settings import Settings
from storage.database import alembic_config, current_revision
from storage.health import read_health

STALE_OUTBOX = timedelta(minutes=10)  # owed and due for longer than this: something blocks delivery


def database(settings: Settings, engine_for: Callable[[str], Engine], now: datetime) -> Iterator[Line]:
    """Reachable, migrated, and what the scheduler and the outbox left in it."""
    try:
        url = make_url(settings.database_url)
        shown = url.render_as_string(hide_password=True)
        url.get_dialect()  # the driver is importable
    except (SQLAlchemyError, ImportError) as exc:
        yield fail(
            "Database",
            f"DATABASE_URL can't be used ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})",
            "Use sqlite:///debrief.db or postgresql+psycopg://user:password@host/db "
            "(PostgreSQL needs `pip install 'debrief-bot[postgres]'`).",
        )
        return
    on_file = url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:")
    if on_file and not Path(url.database or "").exists():
        yield fail(
            "Database",
            f"{shown}: the file does not exist here",
            "Point DATABASE_URL at the database the bot uses, or run `debrief-bot db upgrade` to create it.",
        )
        return
    engine = engine_for(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0][:200]
        yield fail(
            "Database",
            f"{shown}: cannot connect ({first})",
            "Check DATABASE_URL (host, port, user, password, database name) and that the server is running.",
        )
        engine.dispose()
        return
    try:
        yield ok("Database", f"{shown} is reachable")
        migrated = _migrations(engine)
        yield migrated
        if migrated.status is Status.PASS:
            yield from _scheduler_and_outbox(engine, settings, now)
        else:
            yield skip("Scheduler", "needs the current schema")
            yield skip("Outbox", "needs the current schema")
    finally:
        engine.dispose()


def _migrations(engine: Engine) -> Line:
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    current = current_revision(engine)
    if current in heads:
        return ok("Migrations", f"current ({current})")
    fix = "Run `debrief-bot db upgrade` (the bot also applies migrations when it starts)."
    if current is None:
        return fail("Migrations", "the database has no tables yet", fix)
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions()}
    if current not in known:
        return fail(
            "Migrations",
            f"the database is at {current}, which this version doesn't know",
            "Upgrade debrief-bot to the version that migrated this database.",
        )
    return fail("Migrations", f"at {current}; this version needs {', '.join(sorted(heads))}", fix)


def _scheduler_and_outbox(engine: Engine, settings: Settings, now: datetime) -> Iterator[Line]:
    health = read_health(engine, now=now)
    expected = timedelta(seconds=settings.debrief_tick_seconds)
    start = (
        "Run `debrief-bot run` (without --no-scheduler) or `debrief-bot scheduler` against this DATABASE_URL."
    )
    if health.last_tick is None:
        yield fail("Scheduler", "no scheduler has ever ticked on this database", start)
    elif now - health.last_tick > max(3 * expected, timedelta(minutes=2)):
        yield fail(
            "Scheduler",
            f"last tick {ago(now - health.last_tick)} ago (it ticks every {ago(expected)})",
            "The scheduler is down or stuck: restart it and read its logs. " + start,
        )
    else:
        yield ok("Scheduler", f"last tick {ago(max(now - health.last_tick, timedelta(0)))} ago")
    if health.dead_letters:
        yield fail(
            "Outbox",
            f"{health.dead_letters} message(s) could not be delivered (last error: {health.last_dead_error})",
            "Fix what the error names (most often the bot is not in the channel or lacks a scope), then "
            "`debrief-bot outbox` lists them and `debrief-bot outbox retry <id>` sends one again.",
        )
    if health.oldest_pending is not None and now - health.oldest_pending > STALE_OUTBOX:
        yield fail(
            "Outbox",
            f"{health.pending} message(s) owed, the oldest for {ago(now - health.oldest_pending)}",
            "Slack keeps refusing or the scheduler isn't sending: read the scheduler's logs for the Slack error.",
        )
    elif not health.dead_letters:
        waiting = f"{health.pending} due now" if health.pending else "nothing waiting"
        yield ok("Outbox", f"{waiting}; no dead letters")
