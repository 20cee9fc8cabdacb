"""An interview's life after scheduling: decisions, follow-ups, extending, closing, cancelling,
rescheduling, per-candidate channels, and erasure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.domain.models import (
    ERASED,
    Decision,
    InterviewDraft,
    InterviewStatus,
)
from storage.base import Database
from storage.outbox import OutboxStore, Outgoing
from storage.posts import PostStore
from storage.privacy import delete_file
from storage.rows import draft_values
from storage.tables import (
    AuditRow,
    DebriefRow,
    ExportedInterviewRow,
    ExportFileRow,
    InterviewRow,
    OutboxRow,
    PanelistRow,
)


class LifecycleStore:
    """Changes to an interview after it is scheduled: channel, decision, follow-up, cancel, erase."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def set_channel(self, *, interview_id: int, channel_id: str, own: bool) -> None:
        self.db.update_interview(interview_id, channel_id=channel_id, own_channel=own)

    def owns_channel(self, *, interview_id: int) -> bool:
        with self.db.session() as session:
            return bool(
                session.exec(select(InterviewRow.own_channel).where(InterviewRow.id == interview_id)).one()
            )

    def delete_interview(self, *, interview_id: int) -> None:
        """Undo a scheduling whose Slack side failed (nothing has been sent for it yet)."""
        with self.db.session(write=True) as session:
            session.exec(delete(PanelistRow).where(col(PanelistRow.interview_id) == interview_id))
            session.exec(delete(InterviewRow).where(col(InterviewRow.id) == interview_id))
            session.commit()

    def record_decision(self, *, interview_id: int, decision: Decision, user_id: str, now: datetime) -> bool:
        """Record the hiring manager's decision; False if one was already recorded."""
        return self.db.update_interview(
            interview_id,
            col(InterviewRow.decision).is_(None),
            col(InterviewRow.status) == InterviewStatus.SUMMARISED.value,
            decision=decision.value,
            decided_by=user_id,
            decided_at=now,
            updated_at=now,
        )

    def record_follow_up(self, *, interview_id: int, now: datetime) -> bool:
        return self.db.update_interview(
            interview_id, col(InterviewRow.follow_up_at).is_(None), follow_up_at=now, updated_at=now
        )

    def reopen(self, *, interview_id: int, deadline_at: datetime, now: datetime) -> bool:
        """Back to collecting with a later deadline (an Incomplete summary, extended)."""
        return self.db.update_interview(
            interview_id,
            col(InterviewRow.status) == InterviewStatus.SUMMARISED.value,
            col(InterviewRow.decision).is_(None),
            status=InterviewStatus.COLLECTING.value,
            deadline_at=deadline_at,
            updated_at=now,
        )

    def close_now(self, *, interview_id: int, now: datetime) -> bool:
        """Bring a collecting interview's deadline to now, so the next summary pass takes it."""
        return self.db.update_interview(
            interview_id,
            col(InterviewRow.status) == InterviewStatus.COLLECTING.value,
            deadline_at=now,
            updated_at=now,
        )

    def cancel(self, *, interview_id: int, user_id: str, now: datetime) -> InterviewStatus | None:
        """Cancel; returns the status it had (None if it was already cancelled or decided)."""
        before = self.db.get_interview(interview_id=interview_id)
        if before is None or before.status is InterviewStatus.CANCELLED or before.decision is not None:
            return None
        done = self.db.update_interview(
            interview_id,
            col(InterviewRow.status) == before.status.value,
            status=InterviewStatus.CANCELLED.value,
            cancelled_by=user_id,
            updated_at=now,
        )
        if done:
            with self.db.session(write=True) as session:
                session.exec(
                    update(PanelistRow)
                    .where(col(PanelistRow.interview_id) == interview_id)
                    .values(next_remind_at=None)
                )
                session.commit()
        return before.status if done else None

    def reschedule(
        self,
        *,
        interview_id: int,
        draft: InterviewDraft,
        deadline: timedelta,
        remind_after: timedelta,
        now: datetime,
    ) -> bool:
        """Move a not-yet-prompted interview (and its panel, prompts, reminders) to the new details."""
        with self.db.session(write=True) as session:
            result = session.exec(
                update(InterviewRow)
                .where(
                    col(InterviewRow.id) == interview_id,
                    col(InterviewRow.status) == InterviewStatus.SCHEDULED.value,
                )
                .values(**draft_values(draft, deadline=deadline), updated_at=now)
            )
            if result.rowcount != 1:
                session.rollback()
                return False
            session.exec(delete(PanelistRow).where(col(PanelistRow.interview_id) == interview_id))
            self.db.add_panel(session, interview_id, draft, remind_after)
            session.commit()
            return True

    def erase(
        self,
        *,
        interview_id: int,
        by: str,
        now: datetime,
        outgoing: Sequence[Outgoing] = (),
        edit: Callable[[str, str], Outgoing] | None = None,
        look_up: str = "",
        emptied_channel: str = "",
    ) -> bool:
        """Erase the candidate's personal data and every debrief text, keeping ratings and
        recommendations (anonymous aggregates for calibration), and in the same transaction owe
        `outgoing`, owe the deletion of every uploaded export that holds it (read after the interview's
        row is written, so an export being recorded meanwhile is either seen here or sees the erasure:
        `PrivacyStore.record_export`) and add the audit line: an erasure is all of it or none of it.
        With `edit`, each message Slack holds or may hold is owed its erasing edit (see
        `PostStore.erase_messages`; none in `emptied_channel`, emptied before it was archived).
        False if it was erased already, or if something it owes is already owed under the same key
        (then nothing is changed)."""
        with self.db.session(write=True) as session:
            if not _scrub_interview(session, interview_id, by=by, now=now):
                session.rollback()
                return False
            _scrub_debriefs(session, interview_id)
            edits = (
                []
                if edit is None
                else PostStore.erase_messages(
                    session, interview_id=interview_id, edit=edit, look_up=look_up, skip=emptied_channel
                )
            )
            _scrub_outbox(session, interview_id, look_up=look_up)
            files = _mark_exports_deleted(session, interview_id, now=now)
            _audit_erasure(session, interview_id, by=by, now=now)
            try:
                OutboxStore.add_outgoing(session, [*outgoing, *edits, *map(delete_file, files)], now)
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    def next_summary_revision(self, *, interview_id: int, now: datetime) -> int:
        with self.db.session(write=True) as session:
            session.exec(
                update(InterviewRow)
                .where(col(InterviewRow.id) == interview_id)
                .values(summary_revision=InterviewRow.summary_revision + 1, updated_at=now)
            )
            session.commit()
            revision = session.exec(
                select(InterviewRow.summary_revision).where(InterviewRow.id == interview_id)
            ).one()
            return int(revision)


