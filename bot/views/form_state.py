"""Reading a submitted form (`view["state"]["values"]`): each reader returns a typed value or an
empty one, never raises, so a tampered or half-filled state reaches the parser as "missing"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def input_state(values: Mapping[str, Mapping[str, Any]], block_id: str) -> Mapping[str, Any]:
    """`values[block_id][block_id]` (action id = block id), or {} when absent or malformed."""
    actions_ = values.get(block_id) if isinstance(values, Mapping) else None
    state = actions_.get(block_id) if isinstance(actions_, Mapping) else None
    return state if isinstance(state, Mapping) else {}


def text_value(values: Mapping[str, Mapping[str, Any]], block_id: str) -> str | None:
    value = input_state(values, block_id).get("value")
    return value if isinstance(value, str) else None


def selected_value(values: Mapping[str, Mapping[str, Any]], block_id: str) -> str | None:
    option = input_state(values, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, Mapping) else None
    return value if isinstance(value, str) else None


def selected_values(values: Mapping[str, Mapping[str, Any]], block_id: str) -> list[Any]:
    """Values of `selected_options`; non-string entries are kept so the caller can reject them."""
    options = input_state(values, block_id).get("selected_options")
    if not isinstance(options, list):
        return []
    return [o.get("value") if isinstance(o, Mapping) else o for o in options]


def selected_user(values: Mapping[str, Mapping[str, Any]], block_id: str) -> str:
    user = input_state(values, block_id).get("selected_user")
    return user if isinstance(user, str) else ""


def selected_users(values: Mapping[str, Mapping[str, Any]], block_id: str) -> tuple[str, ...]:
    users = input_state(values, block_id).get("selected_users")
    if not isinstance(users, list):
        return ()
    return tuple(u for u in users if isinstance(u, str) and u)
