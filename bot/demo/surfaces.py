"""Every surface people see, in order: read from what the bot sent the Slack stand-in and from its
answers to requests, each with who sees it, where and when."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fakeslack import Call, FakeSlack

BUILDER = "https://app.slack.com/block-kit-builder/#"


@dataclass(frozen=True)
class Surface:
    """One thing shown to someone: a message, an ephemeral message, an edit, a modal or a Home tab."""

    number: int
    kind: str  # message | ephemeral | edited | modal | home
    when: datetime
    audience: str  # who sees it
    where: str
    step: str  # what the people did just before
    payload: dict[str, Any]  # the JSON Slack renders: {"blocks": [...]} or the view
    role: str = ""  # names the demo's key surfaces: summary, debrief-modal, home
    state: dict[str, Any] | None = None  # a modal's state.values when it was submitted
    view_id: str = ""  # the modal's id at Slack

    @property
    def title(self) -> str:
        if self.kind in ("modal", "home"):
            title = (self.payload.get("title") or {}).get("text")
            if title:
                return str(title)
            return "Home tab"
        for block in self.payload.get("blocks") or []:
            if block.get("type") == "header":
                return str(block["text"]["text"])
        text = str(self.payload.get("text") or "")
        return text.splitlines()[0][:80] if text else self.kind

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.payload.get("blocks") or [])

    @property
    def builder_url(self) -> str:
        """Block Kit Builder with this surface loaded: {"blocks": [...]} for a message, else the view."""
        if self.kind in ("modal", "home"):
            data: dict[str, Any] = dict(self.payload)
        else:
            data = {"blocks": self.blocks}
        return BUILDER + quote(json.dumps(data, separators=(",", ":"), ensure_ascii=False), safe="")

    @property
    def slug(self) -> str:
        return f"{self.number:02d}-{self.kind}"


def _message_payload(params: Mapping[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": params.get("text") or ""}
    if params.get("blocks"):
        payload["blocks"] = params["blocks"]
    return payload


@dataclass
class Recorder:
    """Turns the stand-in's recorded calls (and the bot's answers) into surfaces, step by step."""

    slack: FakeSlack
    names: dict[str, str]
    clock: Any
    surfaces: list[Surface] = field(default_factory=list)
    step_text: str = ""
    actor: str = ""
    _seen: int = 0
    _modal_owner: dict[str, str] = field(default_factory=dict)  # view id -> the person looking at it
    _message_where: dict[str, str] = field(default_factory=dict)  # ts -> how to name the message

    def step(self, text: str, actor: str = "") -> None:
        """Start a step of the story; what the bot shows next is filed under it."""
        self.collect()
        self.step_text, self.actor = text, actor

    def name(self, user_or_channel: str) -> str:
        return self.names.get(user_or_channel, user_or_channel)

    def _where(self, channel: str) -> tuple[str, str]:
        """(audience, where) for a conversation id or a user id (the bot's DM with them)."""
        user = channel[1:] if channel.startswith("D") and channel[1:] in self.names else channel
        if user in self.names and user[0] in "UW":
            return self.name(user), f"direct message from {self.name('UBOT')}"
        return "everyone in the channel", f"#{self.name(channel)}"

    def add(
        self, kind: str, audience: str, where: str, payload: dict[str, Any], when: datetime, view_id: str = ""
    ) -> Surface:
        surface = Surface(
            number=len(self.surfaces) + 1, kind=kind, when=when, audience=audience, where=where,
            step=self.step_text, payload=payload, view_id=view_id,
        )  # fmt: skip
        self.surfaces.append(surface)
        return surface

    def submitted(self, view_id: str, state: dict[str, Any]) -> None:
        """Show a modal as its person submitted it: what they chose and typed, in the form."""
        self.collect()
        for i in range(len(self.surfaces) - 1, -1, -1):
            surface = self.surfaces[i]
            if surface.kind == "modal" and surface.view_id == view_id:
                where = surface.where + ", shown as they submitted it"
                self.surfaces[i] = Surface(**{**surface.__dict__, "state": state, "where": where})
                return
        raise LookupError(f"no modal {view_id} was shown")

    def answered(self, body: Any) -> None:
        """The bot's answer to a request: an ephemeral reply to a command, or a modal's next view."""
        self.collect()
        if not isinstance(body, dict):
            return
        if body.get("response_action") == "update" and isinstance(body.get("view"), dict):
            self.add(
                "modal", self.name(self.actor), "the modal, updated after Submit", body["view"], self.clock()
            )
        elif body.get("response_action") == "errors":
            errors = "\n".join(f"• {v}" for v in (body.get("errors") or {}).values())
            self.add(
                "ephemeral",
                self.name(self.actor),
                "inline errors in the modal",
                {"text": errors},
                self.clock(),
            )
        elif body.get("text") or body.get("blocks"):
            payload = _message_payload(body)
            self.add(
                "ephemeral",
                f"only {self.name(self.actor)}",
                "where they typed the command",
                payload,
                self.clock(),
            )

    def collect(self) -> None:
        """File every call made since the last look as the surface it puts on someone's screen."""
        calls = self.slack.calls(ok=None)
        new, self._seen = calls[self._seen :], len(calls)
        for call in new:
            if call.ok or call.method == "response_url":
                self._file(call)

    def _file(self, call: Call) -> None:
        p, when = call.params, datetime.fromtimestamp(call.at, UTC)
        response = call.response or {}
        if call.method == "chat.postMessage":
            audience, where = self._where(str(p["channel"]))
            if p.get("thread_ts"):
                where += ", in the thread under " + self._message_where.get(str(p["thread_ts"]), "a message")
            self._message_where[str(response.get("ts"))] = f"the message posted at {when:%H:%M}"
            self.add("message", audience, where, _message_payload(p), when)
        elif call.method == "chat.postEphemeral":
            _, where = self._where(str(p["channel"]))
            self.add("ephemeral", f"only {self.name(str(p['user']))}", where, _message_payload(p), when)
        elif call.method == "chat.update":
            audience, where = self._where(str(p["channel"]))
            self.add(
                "edited", audience, f"{where} (the message is edited in place)", _message_payload(p), when
            )
        elif call.method in ("views.open", "views.push"):
            view_id = str((response.get("view") or {}).get("id"))
            self._modal_owner[view_id] = self.actor
            self.add("modal", self.name(self.actor), "a modal over Slack", dict(p["view"]), when, view_id)
        elif call.method == "views.update":
            owner = self._modal_owner.get(str(p.get("view_id")), self.actor)
            self.add("modal", self.name(owner), "the open modal, updated", dict(p["view"]), when)
        elif call.method == "views.publish":
            user = str(p["user_id"])
            self.add("home", self.name(user), f"the Home tab of {self.name('UBOT')}", dict(p["view"]), when)
        elif call.method == "response_url" and (p.get("text") or p.get("blocks")):
            self.add(
                "ephemeral", f"only {self.name(self.actor)}", "where they clicked", _message_payload(p), when
            )
