"""Block Kit validation that fails the way Slack does.

slack_sdk's `validate_json()` checks one object only; `to_dict()` recurses but skips options
given as dicts (static_select keeps them raw), unknown block/element types (parsed to None and
dropped), checkbox/radio counts, `plain_text_input.max_length`, empty texts and the view's own
structure rules. So every surface goes through the SDK *and* through the walk below.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

from .models import ApiError

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
TEXT_TYPES = ("plain_text", "mrkdwn")
INPUT_ELEMENTS = {
    "plain_text_input", "number_input", "email_text_input", "url_text_input", "rich_text_input",
    "static_select", "multi_static_select", "external_select", "multi_external_select",
    "users_select", "multi_users_select", "conversations_select", "multi_conversations_select",
    "channels_select", "multi_channels_select", "checkboxes", "radio_buttons",
    "datepicker", "timepicker", "datetimepicker", "file_input",
}  # fmt: skip
INITIAL_FORMATS = {
    "datepicker": [("initial_date", r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD")],
    "timepicker": [("initial_time", r"\d{2}:\d{2}", "HH:mm")],
}
OPTION_LIMITS = {"static_select": 100, "multi_static_select": 100, "checkboxes": 10, "radio_buttons": 10}


class Walk:
    """Collects problems as Slack words them: `[ERROR] reason [json-pointer:/path]`."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.block_ids: set[str] = set()

    def error(self, ptr: str, reason: str) -> None:
        self.problems.append(f"[ERROR] {reason} [json-pointer:{ptr}]")

    def text(self, obj: Any, ptr: str, *, limit: int, plain: bool = False, required: bool = True) -> None:
        if obj is None:
            if required:
                self.error(ptr, "missing required field")
            return
        if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES:
            self.error(ptr, "must be a text object (plain_text or mrkdwn)")
            return
        if plain and obj["type"] != "plain_text":
            self.error(f"{ptr}/type", "must be plain_text")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.error(f"{ptr}/text", "must be more than 0 characters")
        elif len(text) > limit:
            self.error(f"{ptr}/text", f"must be less than {limit + 1} characters")

    def string(self, value: Any, ptr: str, *, limit: int, required: bool = False) -> None:
        if value is None:
            if required:
                self.error(ptr, "missing required field")
        elif not isinstance(value, str):
            self.error(ptr, "must be a string")
        elif len(value) > limit:
            self.error(ptr, f"must be less than {limit + 1} characters")

    def count(self, items: Any, ptr: str, *, low: int, high: int) -> bool:
        if not isinstance(items, list):
            self.error(ptr, "must be an array")
            return False
        if len(items) < low:
            self.error(ptr, f"must provide at least {low} items")
        if len(items) > high:
            self.error(ptr, f"no more than {high} items allowed")
        return True


