"""What every store shares: short sessions and turning interview rows into domain values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bot.domain.models import (
    Interview,
)
from storage.rows import to_interview
from storage.tables import InterviewRow, PanelistRow


class Store:
    """One short session per call; keyword-only public methods returning domain values."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def _interview(self, session: Session, row: InterviewRow) -> Interview:
        panel = session.exec(
            select(PanelistRow.user_id)
            .where(PanelistRow.interview_id == row.id)
            .order_by(col(PanelistRow.position))
        ).all()
        return to_interview(row, tuple(panel))

    def _interviews(self, session: Session, rows: Sequence[InterviewRow]) -> list[Interview]:
        ids = [row.id for row in rows]
        panels: dict[int, list[str]] = {i: [] for i in ids if i is not None}
        if ids:
            for interview_id, user_id in session.exec(
                select(PanelistRow.interview_id, PanelistRow.user_id)
                .where(col(PanelistRow.interview_id).in_(ids))
                .order_by(col(PanelistRow.interview_id), col(PanelistRow.position))
            ).all():
                panels[interview_id].append(user_id)
        return [to_interview(row, tuple(panels.get(row.id or 0, ()))) for row in rows]

    def _update_interview(self, interview_id: int, *conditions: Any, **values: Any) -> bool:
        with self._session() as session:
            result = session.exec(
                update(InterviewRow).where(col(InterviewRow.id) == interview_id, *conditions).values(**values)
            )
            session.commit()
            return bool(result.rowcount)

    def get_interview(self, *, interview_id: int) -> Interview | None:
        with self._session() as session:
            row = session.get(InterviewRow, interview_id)
            return None if row is None else self._interview(session, row)
