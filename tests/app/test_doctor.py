"""`debrief-bot doctor` against the Slack stand-in with one fault seeded at a time: the right line
fails, with the right fix, and the exit status says so."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.doctor import diagnose, render
from bot.doctor.lines import Line, Status
from bot.doctor.scopes import FEATURES
from bot.settings import Settings, SettingsError
from fakeslack import FakeSlack
from storage.database import make_engine, upgrade
from storage.repository import Outgoing, Repository

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_SCOPES = yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"]
BOT_TOKEN, APP_TOKEN = "xoxb-doctor", "xapp-1-doctor"
CHANNEL = "CHIRING"
RITA, GONE = "URITA", "UGONE"


def now() -> datetime:
    return datetime.now(UTC)  # the Date header check compares with this machine's real clock


def slack(**kwargs: Any) -> FakeSlack:
    fake = FakeSlack(scopes=kwargs.pop("scopes", MANIFEST_SCOPES), team="Acme Robotics", **kwargs)
    fake.add_user(RITA, "rita", real_name="Rita Okafor")
    fake.add_user(GONE, "gone", real_name="Old Recruiter")
    fake.add_usergroup("SRECRUIT", [RITA])
    return fake


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with slack() as running:
        running.add_channel(CHANNEL, "hiring")
        yield running


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A migrated SQLite database whose scheduler ticked a few seconds ago."""
    url = f"sqlite:///{tmp_path / 'debrief.db'}"
    engine = make_engine(url)
    upgrade(engine)
    Repository(engine).health.record_tick(now=now() - timedelta(seconds=5))
    engine.dispose()
    return url


