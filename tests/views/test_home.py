"""The Home tab stays readable and inside Slack's limits however much is waiting."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.models import Decision
from bot.views.home import HomeData, home_view
from tests.views.builders import interview


def test_home_with_hundreds_of_interviews_stays_under_100_blocks() -> None:
    many = [
        replace(interview(), id=i, candidate=f"Candidate {i} " + "x" * 180, verdict="advance")
        for i in range(1, 501)
    ]
    data = HomeData(
        waiting=many, upcoming=many, editable=many, is_recruiter=True, awaiting=[(i, ["U1", "U2"]) for i in many],
        scheduled=many, verdicts=many, pending_decisions=many, links={1: "https://example.slack.com/archives/C1/p1"},
    )  # fmt: skip
    view = home_view(data).to_dict()
    assert len(view["blocks"]) <= 100
    text = str(view["blocks"])
    assert "Candidate 1 " in text and "and 490 more" in text  # counted, not silently dropped
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])
    assert "Schedule interview" in text and "Remind" in text


def test_each_role_sees_its_own_sections() -> None:
    decided = replace(interview(), id=7, verdict="discuss", decision=Decision.HOLD)
    interviewer = str(home_view(HomeData(waiting=[interview()])).to_dict())
    assert (
        "Write debrief" in interviewer and "Recruiting" not in interviewer and "decision" not in interviewer
    )
    manager = str(home_view(HomeData(pending_decisions=[interview()], verdicts=[decided])).to_dict())
    assert "Waiting for your decision" in manager and "decided *Hold*" in manager
    assert "Nothing is waiting for you" in str(home_view(HomeData()).to_dict())
