"""A fake Greenhouse Harvest v3 on loopback: the OAuth token endpoint, cursor-paginated lists with
`Link: rel="next"`, the `ids` and `updated_at=gte|…` filters, and scripted faults (429, 500, a
token that expires mid-sync)."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from tests.fakeapi import Reply, Request

CLIENT_ID, CLIENT_SECRET = "gh-client", "gh-secret"


class FakeGreenhouse:
    def __init__(self) -> None:
        self.base = ""  # set once serving: the server's URL
        self.interviews: list[dict[str, Any]] = []
        self.applications: dict[str, dict[str, Any]] = {}
        self.candidates: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.issued = 0
        self.faults: list[tuple[str, int, dict[str, str]]] = []  # (path, status, headers), in order
        self.expire_after_pages: int | None = None  # revoke every token after this many interview pages
        self.pages_served = 0
        self.broken_pages: set[int] = set()  # page numbers (1-based) that answer 500 while listed
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    # -- data ------------------------------------------------------------------------------------
    def add_interview(
        self, n: int, *, start: str, end: str, emails: tuple[str, ...], updated: str, **extra: Any
    ) -> None:
        self.applications[str(100 + n)] = {"id": 100 + n, "candidate_id": 200 + n, "job_id": 300 + n % 2}
        self.candidates[str(200 + n)] = {"id": 200 + n, "first_name": f"Cand{n}", "last_name": "Idate"}
        self.jobs.setdefault("300", {"id": 300, "name": "Backend Engineer"})
        self.jobs.setdefault("301", {"id": 301, "name": "Data Scientist"})
        item = {
            "id": n, "application_id": 100 + n, "start_at": start, "end_at": end, "status": "scheduled",
            "interview_name": "Onsite: systems design", "updated_at": updated, "created_at": updated,
            "organizer": {"user_id": 9, "email": "rita@example.com"},
            "interviewers": [{"user_id": 10 + i, "email": e, "response_status": "accepted"} for i, e in enumerate(emails)],
        }  # fmt: skip
        item.update(extra)
        self.interviews = [i for i in self.interviews if i["id"] != n] + [item]

    def fail(self, path: str, status: int, *, retry_after: str | None = None, times: int = 1) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.faults += [(path, status, headers)] * times

    # -- serving ---------------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            where = request.path + ("?cursor" if request.arg("cursor") is not None else "")
            for index, (path, status, headers) in enumerate(self.faults):
                if where.endswith(path):
                    del self.faults[index]
                    return Reply(status, b'{"error":"injected"}', headers)
            if request.path.endswith("/token") and request.method == "POST":
                return self._token(request)
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
                return Reply(401, b'{"error":"invalid_token"}')
            resource = request.path.rsplit("/", 1)[-1]
            if resource == "scheduled_interviews":
                return self._interviews(request)
            table = {
                "applications": self.applications,
                "candidates": self.candidates,
                "jobs": self.jobs,
                "users": self.users,
            }.get(resource)
            if table is None:
                return Reply(404, b'{"error":"not found"}')
            ids = (request.arg("ids") or "").split(",")
            return _json([table[i] for i in ids if i in table])

    def _token(self, request: Request) -> Reply:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if (
            request.headers.get("authorization") != expected
            or b"grant_type=client_credentials" not in request.body
        ):
            return Reply(401, b'{"error":"invalid_client"}')
        self.issued += 1
        token = f"token-{self.issued}"
        self.tokens.add(token)
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _interviews(self, request: Request) -> Reply:
        if request.arg("cursor") is not None:
            if len(request.query) != 1:
                return Reply(400, b'{"error":"cursor must be the only parameter"}')
            state = json.loads(base64.urlsafe_b64decode(request.arg("cursor") or ""))
        else:
            state = {"offset": 0, "per_page": int(request.arg("per_page") or 100), "since": None}
            updated = request.arg("updated_at")
            if updated:
                operator, value = updated.split("|", 1)
                assert operator == "gte", updated
                state["since"] = value
        matching = sorted(
            (i for i in self.interviews if state["since"] is None or i["updated_at"] >= state["since"]),
            key=lambda i: -i["id"],
        )  # newest id first, as v3 lists are
        if state["offset"] // state["per_page"] + 1 in self.broken_pages:
            return Reply(500, b'{"error":"internal"}')
        page = matching[state["offset"] : state["offset"] + state["per_page"]]
        headers = {}
        if state["offset"] + state["per_page"] < len(matching):
            following = dict(state, offset=state["offset"] + state["per_page"])
            cursor = base64.urlsafe_b64encode(json.dumps(following).encode()).decode()
            headers["Link"] = f'<{self.base}/v3/scheduled_interviews?cursor={cursor}>; rel="next"'
        self.pages_served += 1
        if self.expire_after_pages is not None and self.pages_served >= self.expire_after_pages:
            self.tokens.clear()  # every token issued so far now answers 401
            self.expire_after_pages = None
        return _json(page, headers)


def _json(value: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(200, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})})