def settings_for(fake: FakeSlack, database: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": APP_TOKEN,
        "slack_signing_secret": "",
        "slack_api_url": fake.api_url,
        "database_url": database,
        "debrief_channel": CHANNEL,
        "debrief_recruiters": (RITA, "SRECRUIT"),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def check(fake: FakeSlack, database: str, **overrides: Any) -> dict[str, list[Line]]:
    lines = diagnose(lambda: settings_for(fake, database, **overrides), now=now)
    by_title: dict[str, list[Line]] = {}
    for line in lines:
        by_title.setdefault(line.title, []).append(line)
    return by_title


def failed(lines: dict[str, list[Line]]) -> dict[str, Line]:
    return {title: line for title, found in lines.items() for line in found if line.status is Status.FAIL}


def output(lines: dict[str, list[Line]]) -> str:
    stream = io.StringIO()
    render([line for found in lines.values() for line in found], stream)
    return stream.getvalue()


def test_a_healthy_installation_passes_every_check(fake: FakeSlack, database: str) -> None:
    lines = check(fake, database)
    assert failed(lines) == {}
    assert all(line.status is Status.PASS for found in lines.values() for line in found), output(lines)
    assert "Acme Robotics" in lines["Bot token"][0].detail and "@debrief-bot" in lines["Bot token"][0].detail
    assert (
        "Rita Okafor" in lines["Recruiters"][0].detail
        and "SRECRUIT (1 people)" in lines["Recruiters"][0].detail
    )
    assert "All checks passed." in output(lines)


@pytest.mark.postgres
def test_a_healthy_installation_on_postgresql(fake: FakeSlack, database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    Repository(engine).health.record_tick(now=now())
    engine.dispose()
    assert failed(check(fake, database_url)) == {}


def test_scopes_table_is_what_the_manifest_asks_for() -> None:
    assert set(FEATURES) == set(MANIFEST_SCOPES)


def test_a_missing_scope_names_the_feature_it_breaks(database: str) -> None:
    with slack(scopes=[s for s in MANIFEST_SCOPES if s not in ("chat:write", "files:write")]) as fake:
        fake.add_channel(CHANNEL, "hiring")
        bad = failed(check(fake, database))
    assert set(bad) == {"Scopes", "Can post"}
    assert "chat:write (every prompt, reminder, summary and DM)" in bad["Scopes"].detail
    assert "files:write (/debrief export" in bad["Scopes"].detail
    assert "reinstall the app" in bad["Scopes"].fix
    assert "chat:write is not granted" in bad["Can post"].detail


def test_a_revoked_token_fails_the_token_line_and_skips_what_needs_it(fake: FakeSlack, database: str) -> None:
    fake.revoke_token(BOT_TOKEN)
    lines = check(fake, database)
    bad = failed(lines)
    assert set(bad) == {"Bot token"}
    assert "token_revoked" in bad["Bot token"].detail
    assert "reinstall the app" in bad["Bot token"].fix and "SLACK_BOT_TOKEN" in bad["Bot token"].fix
    assert lines["Scopes"][0].status is Status.SKIP and lines["Clock"][0].status is Status.SKIP


def test_an_invalid_token(database: str) -> None:
    with slack(tokens={APP_TOKEN}) as fake:
        bad = failed(check(fake, database))
    assert "invalid_auth" in bad["Bot token"].detail and "xoxb-" in bad["Bot token"].fix


def test_a_user_token_in_place_of_the_bot_token(fake: FakeSlack, database: str) -> None:
    bad = failed(check(fake, database, slack_bot_token="xoxp-someone"))
    assert set(bad) == {"Bot token"}
    assert "a user token" in bad["Bot token"].detail and "(xoxb-…)" in bad["Bot token"].fix
    assert fake.calls("auth.test") == []


def test_an_archived_channel(database: str) -> None:
    with slack() as fake:
        fake.add_channel(CHANNEL, "hiring", archived=True)
        bad = failed(check(fake, database))
    assert set(bad) == {"Channel open", "Can post"}
    assert "#hiring is archived" in bad["Channel open"].detail
    assert "Unarchive #hiring" in bad["Channel open"].fix


def test_a_channel_the_bot_is_not_in_and_cannot_join(database: str) -> None:
    with slack(scopes=[s for s in MANIFEST_SCOPES if s != "channels:join"]) as fake:
        fake.add_channel(CHANNEL, "hiring", member=False)
        bad = failed(check(fake, database))
    assert {"Bot in channel", "Can post"} <= set(bad)
    assert "not a member of #hiring" in bad["Bot in channel"].detail
    assert bad["Bot in channel"].fix == "Type /invite @debrief-bot in #hiring."


def test_a_public_channel_the_bot_may_join_passes(database: str) -> None:
    with slack() as fake:
        fake.add_channel(CHANNEL, "hiring", member=False)
        lines = check(fake, database)
    assert failed(lines) == {}
    assert "joins #hiring on its first post" in lines["Bot in channel"][0].detail


def test_an_externally_shared_channel(database: str) -> None:
    with slack() as fake:
        fake.add_channel(CHANNEL, "hiring", ext_shared=True)
        bad = failed(check(fake, database))
    assert set(bad) == {"Channel not shared outside"}
    assert "shared with another organisation" in bad["Channel not shared outside"].detail
    assert "HR data" in bad["Channel not shared outside"].fix


def test_a_wrong_channel_id_or_a_name(fake: FakeSlack, database: str) -> None:
    bad = failed(check(fake, database, debrief_channel="#hiring"))
    assert set(bad) == {"Debrief channel"}
    assert "channel_not_found" in bad["Debrief channel"].detail
    assert "Channel ID" in bad["Debrief channel"].fix and "not its name" in bad["Debrief channel"].fix


def test_a_private_channel_the_bot_was_not_invited_to_is_invisible(database: str) -> None:
    with slack() as fake:
        fake.add_channel(CHANNEL, "hiring", is_private=True, member=False)
        bad = failed(check(fake, database))
    assert "channel_not_found" in bad["Debrief channel"].detail and "/invite" in bad["Debrief channel"].fix


def test_socket_mode_needs_an_app_level_token(fake: FakeSlack, database: str) -> None:
    assert check(fake, database)["Socket Mode"][0].status is Status.PASS
    assert [c.token for c in fake.calls("apps.connections.open")] == [APP_TOKEN]
    bad = failed(check(fake, database, slack_app_token="xapp-1-revoked"))
    assert bad == {}  # the fake accepts any xapp- token unless told otherwise
    fake.revoke_token("xapp-1-revoked")
    bad = failed(check(fake, database, slack_app_token="xapp-1-revoked"))
    assert "token_revoked" in bad["Socket Mode"].detail and "App-Level Tokens" in bad["Socket Mode"].fix
    bad = failed(check(fake, database, slack_app_token=BOT_TOKEN))
    assert "not an app-level token" in bad["Socket Mode"].detail


def test_http_mode_needs_the_signing_secret(fake: FakeSlack, database: str) -> None:
    lines = check(fake, database, slack_app_token="", slack_signing_secret="s3cret")
    assert lines["HTTP mode"][0].status is Status.PASS
    bad = failed(check(fake, database, slack_app_token=""))
    assert "SLACK_SIGNING_SECRET" in bad["HTTP mode"].fix


def test_recruiters_resolve_or_say_who_does_not(fake: FakeSlack, database: str) -> None:
    fake.add_user("UBOT2", "robot", is_bot=True)
    bad = failed(check(fake, database, debrief_recruiters=(RITA, "UNOBODY", "SNOGROUP", "UBOT2")))
    detail = bad["Recruiters"].detail
    assert "UNOBODY: user_not_found" in detail and "SNOGROUP: no_such_subteam" in detail
    assert "UBOT2 is a bot" in detail
    assert "member id" in bad["Recruiters"].fix


def test_no_recruiters_is_a_warning_not_a_failure(fake: FakeSlack, database: str) -> None:
    lines = check(fake, database, debrief_recruiters=())
    assert lines["Recruiters"][0].status is Status.WARN
    assert "only workspace admins and owners may schedule" in lines["Recruiters"][0].detail
    assert failed(lines) == {}


def test_clock_skew_against_slacks_date_header(database: str) -> None:
    with slack(date_skew=600) as fake:
        fake.add_channel(CHANNEL, "hiring")
        bad = failed(check(fake, database))
    assert set(bad) == {"Clock"}
    assert "behind Slack" in bad["Clock"].detail and "NTP" in bad["Clock"].fix


def test_a_scheduler_that_never_ticked_or_stopped(fake: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quiet.db'}"
    engine = make_engine(url)
    upgrade(engine)
    bad = failed(check(fake, url))
    assert set(bad) == {"Scheduler"}
    assert "has ever ticked" in bad["Scheduler"].detail and "debrief-bot scheduler" in bad["Scheduler"].fix
    Repository(engine).health.record_tick(now=now() - timedelta(hours=3))
    bad = failed(check(fake, url))
    assert "last tick 3 h ago" in bad["Scheduler"].detail and "restart it" in bad["Scheduler"].fix
    engine.dispose()


def test_dead_letters_and_a_stuck_outbox(fake: FakeSlack, database: str) -> None:
    engine = make_engine(database)
    repository = Repository(engine)
    owed = [
        Outgoing(
            key=f"doctor:{n}",
            kind="test",
            method="chat.postMessage",
            payload={"channel": CHANNEL, "text": "hi"},
        )
        for n in range(2)
    ]
    repository.outbox.enqueue(outgoing=owed, now=now() - timedelta(hours=1))
    [first, _] = [d.id for d in repository.outbox.due_outbox(now=now())]
    repository.outbox.outbox_failed(outbox_id=first, error="not_in_channel")
    lines = check(fake, database)
    outbox = [line for line in lines["Outbox"] if line.status is Status.FAIL]
    assert len(outbox) == 2, output(lines)
    assert "1 message(s) could not be delivered (last error: not_in_channel)" in outbox[0].detail
    assert "1 message(s) owed, the oldest for 60 min" in outbox[1].detail
    engine.dispose()


def test_a_database_that_is_missing_or_not_migrated(fake: FakeSlack, tmp_path: Path) -> None:
    bad = failed(check(fake, f"sqlite:///{tmp_path / 'nowhere.db'}"))
    assert "does not exist" in bad["Database"].detail and "db upgrade" in bad["Database"].fix
    assert not (tmp_path / "nowhere.db").exists()  # the doctor never creates one
    make_engine(f"sqlite:///{tmp_path / 'empty.db'}").connect().close()
    lines = check(fake, f"sqlite:///{tmp_path / 'empty.db'}")
    assert failed(lines)["Migrations"].fix.startswith("Run `debrief-bot db upgrade`")
    assert lines["Scheduler"][0].status is Status.SKIP


def test_a_database_url_that_cannot_be_used(fake: FakeSlack) -> None:
    for url in ("nonsense", "mysql+nosuchdriver://u@h/db"):
        bad = failed(check(fake, url))
        assert set(bad) == {"Database"}, url
        assert "DATABASE_URL can't be used" in bad["Database"].detail and "sqlite:///" in bad["Database"].fix
    bad = failed(check(fake, "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"))
    assert "cannot connect" in bad["Database"].detail and "secret" not in bad["Database"].detail


def test_unreadable_settings_are_the_one_failed_line() -> None:
    def broken() -> Settings:
        raise SettingsError("DEBRIEF_TICK_SECONDS: Input should be greater than 0 (got '-1')")

    [line] = diagnose(broken)
    assert line.status is Status.FAIL and "DEBRIEF_TICK_SECONDS" in line.detail and ".env" in line.fix


def test_the_command_prints_the_checklist_and_exits_non_zero_on_a_failure(
    fake: FakeSlack, database: str, tmp_path: Path
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEBRIEF_", "DATABASE_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database,
        "DEBRIEF_CHANNEL": CHANNEL,
        "DEBRIEF_RECRUITERS": RITA,
    }
    command = [sys.executable, "-m", "bot", "doctor"]
    good = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "✓ Bot token" in good.stdout and "All checks passed." in good.stdout
    fake.revoke_token(BOT_TOKEN)
    bad = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert "✗ Bot token" in bad.stdout and "→ The token was revoked" in bad.stdout
