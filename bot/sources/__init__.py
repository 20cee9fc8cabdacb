"""Where interviews come from besides the schedule modal: one small adapter per source.

Every adapter turns what its product says into `SourceRecord`s (bot.domain.sources) with a stable
external key, in `Batch`es; `bot.flows.sync` does the rest (people, reconcile, the flows). Adding
another ATS is one module with a class like these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.domain.sources import SourceRecord, Window


class SourceError(Exception):
    """A source could not be read; the message says why in words a recruiter understands (no secrets)."""


@dataclass(frozen=True)
class Batch:
    """Some records from one read. `window` is set when the batch is a complete snapshot of that
    stretch of time (a calendar feed), so what is missing from it has disappeared. `cursor` is the
    progress to keep once the batch is applied (a watermark, a sync token); None keeps the old one."""

    records: tuple[SourceRecord, ...]
    window: Window | None = None
    cursor: str | None = None
    problems: tuple[str, ...] = field(default=())  # malformed items, reported and skipped


class Source(Protocol):
    name: str  # unique among configured sources; the key of its state row
    kind: str  # "ics", "greenhouse", "ashby"
    label: str  # how `/debrief sources` names it (never a secret address)

    def fetch(self, *, cursor: str, now: datetime) -> Iterator[Batch]:
        """Read what changed since `cursor` (everything when it is empty), a batch at a time."""
        ...


@runtime_checkable
class KnowsPeople(Protocol):
    """A source that picks among people by whether they have a Slack account (a job's hiring managers)."""

    def know_people(self, resolve: Callable[[str], str | None]) -> None: ...
