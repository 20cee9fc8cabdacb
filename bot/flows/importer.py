"""Applying what a source says: one batch of records (a feed's, a page's, a webhook's) becomes
interviews created, moved, re-panelled or cancelled through the same flows a recruiter's schedule,
reschedule, panel and cancel use; people without a Slack account are told to the recruiter once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.models import Interview, InterviewStatus
from bot.domain.sources import Known, Snapshot, SourceRecord, Wanted, reconcile
from bot.domain.validation import DomainError, NotAllowed
from bot.flows import Flows
from bot.flows.base import post
from bot.people import People
from bot.sources import Batch


@dataclass
class SyncReport:
    source: str
    ran: bool = False
    created: int = 0
    moved: int = 0
    repanelled: int = 0
    cancelled: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


class Importer:
    """Brings the interviews of one source in step with a batch of its records."""

    def __init__(self, *, flows: Flows, people: People, channel_id: str, recruiters: Sequence[str]) -> None:
        self.flows = flows
        self.repository = flows.repository
        self.people = people
        self.channel_id = channel_id
        self.recruiters = tuple(recruiters)

    def apply(
        self, name: str, batch: Batch, *, now: datetime, report: SyncReport | None = None
    ) -> SyncReport:
        """Bring the interviews in step with one batch of records (a webhook's, a page's, a feed's)."""
        report = report or SyncReport(source=name, ran=True)
        report.problems.extend(batch.problems)
        wanted: list[Wanted] = []
        for record in batch.records:
            want = self._resolve(record)
            if want is None:
                report.problems.append(
                    f"{record.candidate}: nobody to own it (the organiser has no Slack account and DEBRIEF_RECRUITERS is empty)"
                )
            else:
                wanted.append(want)
        keys = None if batch.window is not None else [w.key for w in wanted]
        known = self.repository.sources.known(source=name, keys=keys)
        plan = reconcile(wanted, known, now=now, window=batch.window)
        for want in plan.create:
            self._create(name, want, now=now, report=report)
        for have, want in plan.move:
            self._move(have, want, now=now, report=report)
        for have, want in plan.repanel:
            self._repanel(have, want, now=now, report=report)
        for have in plan.cancel:
            self._cancel(have, now=now, report=report)
        for have in plan.kept_slack_edit:
            self._tell(
                have.interview.recruiter_id,
                have.interview.id,
                f"✋ {name} changed interview {have.interview.short_id} ({have.interview.candidate}), but it was "
                "edited in Slack, so Slack's version stays and the change was not applied. "
                f"`/debrief reschedule {have.interview.id}` or `/debrief cancel {have.interview.id}` if it should follow.",
                what=digest(have.key, "kept", Snapshot.of(have.interview).to_json()),
                now=now,
            )
        for want in wanted:
            self._tell_unresolved(name, want, now=now)
        for key, why in plan.skipped:
            if why != "already over":
                report.problems.append(f"{key}: {why}")
        return report

    def _tell_unresolved(self, name: str, want: Wanted, *, now: datetime) -> None:
        """Tell the recruiter about interviewers, and a named hiring manager, with no Slack account."""
        manager = want.record.hiring_manager_email
        lost_manager = manager if manager and self.people.resolve(manager) is None else None
        if not want.unresolved and not lost_manager:
            return
        linked = self.repository.sources.known(source=name, keys=[want.key]).get(want.key)
        if linked is None or linked.interview.status is InterviewStatus.CANCELLED:
            return
        interview = linked.interview
        if want.unresolved:
            who = ", ".join(want.unresolved)
            self._tell(
                interview.recruiter_id,
                interview.id,
                f"👤 {who} (on the panel of {interview.short_id}, {interview.candidate}) "
                "has no Slack account I can find, so they won't get a prompt. To add a substitute: "
                f"`/debrief reschedule {interview.id}`.",
                what=digest(want.key, "unresolved", who),
                now=now,
            )
        if lost_manager:
            self._tell(
                interview.recruiter_id,
                interview.id,
                f"👤 {lost_manager}, the hiring manager {name} names for {interview.short_id} "
                f"({interview.candidate}), has no Slack account I can find, so the interview has no "
                "hiring manager: you'll read the summary.",
                what=digest(want.key, "unresolved_manager", lost_manager),
                now=now,
            )

    def _resolve(self, record: SourceRecord) -> Wanted | None:
        organiser = self.people.resolve(record.organiser_email) if record.organiser_email else None
        recruiter = organiser or (self.recruiters[0] if self.recruiters else None)
        if recruiter is None:
            return None
        panel: list[str] = []
        unresolved: list[str] = []
        for email in record.interviewer_emails:
            user = self.people.resolve(email)
            if user is None:
                unresolved.append(email)
            elif user not in panel:
                panel.append(user)
        manager = self.people.resolve(record.hiring_manager_email) if record.hiring_manager_email else None
        snapshot = Snapshot(
            candidate=record.candidate,
            role=record.role,
            stage=record.stage,
            starts_at=record.starts_at,
            length_minutes=record.length_minutes,
            interviewer_ids=tuple(panel),
            # No hiring manager named: the recruiter reads the summary (and any private notes).
            hiring_manager_id=manager or recruiter,
        )
        return Wanted(record=record, snapshot=snapshot, recruiter_id=recruiter, unresolved=tuple(unresolved))

    def _create(self, name: str, want: Wanted, *, now: datetime, report: SyncReport) -> None:
        if not self.repository.sources.reserve_key(key=want.key, source=name, now=now):
            return  # another process (or a webhook) is importing it right now
        try:
            interview = self.flows.pipeline.schedule(
                draft=want.snapshot.draft(self.channel_id),
                recruiter_id=want.recruiter_id,
                bot_user_id=None,
                now=now,
            )
        except DomainError as exc:
            self.repository.sources.release_key(key=want.key)
            report.problems.append(f"{want.record.candidate}: {_words(exc)}")
            return
        except BaseException:
            self.repository.sources.release_key(key=want.key)
            raise
        self._remember(want.key, interview, version=want.record.version, now=now)
        report.created += 1

    def _remember(self, key: str, interview: Interview, *, version: str, now: datetime) -> None:
        """Record what this sync wrote for `key` (so a later edit in Slack can be told apart)."""
        self.repository.sources.link(
            key=key, interview_id=interview.id, applied=Snapshot.of(interview), version=version, now=now
        )

    def _move(self, have: Known, want: Wanted, *, now: datetime, report: SyncReport) -> None:
        try:
            interview = self.flows.pipeline.reschedule(
                interview_id=have.interview.id,
                draft=want.snapshot.draft(have.interview.channel_id),
                user_id=have.interview.recruiter_id,
                bot_user_id=None,
                now=now,
            )
        except DomainError as exc:
            report.problems.append(f"{have.interview.short_id}: {_words(exc)}")
            return
        self._remember(have.key, interview, version=want.record.version, now=now)
        report.moved += 1

    def _repanel(self, have: Known, want: Wanted, *, now: datetime, report: SyncReport) -> None:
        """The panel changed in the source: the same panel change as `/debrief panel` (new members are
        prompted if the prompt already went out, removed ones are no longer reminded)."""
        wanted = want.snapshot.interviewer_ids
        try:
            interview = self.flows.panels.change_panel(
                interview_id=have.interview.id,
                add=[u for u in wanted if not have.interview.on_panel(u)],
                remove=[u for u in have.interview.interviewer_ids if u not in wanted],
                now=now,
            )
        except NotAllowed as exc:  # e.g. summarised meanwhile, or more than a panel holds
            report.problems.append(f"{have.key}: {exc}")
            return
        self._remember(have.key, interview, version=want.record.version, now=now)
        report.repanelled += 1

    def _cancel(self, have: Known, *, now: datetime, report: SyncReport) -> None:
        try:
            interview = self.flows.pipeline.cancel(
                interview_id=have.interview.id, user_id=have.interview.recruiter_id, now=now
            )
        except DomainError:
            return  # cancelled or decided meanwhile
        self._remember(have.key, interview, version=have.version, now=now)
        report.cancelled += 1

    def _tell(self, user: str, interview_id: int, text: str, *, what: str, now: datetime) -> None:
        """A notice to the recruiter, owed once per fact (its key is the fact's digest)."""
        self.repository.outbox.enqueue(
            outgoing=[post(f"source_notice:{what}", "notice", interview_id, user, {"text": text})], now=now
        )


def _words(error: DomainError) -> str:
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(str(v) for v in errors.values())
    return str(error)
