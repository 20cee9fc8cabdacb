"""Repository: every read and write the app makes, in short sessions, returning domain values.

State changes that owe someone a Slack message (prompting, reminding, summarising) are claimed
with a conditional UPDATE and write their outbox rows in the same transaction: whichever process
wins the claim owes the messages, and the outbox's unique key makes a second copy impossible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, case, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.domain.models import (
    ERASED,
    Debrief,
    DebriefAnswers,
    Decision,
    ExploreTopic,
    Interview,
    InterviewDraft,
    InterviewStatus,
    PastPanel,
    Recommendation,
    Stage,
)
from storage.tables import DebriefRow, InterviewRow, OutboxRow, PanelistRow


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every value we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


@dataclass(frozen=True)
class Outgoing:
    """A Slack Web API call to make once: `key` names it uniquely (e.g. "prompt:12")."""

    key: str
    kind: str
    method: str
    payload: dict[str, Any]
    interview_id: int | None = None
    not_before: datetime | None = None  # e.g. archiving a channel days after the decision


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


@dataclass(frozen=True)
class SentMessage:
    channel: str
    ts: str


@dataclass(frozen=True)
class OutboxCounts:
    pending: int = 0
    sent: int = 0
    failed: int = 0
    errors: tuple[str, ...] = field(default=())


class Repository:
    """Typed access to the database; keyword-only arguments, one short session per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # -- interviews ---------------------------------------------------------------------------

    def create_interview(
        self,
        *,
        draft: InterviewDraft,
        recruiter_id: str,
        deadline: timedelta,
        now: datetime,
        remind_after: timedelta = timedelta(hours=2),
    ) -> Interview:
        with self._session() as session:
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
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            for position, user_id in enumerate(draft.interviewer_ids):
                session.add(
                    PanelistRow(
                        interview_id=row.id,
                        user_id=user_id,
                        position=position,
                        next_remind_at=draft.ends_at + remind_after,
                    )
                )
            session.commit()
            return self._interview(session, row)

    def get_interview(self, *, interview_id: int) -> Interview | None:
        with self._session() as session:
            row = session.get(InterviewRow, interview_id)
            return None if row is None else self._interview(session, row)

    def _interview(self, session: Session, row: InterviewRow) -> Interview:
        panel = session.exec(
            select(PanelistRow.user_id)
            .where(PanelistRow.interview_id == row.id)
            .order_by(col(PanelistRow.position))
        ).all()
        return _to_interview(row, tuple(panel))

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
        return [_to_interview(row, tuple(panels.get(row.id or 0, ()))) for row in rows]

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

    # -- debriefs -----------------------------------------------------------------------------

    def save_debrief(
        self, *, interview_id: int, interviewer_id: str, answers: DebriefAnswers, now: datetime, late: bool
    ) -> bool:
        """Insert or replace this interviewer's debrief (one row, by constraint); True if replaced."""
        values = _debrief_values(answers) | {"updated_at": now, "after_summary": late}
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        with self._session() as session:
            existed = (
                session.exec(
                    select(DebriefRow.id).where(
                        DebriefRow.interview_id == interview_id, DebriefRow.interviewer_id == interviewer_id
                    )
                ).first()
                is not None
            )
            statement = insert(DebriefRow).values(
                interview_id=interview_id, interviewer_id=interviewer_id, submitted_at=now, **values
            )
            statement = statement.on_conflict_do_update(
                index_elements=["interview_id", "interviewer_id"], set_=values
            )
            session.exec(statement)
            session.commit()
            return existed

    def get_debrief(self, *, interview_id: int, interviewer_id: str) -> Debrief | None:
        with self._session() as session:
            row = session.exec(
                select(DebriefRow).where(
                    DebriefRow.interview_id == interview_id, DebriefRow.interviewer_id == interviewer_id
                )
            ).first()
            return None if row is None else _to_debrief(row)

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
            return [_to_debrief(row) for row in rows]

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

    # -- the scheduler's claims ---------------------------------------------------------------

    def due_prompts(self, *, now: datetime, limit: int = 500) -> list[Interview]:
        with self._session() as session:
            rows = session.exec(
                select(InterviewRow)
                .where(
                    InterviewRow.status == InterviewStatus.SCHEDULED.value, col(InterviewRow.ends_at) <= now
                )
                .order_by(col(InterviewRow.ends_at))
                .limit(limit)
            ).all()
            return self._interviews(session, rows)

    def claim_prompt(self, *, interview_id: int, now: datetime, outgoing: Sequence[Outgoing]) -> bool:
        """Move a scheduled interview to collecting and owe its prompts; False if another got there."""
        return self._claim(
            update(InterviewRow)
            .where(
                col(InterviewRow.id) == interview_id,
                col(InterviewRow.status) == InterviewStatus.SCHEDULED.value,
            )
            .values(status=InterviewStatus.COLLECTING.value, prompted_at=now, updated_at=now),
            outgoing,
            now,
        )

    def due_reminders(self, *, now: datetime, limit: int = 500) -> list[tuple[Interview, str, int]]:
        """(interview, interviewer, reminders sent so far) for everyone whose reminder is due and who
        still hasn't submitted, before the deadline."""
        with self._session() as session:
            submitted = select(DebriefRow.id).where(
                DebriefRow.interview_id == PanelistRow.interview_id,
                DebriefRow.interviewer_id == PanelistRow.user_id,
            )
            rows = session.exec(
                select(InterviewRow, PanelistRow.user_id, PanelistRow.reminders_sent)
                .join(PanelistRow, col(PanelistRow.interview_id) == InterviewRow.id)
                .where(
                    col(PanelistRow.next_remind_at) <= now,
                    InterviewRow.status == InterviewStatus.COLLECTING.value,
                    col(InterviewRow.deadline_at) > now,
                    ~submitted.exists(),
                )
                .order_by(col(PanelistRow.next_remind_at))
                .limit(limit)
            ).all()
            interviews = {
                i.id: i for i in self._interviews(session, list({r.id: r for r, _, _ in rows}.values()))
            }
            return [(interviews[row.id or 0], user_id, sent) for row, user_id, sent in rows]

    def claim_reminder(
        self,
        *,
        interview_id: int,
        user_id: str,
        sent_before: int,
        now: datetime,
        outgoing: Sequence[Outgoing],
    ) -> bool:
        """Take the scheduled reminder for this person (one per snooze or schedule), owing its DM."""
        return self._claim(
            update(PanelistRow)
            .where(
                col(PanelistRow.interview_id) == interview_id,
                col(PanelistRow.user_id) == user_id,
                col(PanelistRow.reminders_sent) == sent_before,
                col(PanelistRow.next_remind_at).is_not(None),
            )
            .values(next_remind_at=None, reminders_sent=sent_before + 1, reminded_at=now),
            outgoing,
            now,
        )

    def claim_manual_reminder(
        self,
        *,
        interview_id: int,
        user_id: str,
        now: datetime,
        min_gap: timedelta,
        outgoing: Sequence[Outgoing],
    ) -> bool:
        """A recruiter's "remind now": at most once per `min_gap` per interviewer."""
        return self._claim(
            update(PanelistRow)
            .where(
                col(PanelistRow.interview_id) == interview_id,
                col(PanelistRow.user_id) == user_id,
                or_(col(PanelistRow.reminded_at).is_(None), col(PanelistRow.reminded_at) <= now - min_gap),
            )
            .values(reminders_sent=PanelistRow.reminders_sent + 1, reminded_at=now),
            outgoing,
            now,
        )

    def snooze(self, *, interview_id: int, user_id: str, until: datetime) -> bool:
        with self._session() as session:
            result = session.exec(
                update(PanelistRow)
                .where(col(PanelistRow.interview_id) == interview_id, col(PanelistRow.user_id) == user_id)
                .values(next_remind_at=until)
            )
            session.commit()
            return bool(result.rowcount)

    def missing(self, *, interview_id: int) -> list[str]:
        """Panel members who have not submitted, in panel order."""
        with self._session() as session:
            submitted = select(DebriefRow.id).where(
                DebriefRow.interview_id == PanelistRow.interview_id,
                DebriefRow.interviewer_id == PanelistRow.user_id,
            )
            return list(
                session.exec(
                    select(PanelistRow.user_id)
                    .where(PanelistRow.interview_id == interview_id, ~submitted.exists())
                    .order_by(col(PanelistRow.position))
                ).all()
            )

    def due_summaries(self, *, now: datetime, limit: int = 500) -> list[Interview]:
        """Collecting interviews past their deadline, or whose whole panel has submitted."""
        with self._session() as session:
            panel_size = (
                select(func.count(col(PanelistRow.id)))
                .where(PanelistRow.interview_id == InterviewRow.id)
                .scalar_subquery()
            )
            submitted = (
                select(func.count(col(DebriefRow.id)))
                .where(DebriefRow.interview_id == InterviewRow.id)
                .scalar_subquery()
            )
            rows = session.exec(
                select(InterviewRow)
                .where(
                    InterviewRow.status == InterviewStatus.COLLECTING.value,
                    or_(col(InterviewRow.deadline_at) <= now, submitted >= panel_size),
                )
                .order_by(col(InterviewRow.deadline_at))
                .limit(limit)
            ).all()
            return self._interviews(session, rows)

    def claim_summary(
        self, *, interview_id: int, now: datetime, final: bool, verdict: str, outgoing: Sequence[Outgoing]
    ) -> bool:
        return self._claim(
            update(InterviewRow)
            .where(
                col(InterviewRow.id) == interview_id,
                col(InterviewRow.status) == InterviewStatus.COLLECTING.value,
            )
            .values(
                status=InterviewStatus.SUMMARISED.value,
                summarised_at=now,
                summary_final=final,
                verdict=verdict,
                updated_at=now,
            ),
            outgoing,
            now,
        )

    def _claim(self, statement: Any, outgoing: Sequence[Outgoing], now: datetime) -> bool:
        with self._session() as session:
            result = session.exec(statement)
            if result.rowcount != 1:
                session.rollback()
                return False
            try:
                self._add_outgoing(session, outgoing, now)
                session.commit()
            except IntegrityError:  # the same message is already owed: the claim was a repeat
                session.rollback()
                return False
            return True

    def enqueue(self, *, outgoing: Sequence[Outgoing], now: datetime) -> bool:
        """Owe these messages; False (and nothing written) if any key was already owed."""
        with self._session() as session:
            try:
                self._add_outgoing(session, outgoing, now)
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    @staticmethod
    def _add_outgoing(session: Session, outgoing: Sequence[Outgoing], now: datetime) -> None:
        for item in outgoing:
            session.add(
                OutboxRow(
                    key=item.key,
                    kind=item.kind,
                    method=item.method,
                    payload=item.payload,
                    interview_id=item.interview_id,
                    next_attempt_at=item.not_before or now,
                    created_at=now,
                )
            )
        session.flush()

    # -- the outbox ---------------------------------------------------------------------------

    def claim_outbox(self, *, now: datetime, lease: timedelta, limit: int = 100) -> list[OutboxItem]:
        """Pending calls that are due, each leased to this caller so no other process sends it."""
        with self._session() as session:
            candidates = session.exec(
                select(OutboxRow.id)
                .where(
                    OutboxRow.status == "pending",
                    col(OutboxRow.next_attempt_at) <= now,
                    or_(col(OutboxRow.claimed_until).is_(None), col(OutboxRow.claimed_until) < now),
                )
                .order_by(col(OutboxRow.id))
                .limit(limit)
            ).all()
        claimed: list[OutboxItem] = []
        for outbox_id in candidates:
            with self._session() as session:
                result = session.exec(
                    update(OutboxRow)
                    .where(
                        col(OutboxRow.id) == outbox_id,
                        col(OutboxRow.status) == "pending",
                        or_(col(OutboxRow.claimed_until).is_(None), col(OutboxRow.claimed_until) < now),
                    )
                    .values(claimed_until=now + lease, attempts=OutboxRow.attempts + 1)
                )
                if result.rowcount != 1:
                    continue
                session.commit()
                row = session.get(OutboxRow, outbox_id)
                assert row is not None and row.id is not None
                claimed.append(
                    OutboxItem(
                        id=row.id,
                        key=row.key,
                        kind=row.kind,
                        method=row.method,
                        payload=dict(row.payload),
                        interview_id=row.interview_id,
                        attempts=row.attempts,
                        created_at=utc(row.created_at),
                    )
                )
        return claimed

    def outbox_sent(self, *, outbox_id: int, now: datetime, channel: str | None, ts: str | None) -> None:
        with self._session() as session:
            session.exec(
                update(OutboxRow)
                .where(col(OutboxRow.id) == outbox_id)
                .values(status="sent", sent_at=now, claimed_until=None, result_channel=channel, result_ts=ts)
            )
            session.commit()

    def outbox_retry(self, *, outbox_id: int, at: datetime, error: str) -> None:
        with self._session() as session:
            session.exec(
                update(OutboxRow)
                .where(col(OutboxRow.id) == outbox_id)
                .values(next_attempt_at=at, claimed_until=None, last_error=error[:2000])
            )
            session.commit()

    def outbox_failed(self, *, outbox_id: int, error: str) -> None:
        with self._session() as session:
            session.exec(
                update(OutboxRow)
                .where(col(OutboxRow.id) == outbox_id)
                .values(status="failed", claimed_until=None, last_error=error[:2000])
            )
            session.commit()

    def is_owed(self, *, key: str) -> bool:
        """Whether this message was ever owed (sent, pending or failed)."""
        with self._session() as session:
            return session.exec(select(OutboxRow.id).where(OutboxRow.key == key)).first() is not None

    def sent_message(self, *, key: str) -> SentMessage | None:
        """Where an owed message landed, once it has been sent."""
        with self._session() as session:
            row = session.exec(
                select(OutboxRow).where(OutboxRow.key == key, OutboxRow.status == "sent")
            ).first()
            if row is None or row.result_channel is None or row.result_ts is None:
                return None
            return SentMessage(channel=row.result_channel, ts=row.result_ts)

    def outbox_counts(self, *, interview_id: int | None = None) -> OutboxCounts:
        with self._session() as session:
            query = select(OutboxRow.status, func.count(col(OutboxRow.id))).group_by(col(OutboxRow.status))
            errors_query = select(OutboxRow.last_error).where(OutboxRow.status == "failed")
            if interview_id is not None:
                query = query.where(OutboxRow.interview_id == interview_id)
                errors_query = errors_query.where(OutboxRow.interview_id == interview_id)
            counts = dict(session.exec(query).all())
            errors = tuple(e for e in session.exec(errors_query.limit(5)).all() if e)
            return OutboxCounts(
                pending=counts.get("pending", 0),
                sent=counts.get("sent", 0),
                failed=counts.get("failed", 0),
                errors=errors,
            )

    def _update_interview(self, interview_id: int, *conditions: Any, **values: Any) -> bool:
        with self._session() as session:
            result = session.exec(
                update(InterviewRow).where(col(InterviewRow.id) == interview_id, *conditions).values(**values)
            )
            session.commit()
            return bool(result.rowcount)

    def set_channel(self, *, interview_id: int, channel_id: str, own: bool) -> None:
        self._update_interview(interview_id, channel_id=channel_id, own_channel=own)

    def owns_channel(self, *, interview_id: int) -> bool:
        with self._session() as session:
            return bool(
                session.exec(select(InterviewRow.own_channel).where(InterviewRow.id == interview_id)).one()
            )

    def delete_interview(self, *, interview_id: int) -> None:
        """Undo a scheduling whose Slack side failed (nothing has been sent for it yet)."""
        with self._session() as session:
            session.exec(delete(PanelistRow).where(col(PanelistRow.interview_id) == interview_id))
            session.exec(delete(InterviewRow).where(col(InterviewRow.id) == interview_id))
            session.commit()

    def record_decision(self, *, interview_id: int, decision: Decision, user_id: str, now: datetime) -> bool:
        """Record the hiring manager's decision; False if one was already recorded."""
        return self._update_interview(
            interview_id,
            col(InterviewRow.decision).is_(None),
            col(InterviewRow.status) == InterviewStatus.SUMMARISED.value,
            decision=decision.value,
            decided_by=user_id,
            decided_at=now,
            updated_at=now,
        )

    def record_follow_up(self, *, interview_id: int, now: datetime) -> bool:
        return self._update_interview(
            interview_id, col(InterviewRow.follow_up_at).is_(None), follow_up_at=now, updated_at=now
        )

    def reopen(self, *, interview_id: int, deadline_at: datetime, now: datetime) -> bool:
        """Back to collecting with a later deadline (an Incomplete summary, extended)."""
        return self._update_interview(
            interview_id,
            col(InterviewRow.status) == InterviewStatus.SUMMARISED.value,
            col(InterviewRow.decision).is_(None),
            status=InterviewStatus.COLLECTING.value,
            deadline_at=deadline_at,
            updated_at=now,
        )

    def close_now(self, *, interview_id: int, now: datetime) -> bool:
        """Bring a collecting interview's deadline to now, so the next summary pass takes it."""
        return self._update_interview(
            interview_id,
            col(InterviewRow.status) == InterviewStatus.COLLECTING.value,
            deadline_at=now,
            updated_at=now,
        )

    def cancel(self, *, interview_id: int, user_id: str, now: datetime) -> InterviewStatus | None:
        """Cancel; returns the status it had (None if it was already cancelled or decided)."""
        before = self.get_interview(interview_id=interview_id)
        if before is None or before.status is InterviewStatus.CANCELLED or before.decision is not None:
            return None
        done = self._update_interview(
            interview_id,
            col(InterviewRow.status) == before.status.value,
            status=InterviewStatus.CANCELLED.value,
            cancelled_by=user_id,
            updated_at=now,
        )
        if done:
            with self._session() as session:
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
        with self._session() as session:
            result = session.exec(
                update(InterviewRow)
                .where(
                    col(InterviewRow.id) == interview_id,
                    col(InterviewRow.status) == InterviewStatus.SCHEDULED.value,
                )
                .values(
                    candidate=draft.candidate,
                    role=draft.role,
                    stage=draft.stage.value,
                    hiring_manager_id=draft.hiring_manager_id,
                    starts_at=draft.starts_at,
                    length_minutes=draft.length_minutes,
                    ends_at=draft.ends_at,
                    deadline_at=draft.ends_at + deadline,
                    channel_id=draft.channel_id,
                    notes=draft.notes,
                    updated_at=now,
                )
            )
            if result.rowcount != 1:
                session.rollback()
                return False
            session.exec(delete(PanelistRow).where(col(PanelistRow.interview_id) == interview_id))
            for position, user_id in enumerate(draft.interviewer_ids):
                session.add(
                    PanelistRow(
                        interview_id=interview_id,
                        user_id=user_id,
                        position=position,
                        next_remind_at=draft.ends_at + remind_after,
                    )
                )
            session.commit()
            return True

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

    def erase(self, *, interview_id: int, by: str, now: datetime) -> bool:
        """Erase the candidate's personal data and every debrief text, keeping ratings and
        recommendations (anonymous aggregates for calibration) and a record of who erased it."""
        with self._session() as session:
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
                session.rollback()
                return False
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
            session.exec(
                update(PanelistRow)
                .where(col(PanelistRow.interview_id) == interview_id)
                .values(next_remind_at=None)
            )
            # Messages already sent keep only where they landed (so they can be edited); unsent ones go.
            session.exec(
                delete(OutboxRow).where(
                    col(OutboxRow.interview_id) == interview_id, col(OutboxRow.status) == "pending"
                )
            )
            session.exec(
                update(OutboxRow)
                .where(col(OutboxRow.interview_id) == interview_id)
                .values(payload={}, last_error=None)
            )
            session.commit()
            return True

    def sent_posts(self, *, interview_id: int) -> list[str]:
        """Keys of this interview's messages that were posted (so they can be edited later)."""
        with self._session() as session:
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

    def expired(self, *, before: datetime, limit: int = 500) -> list[int]:
        """Interviews that ended before `before` and still hold personal data."""
        with self._session() as session:
            ids = session.exec(
                select(InterviewRow.id)
                .where(col(InterviewRow.ends_at) < before, col(InterviewRow.erased_at).is_(None))
                .order_by(col(InterviewRow.ends_at))
                .limit(limit)
            ).all()
            return [i for i in ids if i is not None]

    def next_summary_revision(self, *, interview_id: int, now: datetime) -> int:
        with self._session() as session:
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