def check_message(params: dict[str, Any], *, strict: bool, warnings: list[str], method: str) -> None:
    """Validate a message's blocks, metadata and text fallback; raise ApiError like Slack."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        raise ApiError("invalid_blocks_format", "[ERROR] blocks must be a JSON array [json-pointer:/blocks]")
    if blocks is not None:
        walk = Walk()
        check_blocks(walk, blocks, "/blocks", limit=MESSAGE_BLOCKS)
        if walk.problems:
            raise ApiError("invalid_blocks", *walk.problems, errors=list(walk.problems))
    metadata = params.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format", "[ERROR] metadata needs event_type and event_payload")
    text = params.get("text")
    if not text and blocks is None and not params.get("attachments"):
        raise ApiError("no_text")
    if blocks and not text:
        note = f"{method}: blocks without a `text` fallback (notifications and screen readers show nothing)"
        if strict:
            raise ApiError("no_text", f"[ERROR] {note} (fakeslack strict mode)")
        warnings.append(note)


def check_view(view: Any, *, surface: str | None = None) -> dict[str, Any]:
    """Validate a view for views.*; return it as a dict or raise ApiError like Slack."""
    if isinstance(view, str):
        raise ApiError("invalid_arguments", "[ERROR] failed to parse view JSON [json-pointer:/view]")
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
    if len(json.dumps(view, separators=(",", ":")).encode()) > VIEW_BYTES:
        raise ApiError("view_too_large", "[ERROR] view is larger than 250 kB [json-pointer:/view]")
    walk = Walk()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        walk.error("/view/type", "must be modal or home")
    elif surface is not None and kind != surface:
        walk.error("/view/type", f"must be {surface} for this method")
    if kind == "modal":
        walk.text(view.get("title"), "/view/title", limit=24, plain=True)
        walk.text(view.get("submit"), "/view/submit", limit=24, plain=True, required=False)
        walk.text(view.get("close"), "/view/close", limit=24, plain=True, required=False)
        blocks = view.get("blocks") or []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            walk.error("/view/submit", "must provide a submit property when using input blocks")
    walk.string(view.get("private_metadata"), "/view/private_metadata", limit=3000)
    walk.string(view.get("callback_id"), "/view/callback_id", limit=255)
    walk.string(view.get("external_id"), "/view/external_id", limit=255)
    if "blocks" not in view:
        walk.error("/view/blocks", "missing required field")
    else:
        check_blocks(walk, view["blocks"], "/view/blocks", limit=VIEW_BLOCKS)
    blocks = view.get("blocks")
    try:  # the SDK's validators of the view itself; each block went through them above
        View(**{**view, "blocks": blocks[:1] if isinstance(blocks, list) else blocks}).to_dict()
    except Exception as exc:  # SlackObjectFormationError, or TypeError for missing fields
        walk.error("/view", f"{exc} (slack_sdk)")
    if walk.problems:
        raise ApiError("invalid_arguments", *walk.problems)
    return view


def check_blocks(walk: Walk, blocks: Any, ptr: str, *, limit: int) -> None:
    """Walk a blocks array: count, block ids, each block through the SDK and our rules."""
    if not walk.count(blocks, ptr, low=0, high=limit):
        return
    for i, block in enumerate(blocks):
        here = f"{ptr}/{i}"
        if not isinstance(block, dict) or "type" not in block:
            walk.error(here, "must be a block object with a type")
            continue
        problem = _sdk_problem(json.dumps(block, sort_keys=True))
        if problem == UNKNOWN:
            walk.error(f"{here}/type", f"unknown block type {block['type']!r}")
            continue
        if problem:
            walk.error(here, problem)
        check_block(walk, block, here)


UNKNOWN = "unknown block type"


@functools.lru_cache(maxsize=4096)
def _sdk_problem(block_json: str) -> str | None:
    """What slack_sdk's parse and validating `to_dict` say about one block (None: nothing).

    The same block always gets the same answer, and a bot sends the same form blocks to everyone
    who opens it: parsing them once keeps this fake's CPU off the machine it shares with the bot
    under load.
    """
    try:
        parsed = Block.parse(json.loads(block_json))
        if parsed is None:
            return UNKNOWN
        parsed.to_dict()
    except Exception as exc:
        return f"{exc} (slack_sdk)"
    return None


def check_block(walk: Walk, block: dict[str, Any], ptr: str) -> None:
    """Our explicit per-type limits from SLACK.md."""
    block_id = block.get("block_id")
    walk.string(block_id, f"{ptr}/block_id", limit=255)
    if isinstance(block_id, str):
        if block_id in walk.block_ids:
            walk.error(f"{ptr}/block_id", f"duplicate block_id {block_id!r}")
        walk.block_ids.add(block_id)
    kind = block["type"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            walk.error(ptr, "must provide text or fields")
        walk.text(block.get("text"), f"{ptr}/text", limit=3000, required=False)
        if "fields" in block and walk.count(block["fields"], f"{ptr}/fields", low=1, high=10):
            for j, item in enumerate(block["fields"]):
                walk.text(item, f"{ptr}/fields/{j}", limit=2000)
        if "accessory" in block:
            check_element(walk, block["accessory"], f"{ptr}/accessory")
    elif kind == "header":
        walk.text(block.get("text"), f"{ptr}/text", limit=150, plain=True)
    elif kind == "context":
        if walk.count(block.get("elements"), f"{ptr}/elements", low=1, high=10):
            for j, item in enumerate(block["elements"]):
                if isinstance(item, dict) and item.get("type") in TEXT_TYPES:
                    walk.text(item, f"{ptr}/elements/{j}", limit=3000)
                elif not (isinstance(item, dict) and item.get("type") == "image"):
                    walk.error(f"{ptr}/elements/{j}", "must be a text object or an image")
    elif kind == "actions":
        if walk.count(block.get("elements"), f"{ptr}/elements", low=1, high=25):
            action_ids: set[str] = set()
            for j, item in enumerate(block["elements"]):
                check_element(walk, item, f"{ptr}/elements/{j}")
                action_id = item.get("action_id") if isinstance(item, dict) else None
                if isinstance(action_id, str):
                    if action_id in action_ids:
                        walk.error(f"{ptr}/elements/{j}/action_id", f"duplicate action_id {action_id!r}")
                    action_ids.add(action_id)
    elif kind == "input":
        walk.text(block.get("label"), f"{ptr}/label", limit=2000, plain=True)
        walk.text(block.get("hint"), f"{ptr}/hint", limit=2000, plain=True, required=False)
        element = block.get("element")
        if not isinstance(element, dict) or element.get("type") not in INPUT_ELEMENTS:
            walk.error(f"{ptr}/element", "must be an input element")
        else:
            check_element(walk, element, f"{ptr}/element")


def check_element(walk: Walk, element: Any, ptr: str) -> None:
    """Limits on one block element: ids, texts, options, lengths."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        walk.error(ptr, "must be an element object with a type")
        return
    kind = element["type"]
    try:
        known = BlockElement.parse(dict(element)) is not None
    except Exception:
        known = True  # a known type with bad fields; the SDK pass over the block reports it
    if not known:
        walk.error(f"{ptr}/type", f"unknown element type {kind!r}")
        return
    walk.string(element.get("action_id"), f"{ptr}/action_id", limit=255)
    walk.text(element.get("placeholder"), f"{ptr}/placeholder", limit=150, plain=True, required=False)
    if kind == "button":
        walk.text(element.get("text"), f"{ptr}/text", limit=75, plain=True)
        walk.string(element.get("value"), f"{ptr}/value", limit=2000)
        walk.string(element.get("url"), f"{ptr}/url", limit=3000)
        if element.get("style") not in (None, "primary", "danger"):
            walk.error(f"{ptr}/style", "must be primary or danger")
    elif kind == "plain_text_input":
        for key in ("max_length", "min_length"):
            value = element.get(key)
            if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                walk.error(f"{ptr}/{key}", "must be between 0 and 3000")
        walk.string(element.get("initial_value"), f"{ptr}/initial_value", limit=3000)
    for key, pattern, shape in INITIAL_FORMATS.get(kind, ()):
        if element.get(key) is not None and not re.fullmatch(pattern, str(element[key])):
            walk.error(f"{ptr}/{key}", f"must be {shape}")
    if kind in OPTION_LIMITS or kind == "overflow":
        check_options(walk, element, ptr)


