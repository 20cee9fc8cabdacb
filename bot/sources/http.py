"""HTTP for the sources: timeouts, retries with back-off, 429 Retry-After, and a size limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.sources import SourceError

log = logging.getLogger(__name__)
# httpx logs every request's URL at INFO; a calendar's secret address is a URL, and secrets are never logged.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

TIMEOUT = httpx.Timeout(20.0, connect=10.0)
RETRIES = 3
BACKOFF = 1.0  # seconds before the first retry; doubled each time
MAX_RETRY_AFTER = 120.0  # a longer Retry-After fails this sync; the next interval tries again
MAX_BYTES = 10 * 1024 * 1024
RETRIED = (429, 500, 502, 503, 504)

Sleep = Callable[[float], None]


def retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


class Http:
    """One client per source; `request` retries what is worth retrying and reads at most `max_bytes`."""

    def __init__(
        self,
        *,
        what: str,
        sleep: Sleep = time.sleep,
        max_bytes: int = MAX_BYTES,
        backoff: float = BACKOFF,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.what = what
        self.sleep = sleep
        self.max_bytes = max_bytes
        self.backoff = backoff
        self.client = httpx.Client(timeout=timeout, follow_redirects=True, transport=transport)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[httpx.Response, bytes]:
        """The response and its body; SourceError once retries are spent or the answer is refused."""
        wait = self.backoff
        for attempt in range(RETRIES + 1):
            try:
                with self.client.stream(
                    method, url, headers=headers, params=params, json=json, data=data, auth=auth
                ) as response:
                    if response.status_code in RETRIED and attempt < RETRIES:
                        pause = retry_after(response, wait) if response.status_code == 429 else wait
                        if pause > MAX_RETRY_AFTER:
                            raise SourceError(f"{self.what} asked us to wait {pause:.0f} s (rate limited)")
                        log.info("%s answered %s; retrying in %.1f s", self.what, response.status_code, pause)
                        self.sleep(pause)
                        wait *= 2
                        continue
                    body = self._read(response)
                    if response.status_code not in ok:
                        raise HttpStatus(response, body, self.what)
                    return response, body
            except httpx.TimeoutException:
                if attempt >= RETRIES:
                    raise SourceError(f"{self.what} did not answer in time") from None
            except httpx.TransportError as exc:
                if attempt >= RETRIES:
                    raise SourceError(f"couldn't reach {self.what} ({type(exc).__name__})") from None
            self.sleep(wait)
            wait *= 2
        raise SourceError(f"{self.what} kept failing")  # pragma: no cover - the loop returns or raises

    def _read(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(
                f"{self.what} is too large ({int(declared) // 1024} kB; the limit is {self.max_bytes // 1024} kB)"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise SourceError(f"{self.what} is too large (over {self.max_bytes // 1024} kB)")
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.client.close()


class HttpStatus(SourceError):
    """An answer we did not expect (4xx, or a 5xx after the retries)."""

    def __init__(self, response: httpx.Response, body: bytes, what: str) -> None:
        super().__init__(f"{what} answered HTTP {response.status_code}")
        self.status = response.status_code
        self.body = body
