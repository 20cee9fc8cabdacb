"""Bulk seeding with SQLAlchemy core: open panels for the request path, history and due work for the tick."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

CHUNK = 5_000
HIRING_MANAGER = "UHMBENCH01"
RECRUITER = "URECBENCH1"
LENGTH = timedelta(minutes=45)
DEADLINE = timedelta(hours=24)
REMIND_AFTER = timedelta(hours=2)
TOPICS = ("approach", "relationships", "skill_depth", "motivation", "who_to_meet")


def user_id(n: int) -> str:
    return f"UB{n:07d}"


def channel_id(n: int) -> str:
    return f"CB{n:07d}"


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


@dataclass(frozen=True)
class OpenPanels:
    """Collecting interviews: (interview id, panel) pairs in the order clicks and submissions use them."""

    ids: tuple[int, ...]
    panels: dict[int, tuple[str, ...]]

    def pairs(self, submitters: int) -> list[tuple[int, str]]:
        """(interview, interviewer) with the first `submitters` of each panel; interviews vary fastest."""
        return [(i, self.panels[i][k]) for k in range(submitters) for i in self.ids]


def _insert(connection: Connection, target: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert in chunks; keys the table does not have (yet, or any more) are left out."""
    columns = set(target.c.keys())
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append({k: v for k, v in row.items() if k in columns})
        if len(batch) >= CHUNK:
            connection.execute(target.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(target.insert(), batch)
        count += len(batch)
    return count


def _interview(
    interview_id: int, *, status: str, ends_at: datetime, channel: str, now: datetime
) -> dict[str, Any]:
    starts_at = ends_at - LENGTH
    row: dict[str, Any] = {
        "id": interview_id,
        "candidate": f"Candidate {interview_id}",
        "role": "Backend engineer",
        "stage": "onsite",
        "hiring_manager_id": HIRING_MANAGER,
        "recruiter_id": RECRUITER,
        "starts_at": starts_at,
        "length_minutes": int(LENGTH.total_seconds() // 60),
        "ends_at": ends_at,
        "deadline_at": ends_at + DEADLINE,
        "channel_id": channel,
        "notes": "",
        "status": status,
        "summary_final": False,
        "summary_revision": 0,
        "created_at": starts_at - timedelta(days=2),
        "updated_at": now,
    }
    if status != "scheduled":
        row["prompted_at"] = ends_at
    if status == "summarised":
        row |= {"summarised_at": ends_at + timedelta(hours=3), "summary_final": True, "verdict": "advance"}
    return row


def _panelists(interview_id: int, panel: Sequence[str], remind_at: datetime | None) -> list[dict[str, Any]]:
    return [
        {"interview_id": interview_id, "user_id": u, "position": k, "next_remind_at": remind_at}
        for k, u in enumerate(panel)
    ]


def _debrief(interview_id: int, interviewer: str, n: int, at: datetime) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "interviewer_id": interviewer,
        "excitement": 1 + n % 4,
        "excitement_evidence": "Asked about our roadmap and had read the engineering blog.",
        "fit": 1 + (n // 2) % 4,
        "fit_evidence": "Explained trade-offs patiently and listened to pushback.",
        "ability": 1 + (n // 3) % 4,
        "ability_evidence": "Designed the queue with clear failure modes and tests first.",
        "recommendation": (-2, -1, 1, 2)[n % 4],
        "explore": [TOPICS[n % len(TOPICS)]],
        "people_to_meet": [],
        "questions": "How would you migrate the build?",
        "deal_breaker": "",
        "private_note": "",
        "submitted_at": at,
        "updated_at": at,
        "after_summary": False,
    }


def next_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return (
            int(connection.execute(select(func.coalesce(func.max(table("interview").c.id), 0))).scalar_one())
            + 1
        )


def _fix_sequence(connection: Connection) -> None:
    """Explicit ids do not move PostgreSQL's sequence; move it past them."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('interview', 'id'), (SELECT max(id) FROM interview))")
        )


def seed_open(engine: Engine, *, count: int, panel: int, pool: int, now: datetime) -> OpenPanels:
    """Collecting interviews that ended half an hour ago, each with a `panel`-person panel from `pool` users."""
    first = next_id(engine)
    ids = tuple(range(first, first + count))
    panels = {i: tuple(user_id((n * panel + k) % pool) for k in range(panel)) for n, i in enumerate(ids)}
    ends_at = now - timedelta(minutes=30)
    with engine.begin() as connection:
        _insert(
            connection,
            table("interview"),
            (
                _interview(i, status="collecting", ends_at=ends_at, channel=channel_id(0), now=now)
                for i in ids
            ),
        )
        _insert(
            connection,
            table("panelist"),
            (row for i in ids for row in _panelists(i, panels[i], ends_at + REMIND_AFTER)),
        )
        _fix_sequence(connection)
    return OpenPanels(ids, panels)


def seed_past(engine: Engine, *, count: int, panel: int, pool: int, now: datetime) -> int:
    """Summarised interviews from the last years, every panelist's debrief in; returns rows written."""
    first = next_id(engine)
    ids = range(first, first + count)

    def ends(n: int) -> datetime:
        return now - timedelta(days=3, minutes=30 * n)

    def panel_of(n: int) -> list[str]:
        return [user_id((n * 7 + k * 13) % pool) for k in range(panel)]

    with engine.begin() as connection:
        written = _insert(
            connection,
            table("interview"),
            (
                _interview(i, status="summarised", ends_at=ends(n), channel=channel_id(n % 50), now=now)
                for n, i in enumerate(ids)
            ),
        )
        written += _insert(
            connection,
            table("panelist"),
            (row for n, i in enumerate(ids) for row in _panelists(i, panel_of(n), None)),
        )
        written += _insert(
            connection,
            table("debrief"),
            (
                _debrief(i, u, n + k, ends(n) + timedelta(hours=1))
                for n, i in enumerate(ids)
                for k, u in enumerate(panel_of(n))
            ),
        )
        _fix_sequence(connection)
    return written


def seed_due(
    engine: Engine, *, count: int, channels: int, now: datetime, first_user: int = 0
) -> dict[int, tuple[str, str]]:
    """Scheduled interviews all ending in the minute before `now`, two interviewers each, nobody twice."""
    first = next_id(engine)
    minute = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    panels = {
        i: (user_id(first_user + 2 * n), user_id(first_user + 2 * n + 1))
        for n, i in enumerate(range(first, first + count))
    }
    with engine.begin() as connection:
        _insert(
            connection,
            table("interview"),
            (
                _interview(
                    i,
                    status="scheduled",
                    ends_at=minute + timedelta(seconds=n % 60),
                    channel=channel_id(n % channels),
                    now=now,
                )
                for n, i in enumerate(panels)
            ),
        )
        _insert(
            connection,
            table("panelist"),
            (row for i, panel in panels.items() for row in _panelists(i, panel, minute + REMIND_AFTER)),
        )
        _fix_sequence(connection)
    return panels
