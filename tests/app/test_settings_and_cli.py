"""What an operator meets first: settings errors, the missing-token message, and the manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.__main__ import main
from bot.domain.summary_types import Veto
from bot.ids import Callback, usage_hint
from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
# The public JSON Schema of Slack app manifests (SchemaStore), kept with the tests so they always run.
SCHEMA = ROOT / "tests" / "fixtures" / "slack-app-manifest.json"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env and no Slack variables from the developer's shell leak into these tests."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "DEBRIEF_TICK_SECONDS",
        "DEBRIEF_VETO",
        "DEBRIEF_RECRUITERS",
        "PORT",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///debrief.db"
    assert settings.debrief_tick_seconds == 30
    assert settings.debrief_remind_after_minutes == 120
    assert settings.debrief_deadline_minutes == 1440
    assert settings.port == 3000
    assert settings.policy.vetoes == {Veto.STRONG_NO, Veto.DEAL_BREAKER}


def test_lists_and_vetoes_are_read_from_plain_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_RECRUITERS", " U1, S2 ,,U3")
    monkeypatch.setenv("DEBRIEF_VETO", "none")
    settings = load_settings()
    assert settings.debrief_recruiters == ("U1", "S2", "U3")
    assert settings.policy.vetoes == frozenset()


def test_a_malformed_setting_is_named_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBRIEF_TICK_SECONDS", "soon")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith("DEBRIEF_TICK_SECONDS:")
    assert "\n" not in str(raised.value)


def test_run_without_tokens_says_exactly_which_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode, as manifest.yml sets up) or " in err
    assert "SLACK_SIGNING_SECRET (HTTP mode)" in err
    assert "Traceback" not in err


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().missing_for_run() == ["SLACK_BOT_TOKEN"]


def test_the_command_line_exits_2_without_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DEBRIEF_TICK_SECONDS": "-1", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("debrief-bot: DEBRIEF_TICK_SECONDS:")
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "x.db").exists()


def test_manifest_is_valid_and_declares_what_the_code_uses() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/debrief"]
    # The usage hint Slack shows as people type is the subcommand table's, not a copy kept by hand.
    assert manifest["features"]["slash_commands"][0]["usage_hint"] == usage_hint()
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert [s["callback_id"] for s in manifest["features"]["shortcuts"]] == [Callback.SCHEDULE_SHORTCUT]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # chat.postMessage, conversations.open (DM for exports), conversations.join, usergroups.users.list,
    # users.info (time zones for reminders), files_upload_v2 (exports), the slash command:
    assert scopes == {
        "commands",
        "chat:write",
        "im:write",
        "channels:join",
        "usergroups:read",
        "users:read",
        # users.list / users.lookupByEmail: imported interviews' interviewers, by e-mail
        "users:read.email",
        "files:write",
        # files.list: before re-uploading an export whose answer was lost, find the one already there
        "files:read",
        # conversations.info (can we post there?); per-candidate private channels (create/invite/topic/archive):
        "channels:read",
        "groups:read",
        "groups:write",
        # conversations.history/replies: after a crash, find a message already posted instead of repeating it
        "channels:history",
        "groups:history",
        "im:history",
    }
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_env_example_documents_every_setting() -> None:
    from bot.settings import Settings

    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert documented == {name.upper() for name in Settings.model_fields}