def _scrub_interview(session: Session, interview_id: int, *, by: str, now: datetime) -> bool:
    """The candidate's name and the notes go; a summarised interview stays summarised (its ratings
    feed calibration), any other is cancelled. False if it was erased already."""
    result = session.exec(
        update(InterviewRow)
        .where(col(InterviewRow.id) == interview_id, col(InterviewRow.erased_at).is_(None))
        .values(
            candidate=ERASED,
            notes="",
            erased_at=now,
            erased_by=by,
            updated_at=now,
            status=case(
                (
                    col(InterviewRow.status) == InterviewStatus.SUMMARISED.value,
                    InterviewStatus.SUMMARISED.value,
                ),
                else_=InterviewStatus.CANCELLED.value,
            ),
        )
    )
    if result.rowcount != 1:
        return False
    session.exec(
        update(PanelistRow).where(col(PanelistRow.interview_id) == interview_id).values(next_remind_at=None)
    )
    return True


def _scrub_debriefs(session: Session, interview_id: int) -> None:
    """Every debrief's words go; its ratings and recommendation stay (anonymous aggregates)."""
    session.exec(
        update(DebriefRow)
        .where(col(DebriefRow.interview_id) == interview_id)
        .values(
            excitement_evidence="",
            fit_evidence="",
            ability_evidence="",
            questions="",
            deal_breaker="",
            private_note="",
            people_to_meet=[],
        )
    )


def _scrub_outbox(session: Session, interview_id: int, *, look_up: str) -> None:
    """Messages already sent keep only where they landed (so they can be edited); unsent ones go,
    but for posts in doubt (now look-ups) and a per-candidate channel's archiving (both hold ids
    only, and are still due)."""
    session.exec(
        delete(OutboxRow).where(
            col(OutboxRow.interview_id) == interview_id,
            col(OutboxRow.status) == "pending",
            col(OutboxRow.kind) != "archive",
            col(OutboxRow.method) != look_up,
        )
    )
    session.exec(
        update(OutboxRow)
        .where(
            col(OutboxRow.interview_id) == interview_id,
            col(OutboxRow.kind) != "archive",
            col(OutboxRow.status) != "pending",
        )
        .values(payload={}, last_error=None)
    )


def _mark_exports_deleted(session: Session, interview_id: int, *, now: datetime) -> list[str]:
    """The uploaded exports that hold the erased data, marked deleted: their files are owed their
    deletion in Slack. Only those not marked yet (a concurrent erasure of another interview in the
    same file owes its deletion once)."""
    held = select(ExportedInterviewRow.export_id).where(ExportedInterviewRow.interview_id == interview_id)
    marked = session.execute(
        update(ExportFileRow)
        .where(col(ExportFileRow.id).in_(held), col(ExportFileRow.deleted_at).is_(None))
        .values(deleted_at=now)
        .returning(col(ExportFileRow.file_id))
    )
    return sorted(marked.scalars())


def _audit_erasure(session: Session, interview_id: int, *, by: str, now: datetime) -> None:
    """The audit line an erasure adds; one done by the retention job says so."""
    detail = "retention" if by == "retention" else ""
    session.add(
        AuditRow(at=now, interview_id=interview_id, actor=by, action="forget", outcome="done", detail=detail)
    )
