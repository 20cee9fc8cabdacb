"""Filling a modal as a person would: `state.values` built from the view the app really sent.

A person can only pick what is shown and cannot submit an empty required input, so the builder
refuses both instead of producing a payload Slack never would.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .models import Call

SINGLE = {  # element type -> (state key, initial key)
    "plain_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "static_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "rich_text_input": ("rich_text_value", "initial_value"),
}
MULTI = {
    "checkboxes": ("selected_options", "initial_options"),
    "multi_static_select": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}
OFFERED = {"static_select", "radio_buttons", "checkboxes", "multi_static_select"}


class _Recorder(Protocol):
    def calls(self, method: str | None = None) -> list[Call]: ...


def build_state_values(view: Mapping[str, Any], values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`state.values` for a submission: {block_id: {action_id: {type, ...}}} as Slack builds it.

    `values` maps block_id to a human value: text, a number, an option *value* (or list of them),
    user/channel ids, a date/time/datetime. Inputs left out keep their initial value.
    """
    values = dict(values or {})
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id = block.get("block_id"), element.get("action_id")
        if not block_id or not action_id:
            raise ValueError(f"input block without block_id/action_id (Slack would invent one): {block}")
        kind = element["type"]
        if block_id in values:
            entry = _entry(kind, element, values.pop(block_id), block_id)
        else:
            entry = _initial(kind, element)
        if not block.get("optional", False) and _is_empty(entry):
            raise ValueError(f"required input {block_id!r} is empty: Slack would not let the user submit")
        state[block_id] = {action_id: entry}
    if values:
        raise KeyError(
            f"the view has no input block(s) {sorted(values)}: a person can only fill what is shown"
        )
    return state


def _initial(kind: str, element: Mapping[str, Any]) -> dict[str, Any]:
    if kind in MULTI:
        key, initial = MULTI[kind]
        return {"type": kind, key: copy.deepcopy(element.get(initial) or [])}
    if kind not in SINGLE:
        raise NotImplementedError(f"no state for element type {kind!r}")
    key, initial = SINGLE[kind]
    value = copy.deepcopy(element.get(initial))
    if kind == "number_input" and value is not None:
        value = str(value)
    return {"type": kind, key: value}


def _entry(kind: str, element: Mapping[str, Any], human: Any, block_id: str) -> dict[str, Any]:
    if human is None:
        return {"type": kind, **({MULTI[kind][0]: []} if kind in MULTI else {SINGLE[kind][0]: None})}
    if kind in MULTI:
        key = MULTI[kind][0]
        picked = [human] if isinstance(human, str) else list(human)
        if kind in OFFERED:
            picked = [_offered(element, v, block_id) for v in picked]
        elif kind == "multi_external_select":
            picked = [_option(v) for v in picked]
        return {"type": kind, key: picked}
    if kind not in SINGLE:
        raise NotImplementedError(f"no state for element type {kind!r}")
    key = SINGLE[kind][0]
    if kind in OFFERED:
        return {"type": kind, key: _offered(element, human, block_id)}
    if kind == "external_select":
        return {"type": kind, key: _option(human)}
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        text = str(human)
        limit = element.get("max_length")
        if limit is not None and len(text) > limit:
            raise ValueError(f"{block_id!r}: {len(text)} characters, the input stops at {limit}")
        return {"type": kind, key: text}
    if kind == "number_input":
        return {"type": kind, key: _number(element, human, block_id)}
    if kind == "datepicker":
        return {"type": kind, key: human.isoformat() if isinstance(human, date) else str(human)}
    if kind == "timepicker":
        return {"type": kind, key: human.strftime("%H:%M") if isinstance(human, time) else str(human)}
    if kind == "datetimepicker":
        if isinstance(human, datetime):
            if human.tzinfo is None:
                raise ValueError(f"{block_id!r}: a naive datetime is ambiguous; give it a tzinfo")
            human = human.timestamp()
        return {"type": kind, key: int(human)}
    if kind == "rich_text_input" and isinstance(human, str):
        section = {"type": "rich_text_section", "elements": [{"type": "text", "text": human}]}
        return {"type": kind, key: {"type": "rich_text", "elements": [section]}}
    return {"type": kind, key: human}


def _number(element: Mapping[str, Any], human: Any, block_id: str) -> str:
    number = float(human)
    if not element.get("is_decimal_allowed") and number != int(number):
        raise ValueError(f"{block_id!r}: the input takes whole numbers only, got {human!r}")
    for bound, fails in (("min_value", number.__lt__), ("max_value", number.__gt__)):
        if element.get(bound) is not None and fails(float(element[bound])):
            raise ValueError(f"{block_id!r}: {human!r} is outside {bound}={element[bound]}")
    return str(human)


def _offered(element: Mapping[str, Any], value: Any, block_id: str) -> dict[str, Any]:
    """The option dict the view shows with this value; a person cannot pick anything else."""
    wanted = value.get("value") if isinstance(value, Mapping) else value
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == wanted:
            return copy.deepcopy(option)
    shown = [o.get("value") for o in options]
    raise ValueError(f"{block_id!r}: option {wanted!r} is not offered (the view shows {shown})")


def _option(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}


def _is_empty(entry: dict[str, Any]) -> bool:
    payload = [v for k, v in entry.items() if k != "type"]
    return all(v in (None, "", []) for v in payload)


def last_view(fake: _Recorder, method: str = "views.open") -> dict[str, Any]:
    """The view of the last successful `method` call, as the fake answered it (with its id)."""
    for call in reversed(fake.calls(method)):
        if call.ok and call.response is not None:
            return copy.deepcopy(call.response["view"])
    raise LookupError(f"no successful {method} call was recorded")
