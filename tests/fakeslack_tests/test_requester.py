"""SlackRequester against a real Bolt App wired to the fake: signatures, payloads, modals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from fakeslack import FakeSlack, SlackRequester, last_view

from .bolt_server import BoltServer

SECRET = "shh-signing-secret"


def pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def field(block_id: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    element = {"action_id": block_id, **element}
    return {
        "type": "input",
        "block_id": block_id,
        "label": pt(block_id),
        "element": element,
        "optional": optional,
    }


STAGES = [{"text": pt("Phone screen"), "value": "phone"}, {"text": pt("Onsite"), "value": "onsite"}]
SCHEDULE = {
    "type": "modal",
    "callback_id": "schedule",
    "title": pt("Schedule"),
    "submit": pt("Save"),
    "private_metadata": "C1",
    "blocks": [
        field("candidate", {"type": "plain_text_input", "max_length": 80}),
        field("stage", {"type": "static_select", "options": STAGES}),
        field("interviewers", {"type": "multi_users_select"}),
        field("starts_at", {"type": "datetimepicker"}),
        field("length_minutes", {"type": "number_input", "is_decimal_allowed": False, "initial_value": "45"}),
        field("notes", {"type": "plain_text_input", "multiline": True}, optional=True),
        field(
            "flags",
            {"type": "checkboxes", "options": [{"text": pt("Remote"), "value": "remote"}]},
            optional=True,
        ),
    ],
}
PROMPT: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Ada's debrief is due"}},
    {"type": "actions", "block_id": "actions", "elements": [
        {"type": "button", "text": pt("Write debrief"), "action_id": "write_debrief", "value": "interview-7"},
    ]},
]  # fmt: skip


@pytest.fixture
def seen() -> list[Any]:
    return []


@pytest.fixture
def app(fake: FakeSlack, seen: list[Any]) -> App:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    app = App(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/debrief")
    def command(ack: Any, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        seen.append(body)
        client.views_open(trigger_id=body["trigger_id"], view=SCHEDULE)
        respond("Opening the form")

    @app.action("write_debrief")
    def write(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen.append(body)
        client.views_open(trigger_id=body["trigger_id"], view=SCHEDULE)

    @app.view("schedule")
    def submit(ack: Any, view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        seen.append(view)
        if values["candidate"]["candidate"]["value"] == "nobody":
            ack(response_action="errors", errors={"candidate": "Who is it?"})
        else:
            ack()

    @app.view_closed("schedule")
    def closed(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(body)

    @app.shortcut("schedule_interview_shortcut")
    def shortcut(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(body)

    @app.event("app_mention")
    def mention(event: dict[str, Any], body: dict[str, Any], request: Any) -> None:
        seen.append((event, body["event_id"], request.headers.get("x-slack-retry-num")))

    return app


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Iterator[SlackRequester]:
    with BoltServer(app) as server:
        yield SlackRequester(server.url, SECRET, fake=fake)


def test_command_arrives_signed_with_slacks_fields_and_a_working_trigger(
    slack: SlackRequester, fake: FakeSlack, seen: list[Any]
) -> None:
    reply = slack.command("/debrief", "schedule Ada", user_id="U1", channel_id="C1")
    assert reply.status == 200
    [body] = seen
    assert (body["command"], body["text"], body["user_id"], body["channel_id"], body["team_id"]) == (
        "/debrief", "schedule Ada", "U1", "C1", "T0001",
    )  # fmt: skip
    assert last_view(fake)["id"].startswith("V")
    [responded] = fake.calls("response_url")
    assert responded.params["text"] == "Opening the form"
    assert fake.errors == []


def test_bad_signatures_and_stale_timestamps_get_401(slack: SlackRequester, seen: list[Any]) -> None:
    assert slack.command(user_id="U1", secret="forged").status == 401
    assert slack.command(user_id="U1", sign=False).status == 401
    assert slack.command(user_id="U1", timestamp=int(time.time()) - 600).status == 401
    assert slack.raw("payload=%7Bnot-json").status == 400
    assert seen == []


def test_view_submission_builds_state_from_the_view_the_app_opened(
    slack: SlackRequester, fake: FakeSlack, seen: list[Any]
) -> None:
    slack.command(user_id="U1")
    view = last_view(fake)
    starts = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)
    values = {"candidate": "Ada", "stage": "onsite", "interviewers": ["U1", "U2"], "starts_at": starts}
    assert slack.view_submission(view, values, user_id="U1").status == 200
    state = seen[-1]["state"]["values"]
    assert seen[-1]["id"] == view["id"] and seen[-1]["private_metadata"] == "C1"
    assert state["candidate"]["candidate"] == {"type": "plain_text_input", "value": "Ada"}
    assert state["stage"]["stage"]["selected_option"] == STAGES[1]
    assert state["interviewers"]["interviewers"]["selected_users"] == ["U1", "U2"]
    assert state["starts_at"]["starts_at"]["selected_date_time"] == int(starts.timestamp())
    assert state["length_minutes"]["length_minutes"]["value"] == "45"  # the initial value, as Slack keeps it
    assert state["notes"]["notes"]["value"] is None and state["flags"]["flags"]["selected_options"] == []

    errors = slack.view_submission(view, {**values, "candidate": "nobody"}, user_id="U1").json()
    assert errors == {"response_action": "errors", "errors": {"candidate": "Who is it?"}}


def test_a_person_can_only_pick_what_is_shown(slack: SlackRequester, fake: FakeSlack) -> None:
    slack.command(user_id="U1")
    view = last_view(fake)
    base = {"candidate": "Ada", "interviewers": ["U1"], "starts_at": 1714999999}
    with pytest.raises(ValueError, match="'final' is not offered"):
        slack.view_submission(view, {**base, "stage": "final"}, user_id="U1")
    with pytest.raises(ValueError, match="required input 'stage' is empty"):
        slack.view_submission(view, base, user_id="U1")
    with pytest.raises(KeyError, match="no input block"):
        slack.view_submission(view, {**base, "stage": "onsite", "salary": "1"}, user_id="U1")


def test_button_click_in_a_posted_message_brings_a_trigger(
    slack: SlackRequester, fake: FakeSlack, client: WebClient, seen: list[Any]
) -> None:
    client.chat_postMessage(channel="U1", text="Ada's debrief is due", blocks=PROMPT)
    [message] = fake.messages("U1")
    assert slack.block_action("write_debrief", user_id="U1", message=message).status == 200
    [body] = seen
    assert body["actions"][0] | {"action_ts": None} == {
        "action_id": "write_debrief", "block_id": "actions", "type": "button", "value": "interview-7",
        "text": pt("Write debrief"), "action_ts": None,
    }  # fmt: skip
    assert body["container"]["channel_id"] == "DU1" and body["message"]["ts"] == message["ts"]
    assert fake.calls("views.open", ok=True)
    with pytest.raises(ValueError, match="cannot click"):
        slack.block_action("decide_advance", user_id="U1", message=message)


def test_view_closed_shortcut_and_retried_events(
    slack: SlackRequester, fake: FakeSlack, seen: list[Any]
) -> None:
    slack.command(user_id="U1")
    slack.view_closed(last_view(fake), user_id="U1")
    assert seen[-1]["type"] == "view_closed"
    slack.shortcut("schedule_interview_shortcut", user_id="U2")
    assert seen[-1]["type"] == "shortcut" and seen[-1]["trigger_id"]
    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "channel": "C1", "ts": "1.000100"}
    slack.event(event, event_id="Ev1")
    slack.event(event, event_id="Ev1", retry_num=1, retry_reason="http_timeout")
    assert [s[1:] for s in seen[-2:]] == [("Ev1", None), ("Ev1", ["1"])]
    assert slack.url_verification("abc").json() == {"challenge": "abc"}
