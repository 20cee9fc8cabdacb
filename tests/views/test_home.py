"""The Home tab stays readable and inside Slack's limits however much is waiting."""

from __future__ import annotations

from dataclasses import replace

from bot.views.home import home_view
from tests.views.builders import interview


def test_home_with_hundreds_of_interviews_stays_under_100_blocks() -> None:
    many = [replace(interview(), id=i, candidate=f"Candidate {i} " + "x" * 180) for i in range(1, 501)]
    view = home_view(waiting=many, upcoming=many, is_recruiter=True).to_dict()
    assert len(view["blocks"]) <= 100
    text = str(view["blocks"])
    assert "Candidate 1 " in text and "more" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])


def test_empty_home_says_so() -> None:
    text = str(home_view(waiting=[], upcoming=[], is_recruiter=False).to_dict())
    assert "Nothing is waiting for you" in text
    assert "/debrief schedule" not in text
