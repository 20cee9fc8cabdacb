"""Greenhouse Harvest API v3: interviews updated since the last watermark.

Auth is OAuth client credentials: POST the token endpoint with HTTP Basic (client id, secret) and
`grant_type=client_credentials`; the bearer token is renewed before it expires, and once more when a
request answers 401 (a token revoked or expired mid-sync). Lists are cursor-paginated: the first
request carries the filters and `per_page`, then each `Link: <…>; rel="next"` URL is followed as is.

Progress is kept per page: after each page is applied the cursor remembers the next page's URL, so
a sync that fails on page 3 resumes there; the watermark (`updated_at=gte|…`) moves to the start of
the run only once the last page is in. Each page's related rows (panels, applications, candidates,
jobs, interview names, users, and the jobs' hiring managers, cached for the whole sync) are fetched
in bulk; `greenhouse_records` turns them into records. The endpoints and fields relied on, and which
of them the published reference confirms, are listed in the README.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.sources import SourceRecord
from bot.sources import Batch, SourceError
from bot.sources.greenhouse_records import Related, build_record, job_id_of, organiser_id, parse_time
from bot.sources.http import Http, HttpStatus

PAGE_SIZE = 100
WATERMARK_OVERLAP = timedelta(minutes=5)  # their clock and ours differ; re-reading a little is harmless
TOKEN_MARGIN = 60.0  # seconds before expiry that a token is renewed
MAX_PER_PAGE = 500  # v3's ceiling for `per_page`
MAX_IDS = 50  # v3's ceiling for an `ids`/`…_ids` filter


def _chunks(values: list[str], size: int = MAX_IDS) -> Iterable[list[str]]:
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
        self._has_slack: Callable[[str], bool] | None = None

    def know_people(self, resolve: Callable[[str], str | None]) -> None:
        """Who has a Slack account: a job's first hiring manager with one becomes the interview's."""
        self._has_slack = lambda email: resolve(email) is not None

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

    def _rows(
        self, resource: str, ids: Iterable[str], *, by: str = "ids", per_page: int = 0
    ) -> list[dict[str, Any]]:
        """Every row of a resource whose `by` filter matches `ids` (50 at a time), every page."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(sorted({i for i in ids if i and i != "None"})):
            url: str | None = f"{self.api_url}/{resource}"
            params: dict[str, Any] | None = {by: ",".join(chunk), "per_page": per_page or len(chunk)}
            while url:
                items, url = self._get(url, params)
                params = None  # a `Link` URL carries its own cursor, alone
                found += [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        return found

    def _by_id(self, resource: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {str(r["id"]): r for r in self._rows(resource, ids) if r.get("id") is not None}

    # -- reading ---------------------------------------------------------------------------------
    def fetch(self, *, cursor: str, now: datetime) -> Iterator[Batch]:
        state = json.loads(cursor) if cursor else {}
        watermark: str | None = state.get("watermark")
        resume: str | None = state.get("resume")
        started = state.get("started") or (now - WATERMARK_OVERLAP).astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        first = f"{self.api_url}/interviews"
        params: dict[str, Any] = {"per_page": self.page_size}
        if watermark:
            params["updated_at"] = f"gte|{watermark}"
        url, query = (resume, None) if resume else (first, params)
        managers: dict[str, tuple[str, ...] | None] = {}  # job id -> its hiring managers, for this sync
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
            records, problems = self._records(items, managers)
            if next_url:
                progress = {"watermark": watermark, "resume": next_url, "started": started}
            else:
                progress = {"watermark": started, "resume": None}
            yield Batch(records=tuple(records), cursor=json.dumps(progress), problems=tuple(problems))
            if not next_url:
                return
            url, query, resume = next_url, None, next_url

    def _records(
        self, items: list[Any], managers: dict[str, tuple[str, ...] | None]
    ) -> tuple[list[SourceRecord], list[str]]:
        good = [i for i in items if isinstance(i, dict) and i.get("id") is not None]
        problems = [
            f"skipped a Greenhouse interview without an id: {str(i)[:80]}" for i in items if i not in good
        ]
        related = self._related(good, managers, problems)
        records = []
        for item in good:
            try:
                record = build_record(item, related, self._has_slack)
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"skipped Greenhouse interview {item.get('id')}: {exc}")
                continue
            if record is not None:
                records.append(record)
        return records, problems

    def _related(
        self, good: list[dict[str, Any]], managers: dict[str, tuple[str, ...] | None], problems: list[str]
    ) -> Related:
        """Everything a page of interviews refers to, in a few bulk requests."""
        related = Related(managers=managers)
        bare = [str(i["id"]) for i in good if not isinstance(i.get("interviewers"), list)]
        for row in self._rows("interviewers", bare, by="interview_ids", per_page=MAX_PER_PAGE):
            related.panels.setdefault(str(row.get("interview_id")), []).append(row)
        related.panels |= {
            str(i["id"]): i["interviewers"] for i in good if isinstance(i.get("interviewers"), list)
        }
        related.applications = self._by_id("applications", [str(i.get("application_id")) for i in good])
        apps = related.applications
        related.candidates = self._by_id("candidates", [str(a.get("candidate_id")) for a in apps.values()])
        jobs = [j for i in good if (j := job_id_of(i, apps.get(str(i.get("application_id")))))]
        related.jobs = self._by_id("jobs", jobs)
        related.slots = self._by_id("job_interviews", [str(i.get("job_interview_id")) for i in good])
        self._hiring_managers(jobs, managers, problems)
        people = [
            str(p.get("user_id") or p.get("id"))
            for ps in related.panels.values()
            for p in ps
            if not p.get("email")
        ]
        people += [o for i in good if (o := organiser_id(i))] + [
            u for j in jobs for u in managers.get(j) or ()
        ]
        related.users = self._by_id("users", people)
        return related

    def _hiring_managers(
        self, jobs: list[str], managers: dict[str, tuple[str, ...] | None], problems: list[str]
    ) -> None:
        """Fill in the hiring managers of jobs not read yet this sync. A failure is reported, and those
        jobs' interviews are imported without a hiring manager rather than dropped."""
        missing = sorted({j for j in jobs if j not in managers})
        if not missing:
            return
        try:
            rows = self._rows("job_hiring_managers", missing, by="job_ids", per_page=MAX_PER_PAGE)
        except SourceError as exc:
            managers.update(dict.fromkeys(missing))
            problems.append(
                f"couldn't read the hiring managers of Greenhouse job(s) {', '.join(missing)} ({exc}); "
                "their interviews were imported without one"
            )
            return
        found: dict[str, list[str]] = {j: [] for j in missing}
        for row in rows:
            if str(row.get("job_id")) in found and row.get("user_id") is not None:
                found[str(row["job_id"])].append(str(row["user_id"]))
        managers.update({j: tuple(users) for j, users in found.items()})


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
        expires = parse_time(token.get("expires_at"))
    except ValueError:
        expires = None
    if expires is not None:
        return max(0.0, (expires - datetime.now(expires.tzinfo)).total_seconds())
    return 3600.0
