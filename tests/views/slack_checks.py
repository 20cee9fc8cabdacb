"""Checks a real Slack would make, including limits slack_sdk's validators don't enforce, and a
simulated `view.state.values` for a form submitted as pre-filled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.views import View

from bot.views.common import Message

PINGS = re.compile(r"<!(channel|here|everyone)\b")
# Our own constructs: user/channel mentions from ids and dates; anything else with < is a leak.
OWN_BRACKETS = re.compile(r"<(@[A-Za-z0-9._-]+|#[A-Za-z0-9._-]+|!date\^\d+\^[^|>]*\|[^>]*)>")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def texts(payload: Any) -> list[str]:
    """Every text a user can read: text objects (mrkdwn or plain) and labels, hints, placeholders."""
    found = []
    for node in _walk(payload):
        if node.get("type") in {"mrkdwn", "plain_text"} and isinstance(node.get("text"), str):
            found.append(node["text"])
    return found


def visible(payload: Any) -> str:
    return "\n".join(texts(payload))


def check_text_is_safe(text: str) -> None:
    assert not PINGS.search(text), text
    rest = OWN_BRACKETS.sub("", text)
    assert "<" not in rest and ">" not in rest, f"unescaped bracket in {text!r}"
    assert not re.search(r"&(?!amp;|lt;|gt;)", rest), f"unescaped & in {text!r}"


def check_block(block: dict[str, Any], *, where: str) -> None:
    kind = block["type"]
    if kind == "section":
        if "text" in block:
            assert 1 <= len(block["text"]["text"]) <= 3000
        assert len(block.get("fields", [])) <= 10
        assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
    elif kind == "header":
        assert 1 <= len(block["text"]["text"]) <= 150
    elif kind == "context":
        assert 1 <= len(block["elements"]) <= 10
        assert all(len(e["text"]) <= 3000 for e in block["elements"])
    elif kind == "actions":
        assert 1 <= len(block["elements"]) <= 25
        ids = [e["action_id"] for e in block["elements"]]
        assert len(ids) == len(set(ids)), "action ids repeat within a block"
    elif kind == "input":
        assert where == "modal"
        assert len(block["label"]["text"]) <= 2000
        assert len(block.get("hint", {}).get("text", "")) <= 2000
        element = block["element"]
        if element["type"] in {"radio_buttons", "checkboxes"}:
            assert len(element["options"]) <= 10
        if element["type"] == "plain_text_input":
            assert element.get("max_length", 3000) <= 3000
            assert len(element.get("initial_value", "")) <= element.get("max_length", 3000)
        if "max_selected_items" in element:
            assert element["max_selected_items"] >= 1
    for node in _walk(block):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
        if "options" in node and isinstance(node["options"], list):
            for option in node["options"]:
                assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
    for text in texts(block):
        check_text_is_safe(text)


def check_message(message: Message) -> dict[str, Any]:
    """Validate like Slack would; returns the chat.postMessage kwargs."""
    kwargs = message.as_kwargs()
    json.dumps(kwargs)  # serialisable as sent
    assert kwargs["text"].strip() and len(kwargs["text"]) <= 3000
    check_text_is_safe(kwargs["text"])
    assert 1 <= len(kwargs["blocks"]) <= 50
    for block in message.blocks:
        block.validate_json()
    for block in kwargs["blocks"]:
        check_block(block, where="message")
    return kwargs


def check_view(view: View) -> dict[str, Any]:
    view.validate_json()
    payload = view.to_dict()
    json.dumps(payload)
    assert payload["type"] == "modal"
    assert 1 <= len(payload["blocks"]) <= 100
    for key in ("title", "submit", "close"):
        if key in payload:
            assert 1 <= len(payload[key]["text"]) <= 24
    assert len(payload.get("private_metadata", "")) <= 3000
    block_ids = [b["block_id"] for b in payload["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), "block ids repeat"
    for block in payload["blocks"]:
        check_block(block, where="modal")
    return payload


def submitted_values(view: View) -> dict[str, dict[str, dict[str, Any]]]:
    """`view.state.values` as Slack sends it when the user submits the form untouched."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view.to_dict()["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind in {"plain_text_input", "number_input"}:
            state["value"] = element.get("initial_value")
        elif kind in {"static_select", "radio_buttons"}:
            state["selected_option"] = element.get("initial_option")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user")
        elif kind == "multi_users_select":
            state["selected_users"] = element.get("initial_users", [])
        elif kind == "conversations_select":
            state["selected_conversation"] = element.get("initial_conversation")
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time")
        else:
            raise AssertionError(f"no simulation for {kind}")
        values[block["block_id"]] = {element["action_id"]: state}
    return values
