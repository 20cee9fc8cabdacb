"""Settings, the scheduler's job and `/debrief sources` without any source."""

from __future__ import annotations

import pytest

from bot.scheduler import SOURCES_JOB_ID, build_scheduler
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import FakeClock
from tests.e2e.harness import CHANNEL, RECRUITER
from tests.sources.conftest import FeedServer, StartBot


def test_source_settings_are_read_from_the_environment_and_secrets_never_print(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBRIEF_ICS_URLS", "https://calendar.example/a.ics, /srv/b.ics ,")
    monkeypatch.setenv("GREENHOUSE_CLIENT_ID", "id")
    monkeypatch.setenv("GREENHOUSE_CLIENT_SECRET", "very-secret")
    monkeypatch.setenv("ASHBY_WEBHOOK_SECRET", "also-secret")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.debrief_ics_urls == ("https://calendar.example/a.ics", "/srv/b.ics")
    assert settings.greenhouse_enabled and not settings.ashby_enabled
    assert settings.debrief_source_poll_seconds == 300
    assert settings.greenhouse_api_url == "https://harvest.greenhouse.io/v3"
    assert "very-secret" not in repr(settings) and "also-secret" not in str(settings)
    assert "DEBRIEF_CHANNEL" in settings.missing_for_run()  # imported interviews need a channel


def test_a_title_pattern_without_its_fields_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_ICS_TITLE", "Interview with {candidate}")
    with pytest.raises(SettingsError, match="DEBRIEF_ICS_TITLE"):
        load_settings(_env_file=None)


def test_the_scheduler_syncs_sources_only_when_there_are_some(
    make_bot: StartBot, feed_server: FeedServer, clock: FakeClock
) -> None:
    plain = make_bot()
    assert plain.bot.sync is None
    assert SOURCES_JOB_ID not in {
        j.id for j in build_scheduler(plain.bot.flows, clock, tick_seconds=30).get_jobs()
    }
    running = make_bot(debrief_ics_urls=(feed_server.url,))
    scheduler = build_scheduler(
        running.bot.flows, clock, tick_seconds=30, sync=running.bot.sync, sync_seconds=120
    )
    job = scheduler.get_job(SOURCES_JOB_ID)
    assert job is not None and job.trigger.interval.total_seconds() == 120


def test_sources_without_any_source_says_how_to_connect_one(make_bot: StartBot) -> None:
    running = make_bot()
    shown = str(running.slack.command(text="sources", user_id=RECRUITER, channel_id=CHANNEL).json())
    assert "No calendar feed or ATS is connected" in shown and "DEBRIEF_ICS_URLS" in shown


def test_recruiter_groups_are_not_people_to_own_or_alert(make_bot: StartBot, feed_server: FeedServer) -> None:
    running = make_bot(debrief_ics_urls=(feed_server.url,), debrief_recruiters=("SRECRUITERS", RECRUITER))
    assert running.bot.sync is not None and running.bot.sync.recruiters == (RECRUITER,)
