"""Dead letters: calls the outbox gave up on (status "failed"). They stay, are listed for the people
who need to hear about them, and can be owed again.

The courier gives a call up (`OutboxStore.outbox_failed`, storage/outbox.py); this store only reads
what was given up on and re-queues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy import select as core_select
from sqlmodel import select

from storage.base import Database
from storage.rows import INTERVIEW, OUTBOX, utc


@dataclass(frozen=True)
class DeadLetter:
    """A call given up on for good: what it was, to whom, and what Slack (or we) said."""

    id: int
    key: str
    kind: str
    method: str
    interview_id: int | None
    recipient: str  # channel or user id; "" when the call names the message it edits
    error: str
    attempts: int
    created_at: datetime


class DeadLetterStore:
    """Calls given up on: listed (all, one interview's, one recruiter's) and owed again."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def recent(
        self, *, interview_id: int | None = None, recruiter_id: str | None = None, limit: int = 50
    ) -> list[DeadLetter]:
        """Calls given up on, newest first: all, one interview's, or those of one recruiter's interviews."""
        query = core_select(OUTBOX).where(OUTBOX.c.status == "failed")
        if interview_id is not None:
            query = query.where(OUTBOX.c.interview_id == interview_id)
        if recruiter_id is not None:
            query = query.join(INTERVIEW, INTERVIEW.c.id == OUTBOX.c.interview_id).where(
                INTERVIEW.c.recruiter_id == recruiter_id
            )
        with self.db.reads() as connection:
            rows = connection.execute(query.order_by(OUTBOX.c.id.desc()).limit(limit)).all()
        return [
            DeadLetter(
                id=row.id,
                key=row.key,
                kind=row.kind,
                method=row.method,
                interview_id=row.interview_id,
                recipient=str((row.payload or {}).get("channel") or ""),
                error=row.last_error or "",
                attempts=row.attempts,
                created_at=utc(row.created_at),
            )
            for row in rows
        ]

    def retry(self, *, outbox_id: int, now: datetime) -> list[str]:
        """Owe a dead letter again, from now (and, for a post, the calls about it that died with it);
        the keys re-queued, none if it is not a dead letter."""
        with self.db.transaction() as connection:
            row = connection.execute(
                select(OUTBOX.c.key, OUTBOX.c.subject).where(
                    OUTBOX.c.id == outbox_id, OUTBOX.c.status == "failed"
                )
            ).first()
            if row is None:
                return []
            which = OUTBOX.c.id == outbox_id
            if row.key == row.subject:
                which = or_(which, OUTBOX.c.subject == row.subject)
            requeued = connection.execute(
                update(OUTBOX)
                .where(which, OUTBOX.c.status == "failed")
                .values(status="pending", attempts=0, next_attempt_at=now, created_at=now, claimed_until=None)
                .returning(OUTBOX.c.key)
            ).all()
            return sorted(key for (key,) in requeued)
