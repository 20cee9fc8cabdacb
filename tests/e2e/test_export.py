"""`/debrief export` through the outbox: the command owes the export (requester and range only), the
dispatcher builds the CSV when it sends it and uploads it to the requester's DM, exactly once
whatever Slack does, and a file Slack refuses for good is not silent."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import text as sql

from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import RECRUITER, RunningBot
from tests.e2e.test_debrief_loop import text_of
from tests.e2e.test_faults import settle
from tests.e2e.test_hr_data import ended, say

PREPARING = "Preparing your export; it will arrive in your DM with me."


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    """No reminders while the test runs (settling moves the clock by hours)."""
    return make_bot(debrief_remind_after_minutes=6000, debrief_deadline_minutes=14400)


def shared(fake: FakeSlack) -> list[dict[str, Any]]:
    """The files shared in the requester's DM with the bot: what they see."""
    return [f for m in fake.messages(RECRUITER) for f in m.get("files") or []]


def export_rows(running: RunningBot) -> list[tuple[str, str, str]]:
    with running.bot.repository.engine.connect() as connection:
        return [
            (str(kind), str(status), str(payload))
            for kind, status, payload in connection.execute(
                sql("SELECT kind, status, payload FROM outbox WHERE kind = 'export'")
            )
        ]


def test_an_export_arrives_once_and_its_file_is_recorded(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended(running, fake, clock, candidate="Grace Hopper")
    assert PREPARING in say(running, "export 2026-03-01 2026-03-02")
    running.settle()

    [file] = shared(fake)
    [row] = export_rows(running)
    assert file["name"].startswith("debriefs-2026-03-01-to-2026-03-02-x") and file["title"] == (
        "Debriefs 2026-03-01 – 2026-03-02"
    )
    assert row[:2] == ("export", "sent")
    assert "Grace" not in row[2] and RECRUITER in row[2]  # the row holds who and when, nothing else
    [upload] = fake.uploaded_files()
    assert [r["candidate"] for r in csv.DictReader(io.StringIO(upload.text))] == ["Grace Hopper"]
    assert running.bot.repository.privacy.exports_holding(interview_id=1) == [file["id"]]
    assert "exported it" in say(running, "audit 1")


@pytest.mark.parametrize("lost", ["503", "drop"])
def test_an_upload_whose_answer_was_lost_is_not_uploaded_again(
    running: RunningBot, fake: FakeSlack, clock: FakeClock, lost: str
) -> None:
    ended(running, fake, clock)
    if lost == "503":
        fake.fail_next("files.completeUploadExternal", status=503, after=True)  # shared, then a 503
    else:
        fake.fail_next("files.completeUploadExternal", drop=True, after=True)  # shared, then dropped
    assert PREPARING in say(running, "export")
    running.settle()
    [attempt] = fake.calls("files.completeUploadExternal")
    assert attempt.fault == f"{lost}-after"  # Slack has the file; the bot doesn't know (and didn't re-send)

    settle(running, clock)  # the retry looks among the bot's files, finds it by name, records it
    assert len(shared(fake)) == 1 and len(fake.calls("files.completeUploadExternal")) == 1
    assert fake.calls("files.list", ok=True)
    [upload] = fake.uploaded_files()
    assert running.bot.repository.privacy.exports_holding(interview_id=1) == [upload.id]


def test_an_export_owed_while_slack_is_down_arrives_when_it_is_back_without_what_was_erased(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended(running, fake, clock, candidate="Grace Hopper")
    ended(running, fake, clock, candidate="Ada Lovelace")
    fake.inject_faults(rate=1.0, kinds=("503",), seed=1)  # every call fails
    assert PREPARING in say(running, "export")
    running.settle()
    assert shared(fake) == [] and [r[1] for r in export_rows(running)] == ["pending"]  # owed, kept

    fake.clear_faults()  # Slack is back; before the export's retry is due, Grace is erased
    assert "Erased" in say(running, "forget 1")
    running.settle()
    assert shared(fake) == []
    settle(running, clock)
    [file] = shared(fake)
    [upload] = [u for u in fake.uploaded_files() if u.id == file["id"]]
    assert [r["candidate"] for r in csv.DictReader(io.StringIO(upload.text))] == ["Ada Lovelace"]
    assert "Grace" not in upload.text
    assert running.bot.repository.privacy.exports_holding(interview_id=2) == [file["id"]]


def test_an_export_slack_refuses_for_good_is_told_to_the_requester(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    ended(running, fake, clock)
    fake.fail_next("files.completeUploadExternal", error="restricted_action")  # e.g. uploads turned off
    assert PREPARING in say(running, "export 2026-03-01 2026-03-02")
    running.settle()
    running.bot.flows.ticks.deliver(now=clock())  # the notice owed by the dead letter

    assert shared(fake) == [] and [r[1] for r in export_rows(running)] == ["failed"]
    told = [m["text"] for m in fake.messages(RECRUITER) if "could not be delivered" in text_of(m)]
    assert told == [
        "Your export of debriefs from 2026-03-01 to 2026-03-02 could not be delivered (Slack said "
        "`restricted_action`). Try `/debrief export 2026-03-01 2026-03-02` again later; if it fails "
        "again, ask whoever runs the bot to check `debrief-bot outbox`."
    ]
    for _ in range(3):  # told once, however often the bot ticks
        clock.advance(hours=1)
        running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert len([m for m in fake.messages(RECRUITER) if "could not be delivered" in text_of(m)]) == 1
