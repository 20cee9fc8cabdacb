"""Debriefs: stored (replacing an earlier one) with their receipt owed in one transaction, read
back for a click, a submission, a summary, calibration and export."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    Interview,
    InterviewStatus,
    PastPanel,
    Recommendation,
)
from storage.base import Database
from storage.outbox import OutboxStore, Outgoing
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
)
from storage.tables import DebriefRow, InterviewRow, PanelistRow

# Statements every click and submission runs, built once; their values are parameters. Core, not
# the ORM: they are the request path of the bench's ack budgets (submission p99 < 50 ms at
# concurrency 8).
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


class DebriefStore:
    """Each interviewer's debrief of an interview, one row by constraint."""

    def __init__(self, db: Database, *, outbox: OutboxStore) -> None:
        self.db = db
        self.outbox = outbox

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
        with self.db.transaction() as connection:
            connection.execute(
                self._upsert_debrief,
                {
                    "interview_id": interview_id,
                    "interviewer_id": interviewer_id,
                    "submitted_at": now,
                    **values,
                },
            )
            self.outbox.add_outgoing(connection, outgoing, now)

    @functools.cached_property
    def _upsert_debrief(self) -> Any:
        """INSERT the debrief, or on a second one from the same interviewer replace every answer (the
        first submitted_at stays); built once per dialect, values passed as parameters."""
        insert = pg_insert if self.db.engine.dialect.name == "postgresql" else sqlite_insert
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
        with self.db.reads() as connection:
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
        with self.db.session() as session:
            row = session.exec(
                select(DebriefRow).where(
                    DebriefRow.interview_id == interview_id, DebriefRow.interviewer_id == interviewer_id
                )
            ).first()
            return None if row is None else to_debrief(row)

    def debriefs_by(self, *, pairs: Collection[tuple[int, str]]) -> dict[tuple[int, str], Debrief]:
        """The debriefs of these (interview, interviewer) pairs that exist, in one statement."""
        interview_ids = {interview_id for interview_id, _ in pairs}
        with self.db.reads() as connection:  # plain rows, no BEGIN and ROLLBACK: each delivery round
            rows = connection.execute(
                core_select(DEBRIEF).where(DEBRIEF.c.interview_id.in_(interview_ids))
            ).all()
            found = {(row.interview_id, row.interviewer_id): to_debrief(row) for row in rows}
        return {pair: found[pair] for pair in pairs if pair in found}

    def list_debriefs(self, *, interview_id: int) -> list[Debrief]:
        with self.db.session() as session:
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
        with self.db.session() as session:
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

    def between(self, *, start: datetime, end: datetime) -> list[tuple[Interview, list[Debrief]]]:
        """Interviews that started in [start, end), with their debriefs, oldest first (for export)."""
        with self.db.session() as session:
            rows = session.exec(
                select(InterviewRow)
                .where(col(InterviewRow.starts_at) >= start, col(InterviewRow.starts_at) < end)
                .order_by(col(InterviewRow.starts_at), col(InterviewRow.id))
            ).all()
            interviews = self.db.interviews(session, rows)
        return [(i, self.list_debriefs(interview_id=i.id)) for i in interviews]
