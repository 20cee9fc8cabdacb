"""The demo's page as a reader meets it: opened in headless Chromium, it asks the network for nothing
and every surface is on screen. Skipped where no Chromium is installed (the static checks of the
same page in test_demo.py run everywhere)."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo import DemoResult, run

CHROMIUM = os.environ.get("CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (or set CHROMIUM)")


class Browser:
    """Chromium driven over the DevTools protocol on a pipe (fd 3 in, fd 4 out): no extra package."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._writer = os.pipe()
        self._reader, from_browser = os.pipe()

        def pipes_at_3_and_4() -> None:  # by way of fds above 4, so neither end is overwritten
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "--window-size=1000,800",
             "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank"],
            preexec_fn=pipes_at_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self._ids = itertools.count(1)
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        for reply in self._messages():
            if reply.get("id") == number:
                assert "error" not in reply, reply
                return dict(reply["result"])
            self.events.append(reply)
        raise AssertionError(f"Chromium closed the pipe before answering {method}")

    def wait_for(self, event: str) -> dict[str, Any]:
        for seen in self.events:
            if seen.get("method") == event:
                return seen
        for message in self._messages():
            self.events.append(message)
            if message.get("method") == event:
                return message
        raise AssertionError(f"Chromium closed the pipe before {event}")

    def _messages(self) -> Iterator[dict[str, Any]]:
        while True:
            while b"\0" in self._buffer:
                one, self._buffer = self._buffer.split(b"\0", 1)
                yield json.loads(one)
            chunk = os.read(self._reader, 1 << 16)
            if not chunk:
                return
            self._buffer += chunk

    def close(self) -> None:
        try:
            os.write(self._writer, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)  # with its renderers, which a kill would leave behind
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._writer)
        os.close(self._reader)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run(out=tmp_path_factory.mktemp("demo"), seed=1)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    opened = Browser(tmp_path / "profile")
    yield opened
    opened.close()


def open_page(browser: Browser, url: str) -> str:
    """Open url in a fresh tab with the network watched; the tab's session id once it has loaded."""
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.call("Network.enable", session)
    browser.call("Page.enable", session)
    browser.call("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    return str(session)


def evaluate(browser: Browser, session: str, expression: str) -> Any:
    answer = browser.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
    return answer["result"]["value"]


ON_SCREEN = """[...document.querySelectorAll('section.surface')].filter(s => {
  const box = s.getBoundingClientRect(), style = getComputedStyle(s);
  return box.width > 300 && box.height > 40 && style.display !== 'none' && style.visibility !== 'hidden';
}).map(s => Number(s.id.slice(2)))"""


def test_the_page_asks_the_network_for_nothing_and_shows_every_surface(
    demo: DemoResult, browser: Browser
) -> None:
    page = demo.page.resolve().as_uri()
    session = open_page(browser, page)
    sent = [e["params"] for e in browser.events if e["method"] == "Network.requestWillBeSent"]
    requested = [request["request"]["url"] for request in sent]
    assert requested == [page]  # the page itself, and nothing else: no fonts, images, scripts or styles
    shown = evaluate(browser, session, ON_SCREEN)
    assert shown == [s.number for s in demo.surfaces]
    words = evaluate(browser, session, "document.body.innerText")
    assert "Maya Chen" in words and "Who said what" in words and "Only visible to you" in words


def test_one_surface_alone_for_a_screenshot(demo: DemoResult, browser: Browser) -> None:
    session = open_page(browser, demo.page.resolve().as_uri() + "?only=summary")
    [summary] = [s for s in demo.surfaces if s.role == "summary"]
    assert evaluate(browser, session, ON_SCREEN) == [summary.number]
