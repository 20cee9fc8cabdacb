"""Interviews: created (with what they owe, in one transaction) and the lists people read."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.domain.models import (
    Interview,
    InterviewDraft,
    InterviewStatus,
)
from storage.base import Database
from storage.outbox import OutboxStore, Outgoing
from storage.rows import draft_values, select_interviews
from storage.tables import DebriefRow, InterviewRow, PanelistRow


class InterviewStore:
    """Interviews as people see them: one at a time, or listed for a Home tab or `/debrief list`."""

    def __init__(self, db: Database, *, outbox: OutboxStore) -> None:
        self.db = db
        self.outbox = outbox

    def get_interview(self, *, interview_id: int) -> Interview | None:
        return self.db.get_interview(interview_id=interview_id)

    def get_interviews(self, *, interview_ids: Collection[int]) -> dict[int, Interview]:
        """Several interviews in two statements (a delivery round renders its messages from these)."""
        with self.db.reads() as connection:
            rows = connection.execute(
                select_interviews().where(col(InterviewRow.id).in_(list(interview_ids)))
            ).all()
            return {interview.id: interview for interview in self.db.interviews(connection, rows)}

    def create_interview(
        self,
        *,
        draft: InterviewDraft,
        recruiter_id: str,
        deadline: timedelta,
        now: datetime,
        remind_after: timedelta = timedelta(hours=2),
        view_id: str | None = None,
        owe: Callable[[int], Sequence[Outgoing]] | None = None,
    ) -> Interview:
        """Store a new interview, and what it owes (`owe(its id)`) in the same transaction. Given the
        form's `view_id`, a second submission of the same form returns the first interview instead."""
        with self.db.session(write=True) as session:
            row = InterviewRow(
                **draft_values(draft, deadline=deadline),
                recruiter_id=recruiter_id,
                created_at=now,
                updated_at=now,
                view_id=view_id,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # this form was submitted before: the interview it made
                session.rollback()
                if view_id is None:
                    raise
                first = session.exec(select(InterviewRow).where(InterviewRow.view_id == view_id)).one()
                return self.db.interview(session, first)
            assert row.id is not None
            self.db.add_panel(session, row.id, draft, remind_after)
            if owe is not None:
                self.outbox.add_outgoing(session, owe(row.id), now)
            session.commit()
            return self.db.interview(session, row)

    def waiting_for(self, *, user_id: str, limit: int = 50) -> list[Interview]:
        """Interviews whose debrief this interviewer still owes (newest first)."""
        with self.db.session() as session:
            submitted = select(DebriefRow.id).where(
                DebriefRow.interview_id == InterviewRow.id, DebriefRow.interviewer_id == user_id
            )
            rows = session.exec(
                select(InterviewRow)
                .join(PanelistRow, col(PanelistRow.interview_id) == InterviewRow.id)
                .where(
                    PanelistRow.user_id == user_id,
                    col(InterviewRow.status).in_(
                        [InterviewStatus.COLLECTING.value, InterviewStatus.SUMMARISED.value]
                    ),
                    col(InterviewRow.decision).is_(None),
                    ~submitted.exists(),
                )
                .order_by(col(InterviewRow.ends_at).desc())
                .limit(limit)
            ).all()
            return self.db.interviews(session, rows)

    def editable_for(self, *, user_id: str, limit: int = 50) -> list[Interview]:
        """Interviews still collecting where this interviewer has submitted (they may still edit)."""
        with self.db.session() as session:
            rows = session.exec(
                select(InterviewRow)
                .join(DebriefRow, col(DebriefRow.interview_id) == InterviewRow.id)
                .where(
                    DebriefRow.interviewer_id == user_id,
                    InterviewRow.status == InterviewStatus.COLLECTING.value,
                )
                .order_by(col(InterviewRow.ends_at).desc())
                .limit(limit)
            ).all()
            return self.db.interviews(session, rows)

    def by_status(
        self,
        *,
        status: InterviewStatus,
        hiring_manager_id: str | None = None,
        undecided: bool = False,
        limit: int = 50,
    ) -> list[Interview]:
        """Interviews in one state, newest first; optionally one hiring manager's, or only undecided ones."""
        with self.db.session() as session:
            query = select(InterviewRow).where(InterviewRow.status == status.value)
            if hiring_manager_id is not None:
                query = query.where(InterviewRow.hiring_manager_id == hiring_manager_id)
            if undecided:
                query = query.where(col(InterviewRow.decision).is_(None))
            rows = session.exec(query.order_by(col(InterviewRow.ends_at).desc()).limit(limit)).all()
            return self.db.interviews(session, rows)

    def upcoming_for(self, *, user_id: str, now: datetime, limit: int = 50) -> list[Interview]:
        """Scheduled interviews this person is on the panel of, soonest first."""
        with self.db.session() as session:
            rows = session.exec(
                select(InterviewRow)
                .join(PanelistRow, col(PanelistRow.interview_id) == InterviewRow.id)
                .where(
                    PanelistRow.user_id == user_id,
                    InterviewRow.status == InterviewStatus.SCHEDULED.value,
                    col(InterviewRow.ends_at) > now,
                )
                .order_by(col(InterviewRow.starts_at))
                .limit(limit)
            ).all()
            return self.db.interviews(session, rows)

    def list_open(self, *, offset: int = 0, limit: int = 20) -> tuple[list[Interview], int]:
        """Upcoming interviews and those awaiting feedback, newest first; and how many there are."""
        condition = col(InterviewRow.status).in_(
            [InterviewStatus.SCHEDULED.value, InterviewStatus.COLLECTING.value]
        )
        with self.db.session() as session:
            total = session.exec(select(func.count(col(InterviewRow.id))).where(condition)).one()
            rows = session.exec(
                select(InterviewRow)
                .where(condition)
                .order_by(col(InterviewRow.starts_at).desc(), col(InterviewRow.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return self.db.interviews(session, rows), int(total)
