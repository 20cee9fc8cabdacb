"""The HR-data store: an erasure is all or nothing; the audit trail outlives it; panels change."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.domain.models import Interview
from storage.database import make_engine, upgrade
from storage.repository import Outgoing, Repository
from tests.builders import T0, answers, draft

DAY = timedelta(days=1)


@pytest.fixture
def repo(database_url: str) -> Repository:
    engine = make_engine(database_url)
    upgrade(engine)
    return Repository(engine)


def _edit(key: str, interview_id: int | None) -> Outgoing:
    payload = {"of": key, "text": "erased", "blocks": []}
    return Outgoing(key=key, kind="erased", method="chat.update", payload=payload, interview_id=interview_id)


def test_an_erasure_that_cannot_owe_its_edits_erases_nothing(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.outbox.enqueue(outgoing=[_edit("taken", None)], now=T0)  # the same key, owed by something else
    assert not repo.lifecycle.erase(
        interview_id=interview.id, by="UREC", now=T0, outgoing=[_edit("taken", interview.id)]
    )
    kept = repo.interviews.get_interview(interview_id=interview.id)
    assert kept is not None and kept.candidate == interview.candidate and kept.erased_at is None
    assert repo.privacy.audit_trail(interview_id=interview.id) == []
    assert repo.lifecycle.erase(
        interview_id=interview.id, by="UREC", now=T0, outgoing=[_edit("free", interview.id)]
    )
    assert [(e.actor, e.action, e.outcome) for e in repo.privacy.audit_trail(interview_id=interview.id)] == [
        ("UREC", "forget", "done")
    ]
    assert not repo.lifecycle.erase(interview_id=interview.id, by="UREC", now=T0)  # once


def _two(repo: Repository) -> tuple[Interview, Interview]:
    one, two = (
        repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
        for _ in range(2)
    )
    return one, two


def test_exports_are_tracked_until_an_erasure_deletes_them(repo: Repository) -> None:
    one = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    two = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.privacy.record_export(file_id="F1", user_id="UREC", interview_ids=[one.id, two.id], now=T0)
    assert repo.privacy.exports_holding(interview_id=two.id) == ["F1"]
    assert repo.lifecycle.erase(interview_id=one.id, by="retention", now=T0)
    assert repo.outbox.outbox_status(key="delete_file:F1") == "pending"  # owed to Slack with the erasure
    assert repo.privacy.exports_holding(interview_id=two.id) == []  # deleted once, for both
    assert [e.action for e in repo.privacy.audit_trail(interview_id=two.id)] == ["export"]
    assert repo.lifecycle.erase(interview_id=two.id, by="retention", now=T0)  # not owed the file twice


def test_an_export_recorded_after_one_of_its_interviews_was_erased_is_deleted_at_once(
    repo: Repository,
) -> None:
    kept, gone = _two(repo)
    # The CSV was built holding both; `gone` was erased while it uploaded; then the upload is recorded.
    assert repo.lifecycle.erase(interview_id=gone.id, by="UREC", now=T0)
    repo.privacy.record_export(file_id="F1", user_id="UREC", interview_ids=[kept.id, gone.id], now=T0)
    assert repo.outbox.outbox_status(key="delete_file:F1") == "pending"  # owed to Slack now
    assert repo.privacy.exports_holding(interview_id=kept.id) == []  # and not owed twice later
    assert repo.lifecycle.erase(interview_id=kept.id, by="UREC", now=T0)  # a later erasure still works


def test_panel_changes_drop_a_removed_members_debrief(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    first, second = interview.interviewer_ids[:2]
    repo.claims.claim_prompt(interview_id=interview.id, now=T0, outgoing=[])
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id=second, answers=answers(), now=T0, late=False
    )
    assert repo.privacy.change_panel(
        interview_id=interview.id, add=["UNEW"], remove=[second], next_remind_at=T0, now=T0
    )
    changed = repo.interviews.get_interview(interview_id=interview.id)
    assert changed is not None and changed.interviewer_ids == (first, *interview.interviewer_ids[2:], "UNEW")
    assert repo.debriefs.list_debriefs(interview_id=interview.id) == []
    assert repo.privacy.unsubmitted(interview_id=interview.id, user_id="UNEW")


def _rows_lock_on_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time: the two can't interleave")


def _in_a_thread(call: Callable[[], object]) -> Future[object]:
    pool = ThreadPoolExecutor(1)
    running = pool.submit(call)
    pool.shutdown(wait=False)
    return running


def test_an_export_recorded_while_an_erasure_is_under_way_waits_and_is_deleted(
    repo: Repository, database_url: str
) -> None:
    _rows_lock_on_postgresql(database_url)
    kept, gone = _two(repo)
    with repo.engine.connect() as erasure:  # an erasure that has written the interview, not yet committed
        erasure.execute(text("UPDATE interview SET erased_at = :t WHERE id = :i"), {"t": T0, "i": gone.id})
        recording = _in_a_thread(
            lambda: repo.privacy.record_export(
                file_id="F1", user_id="UREC", interview_ids=[kept.id, gone.id], now=T0
            )
        )
        with pytest.raises(FuturesTimeout):
            recording.result(timeout=0.5)  # it waits for the erasure to end...
        erasure.commit()
    recording.result(timeout=10)
    assert repo.outbox.outbox_status(key="delete_file:F1") == "pending"  # ...and sees it


def test_an_erasure_that_meets_an_export_being_recorded_waits_and_deletes_it(
    repo: Repository, database_url: str
) -> None:
    _rows_lock_on_postgresql(database_url)
    kept, gone = _two(repo)
    with repo.engine.connect() as recording:  # what record_export has done, not yet committed
        recording.execute(
            text("SELECT id FROM interview WHERE id IN (:a, :b) FOR SHARE"), {"a": kept.id, "b": gone.id}
        )
        export = recording.execute(
            text(
                "INSERT INTO export_file (file_id, user_id, uploaded_at) VALUES ('F1', 'UREC', :t) RETURNING id"
            ),
            {"t": T0},
        ).scalar_one()
        for interview_id in (kept.id, gone.id):
            recording.execute(
                text("INSERT INTO exported_interview (export_id, interview_id) VALUES (:e, :i)"),
                {"e": export, "i": interview_id},
            )
        erasing = _in_a_thread(lambda: repo.lifecycle.erase(interview_id=gone.id, by="UREC", now=T0))
        with pytest.raises(FuturesTimeout):
            erasing.result(timeout=0.5)  # it waits for the export to be recorded...
        recording.commit()
    assert erasing.result(timeout=10)
    assert repo.outbox.outbox_status(key="delete_file:F1") == "pending"  # ...and owes its deletion
    assert repo.privacy.exports_holding(interview_id=kept.id) == []
