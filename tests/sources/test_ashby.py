"""Ashby through the bot's own HTTP endpoint: signed webhooks (valid, bad, replayed, out of order,
cancelled), then the reconciling poll that catches what no webhook brought."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.domain.models import InterviewStatus, Stage
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, HIRING_MANAGER, RECRUITER, RunningBot
from tests.e2e.procs import table_rows
from tests.fakeapi import serving
from tests.sources.conftest import CARL, StartBot
from tests.sources.fake_ashby import API_KEY, FakeAshby
from tests.sources.feeds import ANA_MAIL, BO_MAIL, CARL_MAIL, HANA_MAIL

SECRET = "ashby-webhook-secret"


@pytest.fixture
def ashby() -> Iterator[FakeAshby]:
    fake = FakeAshby()
    fake.add_application("app-1", "Lin Ashby", "job-1", "Product Designer", manager=HANA_MAIL)
    fake.add_application("app-2", "Max Missed", "job-2", "Site Reliability Engineer")
    with serving(fake.handle) as api:
        fake.url = api.url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def running(make_bot: StartBot, ashby: FakeAshby) -> RunningBot:
    return make_bot(ashby_api_key=API_KEY, ashby_webhook_secret=SECRET, ashby_api_url=ashby.url)  # type: ignore[attr-defined]


def deliver(
    running: RunningBot, payload: dict[str, Any], *, secret: str | None = SECRET, signature: str | None = None
) -> int:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Ashby-Signature"] = signature
    elif secret is not None:
        headers["Ashby-Signature"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return httpx.post(f"{running.url}/ashby/webhook", content=body, headers=headers, timeout=10).status_code


def webhook(action: str, schedule: dict[str, Any]) -> dict[str, Any]:
    return {"action": action, "data": {"interviewSchedule": schedule}}


def imported(running: RunningBot) -> dict[str, Any]:
    return {k: v.interview for k, v in running.bot.repository.sources.known(source="ashby").items()}


def test_signed_webhooks_create_update_and_cancel_and_bad_ones_change_nothing(
    running: RunningBot, ashby: FakeAshby, clock: FakeClock
) -> None:
    created = ashby.schedule("s1", start="2026-03-03T10:00:00Z", end="2026-03-03T11:30:00Z",
                             emails=(ANA_MAIL, BO_MAIL), updated="2026-03-02T08:00:00Z")  # fmt: skip
    before = table_rows(running.bot.repository.engine)
    assert deliver(running, webhook("interviewScheduleCreate", created), secret="not-the-secret") == 401
    assert deliver(running, webhook("interviewScheduleCreate", created), secret=None) == 401
    assert deliver(running, webhook("interviewScheduleCreate", created), signature="sha256=") == 401
    assert table_rows(running.bot.repository.engine) == before  # nothing changed, not even a claim

    assert deliver(running, webhook("interviewScheduleCreate", created)) == 200
    [interview] = imported(running).values()
    assert (interview.candidate, interview.role, interview.stage) == (
        "Lin Ashby",
        "Product Designer",
        Stage.ONSITE,
    )
    assert interview.starts_at == datetime(2026, 3, 3, 10, tzinfo=UTC) and interview.length_minutes == 90
    assert interview.interviewer_ids == (ANA, BO)
    assert (interview.hiring_manager_id, interview.recruiter_id) == (HIRING_MANAGER, RECRUITER)

    assert deliver(running, webhook("interviewScheduleCreate", created)) == 200  # replayed: nothing new
    assert len(imported(running)) == 1 and running.bot.repository.interviews.list_open()[1] == 1

    newer = ashby.schedule("s1", start="2026-03-03T14:00:00Z", end="2026-03-03T15:00:00Z",
                           emails=(CARL_MAIL, BO_MAIL), updated="2026-03-02T08:30:00Z")  # fmt: skip
    older = {**newer, "updatedAt": "2026-03-02T08:10:00Z",
             "interviewEvents": [{**newer["interviewEvents"][0], "startTime": "2026-03-03T12:00:00Z",
                                  "endTime": "2026-03-03T13:00:00Z"}]}  # fmt: skip
    assert deliver(running, webhook("interviewScheduleUpdate", newer)) == 200
    assert deliver(running, webhook("interviewScheduleUpdate", older)) == 200  # late: out of order
    [moved] = imported(running).values()
    assert moved.starts_at == datetime(2026, 3, 3, 14, tzinfo=UTC) and moved.interviewer_ids == (CARL, BO)

    cancelled = ashby.schedule("s1", start="2026-03-03T14:00:00Z", end="2026-03-03T15:00:00Z",
                               emails=(CARL_MAIL, BO_MAIL), updated="2026-03-02T08:40:00Z", status="Cancelled")  # fmt: skip
    assert deliver(running, webhook("interviewScheduleUpdate", cancelled)) == 200
    [gone] = imported(running).values()
    assert gone.status is InterviewStatus.CANCELLED
    assert deliver(running, {"action": "ping", "data": {}}) == 200
    assert deliver(running, {"no": "action"}) == 400


def test_the_reconciling_poll_catches_what_no_webhook_brought(
    running: RunningBot, ashby: FakeAshby, clock: FakeClock
) -> None:
    first = ashby.schedule("s1", start="2026-03-03T10:00:00Z", end="2026-03-03T11:00:00Z",
                           emails=(ANA_MAIL,), updated="2026-03-02T08:00:00Z")  # fmt: skip
    assert deliver(running, webhook("interviewScheduleCreate", first)) == 200
    # Two webhooks never arrive: a new schedule, and a move of the first.
    ashby.schedule("s2", start="2026-03-04T10:00:00Z", end="2026-03-04T11:00:00Z",
                   emails=(BO_MAIL,), updated="2026-03-02T08:20:00Z", application="app-2")  # fmt: skip
    ashby.schedule("s1", start="2026-03-03T16:00:00Z", end="2026-03-03T17:00:00Z",
                   emails=(ANA_MAIL,), updated="2026-03-02T08:30:00Z")  # fmt: skip
    assert running.bot.sync is not None
    [report] = running.bot.sync.run(now=clock(), force=True)
    assert report.error is None and (report.created, report.moved) == (1, 1), report
    found = imported(running)
    assert found["ashby:s2"].candidate == "Max Missed" and found["ashby:s2"].interviewer_ids == (BO,)
    assert found["ashby:s2"].hiring_manager_id == RECRUITER  # no hiring manager on that team
    assert found["ashby:s1"].starts_at == datetime(2026, 3, 3, 16, tzinfo=UTC)
    token = running.bot.repository.sources.source_cursor(name="ashby")
    assert token == "sync-3"

    # The next poll asks only for changes since that token, and re-reading changes nothing.
    [again] = running.bot.sync.run(now=clock(), force=True)
    assert (again.created, again.moved, again.cancelled) == (0, 0, 0)
    assert ashby.requests[-1] == ("interviewSchedule.list", {"limit": 100, "syncToken": "sync-3"})
    [status] = running.bot.repository.sources.source_statuses()
    assert status.imported == 2 and status.last_success_at == clock()
