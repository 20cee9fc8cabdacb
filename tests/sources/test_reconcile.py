"""The pure rule: what to create, move, re-panel or cancel, given what a source says and `now`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.models import Interview, InterviewDraft, InterviewStatus, Stage
from bot.domain.sources import Known, Plan, Snapshot, SourceRecord, Wanted, Window, needs_alert, reconcile

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def draft_of(interview: Interview, **changes: Any) -> InterviewDraft:
    values: dict[str, Any] = {
        "candidate": interview.candidate,
        "role": interview.role,
        "stage": interview.stage,
        "interviewer_ids": interview.interviewer_ids,
        "hiring_manager_id": interview.hiring_manager_id,
        "starts_at": interview.starts_at,
        "length_minutes": interview.length_minutes,
        "channel_id": interview.channel_id,
    }
    values.update(changes)
    return InterviewDraft(**values)


def wanted(key: str = "ics:a", *, starts_at: datetime = NOW + timedelta(days=1), panel: tuple[str, ...] = ("UANA", "UBO"),
           cancelled: bool = False, version: str = "", minutes: int = 45) -> Wanted:  # fmt: skip
    record = SourceRecord(
        key=key, candidate="Ada", role="Engineer", stage=Stage.ONSITE, starts_at=starts_at, length_minutes=minutes,
        interviewer_emails=(), cancelled=cancelled, version=version,
    )  # fmt: skip
    snapshot = Snapshot(
        candidate="Ada", role="Engineer", stage=Stage.ONSITE, starts_at=starts_at, length_minutes=minutes,
        interviewer_ids=panel, hiring_manager_id="UREC",
    )  # fmt: skip
    return Wanted(record=record, snapshot=snapshot, recruiter_id="UREC")


def known(
    want: Wanted, *, status: InterviewStatus = InterviewStatus.SCHEDULED, version: str = "", **edits: Any
) -> Known:
    s = want.snapshot
    interview = Interview(
        id=7, candidate=s.candidate, role=s.role, stage=s.stage, interviewer_ids=s.interviewer_ids,
        hiring_manager_id=s.hiring_manager_id, recruiter_id="UREC", starts_at=s.starts_at,
        length_minutes=s.length_minutes, channel_id="CHIRING", status=status,
    )  # fmt: skip
    applied = Snapshot.of(interview)
    return Known(key=want.key, interview=replace(interview, **edits), applied=applied, version=version)


def test_a_new_upcoming_interview_is_created_and_the_same_input_again_changes_nothing() -> None:
    want = wanted()
    assert reconcile([want], {}, now=NOW).create == (want,)
    assert reconcile([want], {want.key: known(want)}, now=NOW) == Plan()


def test_an_interview_that_is_already_over_is_never_created() -> None:
    want = wanted(starts_at=NOW - timedelta(hours=2))
    plan = reconcile([want], {}, now=NOW)
    assert plan.create == () and plan.skipped == ((want.key, "already over"),)


def test_a_panel_of_nobody_on_slack_is_reported_not_created() -> None:
    plan = reconcile([wanted(panel=())], {}, now=NOW)
    assert plan.create == () and "Slack account" in plan.skipped[0][1]


def test_a_moved_time_moves_a_scheduled_interview() -> None:
    old = wanted()
    new = wanted(starts_at=old.snapshot.starts_at + timedelta(hours=3))
    plan = reconcile([new], {old.key: known(old)}, now=NOW)
    assert [w for _k, w in plan.move] == [new] and plan.repanel == ()


def test_a_panel_change_alone_is_a_repanel_even_after_the_prompt() -> None:
    old = wanted()
    new = wanted(panel=("UANA", "UCARL"))
    for status in (InterviewStatus.SCHEDULED, InterviewStatus.COLLECTING):
        plan = reconcile([new], {old.key: known(old, status=status)}, now=NOW)
        assert [w for _k, w in plan.repanel] == [new] and plan.move == ()


def test_once_prompted_a_moved_time_changes_nothing_and_summarised_ones_are_left_alone() -> None:
    old = wanted()
    moved = wanted(starts_at=old.snapshot.starts_at + timedelta(hours=1), panel=("UCARL",))
    assert reconcile([replace(moved, snapshot=replace(moved.snapshot, interviewer_ids=old.snapshot.interviewer_ids))],
                     {old.key: known(old, status=InterviewStatus.COLLECTING)}, now=NOW) == Plan()  # fmt: skip
    assert reconcile([moved], {old.key: known(old, status=InterviewStatus.SUMMARISED)}, now=NOW) == Plan()


def test_a_cancelled_record_cancels_only_what_has_not_been_prompted() -> None:
    old = wanted()
    gone = wanted(cancelled=True)
    assert reconcile([gone], {old.key: known(old)}, now=NOW).cancel == (known(old),)
    assert reconcile([gone], {old.key: known(old, status=InterviewStatus.COLLECTING)}, now=NOW) == Plan()
    assert reconcile([gone], {}, now=NOW) == Plan()  # never seen: nothing to do


def test_disappearing_from_a_complete_snapshot_cancels_upcoming_interviews_in_its_window_only() -> None:
    soon, later, past = (
        wanted("a"),
        wanted("b", starts_at=NOW + timedelta(days=90)),
        wanted("c", starts_at=NOW - timedelta(hours=1)),
    )
    have = {w.key: known(w) for w in (soon, later, past)}
    window = Window(start=NOW - timedelta(days=1), end=NOW + timedelta(days=60))
    plan = reconcile([], have, now=NOW, window=window)
    assert [k.key for k in plan.cancel] == ["a"]  # beyond the window: unknown, not gone; started: too late
    assert (
        reconcile([], have, now=NOW) == Plan()
    )  # an incremental batch (an ATS page) says nothing of absence


def test_an_interview_edited_in_slack_keeps_slacks_version() -> None:
    old = wanted()
    edited = known(old, starts_at=old.snapshot.starts_at + timedelta(days=1))
    assert edited.edited_in_slack
    moved = wanted(starts_at=old.snapshot.starts_at + timedelta(hours=2))
    plan = reconcile([moved], {old.key: edited}, now=NOW)
    assert plan.move == () and plan.kept_slack_edit == (edited,)
    assert reconcile([wanted(cancelled=True)], {old.key: edited}, now=NOW).cancel == ()
    assert reconcile([old], {old.key: edited}, now=NOW) == Plan()  # the source unchanged: nothing to say


def test_an_older_version_than_the_imported_one_changes_nothing() -> None:
    old = wanted(version="2026-03-02T10:00:00Z")
    stale = wanted(starts_at=NOW + timedelta(days=3), version="2026-03-02T09:00:00Z")
    plan = reconcile([stale], {old.key: known(old, version=old.record.version)}, now=NOW)
    assert plan.move == () and plan.skipped[0][0] == old.key
    newer = wanted(starts_at=NOW + timedelta(days=3), version="2026-03-02T11:00:00Z")
    assert len(reconcile([newer], {old.key: known(old, version=old.record.version)}, now=NOW).move) == 1


def test_an_outage_is_told_once_after_an_hour() -> None:
    since = NOW - timedelta(minutes=59)
    assert not needs_alert(error_since=since, alerted=False, now=NOW)
    assert needs_alert(error_since=since, alerted=False, now=NOW + timedelta(minutes=1))
    assert not needs_alert(error_since=since, alerted=True, now=NOW + timedelta(hours=5))
    assert not needs_alert(error_since=None, alerted=False, now=NOW)
