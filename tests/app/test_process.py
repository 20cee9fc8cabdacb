"""The bot as an operator runs it: `debrief-bot run` in its own process, HTTP on PORT, stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeslack import FakeSlack, SlackRequester

ROOT = Path(__file__).resolve().parents[2]
SECRET = "process-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user("UREC", "rita")
        fake.add_channel("CHIRING", "hiring")
        yield fake


def wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the bot never became healthy")


def test_run_serves_slack_over_http_and_stops_cleanly(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-process",
        "DEBRIEF_RECRUITERS": "UREC",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'debrief.db'}",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        slack = SlackRequester(url, SECRET, fake=fake)
        answer = slack.command(text="help", user_id="UREC", channel_id="CHIRING")
        assert answer.status == 200 and "/debrief schedule" in json.dumps(answer.json())
        assert slack.command(text="help", user_id="UREC", sign=False).status == 401
        assert slack.command(text="schedule", user_id="UREC", channel_id="CHIRING").status == 200
        fake.wait_for("views.open", ok=True)  # the modal, from the real process, within the trigger's 3 s
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        log_lines = [line for line in (process.stderr.read() if process.stderr else "").splitlines() if line]
        assert log_lines and all(json.loads(line)["logger"] for line in log_lines)  # one JSON object a line
        assert not any("xoxb-process" in line or SECRET in line for line in log_lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
