"""Interviews that arrive from calendars and applicant tracking systems, and the one rule that keeps
them in step: `reconcile` says what to create, move, re-panel or cancel, given `now`.

A source (a calendar feed, Greenhouse, Ashby) hands over `SourceRecord`s with a stable external key;
the people resolver turns e-mails into Slack ids (`Wanted`); `reconcile` compares them with what was
imported before (`Known`). Who wins when a recruiter edited an imported interview in Slack is decided
here, once: **Slack wins**. Once the interview differs from what the last sync wrote, later changes
in the source are not applied to it (a cancellation there included); `/debrief status` says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.models import Interview, InterviewDraft, InterviewStatus, Stage


@dataclass(frozen=True)
class SourceRecord:
    """One interview as a source describes it, before anyone is looked up in Slack."""

    key: str  # stable across syncs: "<source>:<id in the source>"
    candidate: str
    role: str
    stage: Stage
    starts_at: datetime
    length_minutes: int
    interviewer_emails: tuple[str, ...]
    organiser_email: str | None = None
    hiring_manager_email: str | None = None
    cancelled: bool = False
    version: str = ""  # the source's "updated at", when it has one: older versions never win


@dataclass(frozen=True)
class Snapshot:
    """The details a sync sets on an interview; comparing two tells what changed."""

    candidate: str
    role: str
    stage: Stage
    starts_at: datetime
    length_minutes: int
    interviewer_ids: tuple[str, ...]
    hiring_manager_id: str

    @classmethod
    def of(cls, interview: Interview) -> Snapshot:
        return cls(
            candidate=interview.candidate,
            role=interview.role,
            stage=interview.stage,
            starts_at=interview.starts_at,
            length_minutes=interview.length_minutes,
            interviewer_ids=interview.interviewer_ids,
            hiring_manager_id=interview.hiring_manager_id,
        )

    def draft(self, channel_id: str) -> InterviewDraft:
        """The schedule form this snapshot fills in, for `channel_id`."""
        return InterviewDraft(
            candidate=self.candidate,
            role=self.role,
            stage=self.stage,
            interviewer_ids=self.interviewer_ids,
            hiring_manager_id=self.hiring_manager_id,
            starts_at=self.starts_at,
            length_minutes=self.length_minutes,
            channel_id=channel_id,
        )

    def same_time(self, other: Snapshot) -> bool:
        return (self.starts_at, self.length_minutes) == (other.starts_at, other.length_minutes)

    def same_details(self, other: Snapshot) -> bool:
        keep = ("candidate", "role", "stage", "hiring_manager_id")
        return all(getattr(self, k) == getattr(other, k) for k in keep)

    def to_json(self) -> str:
        return json.dumps(
            {
                "candidate": self.candidate,
                "role": self.role,
                "stage": self.stage.value,
                "starts_at": self.starts_at.isoformat(),
                "length_minutes": self.length_minutes,
                "interviewer_ids": list(self.interviewer_ids),
                "hiring_manager_id": self.hiring_manager_id,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        return cls(
            candidate=data["candidate"],
            role=data["role"],
            stage=Stage(data["stage"]),
            starts_at=datetime.fromisoformat(data["starts_at"]),
            length_minutes=int(data["length_minutes"]),
            interviewer_ids=tuple(data["interviewer_ids"]),
            hiring_manager_id=data["hiring_manager_id"],
        )


@dataclass(frozen=True)
class Wanted:
    """A source record with its people resolved: what the interview should look like."""

    record: SourceRecord
    snapshot: Snapshot
    recruiter_id: str
    unresolved: tuple[str, ...] = ()  # interviewers' e-mails with no Slack account

    @property
    def key(self) -> str:
        return self.record.key


@dataclass(frozen=True)
class Known:
    """An interview imported earlier: its key, what it is now, and what the last sync wrote."""

    key: str
    interview: Interview
    applied: Snapshot
    version: str = ""

    @property
    def edited_in_slack(self) -> bool:
        """Someone changed it in Slack since the last sync wrote it: Slack wins from then on."""
        return Snapshot.of(self.interview) != self.applied


@dataclass(frozen=True)
class Window:
    """The stretch of time a complete snapshot (a calendar feed) covers: upcoming interviews in it
    that the snapshot no longer holds have disappeared, and are cancelled."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Plan:
    create: tuple[Wanted, ...] = ()
    move: tuple[tuple[Known, Wanted], ...] = ()  # not yet prompted: new time/details (and panel)
    repanel: tuple[tuple[Known, Wanted], ...] = ()  # only the panel changed
    cancel: tuple[Known, ...] = ()
    kept_slack_edit: tuple[Known, ...] = ()  # the source changed, but Slack's edit wins
    skipped: tuple[tuple[str, str], ...] = field(default=())  # (key, why) for the sync's report

    @property
    def changes(self) -> int:
        return len(self.create) + len(self.move) + len(self.repanel) + len(self.cancel)


def _older(version: str, than: str) -> bool:
    return bool(version and than and version < than)


