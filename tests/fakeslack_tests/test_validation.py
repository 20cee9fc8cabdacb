"""Block Kit limits: the fake refuses what Slack refuses, including what slack_sdk lets through."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


def pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": pt(text), "value": value}


def button(text: str = "Go", action_id: str = "go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": pt(text), "action_id": action_id, **extra}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def select(options: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "pick", "options": options, **extra}


def input_block(element: dict[str, Any], block_id: str = "in") -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": pt("Label"), "element": element}


def rejected(client: WebClient, blocks: list[dict[str, Any]]) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    return raised.value


INVALID_MESSAGES = {
    "51 blocks": [{"type": "divider"}] * 51,
    "section text 3001": [section("x" * 3001)],
    "11 fields": [{"type": "section", "fields": [pt("f")] * 11}],
    "header 151": [{"type": "header", "text": pt("x" * 151)}],
    "header mrkdwn": [{"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}}],
    "empty text": [section("")],
    "button text 76": [{"type": "actions", "elements": [button("x" * 76)]}],
    "block_id 256": [{"type": "divider", "block_id": "b" * 256}],
    "action_id 256": [{"type": "actions", "elements": [button(action_id="a" * 256)]}],
    "duplicate block_id": [{"type": "divider", "block_id": "d"}, {"type": "divider", "block_id": "d"}],
    "duplicate action_id": [{"type": "actions", "elements": [button(), button()]}],
    "26 actions": [{"type": "actions", "elements": [button(action_id=f"a{i}") for i in range(26)]}],
    "11 context": [{"type": "context", "elements": [pt("c")] * 11}],
    # slack_sdk's to_dict() lets these through when the options are dicts:
    "option text 76": [{"type": "actions", "elements": [select([option("x" * 76, "v")])]}],
    "option value 151": [{"type": "actions", "elements": [select([option("x", "v" * 151)])]}],
    "101 options": [{"type": "actions", "elements": [select([option("o", str(i)) for i in range(101)])]}],
    "initial option not offered": [
        {"type": "actions", "elements": [select([option("a", "a")], initial_option=option("b", "b"))]}
    ],
    "11 checkboxes": [
        input_block(
            {"type": "checkboxes", "action_id": "c", "options": [option("o", str(i)) for i in range(11)]}
        )
    ],
    "11 radio buttons": [
        input_block(
            {"type": "radio_buttons", "action_id": "r", "options": [option("o", str(i)) for i in range(11)]}
        )
    ],
    "max_length 3001": [input_block({"type": "plain_text_input", "action_id": "t", "max_length": 3001})],
    "unknown block type": [{"type": "sparkles"}],
    "unknown element": [{"type": "actions", "elements": [{"type": "sparkles", "action_id": "s"}]}],
}


@pytest.mark.parametrize("blocks", INVALID_MESSAGES.values(), ids=INVALID_MESSAGES.keys())
def test_invalid_message_blocks_are_refused(fake: FakeSlack, client: WebClient, blocks: list[Any]) -> None:
    error = rejected(client, blocks)
    assert error.response["error"] == "invalid_blocks"
    assert error.response["response_metadata"]["messages"][0].startswith("[ERROR]")
    assert fake.messages("C1") == [] and [e.error for e in fake.errors] == ["invalid_blocks"]


def test_fifty_blocks_are_fine(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="t", blocks=[section(f"b{i}") for i in range(50)])
    assert fake.errors == []


def test_blocks_without_text_fallback_fail_in_strict_mode_and_warn_otherwise(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    with pytest.warns(UserWarning), pytest.raises(SlackApiError, match="no_text"):
        client.chat_postMessage(channel="C1", blocks=[section("hi")])
    with FakeSlack(strict=False, channels=[{"id": "C1", "name": "x"}]) as lenient:
        lenient_client = WebClient(token="xoxb-test", base_url=lenient.api_url)
        with pytest.warns(UserWarning):
            lenient_client.chat_postMessage(channel="C1", blocks=[section("hi")])
        assert lenient.errors == [] and "without a `text` fallback" in lenient.warnings[0]


def test_malformed_blocks_json_in_a_form_body(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_blocks_format"):
        client.api_call("chat.postMessage", params={"channel": "C1", "text": "x", "blocks": "[{oops"})


def modal(**fields: Any) -> dict[str, Any]:
    return {"type": "modal", "title": pt("Debrief"), "submit": pt("Save"), "blocks": [section("hi")]} | fields


INVALID_VIEWS = {
    "101 blocks": modal(blocks=[{"type": "divider"}] * 101),
    "submit 25": modal(submit=pt("s" * 25)),
    "close 25": modal(close=pt("c" * 25)),
    "private_metadata 3001": modal(private_metadata="p" * 3001),
    "no title": {"type": "modal", "blocks": [section("hi")]},
    "inputs without submit": {
        "type": "modal",
        "title": pt("T"),
        "blocks": [input_block({"type": "plain_text_input", "action_id": "t"})],
    },
    "nested header 151": modal(blocks=[{"type": "header", "text": pt("x" * 151)}]),
    "checkboxes 11 in a modal": modal(
        blocks=[
            input_block(
                {"type": "checkboxes", "action_id": "c", "options": [option("o", str(i)) for i in range(11)]}
            )
        ]
    ),
}


@pytest.mark.parametrize("view", INVALID_VIEWS.values(), ids=INVALID_VIEWS.keys())
def test_invalid_views_are_refused(fake: FakeSlack, client: WebClient, view: dict[str, Any]) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=fake.issue_trigger(), view=view)
    assert raised.value.response["error"] == "invalid_arguments"


def test_a_hundred_blocks_fit_a_modal_but_250_kb_do_not(fake: FakeSlack, client: WebClient) -> None:
    client.views_open(
        trigger_id=fake.issue_trigger(), view=modal(blocks=[section(f"{i}") for i in range(100)])
    )
    huge = modal(blocks=[section("x" * 2900) for _ in range(90)])
    with pytest.raises(SlackApiError, match="view_too_large"):
        client.views_open(trigger_id=fake.issue_trigger(), view=huge)
