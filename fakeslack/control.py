"""Control endpoints (/_fake/...) and RemoteFake, for a fake running in another process."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .models import Call, id_list

if TYPE_CHECKING:
    from .server import FakeSlack


def control(fake: FakeSlack, name: str, p: dict[str, Any]) -> dict[str, Any]:
    """Serve one control request; the benchmark drives a separate-process fake through these."""
    if name == "trigger":
        return {"ok": True, "trigger_id": fake.issue_trigger(p.get("user_id"), p.get("view_id"))}
    if name == "response_url":
        return {"ok": True, "response_url": fake.response_url()}
    if name == "calls":
        calls = fake.calls(p.get("method") or None)
        return {"ok": True, "calls": [asdict(c) for c in calls]}
    if name == "stats":
        calls = fake.calls()
        by_method = Counter(c.method for c in calls)
        faults = Counter(c.fault for c in calls if c.fault)
        return {"ok": True, "calls": len(calls), "by_method": by_method, "faults": faults,
                "errors": len(fake.errors)}  # fmt: skip
    if name == "errors":
        errors = [{"method": e.method, "error": e.error, "messages": list(e.messages)} for e in fake.errors]
        return {"ok": True, "errors": errors, "warnings": fake.warnings}
    if name == "reset":
        fake.reset()
        return {"ok": True}
    if name == "user":
        fields = {k: p[k] for k in ("real_name", "tz", "email") if k in p}
        fake.add_user(p["id"], p.get("name"), **fields)
        return {"ok": True}
    if name == "channel":
        fake.add_channel(p["id"], p["name"], bool(p.get("is_private")), bool(p.get("member", True)))
        return {"ok": True}
    if name == "latency":
        fake.latency = float(p["seconds"])
        return {"ok": True}
    if name == "faults":
        methods = id_list(p["methods"]) if p.get("methods") else None
        fake.inject_faults(float(p["rate"]), id_list(p.get("kinds") or "429,500,drop"),
                           p.get("seed"), methods, p.get("retry_after", 1))  # fmt: skip
        return {"ok": True}
    return {"ok": False, "error": "unknown_control"}


class RemoteFake:
    """The parts of FakeSlack a SlackRequester or a benchmark needs, over HTTP."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.removesuffix("api/").rstrip("/") + "/"
        self.api_url = self.url + "api/"
        self.timeout = timeout

    def _post(self, endpoint: str, /, **params: Any) -> dict[str, Any]:
        data = json.dumps(params).encode()
        request = urllib.request.Request(
            f"{self.url}_fake/{endpoint}", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body: dict[str, Any] = json.loads(response.read())
        if not body.get("ok"):
            raise RuntimeError(f"fakeslack control {endpoint}: {body}")
        return body

    def issue_trigger(self, user_id: str | None = None, view_id: str | None = None) -> str:
        return str(self._post("trigger", user_id=user_id, view_id=view_id)["trigger_id"])

    def response_url(self) -> str:
        return str(self._post("response_url")["response_url"])

    def calls(self, method: str | None = None) -> list[Call]:
        return [Call(**c) for c in self._post("calls", method=method)["calls"]]

    def stats(self) -> dict[str, Any]:
        return self._post("stats")

    def errors(self) -> list[dict[str, Any]]:
        return list(self._post("errors")["errors"])

    def reset(self) -> None:
        self._post("reset")

    def add_user(self, user_id: str, name: str | None = None, **fields: Any) -> None:
        self._post("user", id=user_id, name=name, **fields)

    def add_channel(self, channel_id: str, name: str, is_private: bool = False, member: bool = True) -> None:
        self._post("channel", id=channel_id, name=name, is_private=is_private, member=member)

    def set_latency(self, seconds: float) -> None:
        self._post("latency", seconds=seconds)

    def inject_faults(self, rate: float = 0.2, kinds: str = "429,500,drop", seed: int | None = 123) -> None:
        self._post("faults", rate=rate, kinds=kinds, seed=seed)
