"""Token and scope rules the doctor relies on: granted scopes (header and missing_scope), revoked
and app-level tokens, apps.connections.open, archived and Slack Connect channels, a skewed Date."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

GRANTED = ("chat:write", "channels:read", "users:read")


@pytest.fixture
def granted() -> Iterator[FakeSlack]:
    with FakeSlack(scopes=GRANTED) as fake:
        fake.add_user("U1", "ada")
        fake.add_channel("C1", "debriefs")
        fake.add_channel("CARCH", "old", archived=True)
        fake.add_channel("CEXT", "partners", ext_shared=True)
        yield fake


def client(fake: FakeSlack, token: str = "xoxb-1") -> WebClient:
    return WebClient(token=token, base_url=fake.api_url)


def error(call: object) -> dict[str, object]:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return dict(raised.value.response.data)  # type: ignore[arg-type]


def test_every_answer_names_the_granted_scopes(granted: FakeSlack) -> None:
    reply = client(granted).auth_test()
    assert reply.headers["x-oauth-scopes"] == ",".join(sorted(GRANTED))


def test_a_method_without_its_scope_is_refused_with_what_it_needs(granted: FakeSlack) -> None:
    body = error(lambda: client(granted).usergroups_users_list(usergroup="S1"))
    assert body["error"] == "missing_scope" and body["needed"] == "usergroups:read"
    assert body["provided"] == ",".join(sorted(GRANTED))
    assert error(lambda: client(granted).conversations_history(channel="C1"))["needed"] == "channels:history"
    assert client(granted).chat_postMessage(channel="C1", text="hi")["ok"]


def test_without_granted_scopes_nothing_is_checked_and_no_header_is_sent() -> None:
    with FakeSlack(usergroups={"S1": ["U1"]}) as fake:
        reply = client(fake).auth_test()
        assert "x-oauth-scopes" not in {k.lower() for k in reply.headers}
        assert client(fake).usergroups_users_list(usergroup="S1")["users"] == ["U1"]


def test_a_revoked_token_is_refused_everywhere(granted: FakeSlack) -> None:
    granted.revoke_token("xoxb-1")
    assert error(lambda: client(granted).auth_test())["error"] == "token_revoked"
    assert client(granted, "xoxb-2").auth_test()["ok"]


def test_app_level_tokens_open_socket_mode_connections_and_nothing_else(granted: FakeSlack) -> None:
    app = client(granted, "xapp-1-A")
    assert app.apps_connections_open(app_token="xapp-1-A")["url"].startswith("wss://")
    assert error(lambda: app.auth_test())["error"] == "not_allowed_token_type"
    bot = client(granted)
    assert error(lambda: bot.apps_connections_open(app_token="xoxb-1"))["error"] == "not_allowed_token_type"


def test_archived_and_externally_shared_channels(granted: FakeSlack) -> None:
    info = client(granted).conversations_info(channel="CARCH")["channel"]
    assert info["is_archived"] is True
    assert (
        error(lambda: client(granted).chat_postMessage(channel="CARCH", text="hi"))["error"] == "is_archived"
    )
    shared = client(granted).conversations_info(channel="CEXT")["channel"]
    assert shared["is_ext_shared"] is True and shared["is_shared"] is True
    assert client(granted).conversations_info(channel="C1")["channel"]["is_ext_shared"] is False
    granted.reset()  # the seeded flags survive a reset
    assert client(granted).conversations_info(channel="CEXT")["channel"]["is_ext_shared"] is True


def test_the_date_header_can_run_ahead() -> None:
    with FakeSlack(date_skew=3600) as fake:
        reply = client(fake).auth_test()
        date = email.utils.parsedate_to_datetime(reply.headers["Date"])
        assert 3590 < (date - datetime.now(UTC)).total_seconds() < 3610
