"""HR-data records: the audit trail, uploaded exports (so erasure can delete them), panel changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from bot.domain.models import AuditEntry, InterviewStatus
from storage.base import Database, panelist_submitted
from storage.outbox import OutboxStore, Outgoing
from storage.rows import utc
from storage.tables import (
    AuditRow,
    DebriefRow,
    ExportedInterviewRow,
    ExportFileRow,
    InterviewRow,
    PanelistRow,
)

AUDIT_DETAIL_MAX = 200


def delete_file(file_id: str) -> Outgoing:
    """The call that deletes an uploaded export from Slack (owed by erasure)."""
    return Outgoing(
        key=f"delete_file:{file_id}", kind="delete_file", method="files.delete", payload={"file": file_id}
    )


class PrivacyStore:
    """The audit trail, tracked exports, panel changes and what retention must erase."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record_audit(
        self,
        *,
        actor: str,
        action: str,
        outcome: str,
        now: datetime,
        interview_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Add one line to the audit trail (ids and action names only: it is kept after erasure)."""
        with self.db.transaction() as connection:
            connection.execute(
                insert(AuditRow).values(
                    at=now,
                    interview_id=interview_id,
                    actor=actor[:32],
                    action=action[:32],
                    outcome=outcome[:16],
                    detail=detail[:AUDIT_DETAIL_MAX],
                )
            )

    def audit_trail(self, *, interview_id: int, limit: int = 200) -> list[AuditEntry]:
        """An interview's trail, oldest first."""
        with self.db.session() as session:
            rows = session.exec(
                select(AuditRow)
                .where(AuditRow.interview_id == interview_id)
                .order_by(col(AuditRow.at), col(AuditRow.id))
                .limit(limit)
            ).all()
            return [
                AuditEntry(at=utc(r.at), actor=r.actor, action=r.action, outcome=r.outcome, detail=r.detail)
                for r in rows
            ]

    def manages_any(self, *, user_id: str) -> bool:
        """Whether this person is the hiring manager of any interview. Asked on every command and
        click, so on a plain connection (storage/base.py `reads`: no BEGIN and ROLLBACK around it)."""
        with self.db.reads() as connection:
            found = connection.execute(
                select(InterviewRow.id).where(InterviewRow.hiring_manager_id == user_id).limit(1)
            ).first()
            return found is not None

    def record_export(
        self, *, file_id: str, user_id: str, interview_ids: Sequence[int], now: datetime
    ) -> None:
        """Remember an uploaded export and which interviews it holds; each one's trail says who took it.
        Once per file, however often it is recorded. If one of them was erased while the file was
        being made and uploaded, the file is owed its deletion at once, in the same transaction.
        The interviews' rows are read FOR SHARE: an erasure under way commits first (and this sees
        it), or waits for this to commit (and then finds this export: `LifecycleStore.erase`)."""
        ids = sorted(set(interview_ids))
        with self.db.session(write=True) as session:
            if session.exec(select(ExportFileRow.id).where(ExportFileRow.file_id == file_id)).first():
                return  # recorded by an earlier try whose outbox row was not marked sent
            locked = session.exec(
                select(InterviewRow.erased_at).where(col(InterviewRow.id).in_(ids)).with_for_update(read=True)
            ).all()
            erased = any(erased_at is not None for erased_at in locked)
            row = ExportFileRow(
                file_id=file_id, user_id=user_id, uploaded_at=now, deleted_at=now if erased else None
            )
            if erased:
                OutboxStore.add_outgoing(session, [delete_file(file_id)], now)
            session.add(row)
            session.flush()
            assert row.id is not None
            for interview_id in ids:
                session.add(ExportedInterviewRow(export_id=row.id, interview_id=interview_id))
            session.execute(
                insert(AuditRow),
                [
                    {
                        "at": now,
                        "interview_id": interview_id,
                        "actor": user_id,
                        "action": "export",
                        "outcome": "done",
                        "detail": f"in export file {file_id}",
                    }
                    for interview_id in ids or [None]  # type: ignore[list-item]
                ],
            )
            session.commit()

    def exports_holding(self, *, interview_id: int) -> list[str]:
        """File ids of uploaded exports, not yet deleted, that hold this interview."""
        with self.db.session() as session:
            return list(
                session.exec(
                    select(ExportFileRow.file_id)
                    .join(ExportedInterviewRow, col(ExportedInterviewRow.export_id) == ExportFileRow.id)
                    .where(
                        ExportedInterviewRow.interview_id == interview_id,
                        col(ExportFileRow.deleted_at).is_(None),
                    )
                ).all()
            )

    def change_panel(
        self,
        *,
        interview_id: int,
        add: Sequence[str],
        remove: Sequence[str],
        next_remind_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Add and remove panelists (a removed one's debrief goes with them) while the interview is
        scheduled or collecting; False if it is past that."""
        with self.db.session(write=True) as session:
            touched = session.exec(
                update(InterviewRow)
                .where(
                    col(InterviewRow.id) == interview_id,
                    col(InterviewRow.status).in_(
                        [InterviewStatus.SCHEDULED.value, InterviewStatus.COLLECTING.value]
                    ),
                )
                .values(updated_at=now)
            )
            if touched.rowcount != 1:
                session.rollback()
                return False
            _remove_panelists(session, interview_id, remove)
            _add_panelists(session, interview_id, add, next_remind_at=next_remind_at)
            session.commit()
            return True

    def unsubmitted(self, *, interview_id: int, user_id: str) -> bool:
        """Whether this panelist is on the panel and has not submitted."""
        with self.db.session() as session:
            return (
                session.exec(
                    select(PanelistRow.id).where(
                        PanelistRow.interview_id == interview_id,
                        PanelistRow.user_id == user_id,
                        ~panelist_submitted(),
                    )
                ).first()
                is not None
            )

    def expired_page(self, *, before: datetime, limit: int) -> list[int]:
        """A page of interviews that ended before `before` and still hold personal data, oldest first."""
        with self.db.session() as session:
            ids = session.exec(
                select(InterviewRow.id)
                .where(col(InterviewRow.ends_at) < before, col(InterviewRow.erased_at).is_(None))
                .order_by(col(InterviewRow.ends_at), col(InterviewRow.id))
                .limit(limit)
            ).all()
            return [i for i in ids if i is not None]


def reminder_after(ends_at: datetime, remind_after: timedelta, now: datetime) -> datetime:
    """When a panelist added now is first reminded: as anyone else would be, or `remind_after` from now."""
    return max(ends_at + remind_after, now + remind_after)


def _remove_panelists(session: Session, interview_id: int, user_ids: Sequence[str]) -> None:
    """Off the panel, and their debriefs with them."""
    if not user_ids:
        return
    session.exec(
        delete(PanelistRow).where(
            col(PanelistRow.interview_id) == interview_id, col(PanelistRow.user_id).in_(user_ids)
        )
    )
    session.exec(
        delete(DebriefRow).where(
            col(DebriefRow.interview_id) == interview_id,
            col(DebriefRow.interviewer_id).in_(user_ids),
        )
    )


def _add_panelists(
    session: Session, interview_id: int, user_ids: Sequence[str], *, next_remind_at: datetime | None
) -> None:
    """On the panel after those already there, in the order given."""
    last = session.exec(
        select(func.max(PanelistRow.position)).where(PanelistRow.interview_id == interview_id)
    ).one()
    position = -1 if last is None else int(last)
    for user_id in user_ids:
        position += 1
        session.add(
            PanelistRow(
                interview_id=interview_id,
                user_id=user_id,
                position=position,
                next_remind_at=next_remind_at,
            )
        )
