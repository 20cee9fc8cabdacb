"""SlackRequester: POSTs signed requests to the app's /slack/events exactly as Slack does."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, Unpack
from urllib.parse import urlencode

from .modal import build_state_values

FORM = "application/x-www-form-urlencoded"
_serial = itertools.count(1)


class TriggerSource(Protocol):
    """What the requester needs from a fake (FakeSlack or RemoteFake)."""

    def issue_trigger(self, user_id: str | None = None, view_id: str | None = None) -> str: ...

    def response_url(self) -> str: ...


class SignOptions(TypedDict, total=False):
    """Per-request overrides for stale-timestamp and forged-signature tests."""

    timestamp: int
    sign: bool
    secret: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Response:
    """The app's answer: status, lower-cased headers, body text."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def slack_signature(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """Slack's v0 signature: v0= + HMAC-SHA256(secret, "v0:{ts}:{body}")."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackRequester:
    """Sends slash commands, interactions and events to the app, signed unless told otherwise."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        fake: TriggerSource | None = None,
        path: str = "/slack/events",
        team_id: str = "T0001",
        team_domain: str = "debrief-test",
        api_app_id: str = "A0001",
        bot_user_id: str = "UBOT",
        timeout: float = 10.0,
    ) -> None:
        self.url = base_url.rstrip("/") + path if not base_url.rstrip("/").endswith(path) else base_url
        self.secret = signing_secret
        self.fake = fake
        self.team_id, self.team_domain, self.api_app_id = team_id, team_domain, api_app_id
        self.bot_user_id = bot_user_id
        self.timeout = timeout

    # ---- the requests Slack makes ----------------------------------------------------------
    def command(
        self,
        command: str = "/debrief",
        text: str = "",
        *,
        user_id: str,
        channel_id: str | None = None,
        channel_name: str | None = None,
        user_name: str | None = None,
        team_id: str | None = None,
        **opts: Unpack[SignOptions],
    ) -> Response:
        """A slash command, form-encoded the way Slack sends it."""
        fields = {
            "token": "verification-token",
            "team_id": team_id or self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id or f"D{user_id}",
            "channel_name": channel_name or ("directmessage" if channel_id is None else "debriefs"),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(),
            "trigger_id": self._trigger(user_id),
        }
        return self._send(urlencode(fields), FORM, opts)

    def block_action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user_id: str,
        channel_id: str | None = None,
        message: Mapping[str, Any] | None = None,
        view: Mapping[str, Any] | None = None,
        block_id: str | None = None,
        values: Mapping[str, Any] | None = None,
        **opts: Unpack[SignOptions],
    ) -> Response:
        """A button click in a message or a view. The button must be shown there when given."""
        surface = message if message is not None else view
        element, found_block = _find_element(surface, action_id) if surface is not None else (None, None)
        if surface is not None and element is None:
            raise ValueError(f"no element with action_id {action_id!r} is shown: a person cannot click it")
        element = element or {"type": "button", "text": {"type": "plain_text", "text": action_id}}
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id or found_block or "actions",
            "type": element["type"],
            "action_ts": f"{time.time():.6f}",
        }
        if element["type"] == "button":
            action["text"] = element.get("text")
            action["value"] = value if value is not None else element.get("value")
            if action["value"] is None:
                del action["value"]
        payload: dict[str, Any] = {
            "type": "block_actions",
            **self._envelope(user_id),
            "trigger_id": self._trigger(user_id, view.get("id") if view else None),
            "actions": [action],
        }
        if message is not None:
            channel_id = channel_id or self._channel_of(message)
            payload["container"] = {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["message"] = dict(message)
            payload["state"] = {"values": {}}
            payload["response_url"] = self._response_url()
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = {**view, "state": {"values": build_state_values(view, values)}}
        if channel_id is not None:
            payload["channel"] = {"id": channel_id, "name": self._channel_name(channel_id)}
        return self.interaction(payload, **opts)

    def view_submission(
        self,
        view: Mapping[str, Any],
        values: Mapping[str, Any] | None = None,
        *,
        user_id: str,
        **opts: Unpack[SignOptions],
    ) -> Response:
        """Submit a modal: `view` as the fake returned it, `values` {block_id: human value}."""
        state = build_state_values(view, values)
        payload = {
            "type": "view_submission",
            **self._envelope(user_id),
            "view": {**view, "state": {"values": state}},
            "trigger_id": self._trigger(user_id, view.get("id")),
            "response_urls": [],
        }
        return self.interaction(payload, **opts)

    def view_closed(
        self, view: Mapping[str, Any], *, user_id: str, is_cleared: bool = False, **opts: Unpack[SignOptions]
    ) -> Response:
        payload = {
            "type": "view_closed",
            **self._envelope(user_id),
            "view": {**view, "state": {"values": {}}},
            "is_cleared": is_cleared,
        }
        return self.interaction(payload, **opts)

    def shortcut(self, callback_id: str, *, user_id: str, **opts: Unpack[SignOptions]) -> Response:
        """A global shortcut."""
        payload = {
            "type": "shortcut",
            **self._envelope(user_id),
            "callback_id": callback_id,
            "trigger_id": self._trigger(user_id),
            "action_ts": f"{time.time():.6f}",
        }
        return self.interaction(payload, **opts)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        **opts: Unpack[SignOptions],
    ) -> Response:
        """An Events API delivery; pass the same event_id with retry_num to redeliver it."""
        now = int(time.time())
        envelope = {
            "token": "verification-token",
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_serial):08d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                },
            ],
            "is_ext_shared_channel": False,
        }
        retry = {}
        if retry_num is not None:
            retry = {
                "X-Slack-Retry-Num": str(retry_num),
                "X-Slack-Retry-Reason": retry_reason or "http_timeout",
            }
        return self._send(json.dumps(envelope), "application/json", opts, retry)

    def url_verification(self, challenge: str = "challenge-token", **opts: Unpack[SignOptions]) -> Response:
        body = {"token": "verification-token", "challenge": challenge, "type": "url_verification"}
        return self._send(json.dumps(body), "application/json", opts)

    def interaction(self, payload: Mapping[str, Any], **opts: Unpack[SignOptions]) -> Response:
        """Any interaction payload, sent as form field payload=<json>."""
        return self._send(urlencode({"payload": json.dumps(payload)}), FORM, opts)

    # ---- the wire ----------------------------------------------------------------------------
    def raw(
        self, body: bytes | str, headers: Mapping[str, str] | None = None, *, content_type: str = FORM,
        timestamp: int | None = None, sign: bool = True, secret: str | None = None,
    ) -> Response:  # fmt: skip
        """POST any body (malformed ones too), signed with the secret unless sign=False."""
        data = body.encode() if isinstance(body, str) else body
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts)}
        if sign:
            all_headers["X-Slack-Signature"] = slack_signature(secret or self.secret, ts, data)
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=data, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return _response(reply.status, reply.headers.items(), reply.read())
        except urllib.error.HTTPError as error:
            with error:
                return _response(error.code, error.headers.items(), error.read())

    def _send(
        self, body: str, content_type: str, opts: SignOptions, extra: Mapping[str, str] | None = None
    ) -> Response:
        headers = {**(opts.get("headers") or {}), **(extra or {})}
        return self.raw(
            body, headers, content_type=content_type, timestamp=opts.get("timestamp"),
            sign=opts.get("sign", True), secret=opts.get("secret"),
        )  # fmt: skip

    # ---- helpers -----------------------------------------------------------------------------
    def _envelope(self, user_id: str) -> dict[str, Any]:
        return {
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": {
                "id": user_id,
                "username": user_id.lower(),
                "name": user_id.lower(),
                "team_id": self.team_id,
            },
            "api_app_id": self.api_app_id,
            "token": "verification-token",
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def _trigger(self, user_id: str, view_id: str | None = None) -> str:
        if self.fake is not None:
            return self.fake.issue_trigger(user_id=user_id, view_id=view_id)
        return f"{next(_serial)}.{self.team_id}.unknown-to-any-fake"

    def _response_url(self) -> str:
        if self.fake is not None:
            return self.fake.response_url()
        return f"http://127.0.0.1:9/commands/{self.team_id}/{next(_serial)}"  # nothing listens there

    def _channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            return "directmessage"
        getter = getattr(self.fake, "channel", None)
        try:
            return str(getter(channel_id).name) if getter is not None else channel_id.lower()
        except KeyError:
            return channel_id.lower()

    def _channel_of(self, message: Mapping[str, Any]) -> str:
        finder = getattr(self.fake, "find_message", None)
        found = finder(message["ts"]) if finder is not None else None
        if found is None:
            raise ValueError("channel_id is needed: the fake does not hold this message")
        return str(found[0])


def _find_element(surface: Mapping[str, Any], action_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """The element with this action_id among the surface's blocks, and its block_id."""
    for block in surface.get("blocks") or []:
        candidates = [*(block.get("elements") or []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, block.get("block_id")
    return None, None


def _response(status: int, headers: Any, body: bytes) -> Response:
    return Response(status, {k.lower(): v for k, v in headers}, body.decode("utf-8", "replace"))
