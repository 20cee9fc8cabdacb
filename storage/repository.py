"""Repository: every read and write the app makes, in short sessions, returning domain values.

Split along what callers do: `ClaimStore` (the scheduler's exactly-once claims, on top of the
outbox), `LifecycleStore` (changes after scheduling), and here the interviews and debriefs
themselves and the lists people read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    Interview,
    InterviewDraft,
    InterviewStatus,
    PastPanel,
    Recommendation,
)
from storage.claims import ClaimStore
from storage.health import HealthStore
from storage.lifecycle import LifecycleStore
from storage.outbox import DeadLetter, OutboxCounts, OutboxItem, Outgoing, SentMessage
from storage.privacy import PrivacyStore
from storage.rows import (
    ANSWER_COLUMNS,
    DEBRIEF,
    DEBRIEF_FIELDS,
    INTERVIEW,
    PANELIST,
    debrief_values,
    select_interviews,
    to_debrief,
    to_interview,
    utc,
)
from storage.sources import SourceStore
from storage.tables import DebriefRow, InterviewRow, PanelistRow

__all__ = [
    "DeadLetter",
    "OutboxCounts",
    "OutboxItem",
    "Outgoing",
    "Repository",
    "SentMessage",
    "utc",
]


# Statements every click and submission runs, built once; their values are parameters.
# What a click or a submission reads is one statement: the interview on one row per panelist, in
# panel order; this interviewer's row carries their debrief, if any, under "debrief_" names.
_DEBRIEF_AS = {name: f"debrief_{name}" for name in DEBRIEF_FIELDS}
_OPEN_DEBRIEF = (
    select_interviews()
    .add_columns(
        PANELIST.c.user_id.label("panelist"), *(DEBRIEF.c[k].label(v) for k, v in _DEBRIEF_AS.items())
    )
    .select_from(
        INTERVIEW.outerjoin(PANELIST, PANELIST.c.interview_id == INTERVIEW.c.id).outerjoin(
            DEBRIEF,
            and_(
                PANELIST.c.user_id == bindparam("interviewer_id"),
                DEBRIEF.c.interview_id == PANELIST.c.interview_id,
                DEBRIEF.c.interviewer_id == PANELIST.c.user_id,
            ),
        )
    )
    .where(INTERVIEW.c.id == bindparam("interview_id"))
    .order_by(PANELIST.c.position)
)
_DEBRIEF_REPLACED = (*ANSWER_COLUMNS, "updated_at", "after_summary")  # a second debrief replaces these
_DEBRIEF_INSERTED = ("interview_id", "interviewer_id", "submitted_at", *_DEBRIEF_REPLACED)


class Repository(ClaimStore, LifecycleStore, SourceStore, HealthStore, PrivacyStore):
    """Typed access to the database; keyword-only arguments, one short session per call."""

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
        with self._session(write=True) as session:
            row = InterviewRow(
                candidate=draft.candidate,
                role=draft.role,
                stage=draft.stage.value,
                hiring_manager_id=draft.hiring_manager_id,
                recruiter_id=recruiter_id,
                starts_at=draft.starts_at,
                length_minutes=draft.length_minutes,
                ends_at=draft.ends_at,
                deadline_at=draft.ends_at + deadline,
                channel_id=draft.channel_id,
                notes=draft.notes,
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
                return self._interview(session, first)
            assert row.id is not None
            self._add_panel(session, row.id, draft, remind_after)
            if owe is not None:
                self._add_outgoing(session, owe(row.id), now)
            session.commit()
            return self._interview(session, row)

    def waiting_for(self, *, user_id: str, limit: int = 50) -> list[Interview]:
        """Interviews whose debrief this interviewer still owes (newest first)."""
        with self._session() as session:
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
            return self._interviews(session, rows)

    def editable_for(self, *, user_id: str, limit: int = 50) -> list[Interview]:
        """Interviews still collecting where this interviewer has submitted (they may still edit)."""
        with self._session() as session:
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
            return self._interviews(session, rows)

    def by_status(
        self,
        *,
        status: InterviewStatus,
        hiring_manager_id: str | None = None,
        undecided: bool = False,
        limit: int = 50,
    ) -> list[Interview]:
        """Interviews in one state, newest first; optionally one hiring manager's, or only undecided ones."""
        with self._session() as session:
            query = select(InterviewRow).where(InterviewRow.status == status.value)
            if hiring_manager_id is not None:
                query = query.where(InterviewRow.hiring_manager_id == hiring_manager_id)
            if undecided:
                query = query.where(col(InterviewRow.decision).is_(None))
            rows = session.exec(query.order_by(col(InterviewRow.ends_at).desc()).limit(limit)).all()
            return self._interviews(session, rows)

    def upcoming_for(self, *, user_id: str, now: datetime, limit: int = 50) -> list[Interview]:
        """Scheduled interviews this person is on the panel of, soonest first."""
        with self._session() as session:
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
            return self._interviews(session, rows)

    def save_debrief(
        self,
        *,
        interview_id: int,
        interviewer_id: str,
        answers: DebriefAnswers,
        now: datetime,
        late: bool,
        outgoing: Sequence[Outgoing] = (),
    ) -> None:
        """Insert or replace this interviewer's debrief (one row, by constraint) and owe `outgoing` in the
        same transaction (a receipt is never owed for a debrief that was not stored)."""
        values = debrief_values(answers) | {"updated_at": now, "after_summary": late}
        with self._transaction() as connection:
            connection.execute(
                self._upsert_debrief,
                {
                    "interview_id": interview_id,
                    "interviewer_id": interviewer_id,
                    "submitted_at": now,
                    **values,
                },
            )
            self._add_outgoing(connection, outgoing, now)

    @functools.cached_property
    def _upsert_debrief(self) -> Any:
        """INSERT the debrief, or on a second one from the same interviewer replace every answer (the
        first submitted_at stays); built once per dialect, values passed as parameters."""
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(DEBRIEF).values({name: bindparam(name) for name in _DEBRIEF_INSERTED})
        replaced = {name: statement.excluded[name] for name in _DEBRIEF_REPLACED}
        return statement.on_conflict_do_update(
            index_elements=["interview_id", "interviewer_id"], set_=replaced
        )

    def interview_and_debrief(
        self, *, interview_id: int, interviewer_id: str
    ) -> tuple[Interview | None, Debrief | None]:
        """An interview and, if this interviewer is on its panel, their debrief of it (what a click or a
        submission needs): one statement, plain rows."""
        with self._reads() as connection:
            rows = connection.execute(
                _OPEN_DEBRIEF, {"interview_id": interview_id, "interviewer_id": interviewer_id}
            ).all()
        if not rows:
            return None, None
        interview = to_interview(rows[0], tuple(r.panelist for r in rows if r.panelist is not None))
        mine = next((r._mapping for r in rows if r.debrief_id is not None), None)
        if mine is None:
            return interview, None
        return interview, to_debrief({name: mine[label] for name, label in _DEBRIEF_AS.items()})

    def get_debrief(self, *, interview_id: int, interviewer_id: str) -> Debrief | None:
        with self._session() as session:
            row = session.exec(
                select(DebriefRow).where(
                    DebriefRow.interview_id == interview_id, DebriefRow.interviewer_id == interviewer_id
                )
            ).first()
            return None if row is None else to_debrief(row)

    def list_debriefs(self, *, interview_id: int) -> list[Debrief]:
        with self._session() as session:
            rows = session.exec(
                select(DebriefRow)
                .join(
                    PanelistRow,
                    and_(
                        col(PanelistRow.interview_id) == col(DebriefRow.interview_id),
                        col(PanelistRow.user_id) == col(DebriefRow.interviewer_id),
                    ),
                )
                .where(DebriefRow.interview_id == interview_id)
                .order_by(col(PanelistRow.position))
            ).all()
            return [to_debrief(row) for row in rows]

    def past_panels(
        self, *, interviewer_ids: Sequence[str], before: datetime, limit: int = 50
    ) -> list[PastPanel]:
        """Recommendations on earlier summarised panels of these interviewers (newest `limit` each)."""
        with self._session() as session:
            recent = (
                select(DebriefRow.interview_id)
                .join(InterviewRow, col(InterviewRow.id) == DebriefRow.interview_id)
                .where(
                    col(DebriefRow.interviewer_id).in_(list(interviewer_ids)),
                    InterviewRow.status == InterviewStatus.SUMMARISED.value,
                    col(InterviewRow.ends_at) < before,
                )
                .order_by(col(InterviewRow.ends_at).desc())
                .limit(limit * max(1, len(interviewer_ids)))
            )
            interview_ids = sorted(set(session.exec(recent).all()))
            if not interview_ids:
                return []
            panels: dict[int, list[tuple[str, Recommendation]]] = {}
            for interview_id, user_id, rec in session.exec(
                select(DebriefRow.interview_id, DebriefRow.interviewer_id, DebriefRow.recommendation).where(
                    col(DebriefRow.interview_id).in_(interview_ids)
                )
            ).all():
                panels.setdefault(interview_id, []).append((user_id, Recommendation(rec)))
            return [PastPanel(interview_id=i, recommendations=tuple(r)) for i, r in sorted(panels.items())]

    def list_open(self, *, offset: int = 0, limit: int = 20) -> tuple[list[Interview], int]:
        """Upcoming interviews and those awaiting feedback, newest first; and how many there are."""
        condition = col(InterviewRow.status).in_(
            [InterviewStatus.SCHEDULED.value, InterviewStatus.COLLECTING.value]
        )
        with self._session() as session:
            total = session.exec(select(func.count(col(InterviewRow.id))).where(condition)).one()
            rows = session.exec(
                select(InterviewRow)
                .where(condition)
                .order_by(col(InterviewRow.starts_at).desc(), col(InterviewRow.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return self._interviews(session, rows), int(total)

    def between(self, *, start: datetime, end: datetime) -> list[tuple[Interview, list[Debrief]]]:
        """Interviews that started in [start, end), with their debriefs, oldest first (for export)."""
        with self._session() as session:
            rows = session.exec(
                select(InterviewRow)
                .where(col(InterviewRow.starts_at) >= start, col(InterviewRow.starts_at) < end)
                .order_by(col(InterviewRow.starts_at), col(InterviewRow.id))
            ).all()
            interviews = self._interviews(session, rows)
        return [(i, self.list_debriefs(interview_id=i.id)) for i in interviews]
