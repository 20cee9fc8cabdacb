"""Where owed messages landed in Slack: the channel and ts an outbox row recorded once it was sent.

Later calls find the message they edit or reply to here, and an erasure finds every message of an
interview that Slack holds (or may hold) to blank it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.base import Database
from storage.outbox import Outgoing
from storage.rows import OUTBOX
from storage.tables import OutboxRow


@dataclass(frozen=True)
class SentMessage:
    channel: str
    ts: str


class PostStore:
    """The messages the outbox posted: where each landed, by key, by interview, by channel."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def sent_message(self, *, key: str) -> SentMessage | None:
        """Where an owed message landed, once it has been sent."""
        with self.db.session() as session:
            row = session.exec(
                select(OutboxRow).where(OutboxRow.key == key, OutboxRow.status == "sent")
            ).first()
            if row is None or row.result_channel is None or row.result_ts is None:
                return None
            return SentMessage(channel=row.result_channel, ts=row.result_ts)

    def sent_posts(self, *, interview_id: int) -> list[str]:
        """Keys of this interview's messages that were posted (so they can be edited later)."""
        with self.db.session() as session:
            return list(
                session.exec(
                    select(OutboxRow.key).where(
                        OutboxRow.interview_id == interview_id,
                        OutboxRow.status == "sent",
                        OutboxRow.method == "chat.postMessage",
                        col(OutboxRow.result_ts).is_not(None),
                    )
                ).all()
            )

    def posts_in(self, *, interview_id: int, channel: str) -> list[str]:
        """The ts of this interview's messages that landed in this channel, oldest first (however they
        were found: posted, looked up, or edited since)."""
        with self.db.reads() as connection:
            rows = connection.execute(
                core_select(OUTBOX.c.result_ts)
                .where(
                    OUTBOX.c.interview_id == interview_id,
                    OUTBOX.c.status == "sent",
                    OUTBOX.c.result_channel == channel,
                    OUTBOX.c.result_ts.is_not(None),
                )
                .order_by(OUTBOX.c.id)
            ).all()
        return list(dict.fromkeys(str(ts) for (ts,) in rows))

    @staticmethod
    def erase_messages(
        session: Session, *, interview_id: int, edit: Callable[[str, str], Outgoing], look_up: str, skip: str
    ) -> list[Outgoing]:
        """In an erasure's transaction: the edits owed for each message of the interview that Slack holds
        or may hold (`edit(key, channel)`), except those in channel `skip`. A post in doubt (its answer
        was lost, or it is being sent right now) stays owed, but only as the task `look_up`: it can
        find the post, never post it, and its row keeps ids only."""
        sent = session.execute(
            core_select(OUTBOX.c.key, OUTBOX.c.result_channel).where(
                OUTBOX.c.interview_id == interview_id,
                OUTBOX.c.status == "sent",
                OUTBOX.c.method == "chat.postMessage",
                OUTBOX.c.result_ts.is_not(None),
            )
        ).all()
        doubtful = session.execute(
            core_select(OUTBOX.c.id, OUTBOX.c.key, OUTBOX.c.payload).where(
                OUTBOX.c.interview_id == interview_id,
                OUTBOX.c.status == "pending",
                OUTBOX.c.method == "chat.postMessage",
                or_(OUTBOX.c.unsure, OUTBOX.c.claimed_until.is_not(None)),
            )
        ).all()
        owed = [edit(key, channel) for key, channel in sent if channel != skip]
        for row in doubtful:
            where = {k: str(v) for k, v in (row.payload or {}).items() if k in ("channel", "thread_of")}
            owed.append(edit(row.key, where.get("channel", "")))
            session.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == row.id)
                .values(method=look_up, kind=owed[-1].kind, payload=where, last_error=None)
            )
        return owed
