"""The load driver: signed requests at a fixed concurrency over keep-alive HTTP/1.1, timed to the response.

One asyncio loop in this process drives every connection, so the driver itself adds no thread
switching to the latencies it measures. Trigger ids come from the fake ahead of time (untimed).
Bodies are built before a level starts: form-encoding a 12 kB payload is ~0.5 ms of pure Python,
CPU that the servers being measured would otherwise share with the driver; only the trigger id
is put in, and the body signed, as each request goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.payloads import signed_headers
from bench.report import percentile

TRIGGER_MAX_AGE = 1.0  # seconds a prefetched trigger may wait (Slack's live for 3)
TRIGGER_SLOT = "0000000000.0.triggerslot"  # in a pre-built body until the real trigger id goes in
LEVEL_TIMEOUT = 600.0

Build = Callable[[int, str], bytes]  # (request number, trigger id) -> body
Accept = Callable[[int, bytes], bool]


class HttpConnection:
    """One persistent HTTP/1.1 connection; reconnects once when a kept-alive socket was closed."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in range(2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.writer is not None
            try:
                self.writer.write(data)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if fresh or attempt:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        assert self.reader is not None
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        body = b""
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await self.reader.readline()
                return body
            body += await self.reader.readexactly(size)
            await self.reader.readline()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class Triggers:
    """Keeps a few fresh trigger ids from the fake ready, so fetching them is never on the timed path.

    Each fetch uses its own connection: the fake writes headers and body in two sends, which on a
    kept-alive socket meets the client's delayed ACK (Nagle) and costs ~40 ms a fetch.
    """

    def __init__(self, fake_url: str, depth: int, producers: int = 3) -> None:
        self.fake_url = fake_url
        self.queue: asyncio.Queue[tuple[float, str]] = asyncio.Queue(maxsize=depth)
        self.producers = producers
        self.tasks: list[asyncio.Task[None]] = []

    async def _produce(self) -> None:
        while True:
            connection = HttpConnection(self.fake_url)
            try:
                status, data = await connection.request(
                    "/_fake/trigger", b"{}", {"Content-Type": "application/json", "Connection": "close"}
                )
            finally:
                await connection.close()
            if status != 200:
                raise RuntimeError(f"fake Slack gave no trigger: {status} {data[:200]!r}")
            await self.queue.put((time.monotonic(), str(json.loads(data)["trigger_id"])))

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.tasks = [loop.create_task(self._produce()) for _ in range(self.producers)]

    async def get(self) -> str:
        while True:
            for task in self.tasks:
                if task.done():
                    task.result()  # re-raise what stopped a producer
            issued, trigger = await asyncio.wait_for(self.queue.get(), timeout=30)
            if time.monotonic() - issued < TRIGGER_MAX_AGE:
                return trigger

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


@dataclass
class LevelResult:
    """Latencies (ms) of one shape at one concurrency, with failures and wall time."""

    concurrency: int
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    first_failure: str = ""
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def p(self, pct: float) -> float:
        return percentile(self.latencies, pct)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else math.nan


async def _run(
    app_url: str, fake_url: str, build: Build, accept: Accept, *, count: int, concurrency: int, triggers: bool
) -> LevelResult:
    result = LevelResult(concurrency)
    source = Triggers(fake_url, depth=concurrency + 4) if triggers else None
    numbers = iter(range(count))
    slot = TRIGGER_SLOT.encode()
    bodies = [build(number, TRIGGER_SLOT if source else f"{number}.1.bench") for number in range(count)]

    async def worker() -> None:
        connection = HttpConnection(app_url)
        try:
            for number in numbers:
                body = bodies[number]
                if source:  # a fake's trigger id is digits, dots and hex: the same JSON- and form-encoded
                    body = body.replace(slot, (await source.get()).encode(), 1)
                headers = signed_headers(body)
                started = time.perf_counter()
                try:
                    status, answer = await connection.request("/slack/events", body, headers)
                except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                    status, answer = 0, repr(exc).encode()
                result.latencies.append((time.perf_counter() - started) * 1000)
                if not accept(status, answer):
                    result.failures += 1
                    result.first_failure = result.first_failure or f"{status} {answer[:300]!r}"
        finally:
            await connection.close()

    if source:
        source.start()
    try:
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), LEVEL_TIMEOUT)
        result.elapsed = time.perf_counter() - started
    finally:
        if source:
            await source.stop()
    return result


def run_level(
    app_url: str, fake_url: str, build: Build, accept: Accept, *, count: int, concurrency: int, triggers: bool
) -> LevelResult:
    """Send `count` requests with `concurrency` in flight; every response is checked with `accept`."""
    return asyncio.run(
        _run(app_url, fake_url, build, accept, count=count, concurrency=concurrency, triggers=triggers)
    )
