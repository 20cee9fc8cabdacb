"""Greenhouse Harvest API v3: scheduled interviews updated since the last watermark.

Auth is OAuth client credentials: POST the token endpoint with HTTP Basic (client id, secret) and
`grant_type=client_credentials`; the bearer token is renewed before it expires, and once more when a
request answers 401 (a token revoked or expired mid-sync). Lists are cursor-paginated: the first
request carries the filters and `per_page`, then each `Link: <…>; rel="next"` URL is followed as is.

Progress is kept per page: after each page is applied the cursor remembers the next page's URL, so
a sync that fails on page 3 resumes there; the watermark (`updated_at=gte|…`) moves to the start of
the run only once the last page is in. The fields relied on are listed in the README.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.models import Stage
from bot.domain.sources import SourceRecord
from bot.sources import Batch, SourceError
from bot.sources.http import Http, HttpStatus
from bot.sources.ics import calendar_stage

PAGE_SIZE = 100
WATERMARK_OVERLAP = timedelta(minutes=5)  # their clock and ours differ; re-reading a little is harmless
TOKEN_MARGIN = 60.0  # seconds before expiry that a token is renewed
CANCELLED = ("cancelled", "canceled")


def _parse_time(value: Any) -> datetime | None:
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


def _chunks(values: list[str], size: int = 50) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Greenhouse:
    kind = "greenhouse"
    name = "greenhouse"
    label = "Greenhouse"

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        api_url: str,
        token_url: str,
        http: Http | None = None,
        page_size: int = PAGE_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = (client_id, client_secret)
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.http = http or Http(what="Greenhouse")
        self.page_size = page_size
        self.monotonic = monotonic
        self._token: str | None = None
        self._expires = 0.0

    # -- auth ------------------------------------------------------------------------------------
    def _bearer(self, *, renew: bool = False) -> str:
        if renew or self._token is None or self.monotonic() >= self._expires - TOKEN_MARGIN:
            try:
                _response, body = self.http.request(
                    "POST", self.token_url, data={"grant_type": "client_credentials"}, auth=self._credentials
                )
            except HttpStatus as exc:
                if exc.status in (400, 401, 403):
                    raise SourceError(
                        "Greenhouse refused the client id and secret (check GREENHOUSE_CLIENT_ID/SECRET)"
                    ) from None
                raise
            token = _json(body, "Greenhouse's token endpoint")
            if not isinstance(token, dict) or not token.get("access_token"):
                raise SourceError("Greenhouse's token endpoint answered without a token")
            self._token = str(token["access_token"])
            self._expires = self.monotonic() + _lifetime(token)
        return self._token

    def _get(self, url: str, params: dict[str, Any] | None = None) -> tuple[Any, str | None]:
        """A page of JSON and the next page's URL (None on the last page)."""
        for attempt in range(2):
            headers = {
                "Authorization": f"Bearer {self._bearer(renew=attempt > 0)}",
                "Accept": "application/json",
            }
            try:
                response, body = self.http.request("GET", url, headers=headers, params=params)
            except HttpStatus as exc:
                if exc.status == 401 and attempt == 0:
                    continue  # the token expired or was revoked mid-sync: a new one, once
                if exc.status == 403:
                    raise SourceError(
                        "Greenhouse refused access (the credentials need the scopes the README lists)"
                    ) from None
                raise
            link = response.links.get("next", {}).get("url")
            return _json(body, "Greenhouse"), link
        raise SourceError("Greenhouse kept refusing a fresh token")

    def _list(self, resource: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Items of a resource by id (`ids` filter), every page."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(set(ids))):
            url: str | None = f"{self.api_url}/{resource}"
            params: dict[str, Any] | None = {"ids": ",".join(chunk), "per_page": len(chunk)}
            while url:
                items, url = self._get(url, params)
                params = None
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict) and item.get("id") is not None:
                        found[str(item["id"])] = item
        return found

    # -- reading ---------------------------------------------------------------------------------
    def fetch(self, *, cursor: str, now: datetime) -> Iterator[Batch]:
        state = json.loads(cursor) if cursor else {}
        watermark: str | None = state.get("watermark")
        resume: str | None = state.get("resume")
        started = state.get("started") or (now - WATERMARK_OVERLAP).astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        first = f"{self.api_url}/scheduled_interviews"
        params: dict[str, Any] = {"per_page": self.page_size}
        if watermark:
            params["updated_at"] = f"gte|{watermark}"
        url, query = (resume, None) if resume else (first, params)
        while True:
            try:
                items, next_url = self._get(url, query)
            except HttpStatus as exc:
                if resume and url == resume and exc.status in (400, 404, 410, 422):
                    url, query, resume = first, params, None  # the saved cursor expired: start over
                    continue
                raise
            if not isinstance(items, list):
                raise SourceError("Greenhouse answered something other than a list of interviews")
            records, problems = self._records(items)
            if next_url:
                progress = {"watermark": watermark, "resume": next_url, "started": started}
            else:
                progress = {"watermark": started, "resume": None}
            yield Batch(records=tuple(records), cursor=json.dumps(progress), problems=tuple(problems))
            if not next_url:
                return
            url, query, resume = next_url, None, next_url

    def _records(self, items: list[Any]) -> tuple[list[SourceRecord], list[str]]:
        good = [i for i in items if isinstance(i, dict) and i.get("id") is not None]
        problems = [
            f"skipped a Greenhouse interview without an id: {str(i)[:80]}" for i in items if i not in good
        ]
        applications = self._list(
            "applications", [str(i["application_id"]) for i in good if i.get("application_id")]
        )
        candidates = self._list(
            "candidates", [str(a["candidate_id"]) for a in applications.values() if a.get("candidate_id")]
        )
        jobs = self._list("jobs", [str(j) for a in applications.values() for j in _job_ids(a)])
        missing = [
            str(p.get("user_id") or p.get("id"))
            for i in good
            for p in [*(i.get("interviewers") or []), i.get("organizer") or {}]
            if isinstance(p, dict) and not p.get("email") and (p.get("user_id") or p.get("id"))
        ]
        users = self._list("users", missing) if missing else {}
        records = []
        for item in good:
            try:
                record = self._record(item, applications, candidates, jobs, users)
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"skipped Greenhouse interview {item.get('id')}: {exc}")
                continue
            if record is not None:
                records.append(record)
        return records, problems

    def _record(
        self,
        item: dict[str, Any],
        applications: dict[str, dict[str, Any]],
        candidates: dict[str, dict[str, Any]],
        jobs: dict[str, dict[str, Any]],
        users: dict[str, dict[str, Any]],
    ) -> SourceRecord | None:
        starts_at = _parse_time(_first(item, "start_at", "starts_at", "start"))
        ends_at = _parse_time(_first(item, "end_at", "ends_at", "end"))
        if starts_at is None or ends_at is None:
            return None  # an all-day interview (dates only): no slot to debrief after
        application = applications.get(str(item.get("application_id")))
        if application is None:
            raise ValueError("its application could not be read")
        candidate = candidates.get(str(application.get("candidate_id")), {})
        name = " ".join(p for p in (candidate.get("first_name"), candidate.get("last_name")) if p)
        job_ids = _job_ids(application)
        role = str(jobs.get(str(job_ids[0]), {}).get("name") or "") if job_ids else ""
        if not name or not role:
            raise ValueError("its candidate's name or job title is missing")
        interview_name = str(item.get("interview_name") or (item.get("interview") or {}).get("name") or "")
        organiser = item.get("organizer") or {}
        return SourceRecord(
            key=f"greenhouse:{item['id']}",
            candidate=name,
            role=role,
            stage=calendar_stage(interview_name) if interview_name else Stage.OTHER,
            starts_at=starts_at,
            length_minutes=max(1, int((ends_at - starts_at).total_seconds() // 60)),
            interviewer_emails=tuple(
                e for e in (_email_of(p, users) for p in item.get("interviewers") or []) if e
            ),
            organiser_email=_email_of(organiser, users),
            cancelled=str(item.get("status") or "").lower() in CANCELLED or bool(item.get("deleted_at")),
            version=str(item.get("updated_at") or ""),
        )


def _job_ids(application: dict[str, Any]) -> list[Any]:
    if application.get("job_id"):
        return [application["job_id"]]
    return [
        j.get("id") if isinstance(j, dict) else j
        for j in application.get("job_ids") or application.get("jobs") or []
    ]


def _email_of(person: Any, users: dict[str, dict[str, Any]]) -> str | None:
    if not isinstance(person, dict):
        return None
    email = person.get("email")
    if not email:
        user = users.get(str(person.get("user_id") or person.get("id")), {})
        email = user.get("primary_email_address") or user.get("email")
    return str(email).lower() if email else None


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise SourceError(f"{what} answered something that isn't JSON") from None


def _lifetime(token: dict[str, Any]) -> float:
    """Seconds the token lives: `expires_in`, or `expires_at` (an ISO time) from now; an hour otherwise."""
    if isinstance(token.get("expires_in"), int | float):
        return float(token["expires_in"])
    try:
        expires = _parse_time(token.get("expires_at"))
    except ValueError:
        expires = None
    if expires is not None:
        return max(0.0, (expires - datetime.now(expires.tzinfo)).total_seconds())
    return 3600.0
