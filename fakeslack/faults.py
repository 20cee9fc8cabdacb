"""Faults the fake can answer with: instead of doing the work, or after doing it (the answer lost:
"503-after" stores the message and answers 503, "drop-after" stores it and drops the connection);
random, scripted, rate limits."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

KINDS = ("429", "500", "503", "drop", "503-after", "drop-after")


@dataclass(frozen=True)
class Fault:
    """An answer that replaces the method: `status` 0 drops the connection without a reply."""

    status: int
    error: str | None = None
    retry_after: str = "1"
    name: str = "injected"
    after: bool = False  # the method runs (e.g. the message is stored), then the answer is lost

    @classmethod
    def of(cls, kind: str, *, retry_after: int | str = 1, error: str | None = None) -> Fault:
        if kind.endswith("-after"):
            fault = cls.of(kind.removesuffix("-after"), retry_after=retry_after, error=error)
            return cls(fault.status, fault.error, fault.retry_after, name=kind, after=True)
        if kind == "drop":
            return cls(0, name="drop")
        if kind == "error":
            return cls(200, error or "internal_error", name="error")
        status = int(kind)
        default = {429: "ratelimited", 503: "service_unavailable"}.get(status, "internal_error")
        return cls(status, error or default, str(retry_after), name=kind)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": self.retry_after} if self.status == 429 else {}

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error or "internal_error"}


class Faults:
    """Decides, per call, whether the fake fails it instead of running it."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._scripted: dict[str, list[Fault]] = {}
        self._random: random.Random | None = None
        self._rate = 0.0
        self._kinds: tuple[str, ...] = ()
        self._methods: frozenset[str] | None = None
        self._retry_after: int | str = 1
        self._per_second: float | None = None
        self._burst = 1.0
        self._buckets: dict[str, tuple[float, float]] = {}

    def inject(
        self,
        rate: float,
        kinds: Iterable[str],
        seed: int | None,
        methods: Collection[str] | None,
        retry_after: int | str,
    ) -> None:
        kinds = tuple(kinds)
        unknown = set(kinds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"fault kinds must be among {KINDS}, got {kinds}")
        self._rate, self._kinds, self._retry_after = rate, kinds, retry_after
        self._methods = frozenset(methods) if methods is not None else None
        self._random = random.Random(seed) if rate > 0 else None

    def fail_next(self, method: str, fault: Fault, times: int) -> None:
        self._scripted.setdefault(method, []).extend([fault] * times)

    def pick(self, method: str) -> Fault | None:
        """A scripted fault first, then a random one (drawn only for methods in scope)."""
        queue = self._scripted.get(method)
        if queue:
            return queue.pop(0)
        if self._random is None or (self._methods is not None and method not in self._methods):
            return None
        if self._random.random() >= self._rate:
            return None
        return Fault.of(self._random.choice(self._kinds), retry_after=self._retry_after)

    def channel_rate(self, per_second: float | None, burst: float | None) -> None:
        self._per_second = per_second if per_second else None
        self._burst = float(burst if burst is not None else max(1.0, per_second or 1.0))
        self._buckets.clear()

    def take(self, channel: str) -> Fault | None:
        """Spend a token of the channel's bucket; a 429 with Retry-After when it is empty."""
        if self._per_second is None:
            return None
        now = self._clock()
        tokens, last = self._buckets.get(channel, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._per_second)
        if tokens < 1.0:
            self._buckets[channel] = (tokens, now)
            wait = math.ceil((1.0 - tokens) / self._per_second)
            return Fault(429, "ratelimited", str(max(1, wait)), name="rate_limited")
        self._buckets[channel] = (tokens - 1.0, now)
        return None

    def clear(self) -> None:
        self._scripted.clear()
        self._random = None
        self._per_second = None
        self._buckets.clear()
