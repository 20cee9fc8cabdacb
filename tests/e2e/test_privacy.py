"""Hiring data is sensitive: erasure on request, retention, and logs that hold no secrets or debrief text."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.logs import JsonFormatter
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, RECRUITER, RunningBot
from tests.e2e.test_debrief_loop import schedule, text_of, write_debrief

SECRET_EVIDENCE = "She had read our compiler blog post"


def database_text(running: RunningBot) -> str:
    """Every value in every table, as one string: what an attacker with a dump would read."""
    with running.bot.repository.engine.connect() as connection:
        return " ".join(
            str(row)
            for table in ("interview", "panelist", "debrief", "outbox")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )


def finished_interview(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=3, ok=True)
    write_debrief(running, fake, ANA, private_note="Knows my old team lead.")
    write_debrief(running, fake, BO)
    fake.wait_for(
        "chat.postMessage",
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    # prompt, 2 DMs, 2 receipts, summary, private notes to the hiring manager and to the recruiter
    fake.wait_for("chat.postMessage", count=8, ok=True)
    running.settle()


def test_forget_erases_the_candidate_everywhere_but_keeps_a_record(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    finished_interview(running, fake, clock)
    assert "Grace Hopper" in database_text(running) and SECRET_EVIDENCE in database_text(running)

    answer = running.slack.command(text="forget 1", user_id=RECRUITER, channel_id=CHANNEL).json()
    assert "Erased" in answer["text"]
    posted = len(running.bot.repository.posts.sent_posts(interview_id=1))
    assert posted == 8
    fake.wait_for("chat.update", count=posted, ok=True)
    stored = database_text(running)
    assert "Grace Hopper" not in stored and SECRET_EVIDENCE not in stored and "old team lead" not in stored
    assert all("Grace Hopper" not in text_of(m) for m in fake.messages(CHANNEL))
    assert all("Grace Hopper" not in text_of(m) for m in fake.messages(ANA))
    interview = running.bot.repository.interviews.get_interview(interview_id=1)
    assert interview.erased_by == RECRUITER and interview.erased_at == clock.now
    assert [
        d.answers.recommendation.label for d in running.bot.repository.debriefs.list_debriefs(interview_id=1)
    ] == [
        "Strong yes",
        "Strong yes",
    ]  # fmt: skip  (anonymous aggregates stay for calibration)
    assert "already erased" in running.slack.command(text="forget 1", user_id=RECRUITER).json()["text"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_EVIDENCE not in logged and "xoxb-e2e" not in logged and "e2e-signing-secret" not in logged


def test_retention_erases_old_interviews_only(running: RunningBot, fake: FakeSlack, clock: FakeClock) -> None:
    finished_interview(running, fake, clock)
    assert running.bot.flows.privacy.apply_retention(now=clock() + timedelta(days=364), days=365) == 0
    assert running.bot.flows.privacy.apply_retention(now=clock() + timedelta(days=366), days=365) == 1
    assert "Grace Hopper" not in database_text(running)
    assert running.bot.repository.interviews.get_interview(interview_id=1).erased_by == "retention"


def test_logs_are_one_json_object_per_line() -> None:
    record = logging.LogRecord(
        "bot.courier", logging.WARNING, __file__, 1, "will retry %s", ("prompt:1",), None
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) | {"ts": "x"} == {
        "ts": "x",
        "level": "warning",
        "logger": "bot.courier",
        "event": "will retry prompt:1",
    }
