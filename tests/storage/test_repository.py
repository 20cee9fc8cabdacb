"""The repository against real databases: constraints, claims and the outbox behave as promised."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from bot.domain.models import ExploreTopic, InterviewStatus, Recommendation
from storage.database import make_engine, upgrade
from storage.repository import OutboxItem, Outgoing, Repository
from storage.tables import DebriefRow, InterviewRow, PanelistRow
from tests.builders import T0, answers, draft

DAY = timedelta(days=1)


@pytest.fixture
def repo(database_url: str) -> Repository:
    engine = make_engine(database_url)
    upgrade(engine)
    return Repository(engine)


def _post(key: str, interview_id: int) -> Outgoing:
    return Outgoing(
        key=key,
        kind="prompt",
        method="chat.postMessage",
        payload={"channel": "C1", "text": key},
        interview_id=interview_id,
    )


def test_an_interview_comes_back_as_it_went_in_with_utc_times(repo: Repository) -> None:
    created = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    loaded = repo.interviews.get_interview(interview_id=created.id)
    assert loaded == created
    assert loaded.starts_at == T0 and loaded.starts_at.tzinfo is not None
    assert loaded.interviewer_ids == ("UANA", "UBO")
    assert loaded.status is InterviewStatus.SCHEDULED


def test_submitting_twice_replaces_the_debrief(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UANA", answers=answers(), now=T0, late=False
    )
    repo.debriefs.save_debrief(
        interview_id=interview.id,
        interviewer_id="UANA",
        answers=answers(recommendation=Recommendation.STRONG_NO, deal_breaker="Rude to the receptionist."),
        now=T0 + timedelta(minutes=5),
        late=False,
    )
    debriefs = repo.debriefs.list_debriefs(interview_id=interview.id)
    assert len(debriefs) == 1
    assert debriefs[0].answers.recommendation is Recommendation.STRONG_NO
    assert debriefs[0].answers.deal_breaker == "Rude to the receptionist."


def test_opening_a_debrief_reads_the_panel_in_order_and_only_ones_own_answers(repo: Repository) -> None:
    panel = ("UCY", "UANA", "UBO")  # not in id order: the panel's own order must come back
    interview = repo.interviews.create_interview(
        draft=draft(interviewer_ids=panel), recruiter_id="UREC", deadline=DAY, now=T0
    )
    mine = answers(explore=frozenset(ExploreTopic), people_to_meet=("UCTO",), questions="Why now?")
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UANA", answers=mine, now=T0, late=False
    )
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UBO", answers=answers(), now=T0, late=False
    )

    loaded, debrief = repo.debriefs.interview_and_debrief(interview_id=interview.id, interviewer_id="UANA")
    assert loaded == interview and loaded is not None and loaded.interviewer_ids == panel
    assert debrief is not None and debrief.interviewer_id == "UANA" and debrief.answers == mine
    assert debrief.submitted_at == T0 and debrief.submitted_at.tzinfo is not None
    assert repo.debriefs.interview_and_debrief(interview_id=interview.id, interviewer_id="UCY") == (
        interview,
        None,
    )
    assert repo.debriefs.interview_and_debrief(interview_id=interview.id, interviewer_id="UOTHER") == (
        interview,
        None,
    )
    assert repo.debriefs.interview_and_debrief(interview_id=interview.id + 1, interviewer_id="UANA") == (
        None,
        None,
    )


def test_the_database_itself_refuses_a_second_debrief_row(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UANA", answers=answers(), now=T0, late=False
    )
    with Session(repo.engine) as session, pytest.raises(IntegrityError):
        session.add(
            DebriefRow(
                interview_id=interview.id,
                interviewer_id="UANA",
                excitement=1,
                excitement_evidence="x",
                fit=1,
                fit_evidence="x",
                ability=1,
                ability_evidence="x",
                recommendation=-1,
                submitted_at=T0,
                updated_at=T0,
            )
        )
        session.commit()


def test_a_prompt_can_be_claimed_only_once(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    later = T0 + timedelta(hours=1)
    assert [i.id for i in repo.claims.due_prompts(now=later)] == [interview.id]
    assert repo.claims.claim_prompt(
        interview_id=interview.id, now=later, outgoing=[_post("prompt:1", interview.id)]
    )
    assert not repo.claims.claim_prompt(
        interview_id=interview.id, now=later, outgoing=[_post("prompt:1", interview.id)]
    )
    assert repo.claims.due_prompts(now=later) == []
    assert repo.outbox.outbox_counts().pending == 1


def test_an_owed_message_cannot_be_owed_twice(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    assert repo.outbox.enqueue(outgoing=[_post("receipt:1", interview.id)], now=T0)
    assert not repo.outbox.enqueue(
        outgoing=[_post("x:2", interview.id), _post("receipt:1", interview.id)], now=T0
    )
    assert repo.outbox.outbox_counts().pending == 1  # the batch with a repeat wrote nothing


def test_reminders_skip_who_submitted_and_summaries_wait_for_the_whole_panel(repo: Repository) -> None:
    interview = repo.interviews.create_interview(
        draft=draft(), recruiter_id="UREC", deadline=DAY, remind_after=timedelta(hours=2), now=T0
    )
    end = interview.ends_at
    repo.claims.claim_prompt(interview_id=interview.id, now=end, outgoing=[])
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UANA", answers=answers(), now=end, late=False
    )
    assert repo.claims.due_reminders(now=end + timedelta(hours=1)) == []  # not yet
    due = repo.claims.due_reminders(now=end + timedelta(hours=3))
    assert [(i.id, user, sent) for i, user, sent in due] == [(interview.id, "UBO", 0)]
    assert repo.claims.due_summaries(now=end + timedelta(hours=3)) == []
    assert not repo.claims.summary_due(interview_id=interview.id, now=end + timedelta(hours=3))
    repo.debriefs.save_debrief(
        interview_id=interview.id, interviewer_id="UBO", answers=answers(), now=end, late=False
    )
    assert [i.id for i in repo.claims.due_summaries(now=end + timedelta(hours=3))] == [interview.id]
    assert repo.claims.summary_due(interview_id=interview.id, now=end + timedelta(hours=3))


def test_one_interviews_summary_is_due_at_its_deadline_and_never_twice(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    end = interview.ends_at
    assert not repo.claims.summary_due(interview_id=interview.id, now=end + 2 * DAY)  # not even prompted
    repo.claims.claim_prompt(interview_id=interview.id, now=end, outgoing=[])
    assert not repo.claims.summary_due(interview_id=interview.id, now=end + DAY - timedelta(seconds=1))
    assert repo.claims.summary_due(interview_id=interview.id, now=end + DAY)  # nobody wrote one: the deadline
    repo.claims.claim_summary(
        interview_id=interview.id, now=end + DAY, final=True, verdict="incomplete", outgoing=[]
    )
    assert not repo.claims.summary_due(interview_id=interview.id, now=end + 2 * DAY)
    assert not repo.claims.summary_due(interview_id=interview.id + 999, now=end)


def test_the_next_wake_up_is_the_first_reminder_still_owed_not_one_of_a_finished_interview(
    repo: Repository,
) -> None:
    collecting = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    finished = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    with Session(repo.engine) as session:
        for interview, status, remind_at in (
            (collecting, InterviewStatus.COLLECTING, T0 + timedelta(hours=3)),
            (finished, InterviewStatus.SUMMARISED, T0 + timedelta(hours=2)),  # earlier, but owed no more
        ):
            session.execute(
                update(InterviewRow).where(col(InterviewRow.id) == interview.id).values(status=status.value)
            )
            session.execute(
                update(PanelistRow)
                .where(col(PanelistRow.interview_id) == interview.id)
                .values(next_remind_at=remind_at)
            )
        session.commit()
    now = T0 + timedelta(hours=1)  # both interviews have ended; the collecting one's deadline is a day out
    assert repo.claims.next_due(now=now) == T0 + timedelta(hours=3)
    assert repo.claims.next_due(now=T0 + timedelta(hours=3)) == collecting.deadline_at  # then its deadline


def test_a_debrief_and_its_receipt_are_stored_together_or_not_at_all(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.claims.claim_prompt(interview_id=interview.id, now=interview.ends_at, outgoing=[])
    repo.debriefs.save_debrief(
        interview_id=interview.id,
        interviewer_id="UANA",
        answers=answers(),
        now=T0,
        late=False,
        outgoing=[_post("receipt:1", interview.id)],
    )
    assert (
        repo.outbox.outbox_counts().pending == 1
        and len(repo.debriefs.list_debriefs(interview_id=interview.id)) == 1
    )
    with pytest.raises(IntegrityError):  # the receipt can't be owed (a repeated key): nothing is kept
        repo.debriefs.save_debrief(
            interview_id=interview.id,
            interviewer_id="UBO",
            answers=answers(),
            now=T0,
            late=False,
            outgoing=[_post("receipt:1", interview.id)],
        )
    assert [d.interviewer_id for d in repo.debriefs.list_debriefs(interview_id=interview.id)] == ["UANA"]
    assert repo.outbox.outbox_counts().pending == 1


def test_the_outbox_leases_each_call_to_one_sender(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.outbox.enqueue(outgoing=[_post("a", interview.id), _post("b", interview.id)], now=T0)
    due = repo.outbox.due_outbox(now=T0)
    assert [d.lane for d in due] == ["C1", "C1"]  # grouped by the channel they go to
    a, b = (d.id for d in due)
    lease = timedelta(minutes=1)

    def claim(outbox_id: int, now: datetime) -> OutboxItem | None:
        return repo.outbox.claim_outbox_items(outbox_ids=[outbox_id], now=now, lease=lease).get(outbox_id)

    first = claim(a, T0)
    assert first is not None and first.key == "a"
    assert claim(a, T0) is None  # leased to the first sender
    assert [d.id for d in repo.outbox.due_outbox(now=T0)] == [b]
    repo.outbox.outbox_sent(outbox_id=a, now=T0, channel="C1", ts="1.0")
    assert claim(a, T0 + 2 * lease) is None  # sent: never again
    claim(b, T0)
    again = claim(b, T0 + 2 * lease)
    assert again is not None and again.attempts == 2  # the lease ran out (a crashed sender): b is retried
    assert repo.posts.sent_message(key="a").ts == "1.0"


def test_one_lease_takes_several_calls_and_none_that_another_sender_holds(repo: Repository) -> None:
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    repo.outbox.enqueue(outgoing=[_post(key, interview.id) for key in ("a", "b", "c")], now=T0)
    a, b, c = (d.id for d in repo.outbox.due_outbox(now=T0))
    lease = timedelta(minutes=1)
    assert repo.outbox.claim_outbox_items(outbox_ids=[b], now=T0, lease=lease).keys() == {b}
    repo.outbox.outbox_sent(outbox_id=b, now=T0, channel="C1", ts="1.0")
    assert repo.outbox.claim_outbox_items(outbox_ids=[c], now=T0, lease=lease).keys() == {c}  # another sender
    taken = repo.outbox.claim_outbox_items(outbox_ids=[a, b, c], now=T0, lease=lease)
    assert {item.key for item in taken.values()} == {"a"}  # b is sent, c is leased to the other
    assert repo.outbox.due_outbox(now=T0) == []
    assert repo.outbox.claim_outbox_items(outbox_ids=[], now=T0, lease=lease) == {}


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == []
    assert {"interview", "panelist", "debrief", "outbox"} <= set(inspect(engine).get_table_names())


@pytest.mark.parametrize("pooled", [1, 3])
def test_pooled_connections_the_server_dropped_are_replaced_unseen(database_url: str, pooled: int) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    engine = make_engine(database_url, pool_size=pooled, max_overflow=0)
    upgrade(engine)
    repo = Repository(engine)
    interview = repo.interviews.create_interview(draft=draft(), recruiter_id="UREC", deadline=DAY, now=T0)
    with ExitStack() as stack:  # every connection of the pool at once, idle after this
        connections = [stack.enter_context(engine.connect()) for _ in range(pooled)]
        pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() for c in connections]
    admin = make_engine(database_url)
    with admin.begin() as connection:  # what a server restart does to them, waiting until they are gone
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()
    for _ in range(pooled):  # no error reaches any caller
        assert repo.interviews.get_interview(interview_id=interview.id) == interview
    engine.dispose()
