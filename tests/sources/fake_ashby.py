"""A fake Ashby API on loopback: interviewSchedule.list with cursors and syncTokens,
application.info and job.info, Basic auth with the API key."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from tests.fakeapi import Reply, Request

API_KEY = "ashby-key"


class FakeAshby:
    def __init__(self) -> None:
        self.schedules: dict[str, dict[str, Any]] = {}
        self.changed: list[str] = []  # schedule ids in the order they changed (what a syncToken replays)
        self.applications: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def schedule(self, sid: str, *, start: str, end: str, emails: tuple[str, ...], updated: str,
                 status: str = "Scheduled", application: str = "app-1") -> dict[str, Any]:  # fmt: skip
        """Store a schedule as Ashby would have it; returns the object a webhook carries."""
        item = {
            "id": sid, "applicationId": application, "status": status, "updatedAt": updated,
            "interviewStageId": "stage-onsite",
            "interviewEvents": [{
                "id": f"{sid}-event", "startTime": start, "endTime": end,
                "interview": {"id": "int-1", "title": "Onsite: pairing"},
                "interviewers": [{"id": f"user-{e}", "email": e, "firstName": e.split("@")[0]} for e in emails],
            }],
        }  # fmt: skip
        with self._lock:
            self.schedules[sid] = item
            self.changed.append(sid)
        return item

    def add_application(
        self, app_id: str, candidate: str, job_id: str, title: str, manager: str | None = None
    ) -> None:
        team = [{"email": "rita@example.com", "role": "Recruiter", "userId": "u-rita"}]
        if manager:
            team.append({"email": manager, "role": "Hiring Manager", "userId": "u-hm"})
        self.applications[app_id] = {"id": app_id, "candidate": {"id": f"c-{app_id}", "name": candidate},
                                     "job": {"id": job_id}, "hiringTeam": team}  # fmt: skip
        self.jobs[job_id] = {"id": job_id, "title": title}

    def handle(self, request: Request) -> Reply:
        expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Reply(401, b'{"success":false,"errors":["invalid_api_key"]}')
        body = json.loads(request.body or b"{}")
        method = request.path.rsplit("/", 1)[-1]
        with self._lock:
            self.requests.append((method, body))
            if method == "interviewSchedule.list":
                return _ok(self._list(body))
            if method == "application.info":
                found = self.applications.get(body.get("applicationId"))
                return (
                    _ok({"results": found}) if found else _json({"success": False, "errors": ["not_found"]})
                )
            if method == "job.info":
                job = self.jobs.get(body.get("id"))
                return _ok({"results": job}) if job else _json({"success": False, "errors": ["not_found"]})
        return Reply(404, b"{}")

    def _list(self, body: dict[str, Any]) -> dict[str, Any]:
        since = int(body["syncToken"].removeprefix("sync-")) if body.get("syncToken") else 0
        ids = list(dict.fromkeys(reversed(self.changed[since:])))  # each changed schedule once, newest first
        offset = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 100)
        page = ids[offset : offset + limit]
        more = offset + limit < len(ids)
        answer: dict[str, Any] = {"results": [self.schedules[i] for i in page], "moreDataAvailable": more}
        if more:
            answer["nextCursor"] = str(offset + limit)
        else:
            answer["syncToken"] = f"sync-{len(self.changed)}"
        return answer


def _ok(value: dict[str, Any]) -> Reply:
    return _json({"success": True, **value})


def _json(value: Any) -> Reply:
    return Reply(200, json.dumps(value).encode(), {"Content-Type": "application/json"})
