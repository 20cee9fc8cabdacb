"""A fake Greenhouse Harvest v3 on loopback: the OAuth token endpoint; `/v3/interviews` (filtered by
`updated_at=gte|…`) and the rows it refers to (`interviewers` by `interview_ids`, `job_hiring_managers`
by `job_ids`, everything else by `ids`), every list cursor-paginated with `Link: rel="next"`; and
scripted faults (429, 500, a token that expires mid-sync)."""

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
        self.interviewers: list[dict[str, Any]] = []  # rows of /v3/interviewers
        self.job_interviews = {"700": {"id": 700, "name": "Onsite: systems design"}}
        self.hiring_managers: list[dict[str, Any]] = []  # rows of /v3/job_hiring_managers
        self.tokens: set[str] = set()
        self.issued = 0
        self.faults: list[tuple[str, int, dict[str, str]]] = []  # (path, status, headers), in order
        self.expire_after_pages: int | None = None  # revoke every token after this many interview pages
        self.pages_served = 0
        self.max_per_page: int | None = None  # cap lists other than interviews (to paginate them in tests)
        self.broken_pages: set[int] = set()  # page numbers (1-based) that answer 500 while listed
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    # -- data ------------------------------------------------------------------------------------
    def user(self, email: str) -> int:
        """The Greenhouse user id of `email` (created on first use)."""
        for user in self.users.values():
            if user["primary_email"] == email:
                return int(user["id"])
        uid = 500 + len(self.users)
        self.users[str(uid)] = {"id": uid, "first_name": email.split("@")[0], "primary_email": email}
        return uid

    def add_interview(
        self, n: int, *, start: str, end: str, emails: tuple[str, ...], updated: str, **extra: Any
    ) -> None:
        self.applications[str(100 + n)] = {"id": 100 + n, "candidate_id": 200 + n, "job_id": 300 + n % 2}
        self.candidates[str(200 + n)] = {"id": 200 + n, "first_name": f"Cand{n}", "last_name": "Idate"}
        self.jobs.setdefault("300", {"id": 300, "name": "Backend Engineer"})
        self.jobs.setdefault("301", {"id": 301, "name": "Data Scientist"})
        item = {
            "id": n, "application_id": 100 + n, "job_id": 300 + n % 2, "job_interview_id": 700,
            "starts_at": start, "ends_at": end, "status": "scheduled", "updated_at": updated,
            "created_at": updated, "organizer_id": self.user("rita@example.com"),
        }  # fmt: skip
        item.update(extra)
        self.interviews = [i for i in self.interviews if i["id"] != n] + [item]
        self.interviewers = [r for r in self.interviewers if r["interview_id"] != n] + [
            {"id": n * 100 + i, "interview_id": n, "user_id": self.user(e), "response_status": "accepted"}
            for i, e in enumerate(emails)
        ]

    def add_hiring_manager(self, job: int, email: str) -> None:
        row = {"id": 900 + len(self.hiring_managers), "job_id": job, "user_id": self.user(email)}
        self.hiring_managers.append(row)

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
            if resource == "interviews":
                return self._interviews(request)
            rows, by = {
                "applications": (list(self.applications.values()), "ids"),
                "candidates": (list(self.candidates.values()), "ids"),
                "jobs": (list(self.jobs.values()), "ids"),
                "users": (list(self.users.values()), "ids"),
                "job_interviews": (list(self.job_interviews.values()), "ids"),
                "interviewers": (self.interviewers, "interview_ids"),
                "job_hiring_managers": (self.hiring_managers, "job_ids"),
            }.get(resource, (None, ""))
            if rows is None:
                return Reply(404, b'{"error":"not found"}')
            return self._list(request, resource, rows, by)

    def _list(self, request: Request, resource: str, rows: list[dict[str, Any]], by: str) -> Reply:
        state = self._state(request)
        if state is None:
            return Reply(400, b'{"error":"cursor must be the only parameter"}')
        if "ids" not in state:
            wanted = (request.arg(by) or "").split(",")
            assert 0 < len(wanted) <= 50, f"{by} takes 1 to 50 ids"
            state["ids"] = wanted
            state["per_page"] = min(state["per_page"], self.max_per_page or state["per_page"])
        field = {"ids": "id", "interview_ids": "interview_id", "job_ids": "job_id"}[by]
        matching = [r for r in rows if str(r[field]) in state["ids"]]
        return self._page(resource, matching, state)

    def _state(self, request: Request) -> dict[str, Any] | None:
        if request.arg("cursor") is None:
            return {"offset": 0, "per_page": int(request.arg("per_page") or 100)}
        if len(request.query) != 1:
            return None
        return dict(json.loads(base64.urlsafe_b64decode(request.arg("cursor") or "")))

    def _page(self, resource: str, matching: list[dict[str, Any]], state: dict[str, Any]) -> Reply:
        page = matching[state["offset"] : state["offset"] + state["per_page"]]
        headers = {}
        if state["offset"] + state["per_page"] < len(matching):
            following = dict(state, offset=state["offset"] + state["per_page"])
            cursor = base64.urlsafe_b64encode(json.dumps(following).encode()).decode()
            headers["Link"] = f'<{self.base}/v3/{resource}?cursor={cursor}>; rel="next"'
        return _json(page, headers)

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
        state = self._state(request)
        if state is None:
            return Reply(400, b'{"error":"cursor must be the only parameter"}')
        if "since" not in state:
            state["since"] = None
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
        reply = self._page("interviews", matching, state)
        self.pages_served += 1
        if self.expire_after_pages is not None and self.pages_served >= self.expire_after_pages:
            self.tokens.clear()  # every token issued so far now answers 401
            self.expire_after_pages = None
        return reply


def _json(value: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(200, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})})
