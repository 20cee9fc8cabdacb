"""Imported interviews' external keys, and each source's claim, progress and health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.domain.sources import Known, Snapshot, SourceStatus
from storage.base import Database
from storage.outbox import OutboxStore, Outgoing
from storage.rows import utc_or_none
from storage.tables import InterviewRow, SourceLinkRow, SourceStateRow

STALE_RESERVATION = timedelta(minutes=15)


class SourceStore:
    """Imported interviews' external keys, and each source's cursor, claim and health."""

    def __init__(self, db: Database, *, outbox: OutboxStore) -> None:
        self.db = db
        self.outbox = outbox

    # -- links: one interview per external key ------------------------------------------------
    def reserve_key(self, *, key: str, source: str, now: datetime) -> bool:
        """Take an external key before its interview is created; False if it is taken (by another
        process, or by a webhook racing a poll): the unique key makes two interviews impossible.
        A reservation left without an interview for `STALE_RESERVATION` (its process died before
        creating it) is taken over, so a crash never loses an interview for good."""
        with self.db.session(write=True) as session:
            session.add(SourceLinkRow(key=key, source=source, created_at=now, updated_at=now))
            try:
                session.commit()
                return True
            except IntegrityError:
                session.rollback()
            result = session.exec(
                update(SourceLinkRow)
                .where(
                    col(SourceLinkRow.key) == key,
                    col(SourceLinkRow.interview_id).is_(None),
                    col(SourceLinkRow.created_at) <= now - STALE_RESERVATION,
                )
                .values(created_at=now, updated_at=now)
            )
            session.commit()
            return bool(result.rowcount)

    def release_key(self, *, key: str) -> None:
        """Give a reserved key back when its interview could not be created."""
        with self.db.session(write=True) as session:
            session.exec(
                delete(SourceLinkRow).where(
                    col(SourceLinkRow.key) == key, col(SourceLinkRow.interview_id).is_(None)
                )
            )
            session.commit()

    def link(self, *, key: str, interview_id: int, applied: Snapshot, version: str, now: datetime) -> None:
        """Record what the sync wrote to this key's interview."""
        with self.db.session(write=True) as session:
            session.exec(
                update(SourceLinkRow)
                .where(col(SourceLinkRow.key) == key)
                .values(interview_id=interview_id, applied=applied.to_json(), version=version, updated_at=now)
            )
            session.commit()

    def known(self, *, source: str, keys: Sequence[str] | None = None) -> dict[str, Known]:
        """Every linked interview of a source (or just these keys), as reconcile wants them."""
        with self.db.session() as session:
            query = select(SourceLinkRow).where(
                col(SourceLinkRow.source) == source, col(SourceLinkRow.interview_id).is_not(None)
            )
            if keys is not None:
                query = query.where(col(SourceLinkRow.key).in_(list(keys)))
            links = session.exec(query).all()
            rows = session.exec(
                select(InterviewRow).where(col(InterviewRow.id).in_([link.interview_id for link in links]))
            ).all()
            interviews = {i.id: i for i in self.db.interviews(session, rows)}
        found: dict[str, Known] = {}
        for link in links:
            interview = interviews.get(link.interview_id or 0)
            if interview is not None and link.applied:
                found[link.key] = Known(
                    key=link.key,
                    interview=interview,
                    applied=Snapshot.from_json(link.applied),
                    version=link.version,
                )
        return found

    def origin(self, *, interview_id: int) -> tuple[str, Known] | None:
        """(source, link) of an imported interview, for `/debrief status`; None for a manual one."""
        with self.db.session() as session:
            link = session.exec(
                select(SourceLinkRow).where(SourceLinkRow.interview_id == interview_id)
            ).first()
        if link is None:
            return None
        known = self.known(source=link.source, keys=[link.key]).get(link.key)
        return None if known is None else (link.source, known)

    # -- state: the claim, progress and health of each source --------------------------------
    def claim_source(
        self, *, name: str, kind: str, now: datetime, interval: timedelta, force: bool = False
    ) -> bool:
        """Take this interval's sync of a source: of all processes asking, one gets True."""
        with self.db.session(write=True) as session:
            _ensure_state(session, name=name, kind=kind)
            conditions = [col(SourceStateRow.name) == name]
            if not force:
                conditions.append(
                    or_(col(SourceStateRow.next_run_at).is_(None), col(SourceStateRow.next_run_at) <= now)
                )
            result = session.exec(
                update(SourceStateRow).where(*conditions).values(next_run_at=now + interval, kind=kind)
            )
            session.commit()
            return bool(result.rowcount)

    def add_imported(self, *, name: str, kind: str, count: int) -> None:
        """Count interviews a source pushed (a webhook) outside a claimed sync."""
        with self.db.session(write=True) as session:
            _ensure_state(session, name=name, kind=kind)
            session.exec(
                update(SourceStateRow)
                .where(col(SourceStateRow.name) == name)
                .values(imported=SourceStateRow.imported + count)
            )
            session.commit()

    def source_cursor(self, *, name: str) -> str:
        with self.db.session() as session:
            row = session.get(SourceStateRow, name)
            return row.cursor if row is not None else ""

    def save_cursor(self, *, name: str, cursor: str) -> None:
        """Progress made (a page imported): kept even if a later page fails."""
        with self.db.session(write=True) as session:
            session.exec(update(SourceStateRow).where(col(SourceStateRow.name) == name).values(cursor=cursor))
            session.commit()

    def source_succeeded(self, *, name: str, imported: int, now: datetime, note: str | None = None) -> None:
        """A good sync ends an outage; `note` keeps what was skipped (a malformed event) visible."""
        with self.db.session(write=True) as session:
            session.exec(
                update(SourceStateRow)
                .where(col(SourceStateRow.name) == name)
                .values(
                    last_success_at=now,
                    imported=SourceStateRow.imported + imported,
                    last_error=note[:2000] if note else None,
                    error_since=None,
                    alerted=False,
                )
            )
            session.commit()

    def source_failed(self, *, name: str, error: str, now: datetime) -> SourceStatus:
        """Record an error; the outage starts at the first failure since the last success."""
        with self.db.session(write=True) as session:
            session.exec(
                update(SourceStateRow).where(col(SourceStateRow.name) == name).values(last_error=error[:2000])
            )
            session.exec(
                update(SourceStateRow)
                .where(col(SourceStateRow.name) == name, col(SourceStateRow.error_since).is_(None))
                .values(error_since=now)
            )
            session.commit()
        status = self.source_status(name=name)
        assert status is not None
        return status

    def claim_alert(self, *, name: str, outgoing: Sequence[Outgoing], now: datetime) -> bool:
        """Mark this outage as told (once) and owe the messages that tell it."""
        return self.outbox.claim(
            update(SourceStateRow)
            .where(col(SourceStateRow.name) == name, col(SourceStateRow.alerted).is_(False))
            .values(alerted=True),
            outgoing,
            now,
        )

    def source_status(self, *, name: str) -> SourceStatus | None:
        with self.db.session() as session:
            row = session.get(SourceStateRow, name)
            return None if row is None else _status(row)

    def source_alerted(self, *, name: str) -> bool:
        with self.db.session() as session:
            row = session.get(SourceStateRow, name)
            return bool(row and row.alerted)

    def source_statuses(self) -> list[SourceStatus]:
        with self.db.session() as session:
            return [
                _status(row)
                for row in session.exec(select(SourceStateRow).order_by(col(SourceStateRow.name)))
            ]


def _status(row: SourceStateRow) -> SourceStatus:
    return SourceStatus(
        name=row.name,
        kind=row.kind,
        last_success_at=utc_or_none(row.last_success_at),
        imported=row.imported,
        last_error=row.last_error,
        error_since=utc_or_none(row.error_since),
    )


def _ensure_state(session: Session, *, name: str, kind: str) -> None:
    """The source's state row, made on first use (another process making it first is fine)."""
    if session.get(SourceStateRow, name) is None:
        session.add(SourceStateRow(name=name, kind=kind))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
