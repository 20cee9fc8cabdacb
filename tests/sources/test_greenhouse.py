"""Greenhouse Harvest v3 against a fake on loopback: token, three pages, a 429, a token that expires
mid-sync, the watermark, a sync that fails on its last page, and the hiring manager (the job's
hiring team, or an `HM:` line, which wins)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.domain.models import InterviewStatus, Stage
from bot.flows.sync import SourceSync
from bot.sources.greenhouse import Greenhouse
from bot.sources.http import Http
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, HIRING_MANAGER, RECRUITER, RunningBot
from tests.fakeapi import serving
from tests.sources.conftest import CARL, StartBot
from tests.sources.fake_greenhouse import CLIENT_ID, CLIENT_SECRET, FakeGreenhouse
from tests.sources.feeds import ANA_MAIL, BO_MAIL, CARL_MAIL, HANA_MAIL, NOBODY_MAIL


@pytest.fixture
def greenhouse() -> Iterator[FakeGreenhouse]:
    fake = FakeGreenhouse()
    with serving(fake.handle) as api:
        fake.base = api.url
        for n in range(1, 7):
            fake.add_interview(
                n,
                start=f"2026-03-0{2 + n % 5}T1{n}:00:00Z",
                end=f"2026-03-0{2 + n % 5}T1{n}:45:00Z",
                emails=(ANA_MAIL, BO_MAIL),
                updated=f"2026-03-01T10:0{n}:00Z",
            )
        yield fake


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def start(
    make_bot: StartBot, greenhouse: FakeGreenhouse, sleeps: Sleeps, **overrides: str
) -> tuple[RunningBot, SourceSync]:
    values = {
        "greenhouse_client_id": CLIENT_ID,
        "greenhouse_client_secret": CLIENT_SECRET,
        "greenhouse_api_url": f"{greenhouse.base}/v3",
        "greenhouse_token_url": f"{greenhouse.base}/token",
    }
    values.update(overrides)
    running = make_bot(**values)
    assert running.bot.sync is not None
    [source] = running.bot.sync.sources
    assert isinstance(source, Greenhouse)
    source.http = Http(what="Greenhouse", sleep=sleeps)  # retries wait on the test's terms
    source.page_size = 2
    return running, running.bot.sync


def imported(running: RunningBot) -> dict[str, object]:
    return {k: v.interview for k, v in running.bot.repository.sources.known(source="greenhouse").items()}


def cursor(running: RunningBot) -> dict[str, object]:
    return json.loads(running.bot.repository.sources.source_cursor(name="greenhouse"))


def test_every_interview_is_imported_once_across_pages_a_429_and_an_expired_token(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock
) -> None:
    sleeps = Sleeps()
    greenhouse.fail("/interviews?cursor", 429, retry_after="7")  # page 2, once
    greenhouse.expire_after_pages = 2  # the token dies after page 2 (3 with the 429): page 3 gets a 401
    running, sync = start(make_bot, greenhouse, sleeps)
    [report] = sync.run(now=clock(), force=True)
    assert report.error is None, report.error
    assert report.created == 6
    assert 7.0 in sleeps  # Retry-After waited out
    assert greenhouse.issued == 2  # a second token after the 401
    pages = [r for r in greenhouse.requests if r.path.endswith("/v3/interviews")]
    assert pages[0].arg("per_page") == "2" and all(set(p.query) == {"cursor"} for p in pages[1:])
    interviews = imported(running)
    assert len(interviews) == 6 and running.bot.repository.interviews.list_open(limit=50)[1] == 6
    first = interviews["greenhouse:1"]
    assert (first.candidate, first.role, first.stage) == ("Cand1 Idate", "Data Scientist", Stage.ONSITE)  # type: ignore[attr-defined]
    assert first.interviewer_ids == (ANA, BO) and first.recruiter_id == RECRUITER  # type: ignore[attr-defined]
    assert cursor(running) == {"watermark": "2026-03-02T08:55:00Z", "resume": None}

    # The next interval asks only for what changed since the watermark.
    greenhouse.add_interview(3, start="2026-03-05T15:00:00Z", end="2026-03-05T16:00:00Z",
                             emails=(CARL_MAIL, BO_MAIL), updated="2026-03-02T09:01:00Z")  # fmt: skip
    greenhouse.add_interview(4, start="2026-03-06T14:00:00Z", end="2026-03-06T14:45:00Z",
                             emails=(ANA_MAIL, BO_MAIL), updated="2026-03-02T09:02:00Z", status="cancelled")  # fmt: skip
    clock.advance(minutes=5)
    [again] = sync.run(now=clock(), force=True)
    assert (again.created, again.moved, again.cancelled) == (0, 1, 1), again
    asked = [r for r in greenhouse.requests if r.arg("updated_at")]
    assert asked[-1].arg("updated_at") == "gte|2026-03-02T08:55:00Z"
    after = imported(running)
    assert after["greenhouse:3"].interviewer_ids == (CARL, BO)  # type: ignore[attr-defined]
    assert after["greenhouse:4"].status is InterviewStatus.CANCELLED  # type: ignore[attr-defined]
    assert len(after) == 6


def test_the_watermark_advances_only_after_a_successful_page(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock
) -> None:
    running, sync = start(make_bot, greenhouse, Sleeps())
    greenhouse.broken_pages = {3}  # the last page fails for good: the first try and every retry
    [report] = sync.run(now=clock(), force=True)
    assert report.error is not None and "500" in report.error
    assert report.created == 4  # pages 1 and 2 are in
    saved = cursor(running)
    assert saved["watermark"] is None and "cursor=" in str(saved["resume"])
    assert running.bot.repository.sources.source_statuses()[0].error_since is not None
    assert running.bot.repository.sources.source_statuses()[0].imported == 4

    greenhouse.broken_pages = set()
    clock.advance(minutes=5)
    [resumed] = sync.run(now=clock(), force=True)
    assert resumed.error is None and resumed.created == 2
    assert len(imported(running)) == 6 and running.bot.repository.interviews.list_open(limit=50)[1] == 6
    assert running.bot.repository.sources.source_statuses()[0].imported == 6
    resumed_at = [r for r in greenhouse.requests if r.path.endswith("/v3/interviews")][-1]
    assert set(resumed_at.query) == {"cursor"}  # picked up at page 3, not from the start
    assert cursor(running) == {"watermark": "2026-03-02T08:55:00Z", "resume": None}  # the first run's start


def test_refused_credentials_are_reported_in_words(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock
) -> None:
    running, sync = start(make_bot, greenhouse, Sleeps(), greenhouse_client_secret="wrong")
    [report] = sync.run(now=clock(), force=True)
    assert report.error is not None and "GREENHOUSE_CLIENT_ID" in report.error
    assert "wrong" not in report.error and imported(running) == {}


# -- the hiring manager: the job's hiring team, or an `HM:` line --------------------------------------
def test_an_imported_interview_gets_its_jobs_first_hiring_manager_on_slack(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock, fake: FakeSlack
) -> None:
    greenhouse.add_hiring_manager(300, NOBODY_MAIL)  # listed first, but not on Slack: skipped
    greenhouse.add_hiring_manager(300, HANA_MAIL)
    greenhouse.add_hiring_manager(301, HANA_MAIL)
    greenhouse.max_per_page = 1  # every related list, the hiring managers too, comes a row per page
    greenhouse.fail("job_hiring_managers", 429, retry_after="3")
    greenhouse.fail("job_hiring_managers?cursor", 401)  # a token revoked between two pages
    sleeps = Sleeps()
    running, sync = start(make_bot, greenhouse, sleeps)
    [report] = sync.run(now=clock(), force=True)
    running.settle()
    assert report.error is None and report.created == 6, report
    assert {i.hiring_manager_id for i in imported(running).values()} == {HIRING_MANAGER}  # type: ignore[attr-defined]
    assert 3.0 in sleeps and greenhouse.issued == 2
    asked = [r for r in greenhouse.requests if r.path.endswith("/job_hiring_managers")]
    first = [r for r in asked if r.arg("cursor") is None]
    assert [r.arg("job_ids") for r in first] == ["300,301"] * 2  # the 429's retry; then cached for pages 2-3
    assert len(asked) == 2 + 2 + 1  # 3 rows a page each, plus the retry after the 429 and the 401
    assert not any(
        NOBODY_MAIL in m["text"] for m in fake.messages(RECRUITER)
    )  # Hana stood in: nothing to say


def test_a_hiring_manager_without_slack_leaves_none_and_the_recruiter_is_told(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock, fake: FakeSlack
) -> None:
    greenhouse.add_hiring_manager(300, NOBODY_MAIL)  # job 300: interviews 2, 4, 6; job 301 has no team
    running, sync = start(make_bot, greenhouse, Sleeps())
    [report] = sync.run(now=clock(), force=True)
    running.settle()
    assert report.error is None and report.created == 6
    interviews = imported(running)
    assert {i.hiring_manager_id for i in interviews.values()} == {RECRUITER}  # type: ignore[attr-defined]
    told = [m["text"] for m in fake.messages(RECRUITER) if NOBODY_MAIL in m["text"]]
    assert len(told) == 3, told
    assert all("hiring manager" in t for t in told)
    assert any(interviews["greenhouse:2"].short_id in t for t in told)  # type: ignore[attr-defined]


def test_an_hm_line_in_the_interviews_notes_wins_over_the_hiring_team(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock
) -> None:
    greenhouse.add_hiring_manager(300, HANA_MAIL)
    greenhouse.add_interview(2, start="2026-03-04T12:00:00Z", end="2026-03-04T12:45:00Z", emails=(ANA_MAIL,),
                             updated="2026-03-01T10:02:00Z", notes="Bring the laptop.\nHM: carl@example.com")  # fmt: skip
    running, sync = start(make_bot, greenhouse, Sleeps())
    [report] = sync.run(now=clock(), force=True)
    assert report.error is None
    interviews = imported(running)
    assert interviews["greenhouse:2"].hiring_manager_id == CARL  # type: ignore[attr-defined]
    assert interviews["greenhouse:4"].hiring_manager_id == HIRING_MANAGER  # type: ignore[attr-defined]


def test_a_failed_hiring_team_read_imports_the_interviews_without_one_and_says_so(
    make_bot: StartBot, greenhouse: FakeGreenhouse, clock: FakeClock
) -> None:
    greenhouse.add_hiring_manager(300, HANA_MAIL)
    greenhouse.fail("job_hiring_managers", 500, times=4)  # the first try and every retry
    running, sync = start(make_bot, greenhouse, Sleeps())
    [report] = sync.run(now=clock(), force=True)
    assert report.error is None and report.created == 6, report
    assert {i.hiring_manager_id for i in imported(running).values()} == {RECRUITER}  # type: ignore[attr-defined]
    [problem] = [p for p in report.problems if "hiring managers" in p]
    assert "300" in problem and "500" in problem
    [status] = running.bot.repository.sources.source_statuses()
    assert (
        status.error_since is None
        and status.last_error is not None
        and "hiring managers" in status.last_error
    )
