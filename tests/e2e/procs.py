"""Helpers for the process, fault and hostile end-to-end tests.

- real `debrief-bot scheduler` processes (started with logs in files, always killed),
- polling with deadlines instead of sleeps,
- reading what the fake Slack received as a person would (which message, for which interview),
- snapshots of every table, to prove a request left no trace.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

from fakeslack import Call, FakeSlack

ROOT = Path(__file__).resolve().parents[2]

# What the bot sends, recognised by the start of its fallback text (bot/views/messages.py, summary.py).
KINDS = (
    ("Time to debrief", "prompt"),
    ("Please write your debrief", "prompt_dm"),
    ("Reminder:", "reminder"),
    ("Thanks! Your debrief", "receipt"),
    ("Debrief summary for", "summary"),
    ("Private notes on", "private_notes"),
    ("I couldn't post", "undeliverable"),
)
# Every Web API method through which the bot shows people something.
SURFACES = (
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
)


# -- waiting -----------------------------------------------------------------------------------


def wait_until(
    predicate: Callable[[], Any],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str | Callable[[], str] = "",
) -> Any:
    """Poll `predicate` until it returns something truthy; AssertionError naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = what() if callable(what) else what
            raise AssertionError(f"not within {timeout}s: {detail}")
        time.sleep(interval)


def quiet(fake: FakeSlack, *, for_seconds: float = 0.3) -> None:
    """Wait until the fake has received no call for a moment: lazy listeners have finished."""
    last = [len(fake.calls()), time.monotonic()]

    def still() -> bool:
        count = len(fake.calls())
        if count != last[0]:
            last[:] = [count, time.monotonic()]
        return time.monotonic() - last[1] >= for_seconds

    wait_until(still, timeout=10, interval=0.05, what="the bot to stop calling Slack")


# -- what Slack received -------------------------------------------------------------------------


def kind_of(message: Mapping[str, Any]) -> str | None:
    text = re.sub(r"^\W+", "", str(message.get("text") or ""))  # "⚠️ I couldn't…", "✅ Thanks…"
    for prefix, kind in KINDS:
        if text.startswith(prefix):
            return kind
    return None


def interview_of(message: Mapping[str, Any]) -> int | None:
    """The interview a bot message is about: the value of its buttons, or the "#id" its text names."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("type") == "button":
                try:
                    return int(element.get("value") or "")
                except ValueError:
                    continue
    named = re.search(r"#(\d+)\b", str(message.get("text") or ""))  # a notice: "… for #12 …"
    return int(named.group(1)) if named else None


def delivered(fake: FakeSlack, calls: Iterable[Call] | None = None) -> Counter[tuple[str, str, int | None]]:
    """How often each (kind, channel, interview) was posted successfully: the fake's view of "arrived"."""
    counts: Counter[tuple[str, str, int | None]] = Counter()
    for call in calls if calls is not None else fake.calls("chat.postMessage", ok=True):
        if call.method != "chat.postMessage" or not call.ok:
            continue
        kind = kind_of(call.params)
        channel = str((call.response or {}).get("channel") or call.params.get("channel"))
        counts[(kind or "other", channel, interview_of(call.params))] += 1
    return counts


def texts_in(value: Any) -> list[str]:
    """Every string under a "text" key, at any depth: what Slack renders from a message or view."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                found.append(item)
            else:
                found += texts_in(item)
    elif isinstance(value, list):
        for item in value:
            found += texts_in(item)
    return found


def shown(fake: FakeSlack) -> list[tuple[str, str]]:
    """(method, text) for every text the bot asked Slack to show, in messages, views and the Home tab."""
    out: list[tuple[str, str]] = []
    for call in fake.calls():
        if call.method in SURFACES:
            out += [(call.method, text) for text in texts_in(call.params)]
    return out


# -- the database --------------------------------------------------------------------------------


_REFLECTED: dict[int, MetaData] = {}


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: equal snapshots mean nothing was written."""
    metadata = _REFLECTED.get(id(engine))
    if metadata is None:  # the schema does not change under a test; reflecting it is the slow part
        metadata = _REFLECTED[id(engine)] = MetaData()
        metadata.reflect(engine)
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            rows = connection.execute(select(table)).all()
            snapshot[name] = sorted((tuple(row) for row in rows), key=repr)
    return snapshot


# -- scheduler processes ---------------------------------------------------------------------------


def scheduler_env(api_url: str, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a `debrief-bot scheduler`: the fake Slack, the database, fast ticks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEBRIEF_", "DATABASE_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_SIGNING_SECRET="s",
        SLACK_APP_TOKEN="",
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        DEBRIEF_TICK_SECONDS="0.2",
        DEBRIEF_CHANNEL="",
        DEBRIEF_RECRUITERS="UREC",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


@dataclass
class Scheduler:
    """One `python -m bot scheduler` process, its log in a file (a pipe nobody reads could block it)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(self.output().splitlines()[-lines:])

    def started(self) -> bool:
        """APScheduler says so once its first tick is scheduled (after migrations and wiring)."""
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.process.returncode}\n{self.tail()}")
        return "Scheduler started" in self.output()

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no finally block, exactly like a crash or an OOM kill."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (a clean shutdown), SIGKILL if it does not go within 5 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def reports(self) -> list[dict[str, int]]:
        """The `tick: TickReport(...)` lines it logged, as dicts."""
        found = []
        for match in re.finditer(r"tick: TickReport\(([^)]*)\)", self.output()):
            found.append({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(1))})
        return found


def start_scheduler(name: str, env: Mapping[str, str], log_dir: Path) -> Scheduler:
    log = log_dir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "scheduler"],
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Scheduler(name=name, process=process, log=log)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:4000]