_NO_PANEL = "nobody on the panel has a Slack account"


@dataclass
class _Changes:
    """The plan being gathered, list by list, in the order the records come."""

    create: list[Wanted] = field(default_factory=list)
    move: list[tuple[Known, Wanted]] = field(default_factory=list)
    repanel: list[tuple[Known, Wanted]] = field(default_factory=list)
    cancel: list[Known] = field(default_factory=list)
    kept: list[Known] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def cancel_unless_edited(self, have: Known) -> None:
        """A cancellation the source asks for, unless Slack's edit wins."""
        (self.kept if have.edited_in_slack else self.cancel).append(have)

    def plan(self) -> Plan:
        return Plan(
            create=tuple(self.create),
            move=tuple(self.move),
            repanel=tuple(self.repanel),
            cancel=tuple(self.cancel),
            kept_slack_edit=tuple(self.kept),
            skipped=tuple(self.skipped),
        )


def _import_new(want: Wanted, now: datetime, changes: _Changes) -> None:
    """A new key becomes an interview only while it has not ended and someone can be prompted."""
    if want.snapshot.starts_at + timedelta(minutes=want.snapshot.length_minutes) <= now:
        changes.skipped.append((want.key, "already over"))
    elif not want.snapshot.interviewer_ids:
        changes.skipped.append((want.key, _NO_PANEL))
    else:
        changes.create.append(want)


def _follow_source(have: Known, want: Wanted, changes: _Changes) -> None:
    """An imported interview follows the source: time, details and panel before the prompt, then
    only its panel; Slack's edit wins, and a cancelled or summarised interview stays as it is."""
    current = Snapshot.of(have.interview)
    if current == want.snapshot or have.interview.status in (
        InterviewStatus.CANCELLED,
        InterviewStatus.SUMMARISED,
    ):
        return
    if have.edited_in_slack:
        if have.applied != want.snapshot:
            changes.kept.append(have)
        return
    if not want.snapshot.interviewer_ids:
        changes.skipped.append((want.key, _NO_PANEL))
        return
    scheduled = have.interview.status is InterviewStatus.SCHEDULED
    if scheduled and not (current.same_time(want.snapshot) and current.same_details(want.snapshot)):
        changes.move.append((have, want))
    elif set(current.interviewer_ids) != set(want.snapshot.interviewer_ids):
        changes.repanel.append((have, want))


def _reconcile_record(want: Wanted, have: Known | None, now: datetime, changes: _Changes) -> None:
    """What one record from the source changes: stale versions nothing, a cancellation cancels."""
    if have is not None and _older(want.record.version, have.version):
        changes.skipped.append((want.key, "an older version than the one already imported"))
    elif want.record.cancelled:
        if have is not None and _cancellable(have):
            changes.cancel_unless_edited(have)
    elif have is None:
        _import_new(want, now, changes)
    else:
        _follow_source(have, want, changes)


def _disappeared(known: Mapping[str, Known], seen: set[str], window: Window, now: datetime) -> list[Known]:
    """Upcoming interviews in a complete snapshot's window that the snapshot no longer holds."""
    return [
        have
        for key, have in known.items()
        if key not in seen
        and window.start <= have.interview.starts_at < window.end
        and have.interview.starts_at > now
        and _cancellable(have)
    ]


def reconcile(
    wanted: Sequence[Wanted],
    known: Mapping[str, Known],
    *,
    now: datetime,
    window: Window | None = None,
) -> Plan:
    """What to do so the interviews match the source at `now`. Idempotent: applying a plan and
    reconciling the same input again gives an empty plan.

    - new keys become interviews, but only while they have not ended (a past interview is never
      created, and one already prompted is never re-created);
    - a not-yet-prompted interview follows the source's time, details and panel; a collecting one
      only its panel (new members get the prompt, removed ones no reminders);
    - a cancelled record, or (with a `window`) an upcoming one that disappeared, cancels;
    - an interview edited in Slack keeps Slack's version; stale versions (out-of-order deliveries)
      change nothing.
    """
    changes = _Changes()
    seen: set[str] = set()
    for want in wanted:
        seen.add(want.key)
        _reconcile_record(want, known.get(want.key), now, changes)
    if window is not None:
        for have in _disappeared(known, seen, window, now):
            changes.cancel_unless_edited(have)
    return changes.plan()


def _cancellable(have: Known) -> bool:
    return have.interview.status is InterviewStatus.SCHEDULED


@dataclass(frozen=True)
class SourceStatus:
    """What `/debrief sources` shows for one source."""

    name: str
    kind: str  # "ics", "greenhouse", "ashby"
    last_success_at: datetime | None
    imported: int
    last_error: str | None
    error_since: datetime | None


ALERT_AFTER = timedelta(hours=1)


def needs_alert(*, error_since: datetime | None, alerted: bool, now: datetime) -> bool:
    """A source failing for an hour tells the recruiters, once per outage."""
    return error_since is not None and not alerted and now - error_since >= ALERT_AFTER