def check_options(walk: Walk, element: dict[str, Any], ptr: str) -> None:
    """Options of selects, checkboxes, radio buttons and overflow menus; initial ones must be offered."""
    kind = element["type"]
    plain = kind not in ("checkboxes", "radio_buttons")
    offered: list[Any] = []
    if "option_groups" in element and kind in ("static_select", "multi_static_select"):
        if "options" in element:
            walk.error(ptr, "must provide either options or option_groups, not both")
        if walk.count(element["option_groups"], f"{ptr}/option_groups", low=1, high=100):
            for g, group in enumerate(element["option_groups"]):
                gptr = f"{ptr}/option_groups/{g}"
                walk.text(group.get("label"), f"{gptr}/label", limit=75, plain=True)
                if walk.count(group.get("options"), f"{gptr}/options", low=1, high=100):
                    offered += check_option_list(walk, group["options"], f"{gptr}/options", plain)
    else:
        high = 5 if kind == "overflow" else OPTION_LIMITS[kind]
        if walk.count(element.get("options"), f"{ptr}/options", low=1, high=high):
            offered += check_option_list(walk, element["options"], f"{ptr}/options", plain)
    initial = element.get("initial_options", [])
    if "initial_option" in element:
        initial = [element["initial_option"]]
    shown = {_option_key(o) for o in offered}
    for j, option in enumerate(initial if isinstance(initial, list) else []):
        if _option_key(option) not in shown:
            walk.error(f"{ptr}/initial_option/{j}", "initial option must match one of the options")


def check_option_list(walk: Walk, options: list[Any], ptr: str, plain: bool) -> list[Any]:
    """Option text <= 75, value <= 150, description <= 75."""
    for j, option in enumerate(options):
        if not isinstance(option, dict):
            walk.error(f"{ptr}/{j}", "must be an option object")
            continue
        walk.text(option.get("text"), f"{ptr}/{j}/text", limit=75, plain=plain)
        walk.string(option.get("value"), f"{ptr}/{j}/value", limit=150, required=True)
        walk.text(option.get("description"), f"{ptr}/{j}/description", limit=75, required=False)
    return options


def _option_key(option: Any) -> tuple[Any, Any]:
    """What "exactly matches" compares: the value and the shown text (not `emoji` defaults)."""
    if not isinstance(option, dict):
        return (None, None)
    text = option.get("text")
    return (option.get("value"), text.get("text") if isinstance(text, dict) else text)
