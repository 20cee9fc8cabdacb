"""The outbox: Slack calls owed to people, each under a unique key, leased to one sender at a time.

State changes that owe someone a message are claimed with a conditional UPDATE and write their
outbox rows in the same transaction (`_claim`): whichever process wins the claim owes the
messages, and the unique key makes a second copy impossible.

Calls about one message (a post, its updates, its thread replies: one `subject`) are due one at a
time, in the order they were owed, so an older revision can never land after a newer one. A call
given up on is a dead letter (status "failed"): it stays, is listed, and can be re-queued
(storage/dead_letters.py). Where a sent message landed is read in storage/posts.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, exists, func, insert, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.base import Database
from storage.rows import OUTBOX, utc
from storage.tables import OutboxRow


@dataclass(frozen=True)
class Outgoing:
    """A Slack Web API call to make once: `key` names it uniquely (e.g. "prompt:12")."""

    key: str
    kind: str
    method: str
    payload: dict[str, Any]
    interview_id: int | None = None
    not_before: datetime | None = None  # e.g. archiving a channel days after the decision

    @property
    def subject(self) -> str:
        """The message this call is about: the post an update or thread reply refers to, else itself."""
        return str(self.payload.get("of") or self.payload.get("thread_of") or self.key)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    kind: str
    method: str
    payload: dict[str, Any]
    interview_id: int | None
    attempts: int
    created_at: datetime
    subject: str = ""
    unsure: bool = False  # an earlier attempt may have reached Slack: look before posting again


class Due(NamedTuple):
    """A call due now: its lane (calls in one lane go in order), and what it renders from."""

    id: int
    lane: str
    interview_id: int | None
    renders: str | None  # the kind of message rendered when sent (None: sent as stored)


@dataclass(frozen=True)
class OutboxCounts:
    pending: int = 0
    sent: int = 0
    failed: int = 0
    in_flight: int = 0  # pending calls leased to a sender right now
    errors: tuple[str, ...] = field(default=())


# What a lease hands its sender, read in the same statement that takes it.
RETURNED = tuple(
    OUTBOX.c[name]
    for name in (
        "key",
        "kind",
        "method",
        "payload",
        "interview_id",
        "attempts",
        "created_at",
        "subject",
        "unsure",
    )
)

# The two statements every message runs, built once (each takes its values as parameters); a lease
# takes any number of calls at once. Core on a plain connection: they run twice per message sent
# (bench budget: 3,000 prompts < 30 s).
_LEASE = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id.in_(bindparam("outbox_ids", expanding=True)),
        OUTBOX.c.status == "pending",
        or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < bindparam("now")),
    )
    # A lease that ran out (claimed_until still set) means its sender died mid-call: in doubt.
    .values(
        claimed_until=bindparam("until"),
        attempts=OUTBOX.c.attempts + 1,
        unsure=or_(OUTBOX.c.unsure, OUTBOX.c.claimed_until.is_not(None)),
    )
    .returning(OUTBOX.c.id, *RETURNED)
)
_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("outbox_id"))
    .values(
        status="sent",
        sent_at=bindparam("now"),
        claimed_until=None,
        result_channel=bindparam("channel"),
        result_ts=bindparam("ts"),
    )
)


class OutboxStore:
    """The outbox: what is owed to Slack, leased, sent, retried, given up on (dead letters)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, statement: Any, outgoing: Sequence[Outgoing], now: datetime) -> bool:
        with self.db.session(write=True) as session:
            result = session.exec(statement)
            if result.rowcount != 1:
                session.rollback()
                return False
            try:
                self.add_outgoing(session, outgoing, now)
                session.commit()
            except IntegrityError:  # the same message is already owed: the claim was a repeat
                session.rollback()
                return False
            return True

    def enqueue(self, *, outgoing: Sequence[Outgoing], now: datetime) -> bool:
        """Owe these messages; False (and nothing written) if any key was already owed."""
        with self.db.session(write=True) as session:
            try:
                self.add_outgoing(session, outgoing, now)
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    @staticmethod
    def add_outgoing(session: Session | Connection, outgoing: Sequence[Outgoing], now: datetime) -> None:
        if not outgoing:
            return
        session.execute(  # a plain INSERT: no ORM objects to track for rows nobody reads back here
            insert(OUTBOX),
            [
                {
                    "key": item.key,
                    "subject": item.subject,
                    "kind": item.kind,
                    "method": item.method,
                    "payload": item.payload,
                    "interview_id": item.interview_id,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": item.not_before or now,
                    # Owed from when it is due: a call owed days ahead is given up on a day after that.
                    "created_at": max(item.not_before or now, now),
                }
                for item in outgoing
            ],
        )

    def due_outbox(self, *, now: datetime, limit: int = 200) -> list[Due]:
        """Pending calls that are due and not leased, oldest first: at most one per message (the oldest
        still owed), in the lane of its channel (else of the message itself)."""
        earlier = OUTBOX.alias("earlier")
        with self.db.reads() as connection:  # every delivery pass starts here
            rows = connection.execute(
                core_select(OUTBOX.c.id, OUTBOX.c.subject, OUTBOX.c.payload, OUTBOX.c.interview_id)
                .where(
                    OUTBOX.c.status == "pending",
                    OUTBOX.c.next_attempt_at <= now,
                    or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now),
                    ~exists().where(
                        earlier.c.subject == OUTBOX.c.subject,
                        earlier.c.id < OUTBOX.c.id,
                        earlier.c.status == "pending",
                    ),
                )
                .order_by(OUTBOX.c.id)
                .limit(limit)
            ).all()
        return [
            Due(i, str(payload.get("channel") or subject), interview_id, payload.get("render"))
            for i, subject, payload, interview_id in rows
        ]

    def claim_outbox_items(
        self, *, outbox_ids: Sequence[int], now: datetime, lease: timedelta
    ) -> dict[int, OutboxItem]:
        """Lease these pending calls to this sender for `lease`, in one statement; those sent, failed or
        leased to another sender are left out."""
        if not outbox_ids:
            return {}
        with self.db.one_statement() as connection:
            rows = connection.execute(
                _LEASE, {"outbox_ids": list(outbox_ids), "now": now, "until": now + lease}
            ).all()
        return {
            row.id: OutboxItem(
                id=row.id,
                key=row.key,
                kind=row.kind,
                method=row.method,
                payload=dict(row.payload),
                interview_id=row.interview_id,
                attempts=row.attempts,
                created_at=utc(row.created_at),
                subject=row.subject,
                unsure=bool(row.unsure),
            )
            for row in rows
        }

    def outbox_sent(self, *, outbox_id: int, now: datetime, channel: str | None, ts: str | None) -> None:
        with self.db.one_statement() as connection:
            connection.execute(_SENT, {"outbox_id": outbox_id, "now": now, "channel": channel, "ts": ts})

    def outbox_retry(self, *, outbox_id: int, at: datetime, error: str, unsure: bool = False) -> None:
        """Try again at `at`; `unsure` when Slack may have done it (a 5xx, a dropped connection)."""
        values: dict[str, Any] = {"next_attempt_at": at, "claimed_until": None, "last_error": error[:2000]}
        if unsure:
            values["unsure"] = True
        with self.db.one_statement() as connection:
            connection.execute(update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(**values))

    def outbox_failed(self, *, outbox_id: int, error: str, subject: str | None = None) -> int:
        """Give up on a call (a dead letter). Given its `subject` (the call was the post itself), every
        call still owed about that message goes with it; returns how many calls were given up."""
        with self.db.transaction() as connection:
            done = connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == outbox_id)
                .values(status="failed", claimed_until=None, last_error=error[:2000])
            ).rowcount
            if subject is not None:
                done += connection.execute(
                    update(OUTBOX)
                    .where(
                        OUTBOX.c.subject == subject, OUTBOX.c.status == "pending", OUTBOX.c.id != outbox_id
                    )
                    .values(
                        status="failed", claimed_until=None, last_error=f"{subject} failed: {error}"[:2000]
                    )
                ).rowcount
            return done

    def outbox_status(self, *, key: str) -> str | None:
        """pending, sent or failed; None if this call was never owed."""
        with self.db.reads() as connection:
            return connection.execute(select(OutboxRow.status).where(OutboxRow.key == key)).scalar()

    def is_owed(self, *, key: str) -> bool:
        """Whether this message was ever owed (sent, pending or failed)."""
        with self.db.session() as session:
            return session.exec(select(OutboxRow.id).where(OutboxRow.key == key)).first() is not None

    def pending_besides(self, *, interview_id: int, key: str) -> int:
        """How many calls about this interview, other than `key`, are still owed."""
        with self.db.reads() as connection:
            return int(
                connection.execute(
                    core_select(func.count(OUTBOX.c.id)).where(
                        OUTBOX.c.interview_id == interview_id,
                        OUTBOX.c.status == "pending",
                        OUTBOX.c.key != key,
                    )
                ).scalar_one()
            )

    def outbox_counts(self, *, interview_id: int | None = None) -> OutboxCounts:
        with self.db.session() as session:
            query = select(OutboxRow.status, func.count(col(OutboxRow.id))).group_by(col(OutboxRow.status))
            errors_query = select(OutboxRow.last_error).where(OutboxRow.status == "failed")
            if interview_id is not None:
                query = query.where(OutboxRow.interview_id == interview_id)
                errors_query = errors_query.where(OutboxRow.interview_id == interview_id)
            counts = dict(session.exec(query).all())
            errors = tuple(e for e in session.exec(errors_query.limit(5)).all() if e)
            leased = select(func.count(col(OutboxRow.id))).where(
                OutboxRow.status == "pending", col(OutboxRow.claimed_until).is_not(None)
            )
            if interview_id is not None:
                leased = leased.where(OutboxRow.interview_id == interview_id)
            return OutboxCounts(
                pending=counts.get("pending", 0),
                sent=counts.get("sent", 0),
                failed=counts.get("failed", 0),
                in_flight=session.exec(leased).one(),
                errors=errors,
            )
