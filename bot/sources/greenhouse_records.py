"""Greenhouse Harvest v3 rows → `SourceRecord`s (no HTTP here: `greenhouse.py` fetches the rows).

v3 keeps related things on their own endpoints, joined by id: an interview's panel is rows of
`/v3/interviewers`, its name is on `/v3/job_interviews`, people's e-mails on `/v3/users`, a job's
hiring managers are rows of `/v3/job_hiring_managers`. The older embedded shapes (`interviewers[]`,
`organizer{}`, `start_at`, `interview_name`, `primary_email_address`) are still read when present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.models import Stage
from bot.domain.sources import SourceRecord
from bot.sources.ics import calendar_stage, named_hiring_manager

CANCELLED = ("cancelled", "canceled")

Rows = dict[str, dict[str, Any]]  # id -> row


@dataclass
class Related:
    """What one page of interviews refers to, fetched in bulk."""

    panels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # interview id -> interviewers
    applications: Rows = field(default_factory=dict)
    candidates: Rows = field(default_factory=dict)
    jobs: Rows = field(default_factory=dict)
    slots: Rows = field(default_factory=dict)  # job_interview id -> row (its `name`)
    users: Rows = field(default_factory=dict)
    managers: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # job id -> HM user ids


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed


def _first(item: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = item.get(name)
        if isinstance(value, dict):  # v1-style {"date_time": …}
            value = value.get("date_time")
        if value:
            return value
    return None


def job_id_of(item: dict[str, Any], application: dict[str, Any] | None) -> str | None:
    """The interview's job: its application's `job_id` (v3), else the interview's own `job_id`."""
    application = application or {}
    if application.get("job_id"):
        return str(application["job_id"])
    for job in application.get("job_ids") or application.get("jobs") or []:
        return str(job.get("id") if isinstance(job, dict) else job)
    return str(item["job_id"]) if item.get("job_id") else None


def organiser_id(item: dict[str, Any]) -> str | None:
    organizer = item.get("organizer")
    if isinstance(organizer, dict):
        found = organizer.get("user_id") or organizer.get("id")
        return str(found) if found else None
    return str(item["organizer_id"]) if item.get("organizer_id") else None


def user_email(user: dict[str, Any] | None) -> str | None:
    user = user or {}
    email = user.get("primary_email") or user.get("primary_email_address") or user.get("email")
    if not email and user.get("emails"):
        email = user["emails"][0]
    return str(email).lower() if email else None


def person_email(person: Any, users: Rows) -> str | None:
    """An interviewer row's (or a v1 organiser's) e-mail: its own `email`, else its user's."""
    if not isinstance(person, dict):
        return None
    if person.get("email"):
        return str(person["email"]).lower()
    return user_email(users.get(str(person.get("user_id") or person.get("id"))))


def hm_line(item: dict[str, Any]) -> str | None:
    """An `HM: <email>` line in the interview's notes or description, if it has one."""
    for name in ("notes", "description"):
        text = item.get(name)
        found = named_hiring_manager(text) if isinstance(text, str) else None
        if found:
            return found
    return None


def hiring_manager(
    item: dict[str, Any], job: str | None, related: Related, has_slack: Callable[[str], bool] | None
) -> str | None:
    """The `HM:` line wins; else the job's first hiring manager with a Slack account; else its first
    hiring manager (whom the sync then reports as unreachable); else none."""
    named = hm_line(item)
    if named:
        return named
    team = related.managers.get(job or "") or ()
    emails = [e for e in (user_email(related.users.get(u)) for u in team) if e]
    if has_slack is not None:
        for email in emails:
            if has_slack(email):
                return email
    return emails[0] if emails else None


def build_record(
    item: dict[str, Any], related: Related, has_slack: Callable[[str], bool] | None = None
) -> SourceRecord | None:
    """The record for one interview; None for an all-day one (no slot to debrief after)."""
    starts_at = parse_time(_first(item, "starts_at", "start_at", "start"))
    ends_at = parse_time(_first(item, "ends_at", "end_at", "end"))
    if starts_at is None or ends_at is None:
        return None
    application = related.applications.get(str(item.get("application_id")))
    if application is None:
        raise ValueError("its application could not be read")
    candidate = related.candidates.get(str(application.get("candidate_id")), {})
    name = " ".join(p for p in (candidate.get("first_name"), candidate.get("last_name")) if p)
    job = job_id_of(item, application)
    role = str(related.jobs.get(job or "", {}).get("name") or "")
    if not name or not role:
        raise ValueError("its candidate's name or job title is missing")
    slot = related.slots.get(str(item.get("job_interview_id")), {})
    title = str(
        item.get("interview_name") or (item.get("interview") or {}).get("name") or slot.get("name") or ""
    )
    organiser = organiser_id(item)
    panel = related.panels.get(str(item["id"]), [])
    return SourceRecord(
        key=f"greenhouse:{item['id']}",
        candidate=name,
        role=role,
        stage=calendar_stage(title) if title else Stage.OTHER,
        starts_at=starts_at,
        length_minutes=max(1, int((ends_at - starts_at).total_seconds() // 60)),
        interviewer_emails=tuple(e for e in (person_email(p, related.users) for p in panel) if e),
        organiser_email=person_email(item.get("organizer"), related.users)
        if isinstance(item.get("organizer"), dict)
        else user_email(related.users.get(organiser or "")),
        hiring_manager_email=hiring_manager(item, job, related, has_slack),
        cancelled=str(item.get("status") or "").lower() in CANCELLED or bool(item.get("deleted_at")),
        version=str(item.get("updated_at") or ""),
    )
