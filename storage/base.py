"""What every store is given: the database (short sessions, SQLite's writers in turn) and the
loading of interview rows into domain values, which every store returns."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Exists, Row, update
from sqlmodel import Session, col, select

from bot.domain.models import Interview, InterviewDraft
from storage.rows import to_interview
from storage.tables import DebriefRow, InterviewRow, PanelistRow


class Database:
    """The engine and how stores use it: one short session (or plain connection) per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite has one writer at a time, and a writer that finds the file locked polls with growing
        # sleeps (up to 100 ms each): this process's writers queue on a lock instead.
        self._writer: AbstractContextManager[Any] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A short session; `write` for one that commits (taken in turn on SQLite)."""
        with (
            self._writer if write else nullcontext(),
            Session(self.engine, expire_on_commit=False) as session,
        ):
            yield session

    @contextmanager
    def reads(self) -> Iterator[Connection]:
        """A plain connection for a few reads, with no transaction around them: on PostgreSQL each
        statement sees what was committed before it either way, and the BEGIN and ROLLBACK a
        transaction adds were two more round trips on every click and every submission."""
        with self.autocommit() as connection:
            yield connection

    @contextmanager
    def one_statement(self) -> Iterator[Connection]:
        """A plain connection for one write statement, atomic on its own, with no BEGIN and COMMIT
        around it: two round trips fewer on PostgreSQL for each of the outbox's leases and marks (two
        for every message sent). Taken in turn on SQLite, as every write is."""
        with self._writer, self.autocommit() as connection:
            yield connection

    def autocommit(self) -> Connection:
        """A connection that runs each statement on its own: no BEGIN, and no COMMIT or ROLLBACK."""
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A plain connection in one transaction, committed at the end (no ORM session to build): for
        the statements every message and every submission runs."""
        with self._writer, self.engine.begin() as connection:
            yield connection

    def interview(self, session: Session, row: InterviewRow) -> Interview:
        panel = session.exec(
            select(PanelistRow.user_id)
            .where(PanelistRow.interview_id == row.id)
            .order_by(col(PanelistRow.position))
        ).all()
        return to_interview(row, tuple(panel))

    def interviews(
        self, session: Session | Connection, rows: Sequence[InterviewRow | Row[Any]]
    ) -> list[Interview]:
        ids = [row.id for row in rows]
        panels: dict[int, list[str]] = {i: [] for i in ids if i is not None}
        if ids:
            for interview_id, user_id in session.execute(
                select(PanelistRow.interview_id, PanelistRow.user_id)
                .where(col(PanelistRow.interview_id).in_(ids))
                .order_by(col(PanelistRow.interview_id), col(PanelistRow.position))
            ).all():
                panels[interview_id].append(user_id)
        return [to_interview(row, tuple(panels.get(row.id or 0, ()))) for row in rows]

    def update_interview(self, interview_id: int, *conditions: Any, **values: Any) -> bool:
        with self.session(write=True) as session:
            result = session.exec(
                update(InterviewRow).where(col(InterviewRow.id) == interview_id, *conditions).values(**values)
            )
            session.commit()
            return bool(result.rowcount)

    def get_interview(self, *, interview_id: int) -> Interview | None:
        with self.session() as session:
            row = session.get(InterviewRow, interview_id)
            return None if row is None else self.interview(session, row)

    @staticmethod
    def add_panel(
        session: Session, interview_id: int, draft: InterviewDraft, remind_after: timedelta
    ) -> None:
        """The panel in order, each with a reminder due `remind_after` past the end."""
        for position, user_id in enumerate(draft.interviewer_ids):
            session.add(
                PanelistRow(
                    interview_id=interview_id,
                    user_id=user_id,
                    position=position,
                    next_remind_at=draft.ends_at + remind_after,
                )
            )


def panelist_submitted() -> Exists:
    """EXISTS(this panelist's debrief), correlated to PanelistRow in the enclosing query."""
    return (
        select(DebriefRow.id)
        .where(
            DebriefRow.interview_id == PanelistRow.interview_id,
            DebriefRow.interviewer_id == PanelistRow.user_id,
        )
        .exists()
    )
