"""`debrief-bot` (= `python -m bot`): run the bot, run only its scheduler, upgrade the database, see a
demo without Slack, or check an installation."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from bot.logs import configure as configure_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # the heavy imports wait until a command needs them
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.app import Bot

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="debrief-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="serve Slack (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT)"
    )
    run.add_argument(
        "--no-scheduler", action="store_true", help="web only: leave prompts and summaries to others"
    )
    commands.add_parser("scheduler", help="only the scheduler: prompts, reminders, summaries, deliveries")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply every pending migration")
    outbox = commands.add_parser(
        "outbox", help="list dead letters (messages given up on); `outbox retry ID` sends one again"
    )
    outbox.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    outbox.add_argument("id", nargs="?", type=int, help="the dead letter to send again (from the list)")
    demo = commands.add_parser(
        "demo", help="see it work without Slack: a scripted hiring team against a local Slack stand-in"
    )
    demo.add_argument(
        "--out", type=Path, help="write index.html and every surface's JSON into this directory"
    )
    demo.add_argument("--seed", type=int, default=1, help="vary the interviewers' answers (default 1)")
    commands.add_parser("doctor", help="check settings, database, token, scopes, channel and scheduler")
    return parser


def _fail(message: str) -> int:
    print(f"debrief-bot: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":  # needs no settings at all: nothing is read from the environment
        from bot.demo import main as demo

        configure_logging("WARNING")
        return demo(args.out, args.seed)
    if args.command == "doctor":  # reports unreadable settings as its first failed check
        from bot.doctor import main as doctor

        configure_logging("ERROR")
        return doctor()
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    configure_logging(settings.log_level)
    from storage.database import DatabaseUrlError

    try:
        if args.command == "db":
            from storage.database import open_database

            open_database(settings.database_url).dispose()
            print("database is up to date")
            return 0
        if args.command == "outbox":
            return _outbox(settings, args.action, args.id)
        return _serve(settings, args)
    except DatabaseUrlError as exc:
        return _fail(str(exc))


def _outbox(settings: Settings, action: str, outbox_id: int | None) -> int:
    """List dead letters, or owe one again (the next tick of any running process sends it)."""
    from datetime import UTC, datetime

    from storage.database import open_database
    from storage.repository import Repository

    repository = Repository(open_database(settings.database_url))
    try:
        if action == "retry":
            if outbox_id is None:
                return _fail("outbox retry needs the id of a dead letter (see `debrief-bot outbox`)")
            keys = repository.dead_letters.retry(outbox_id=outbox_id, now=datetime.now(UTC))
            if not keys:
                return _fail(f"no dead letter with id {outbox_id} (see `debrief-bot outbox`)")
            print(f"queued again: {', '.join(keys)}")
            return 0
        dead = repository.dead_letters.recent(limit=200)
        if not dead:
            print("no dead letters: everything owed was delivered or is still being tried")
            return 0
        print(f"{'id':>6}  {'owed at (UTC)':16}  {'interview':>9}  {'kind':16}  {'to':12}  error")
        for d in dead:
            interview = f"#{d.interview_id}" if d.interview_id else "-"
            when = d.created_at.strftime("%Y-%m-%d %H:%M")
            print(f"{d.id:>6}  {when:16}  {interview:>9}  {d.kind:16}  {d.recipient or '-':12}  {d.error}")
        print("send one again with: debrief-bot outbox retry ID")
        return 0
    finally:
        repository.engine.dispose()


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    missing = settings.missing_for_run()
    if missing:
        return _fail(f"set {' and '.join(missing)}, in the environment or .env (see .env.example)")
    try:
        if args.command == "scheduler":
            return _run_scheduler_only(settings)
        return _run(settings, with_scheduler=not args.no_scheduler)
    except SettingsError as exc:  # a setting that only Slack can judge (e.g. a Slack Connect channel)
        return _fail(str(exc))


def _start(settings: Settings) -> tuple[Bot, BackgroundScheduler]:
    from bot.app import build
    from bot.serve import scheduler_for

    bot = build(settings)
    scheduler = scheduler_for(bot, settings)
    return bot, scheduler


def _exit_on_sigterm() -> None:
    """SIGTERM (what process managers send) stops the server the way Ctrl-C does, cleanly."""

    def _exit(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


def _run(settings: Settings, *, with_scheduler: bool) -> int:
    bot, scheduler = _start(settings)
    if with_scheduler:
        scheduler.start()
    _exit_on_sigterm()
    log = logging.getLogger(__name__)
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(bot.app, settings.slack_app_token).start()
        else:
            from waitress import serve

            from bot.serve import endpoint

            log.info("serving HTTP on %s:%s/slack/events", settings.host, settings.port)
            serve(
                endpoint(bot, settings),
                host=settings.host,
                port=settings.port,
                threads=8,
                ident="debrief-bot",
            )
    except (KeyboardInterrupt, SystemExit):
        log.info("shutting down")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        bot.close()
    return 0


def _run_scheduler_only(settings: Settings) -> int:
    bot, scheduler = _start(settings)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    scheduler.start()
    stop.wait()
    scheduler.shutdown()
    bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
