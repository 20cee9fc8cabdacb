"""Ashby: interview schedules pushed by webhooks, and a reconciling poll that catches a missed one.

Webhooks `interviewScheduleCreate` / `interviewScheduleUpdate` arrive on the bot's HTTP server
(`/ashby/webhook`), signed `Ashby-Signature: sha256=<hex HMAC-SHA256 of the body>` with the secret
set in Ashby. The poll reads `interviewSchedule.list` with the `syncToken` of the previous read, so
only changes come back. Both give the same records: one interview per schedule (its events' earliest
start to latest end, every interviewer on the panel), the candidate's name and the job's title from
`application.info` / `job.info`, and the hiring team's "Hiring Manager" as the hiring manager.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.domain.models import Stage
from bot.domain.sources import SourceRecord
from bot.sources import Batch, SourceError
from bot.sources.http import Http, HttpStatus
from bot.sources.ics import calendar_stage

WEBHOOK_PATH = "/ashby/webhook"
SCHEDULE_ACTIONS = ("interviewScheduleCreate", "interviewScheduleUpdate")
PAGE_SIZE = 100


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """`Ashby-Signature: sha256=<hex>` is the HMAC-SHA256 of the raw body with the webhook secret."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("an interview event has no start or end time")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed


class Ashby:
    kind = "ashby"
    name = "ashby"
    label = "Ashby"

    def __init__(
        self, *, api_key: str, api_url: str, http: Http | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        self._auth = (api_key, "")  # Basic auth: the key as user name, no password
        self.api_url = api_url.rstrip("/")
        self.http = http or Http(what="Ashby")
        self.page_size = page_size

    def _call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            _response, body = self.http.request(
                "POST",
                f"{self.api_url}/{method}",
                json=payload,
                auth=self._auth,
                headers={"Accept": "application/json"},
            )
        except HttpStatus as exc:
            if exc.status in (401, 403):
                raise SourceError(
                    f"Ashby refused the API key for {method} (check ASHBY_API_KEY and its permissions)"
                ) from None
            raise
        try:
            answer = json.loads(body)
        except ValueError:
            raise SourceError(f"Ashby's {method} answered something that isn't JSON") from None
        if not isinstance(answer, dict) or not answer.get("success"):
            errors = answer.get("errors") if isinstance(answer, dict) else None
            raise AshbyError(method, [str(e) for e in errors or []])
        return answer

    # -- the poll --------------------------------------------------------------------------------
    def fetch(self, *, cursor: str, now: datetime) -> Iterator[Batch]:
        sync_token = cursor or None
        page: str | None = None
        while True:
            payload: dict[str, Any] = {"limit": self.page_size}
            if sync_token:
                payload["syncToken"] = sync_token
            if page:
                payload["cursor"] = page
            try:
                answer = self._call("interviewSchedule.list", payload)
            except AshbyError as exc:
                if sync_token and any("sync_token" in e.lower() for e in exc.errors):
                    sync_token, page = None, None  # expired: read everything again (reconcile is idempotent)
                    continue
                raise
            results = answer.get("results") or []
            records, problems = self.records([r for r in results if isinstance(r, dict)])
            more = bool(answer.get("moreDataAvailable"))
            page = answer.get("nextCursor")
            done = not more or not page
            yield Batch(
                records=tuple(records),
                cursor=str(answer.get("syncToken") or "") if done else None,
                problems=tuple(problems),
            )
            if done:
                return

    # -- webhooks --------------------------------------------------------------------------------
    def receive(self, payload: Any) -> Batch | None:
        """A webhook's batch, or None for an action we don't follow (a ping, another event).
        Raises ValueError when the payload is not what Ashby sends."""
        if not isinstance(payload, dict) or not isinstance(payload.get("action"), str):
            raise ValueError("not an Ashby webhook")
        if payload["action"] not in SCHEDULE_ACTIONS:
            return None
        schedule = (payload.get("data") or {}).get("interviewSchedule")
        if not isinstance(schedule, dict) or not schedule.get("id"):
            raise ValueError("the webhook has no interviewSchedule")
        records, problems = self.records([schedule])
        return Batch(records=tuple(records), problems=tuple(problems))

    # -- records ---------------------------------------------------------------------------------
    def records(self, schedules: list[dict[str, Any]]) -> tuple[list[SourceRecord], list[str]]:
        applications: dict[str, dict[str, Any]] = {}
        jobs: dict[str, str] = {}
        records: list[SourceRecord] = []
        problems: list[str] = []
        for schedule in schedules:
            try:
                record = self._record(schedule, applications, jobs)
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"skipped Ashby schedule {str(schedule.get('id'))[:40]}: {exc}")
                continue
            if record is not None:
                records.append(record)
        return records, problems

    def _record(
        self, schedule: dict[str, Any], applications: dict[str, dict[str, Any]], jobs: dict[str, str]
    ) -> SourceRecord | None:
        events = [e for e in schedule.get("interviewEvents") or [] if isinstance(e, dict)]
        cancelled = str(schedule.get("status") or "").lower() == "cancelled"
        if not events and not cancelled:
            return None  # not yet scheduled (being arranged): nothing to debrief yet
        application, candidate, title = self._application(schedule, applications, jobs)
        starts_at, ends_at = _span(schedule, events)
        title_of_first = str(((events[0].get("interview") or {}).get("title")) if events else "")
        return SourceRecord(
            key=f"ashby:{schedule['id']}",
            candidate=candidate,
            role=title,
            stage=calendar_stage(title_of_first) if title_of_first else Stage.OTHER,
            starts_at=starts_at,
            length_minutes=max(1, int((ends_at - starts_at).total_seconds() // 60)),
            interviewer_emails=_panel(events),
            organiser_email=_team_member(application, "recruiter"),
            hiring_manager_email=_team_member(application, "hiring manager"),
            cancelled=cancelled,
            version=str(schedule.get("updatedAt") or ""),
        )

    def _application(
        self, schedule: dict[str, Any], applications: dict[str, dict[str, Any]], jobs: dict[str, str]
    ) -> tuple[dict[str, Any], str, str]:
        """The schedule's application, candidate name and job title, each looked up once per sync."""
        application_id = str(schedule.get("applicationId") or "")
        if not application_id:
            raise ValueError("it has no applicationId")
        if application_id not in applications:
            applications[application_id] = self._call("application.info", {"applicationId": application_id})[
                "results"
            ]
        application = applications[application_id]
        candidate = str((application.get("candidate") or {}).get("name") or "").strip()
        job = application.get("job") or {}
        job_id = str(job.get("id") or "")
        title = str(job.get("title") or "")
        if not title and job_id:
            if job_id not in jobs:
                jobs[job_id] = str(self._call("job.info", {"id": job_id})["results"].get("title") or "")
            title = jobs[job_id]
        if not candidate or not title:
            raise ValueError("its candidate's name or job title is missing")
        return application, candidate, title


def _span(schedule: dict[str, Any], events: list[dict[str, Any]]) -> tuple[datetime, datetime]:
    """From the first event's start to the last one's end; a schedule cancelled before any event
    has nothing to place, only to cancel, so its last update stands in."""
    if not events:
        at = _time(schedule.get("updatedAt") or schedule.get("createdAt"))
        return at, at
    return min(_time(e.get("startTime")) for e in events), max(_time(e.get("endTime")) for e in events)


def _panel(events: list[dict[str, Any]]) -> tuple[str, ...]:
    """Every event's interviewers' e-mails, once each, in order."""
    panel: list[str] = []
    for event in events:
        for person in event.get("interviewers") or []:
            email = str((person or {}).get("email") or "").lower()
            if email and email not in panel:
                panel.append(email)
    return tuple(panel)


def _team_member(application: dict[str, Any], role: str) -> str | None:
    """The e-mail of the application's hiring-team member in `role` ("Hiring Manager", "Recruiter")."""
    for member in application.get("hiringTeam") or []:
        if isinstance(member, dict) and str(member.get("role", "")).lower() == role and member.get("email"):
            return str(member["email"]).lower()
    return None


class AshbyError(SourceError):
    def __init__(self, method: str, errors: list[str]) -> None:
        super().__init__(f"Ashby's {method} failed: {', '.join(errors) or 'no reason given'}")
        self.errors = errors
