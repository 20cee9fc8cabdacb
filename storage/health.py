"""What `debrief-bot doctor` reads from the database: the scheduler's last tick and the outbox's
backlog. One store and one read, so the doctor follows any change of the outbox in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.base import Database
from storage.rows import utc
from storage.tables import HeartbeatRow, OutboxRow

TICK = "tick"


@dataclass(frozen=True)
class Health:
    last_tick: datetime | None  # None: no scheduler has ever finished a tick on this database
    pending: int  # owed calls due now or earlier and not yet sent
    oldest_pending: datetime | None  # when the oldest of them was first owed
    dead_letters: int  # owed calls given up on (a permanent Slack error)
    last_dead_error: str | None


class HealthStore:
    """The scheduler's heartbeat."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record_tick(self, *, now: datetime) -> None:
        """Note that a scheduler tick finished at `now` (one row, updated in place)."""
        with self.db.session(write=True) as session:
            moved = session.execute(update(HeartbeatRow).where(col(HeartbeatRow.name) == TICK).values(at=now))
            if moved.rowcount == 0:  # type: ignore[attr-defined]
                session.add(HeartbeatRow(name=TICK, at=now))
            try:
                session.commit()
            except IntegrityError:  # another process wrote the first beat at the same moment
                session.rollback()


def read_health(engine: Engine, *, now: datetime) -> Health:
    """The scheduler's last tick, the oldest pending outbox call that is due, and the dead letters."""
    with Session(engine) as session:
        beat = session.get(HeartbeatRow, TICK)
        due = (OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
        pending, oldest = session.exec(
            select(func.count(col(OutboxRow.id)), func.min(OutboxRow.created_at)).where(*due)
        ).one()
        dead = session.exec(select(func.count(col(OutboxRow.id))).where(OutboxRow.status == "failed")).one()
        last_error = session.exec(
            select(OutboxRow.last_error)
            .where(OutboxRow.status == "failed")
            .order_by(col(OutboxRow.id).desc())
            .limit(1)
        ).first()
    return Health(
        last_tick=utc(beat.at) if beat else None,
        pending=pending,
        oldest_pending=utc(oldest) if oldest else None,
        dead_letters=dead,
        last_dead_error=last_error,
    )
