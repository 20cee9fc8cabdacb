"""The three request shapes, as Slack sends them: the slash command, the button click, the submission."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from bench.config import APP_ID, SIGNING_SECRET, TEAM_ID
from bot.views.debrief import debrief_modal
from bot.views.messages import prompt_dm
from fakeslack import build_state_values, slack_signature
from storage.repository import Repository

FORM = "application/x-www-form-urlencoded"
COMMAND, CLICK, SUBMIT = "/debrief schedule", "Write debrief click", "debrief view_submission"
SHAPES = (COMMAND, CLICK, SUBMIT)

DEBRIEF_VALUES: dict[str, Any] = {
    "excitement": "4",
    "excitement_evidence": "She had read our compiler blog post and asked about it.",
    "fit": "3",
    "fit_evidence": "Easy to work with, explained her reasoning to the whole room.",
    "ability": "4",
    "ability_evidence": "Designed the parser with clear trade-offs and tests first.",
    "explore": ["approach"],
    "questions": "How would you migrate our build to the new toolchain?",
    "recommendation": "2",
}


def signed_headers(body: bytes, content_type: str = FORM) -> dict[str, str]:
    """The headers Slack adds: a fresh timestamp and its v0 signature of the body."""
    timestamp = str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, body),
    }


def _envelope(user: str) -> dict[str, Any]:
    return {
        "team": {"id": TEAM_ID, "domain": "debrief-test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token",
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _interaction(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


@dataclass(frozen=True)
class Templates:
    """What the app really showed (a DM prompt, the debrief modal), rendered once from a seeded interview."""

    prompt: dict[str, Any]
    modal: dict[str, Any]
    state: dict[str, Any]

    @classmethod
    def from_repository(cls, repository: Repository, interview_id: int) -> Templates:
        interview = repository.interviews.get_interview(interview_id=interview_id)
        if interview is None:
            raise LookupError(f"interview {interview_id} was not seeded")
        prompt = prompt_dm(interview, deadline=interview.ends_at + timedelta(days=1)).as_kwargs()
        modal = debrief_modal(interview).to_dict()
        return cls(prompt=prompt, modal=modal, state=build_state_values(modal, DEBRIEF_VALUES))


def command(user: str, channel: str, trigger_id: str, response_url: str) -> bytes:
    """`/debrief schedule` typed in a channel, form-encoded."""
    return urlencode(
        {
            "token": "verification-token",
            "team_id": TEAM_ID,
            "team_domain": "debrief-test",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/debrief",
            "text": "schedule",
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    ).encode()


def click(templates: Templates, user: str, interview_id: int, trigger_id: str, response_url: str) -> bytes:
    """A click on "Write debrief" in the interviewer's DM prompt."""
    ts = f"{time.time():.6f}"
    channel = f"D{user}"
    payload = {
        "type": "block_actions",
        **_envelope(user),
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": trigger_id,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": ts, "user": "UBOT", "bot_id": "BBOT", **templates.prompt},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "write_debrief",
                "block_id": "actions",
                "type": "button",
                "text": {"type": "plain_text", "text": "Write debrief"},
                "value": str(interview_id),
                "action_ts": ts,
            }
        ],
    }
    return _interaction(payload)


def submission(templates: Templates, user: str, interview_id: int, trigger_id: str) -> bytes:
    """The debrief modal submitted with every required answer filled in."""
    view = {
        **templates.modal,
        "id": "VBENCH00001",
        "team_id": TEAM_ID,
        "app_id": APP_ID,
        "bot_id": "BBOT",
        "root_view_id": "VBENCH00001",
        "previous_view_id": None,
        "hash": f"{int(time.time())}.bench",
        "private_metadata": json.dumps({"interview_id": interview_id}, separators=(",", ":")),
        "state": {"values": templates.state},
    }
    payload = {
        "type": "view_submission",
        **_envelope(user),
        "view": view,
        "trigger_id": trigger_id,
        "response_urls": [],
    }
    return _interaction(payload)


def accepted(shape: str) -> Callable[[int, bytes], bool]:
    """Whether a response means the request did what it should (a refused submission does not)."""

    def check(status: int, body: bytes) -> bool:
        if status != 200:
            return False
        if shape == SUBMIT and body.strip():
            return b'"errors"' not in body
        return True

    return check
