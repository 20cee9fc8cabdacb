"""Reading Block Kit as a person sees it: `<...>` tokens resolved to names, text objects as plain
text, and what a form shows as chosen (from its initial values, or a submission's state)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

Names = Mapping[str, str]  # user/channel/user-group id -> display name

TOKEN = re.compile(r"<([^<>]+)>")


def token(inner: str, names: Names) -> tuple[str, str]:
    """One `<...>` token as (kind, text): mention, channel, date, link or special."""
    if inner.startswith("@"):
        user = inner[1:].split("|")[0]
        return "mention", "@" + names.get(user, user)
    if inner.startswith("#"):
        channel, _, label = inner[1:].partition("|")
        return "mention", "#" + (label or names.get(channel, channel))
    if inner.startswith("!subteam^"):
        group, _, label = inner[len("!subteam^") :].partition("|")
        return "mention", label or "@" + names.get(group, group)
    if inner.startswith("!date^"):
        return "date", inner.rpartition("|")[2]
    if inner.startswith("!"):
        return "mention", "@" + inner[1:].split("|")[0]
    url, _, label = inner.partition("|")
    return "link", label or url


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain(text: str, names: Names) -> str:
    """mrkdwn as plain text: tokens resolved, Slack's escapes undone; emphasis marks are kept."""
    return unescape(TOKEN.sub(lambda m: token(m.group(1), names)[1], text))


def text_of(obj: Any, names: Names) -> str:
    if isinstance(obj, Mapping):
        return plain(str(obj.get("text") or ""), names)
    return ""


# ---- what a person chose or typed -------------------------------------------------------------
State = Mapping[str, Mapping[str, Mapping[str, Any]]]  # a submission's state.values

_INITIAL = {  # state.values key -> the element field that shows the same choice
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "value": "initial_value",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_channel": "initial_channel",
    "selected_date": "initial_date",
    "selected_date_time": "initial_date_time",
}


def filled(block: Mapping[str, Any], state: State | None) -> Mapping[str, Any]:
    """An input block showing what was submitted in it (as the person saw the form before Submit)."""
    element = block.get("element") or {}
    entry = (state or {}).get(str(block.get("block_id")), {}).get(str(element.get("action_id")))
    if not entry:
        return block
    shown = dict(element)
    for key, initial in _INITIAL.items():
        if entry.get(key) not in (None, []):
            shown[initial] = entry[key]
    return {**block, "element": shown}


def chosen_text(element: Mapping[str, Any], names: Names) -> str | None:
    """What a select, picker or number box shows once something is chosen."""
    if element.get("initial_option"):
        return text_of(element["initial_option"].get("text"), names)
    if element.get("initial_user"):
        return "@" + names.get(element["initial_user"], element["initial_user"])
    if element.get("initial_users"):
        return ", ".join("@" + names.get(u, u) for u in element["initial_users"])
    channel = element.get("initial_conversation") or element.get("initial_channel")
    if channel:
        return "#" + names.get(channel, channel)
    if element.get("initial_date_time"):
        return datetime.fromtimestamp(int(element["initial_date_time"]), UTC).strftime(
            "%a %d %b %Y, %H:%M UTC"
        )
    if element.get("initial_value") and element.get("type") == "number_input":
        return str(element["initial_value"])
    if element.get("initial_date"):
        return str(element["initial_date"])
    return None


def options_shown(element: Mapping[str, Any], names: Names) -> list[str]:
    """Each checkbox (☑/☐) or radio button (◉/○) as a line, marked when chosen."""
    options = element.get("options") or []
    chosen = {o.get("value") for o in element.get("initial_options") or []}
    if element.get("initial_option"):
        chosen.add(element["initial_option"].get("value"))
    square = element.get("type") == "checkboxes"
    mark = ("☑", "☐") if square else ("◉", "○")
    return [
        f"{mark[0] if o.get('value') in chosen else mark[1]} {text_of(o.get('text'), names)}" for o in options
    ]
