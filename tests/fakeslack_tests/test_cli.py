"""`python -m fakeslack` serves in its own process, driven through RemoteFake."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from fakeslack import RemoteFake

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fakeslack", "--port", "0", "--latency-ms", "1",
         "--user", "U1:ada", "--channel", "C1:debriefs", "--channel", "C2:hiring:nonmember"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0


def test_the_cli_prints_its_api_url_and_serves_until_terminated(served: str) -> None:
    assert served.startswith("http://127.0.0.1:") and served.endswith("/api/")
    client = WebClient(token="xoxb-test", base_url=served)
    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == "DU1"
    remote = RemoteFake(served)
    trigger = remote.issue_trigger(user_id="U1")
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": [{"type": "divider"}]}
    assert client.views_open(trigger_id=trigger, view=view)["ok"]
    assert remote.stats()["by_method"] == {"chat.postMessage": 1, "views.open": 1}
    assert [c.method for c in remote.calls("views.open")] == ["views.open"]
    remote.reset()
    assert remote.stats()["calls"] == 0
