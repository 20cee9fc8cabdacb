"""build_state_values: `state.values` shaped the way Slack shapes them, from what the view shows."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from fakeslack import build_state_values


def pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def opt(value: str) -> dict[str, Any]:
    return {"text": pt(value.title()), "value": value}


def view(*elements: dict[str, Any], optional: bool = True) -> dict[str, Any]:
    blocks = [
        {
            "type": "input",
            "block_id": f"b{i}",
            "label": pt("L"),
            "optional": optional,
            "element": {"action_id": "a", **e},
        }
        for i, e in enumerate(elements)
    ]
    return {"type": "modal", "blocks": [{"type": "divider", "block_id": "d"}, *blocks]}


def state_of(element: dict[str, Any], human: Any = ..., **kw: Any) -> dict[str, Any]:
    values = {} if human is ... else {"b0": human}
    return dict(build_state_values(view(element, **kw), values)["b0"]["a"])


def test_each_element_type_maps_a_human_value_to_slacks_shape() -> None:
    assert state_of({"type": "plain_text_input"}, "hi") == {"type": "plain_text_input", "value": "hi"}
    assert state_of({"type": "number_input", "is_decimal_allowed": False}, 45)["value"] == "45"
    assert state_of({"type": "radio_buttons", "options": [opt("a"), opt("b")]}, "b")[
        "selected_option"
    ] == opt("b")
    grouped = {"type": "static_select", "option_groups": [{"label": pt("G"), "options": [opt("x")]}]}
    assert state_of(grouped, "x")["selected_option"] == opt("x")
    checks = state_of({"type": "checkboxes", "options": [opt("a"), opt("b"), opt("c")]}, ["a", "c"])
    assert checks["selected_options"] == [opt("a"), opt("c")]
    assert state_of({"type": "users_select"}, "U1")["selected_user"] == "U1"
    assert state_of({"type": "multi_users_select"}, ["U1", "U2"])["selected_users"] == ["U1", "U2"]
    assert state_of({"type": "conversations_select"}, "C1")["selected_conversation"] == "C1"
    assert state_of({"type": "datepicker"}, date(2024, 5, 6))["selected_date"] == "2024-05-06"
    assert state_of({"type": "timepicker"}, time(9, 30))["selected_time"] == "09:30"
    assert state_of({"type": "datetimepicker"}, 1714999999)["selected_date_time"] == 1714999999


def test_untouched_inputs_keep_their_initial_value_or_are_null() -> None:
    assert state_of({"type": "plain_text_input", "initial_value": "draft"})["value"] == "draft"
    assert state_of({"type": "plain_text_input"})["value"] is None
    assert state_of({"type": "static_select", "options": [opt("a")], "initial_option": opt("a")})[
        "selected_option"
    ] == opt("a")
    assert state_of({"type": "checkboxes", "options": [opt("a")]})["selected_options"] == []
    assert state_of({"type": "multi_users_select", "initial_users": ["U2"]})["selected_users"] == ["U2"]
    assert (
        state_of({"type": "datetimepicker", "initial_date_time": 1700000000})["selected_date_time"]
        == 1700000000
    )
    assert state_of({"type": "plain_text_input", "initial_value": "draft"}, None)["value"] is None


def test_what_a_person_could_not_do_is_refused() -> None:
    with pytest.raises(ValueError, match="not offered"):
        state_of({"type": "static_select", "options": [opt("a")]}, "z")
    with pytest.raises(ValueError, match="not offered"):
        state_of({"type": "checkboxes", "options": [opt("a")]}, ["a", "z"])
    with pytest.raises(ValueError, match="stops at 5"):
        state_of({"type": "plain_text_input", "max_length": 5}, "too long")
    with pytest.raises(ValueError, match="whole numbers"):
        state_of({"type": "number_input", "is_decimal_allowed": False}, 4.5)
    with pytest.raises(ValueError, match="max_value"):
        state_of({"type": "number_input", "is_decimal_allowed": True, "max_value": "10"}, 11)
    with pytest.raises(ValueError, match="naive datetime"):
        state_of({"type": "datetimepicker"}, datetime(2024, 5, 6, 9, 0))
    with pytest.raises(ValueError, match="required input 'b0' is empty"):
        state_of({"type": "plain_text_input"}, optional=False)
    with pytest.raises(KeyError, match="b9"):
        build_state_values(view({"type": "plain_text_input"}), {"b9": "x"})
