"""The processes a run starts (fake Slack, the bot, bare Bolt): started, waited for, always stopped."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.config import BOT_TOKEN, SIGNING_SECRET, Sizes
from bench.report import Section
from bench.seed import HIRING_MANAGER, RECRUITER, user_id
from fakeslack import RemoteFake

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0


class StartError(RuntimeError):
    """A process did not come up; the message ends with the tail of its log."""


@dataclass(frozen=True)
class Running:
    """A started server process: its pid, base URL and log file."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    """A port nothing listens on right now (bind to port 0 and let the kernel pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it lingers; never raises."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _first_line(process: subprocess.Popen[bytes], log: Path, timeout: float) -> str:
    """The first stdout line a server prints (its URL), within `timeout` seconds."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise StartError(f"{process.args!r} printed no URL:\n{_tail(log)}")
            if selector.select(min(remaining, 0.5)):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    raise StartError(f"{process.args!r} closed stdout:\n{_tail(log)}")
                buffer += chunk
    return buffer.split(b"\n", 1)[0].decode().strip()


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"the bot exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise StartError(f"the bot did not answer /healthz within {timeout:.0f} s:\n{_tail(log)}")


def _spawn(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path, stdout_pipe: bool
) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else sink,
            stderr=sink,
        )


@contextmanager
def fake_slack(
    workdir: Path,
    *,
    latency_ms: float,
    users: Sequence[str] = (),
    channels: Sequence[str] = (),
    channel_rate: float = 0.0,
) -> Iterator[tuple[Running, RemoteFake]]:
    """`python -m fakeslack` in its own process, with these users and channels."""
    command = [sys.executable, "-m", "fakeslack", "--port", "0", "--latency-ms", str(latency_ms)]
    command += [f"--user={user}" for user in users]
    command += [f"--channel={channel}:{channel.lower()}" for channel in channels]
    if channel_rate:
        command += ["--channel-rate", str(channel_rate)]
    log = workdir / "fakeslack.log"
    process = _spawn(command, env=os.environ, cwd=ROOT, log=log, stdout_pipe=True)
    try:
        url = _first_line(process, log, START_TIMEOUT)
        yield Running(process, url, log), RemoteFake(url, timeout=30)
    finally:
        stop(process)


def bot_command() -> list[str]:
    """`debrief-bot run`: the console script beside this interpreter, or the same via `-m bot`."""
    script = Path(sys.executable).with_name("debrief-bot")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]


@contextmanager
def bot(workdir: Path, *, api_url: str, database_url: str, name: str = "bot") -> Iterator[Running]:
    """The production bot (`debrief-bot run`, HTTP via waitress, with its scheduler) on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "DEBRIEF_CHANNEL": "",
        # Closed by default: the benchmark's people (who all type /debrief schedule) are named recruiters.
        "DEBRIEF_RECRUITERS": ",".join(
            [*(user_id(n) for n in range(Sizes().user_pool)), HIRING_MANAGER, RECRUITER]
        ),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "INFO",
    }
    home = workdir / name
    home.mkdir(exist_ok=True)  # its own working directory: no stray .env is read
    log = workdir / f"{name}.log"
    process = _spawn(bot_command(), env=env, cwd=home, log=log, stdout_pipe=False)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(process, url, log, START_TIMEOUT)
        yield Running(process, url, log)
    finally:
        stop(process)


@contextmanager
def bare_bolt(workdir: Path, *, api_url: str) -> Iterator[Running]:
    """The floor: a Bolt app that only acks, on waitress, in its own process."""
    with _bolt_app("bench.bare_app", workdir / "bare.log", api_url=api_url) as running:
        yield running


@contextmanager
def peer_bolt(workdir: Path, *, api_url: str, database_url: str) -> Iterator[Running]:
    """The peer: the same job written from Bolt's documentation, on Bolt's defaults, in its own process."""
    with _bolt_app(
        "bench.peer_app", workdir / "peer.log", api_url=api_url, DATABASE_URL=database_url
    ) as running:
        yield running


@contextmanager
def _bolt_app(module: str, log: Path, *, api_url: str, **extra_env: str) -> Iterator[Running]:
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, **extra_env}
    env["SLACK_API_URL"] = api_url
    command = [sys.executable, "-m", module, "--port", "0"]
    process = _spawn(command, env=env, cwd=ROOT, log=log, stdout_pipe=True)
    try:
        yield Running(process, _first_line(process, log, START_TIMEOUT), log)
    finally:
        stop(process)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB, from the kernel's status file."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def settle(fake: RemoteFake, *, timeout: float, quiet: float = 1.0) -> dict[str, Any]:
    """Wait until the fake has seen no new call for `quiet` seconds (work after the acks done); its stats."""
    deadline = time.monotonic() + timeout
    stats = fake.stats()
    last_change = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = fake.stats()
        if now["calls"] != stats["calls"]:
            last_change = time.monotonic()
        stats = now
        if time.monotonic() - last_change >= quiet:
            return stats
    return stats


def log_problems(log: Path) -> list[str]:
    """Lines of a process log that report errors or tracebacks."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if " ERROR " in line or line.startswith("Traceback")]


def note_problems(section: Section, db: str, log: Path) -> None:
    """Say in the section's notes if the bot's log reports errors (the run itself goes on)."""
    problems = log_problems(log)
    if problems:
        section.notes.append(
            f"{db}: the bot logged {len(problems)} error lines, first: `{problems[0][:300]}`"
        )
