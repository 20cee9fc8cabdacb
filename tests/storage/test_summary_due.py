""" "Is the summary due" is one rule (`bot.domain.due.summary_due`); the tick's SQL selection must
pick exactly the interviews it names, on generated panels, debriefs, deadlines and statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.domain.due import summary_due
from storage.database import make_engine, upgrade
from storage.repository import Repository
from storage.tables import InterviewRow
from tests.builders import T0, answers, draft

PEOPLE = ("UANA", "UBO", "UCY", "UDI")
STATUSES = ("scheduled", "collecting", "summarised")

interviews = st.lists(
    st.fixed_dictionaries(
        {
            "panel": st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True),
            # Who wrote a debrief: panelists and people since taken off the panel alike.
            "wrote": st.lists(st.sampled_from(PEOPLE), max_size=4, unique=True),
            "status": st.sampled_from(STATUSES),
            "deadline_hours": st.integers(min_value=1, max_value=48),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def repo(database_url: str) -> Repository:
    engine = make_engine(database_url)
    upgrade(engine)
    return Repository(engine)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=interviews, hours_later=st.integers(min_value=0, max_value=72))
def test_the_tick_selects_exactly_the_interviews_the_rule_says_are_due(
    repo: Repository, cases: list[dict[str, object]], hours_later: int
) -> None:
    with Session(repo.engine) as session:  # each example starts from an empty database
        session.exec(delete(InterviewRow))  # type: ignore[call-overload]
        session.commit()
    now = T0 + timedelta(hours=hours_later)
    for case in cases:
        interview = repo.interviews.create_interview(
            draft=draft(interviewer_ids=tuple(case["panel"]), length_minutes=60),  # type: ignore[arg-type]
            recruiter_id="UREC",
            deadline=timedelta(hours=case["deadline_hours"]),  # type: ignore[arg-type]
            now=T0,
        )
        for user in case["wrote"]:  # type: ignore[attr-defined]
            repo.debriefs.save_debrief(
                interview_id=interview.id, interviewer_id=user, answers=answers(), now=T0, late=False
            )
        if case["status"] != "scheduled":
            repo.claims.claim_prompt(interview_id=interview.id, now=T0, outgoing=[])
        if case["status"] == "summarised":
            repo.claims.claim_summary(
                interview_id=interview.id, now=T0, final=False, verdict="discuss", outgoing=[]
            )

    everyone = [repo.interviews.get_interview(interview_id=row.id) for row in _rows(repo)]
    expected = {
        interview.id
        for interview, case in zip(everyone, cases, strict=True)
        if interview is not None and summary_due(interview, submitted=case["wrote"], now=now)  # type: ignore[arg-type]
    }
    assert {interview.id for interview in repo.claims.due_summaries(now=now)} == expected
    assert {i.id for i in everyone if i and repo.claims.summary_due(interview_id=i.id, now=now)} == expected


def _rows(repo: Repository) -> list[InterviewRow]:
    with Session(repo.engine) as session:
        return list(session.exec(select(InterviewRow).order_by(col(InterviewRow.id))))
