"""Every table. Datetimes are stored as UTC (timezone-aware columns; SQLite hands them back naive)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable, index=index)


class InterviewRow(SQLModel, table=True):
    __tablename__ = "interview"
    __table_args__ = (
        Index("ix_interview_status_ends_at", "status", "ends_at"),
        Index("ix_interview_status_deadline_at", "status", "deadline_at"),
        UniqueConstraint("view_id", name="uq_interview_view_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    candidate: str = Field(sa_type=Text)
    role: str = Field(sa_type=Text)
    stage: str = Field(max_length=32)
    hiring_manager_id: str = Field(max_length=32, index=True)
    recruiter_id: str = Field(max_length=32, index=True)
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))
    length_minutes: int
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))
    deadline_at: datetime = Field(sa_type=DateTime(timezone=True))
    channel_id: str = Field(max_length=32)
    own_channel: bool = False  # created by the bot for this candidate (archived after the decision)
    notes: str = Field(default="", sa_type=Text)
    status: str = Field(default="scheduled", max_length=16)
    prompted_at: datetime | None = _utc_column()
    summarised_at: datetime | None = _utc_column()
    summary_final: bool = False
    summary_revision: int = 0
    verdict: str | None = Field(default=None, max_length=16)
    cancelled_by: str | None = Field(default=None, max_length=32)
    erased_at: datetime | None = _utc_column()  # personal data erased (retention or a recruiter's request)
    erased_by: str | None = Field(default=None, max_length=32)
    follow_up_at: datetime | None = _utc_column()
    decision: str | None = Field(default=None, max_length=16)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = _utc_column()
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
    # The schedule modal's view id: submitting the same form twice never makes a second interview.
    view_id: str | None = Field(default=None, max_length=64)


class PanelistRow(SQLModel, table=True):
    """One interviewer on one panel; reminder state lives here so each is sent once."""

    __tablename__ = "panelist"
    __table_args__ = (UniqueConstraint("interview_id", "user_id", name="uq_panelist_interview_user"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32, index=True)
    position: int
    next_remind_at: datetime | None = _utc_column(index=True)  # None: no reminder owed
    reminders_sent: int = 0
    reminded_at: datetime | None = _utc_column()  # the last reminder, scheduled or by hand


class DebriefRow(SQLModel, table=True):
    """One debrief per interviewer per interview: the unique constraint makes a second impossible."""

    __tablename__ = "debrief"
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id", name="uq_debrief_interview_user"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    interviewer_id: str = Field(max_length=32, index=True)
    excitement: int
    excitement_evidence: str = Field(sa_type=Text)
    fit: int
    fit_evidence: str = Field(sa_type=Text)
    ability: int
    ability_evidence: str = Field(sa_type=Text)
    recommendation: int
    explore: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    people_to_meet: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    questions: str = Field(default="", sa_type=Text)
    deal_breaker: str = Field(default="", sa_type=Text)
    private_note: str = Field(default="", sa_type=Text)
    submitted_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
    after_summary: bool = False


class OutboxRow(SQLModel, table=True):
    """A Slack call we owe someone. `key` is unique, so the same message can't be owed twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_subject_status", "subject", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    # The message this call is about: its own key for a post, the post's key for its updates and
    # thread replies. Calls about one message are sent one at a time, in the order they were owed.
    subject: str = Field(default="", max_length=200)
    interview_id: int | None = Field(default=None, foreign_key="interview.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    method: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=DateTime(timezone=True))
    claimed_until: datetime | None = _utc_column()
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    sent_at: datetime | None = _utc_column()
    result_channel: str | None = Field(default=None, max_length=32)
    result_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, sa_type=Text)
    # An earlier attempt may have reached Slack (a 5xx, a dropped connection, a sender that died
    # mid-call): look for the message before posting it again.
    unsure: bool = False


class SourceLinkRow(SQLModel, table=True):
    """An imported interview's external key: unique, so one key can never become two interviews."""

    __tablename__ = "source_link"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    source: str = Field(max_length=64, index=True)
    interview_id: int | None = Field(default=None, foreign_key="interview.id", index=True, ondelete="CASCADE")
    applied: str = Field(default="", sa_type=Text)  # the Snapshot the last sync wrote (JSON)
    version: str = Field(default="", max_length=64)  # the source's own "updated at", when it has one
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))


class SourceStateRow(SQLModel, table=True):
    """One row per configured source: its claim, its progress and its health."""

    __tablename__ = "source_state"

    name: str = Field(max_length=64, primary_key=True)
    kind: str = Field(max_length=16)
    next_run_at: datetime | None = _utc_column()  # the claim: whoever moves it runs this interval
    cursor: str = Field(default="", sa_type=Text)  # a watermark, a sync token, a page to resume from
    last_success_at: datetime | None = _utc_column()
    imported: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    error_since: datetime | None = _utc_column()
    alerted: bool = False


class HeartbeatRow(SQLModel, table=True):
    """When a recurring job last finished (`name` = "tick"): what `debrief-bot doctor` reads."""

    __tablename__ = "heartbeat"

    name: str = Field(primary_key=True, max_length=32)
    at: datetime = Field(sa_type=DateTime(timezone=True))


class AuditRow(SQLModel, table=True):
    """Who did (or was refused) what, when. Holds ids and action names only, never candidate data or
    debrief text, so it survives erasure as it is; no foreign key, so nothing deletes it with its interview."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True))
    interview_id: int | None = Field(default=None, index=True)
    actor: str = Field(max_length=32)
    action: str = Field(max_length=32)
    outcome: str = Field(max_length=16)  # "done" or "refused"
    detail: str = Field(default="", max_length=200)


class ExportFileRow(SQLModel, table=True):
    """A CSV export the bot uploaded, so erasing an interview in it can delete the file from Slack."""

    __tablename__ = "export_file"

    id: int | None = Field(default=None, primary_key=True)
    file_id: str = Field(max_length=32, unique=True)
    user_id: str = Field(max_length=32)
    uploaded_at: datetime = Field(sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = _utc_column()


class ExportedInterviewRow(SQLModel, table=True):
    """One interview whose data is in one uploaded export."""

    __tablename__ = "exported_interview"
    __table_args__ = (UniqueConstraint("export_id", "interview_id", name="uq_exported_interview"),)

    id: int | None = Field(default=None, primary_key=True)
    export_id: int = Field(foreign_key="export_file.id", index=True, ondelete="CASCADE")
    interview_id: int = Field(index=True)