def _debrief_values(answers: DebriefAnswers) -> dict[str, Any]:
    return {
        "excitement": answers.excitement,
        "excitement_evidence": answers.excitement_evidence,
        "fit": answers.fit,
        "fit_evidence": answers.fit_evidence,
        "ability": answers.ability,
        "ability_evidence": answers.ability_evidence,
        "recommendation": int(answers.recommendation),
        "explore": sorted(topic.value for topic in answers.explore),
        "people_to_meet": list(answers.people_to_meet),
        "questions": answers.questions,
        "deal_breaker": answers.deal_breaker,
        "private_note": answers.private_note,
    }


def _to_interview(row: InterviewRow, panel: tuple[str, ...]) -> Interview:
    assert row.id is not None
    return Interview(
        id=row.id,
        candidate=row.candidate,
        role=row.role,
        stage=Stage(row.stage),
        interviewer_ids=panel,
        hiring_manager_id=row.hiring_manager_id,
        recruiter_id=row.recruiter_id,
        starts_at=utc(row.starts_at),
        length_minutes=row.length_minutes,
        channel_id=row.channel_id,
        notes=row.notes,
        status=InterviewStatus(row.status),
        follow_up_at=_utc_or_none(row.follow_up_at),
        decision=Decision(row.decision) if row.decision else None,
        decided_by=row.decided_by,
        decided_at=_utc_or_none(row.decided_at),
        deadline_at=utc(row.deadline_at),
        verdict=row.verdict,
        cancelled_by=row.cancelled_by,
        erased_at=_utc_or_none(row.erased_at),
        erased_by=row.erased_by,
    )


def _to_debrief(row: DebriefRow) -> Debrief:
    return Debrief(
        interview_id=row.interview_id,
        interviewer_id=row.interviewer_id,
        answers=DebriefAnswers(
            excitement=row.excitement,
            excitement_evidence=row.excitement_evidence,
            fit=row.fit,
            fit_evidence=row.fit_evidence,
            ability=row.ability,
            ability_evidence=row.ability_evidence,
            recommendation=Recommendation(row.recommendation),
            explore=frozenset(ExploreTopic(t) for t in row.explore),
            people_to_meet=tuple(row.people_to_meet),
            questions=row.questions,
            deal_breaker=row.deal_breaker,
            private_note=row.private_note,
        ),
        submitted_at=utc(row.updated_at),
    )
