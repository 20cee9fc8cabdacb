"""Calendar feeds (iCalendar): Google's "secret address in iCal format", Outlook's published ICS link,
or a local `.ics` file. Each read is a complete snapshot of the feed's next weeks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import recurring_ical_events
import x_wr_timezone

from bot.domain.models import Stage
from bot.domain.sources import SourceRecord, Window
from bot.sources import Batch, SourceError
from bot.sources.http import MAX_BYTES, Http

DEFAULT_TITLE = "Interview: {candidate} - {role}"
SEPARATORS = "-–—|/"
LOOK_BACK = timedelta(days=1)
LOOK_AHEAD = timedelta(days=60)
_STAGE_TAG = re.compile(r"\[([^\]]+)\]")
_HM_LINE = re.compile(r"^\s*HM\s*:\s*(?:mailto:)?(\S+@\S+?)\s*$", re.IGNORECASE | re.MULTILINE)
_STAGES = {stage.label.lower(): stage for stage in Stage} | {stage.value: stage for stage in Stage}
_STAGES |= {"phone": Stage.PHONE_SCREEN, "screen": Stage.PHONE_SCREEN, "on-site": Stage.ONSITE}


def title_pattern(template: str) -> re.Pattern[str]:
    """`Interview: {candidate} - {role}` as a regular expression: a separator between the two fields
    may be any of - – — | / (with or without spaces around it); the rest is literal, case-insensitive."""
    if "{candidate}" not in template or "{role}" not in template:
        raise ValueError("DEBRIEF_ICS_TITLE needs both {candidate} and {role}")
    parts = re.split(r"(\{candidate\}|\{role\})", template)
    out = []
    for part in parts:
        if part == "{candidate}":
            out.append(r"(?P<candidate>.+?)")
        elif part == "{role}":
            out.append(r"(?P<role>.+?)")
        elif part.strip() and all(c in SEPARATORS for c in part.strip()):
            out.append(r"\s*[" + re.escape(SEPARATORS) + r"]\s*")
        else:
            out.append(r"\s*".join(re.escape(word) for word in part.split(" ")))
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE)


def stage_of(text: str) -> Stage | None:
    """`[Onsite]`, `[phone screen]`, … -> Stage; None when there is no known tag."""
    for tag in _STAGE_TAG.findall(text):
        found = _STAGES.get(tag.strip().lower())
        if found is not None:
            return found
    return None


def named_hiring_manager(text: str) -> str | None:
    """The e-mail of an `HM: <email>` line in an event's (or interview's) description, if any."""
    found = _HM_LINE.search(text)
    return found.group(1).lower() if found else None


def calendar_stage(name: str) -> Stage:
    """A calendar's default stage: a tag in its name, or a stage word in it, else Other."""
    tagged = stage_of(name)
    if tagged is not None:
        return tagged
    words = name.lower()
    for label, stage in _STAGES.items():
        if len(label) > 4 and label in words:
            return stage
    return Stage.OTHER


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower() if "@" in text else None


@dataclass(frozen=True)
class Parsed:
    records: tuple[SourceRecord, ...]
    problems: tuple[str, ...]


def parse_feed(text: bytes | str, *, name: str, title: str, start: datetime, end: datetime) -> Parsed:
    """Every interview in [start, end) the feed describes; malformed events are reported and skipped.
    A feed that is not iCalendar at all raises SourceError (and so cancels nothing)."""
    pattern = title_pattern(title)
    try:
        calendar = icalendar.Calendar.from_ical(text)
        calendar = x_wr_timezone.to_standard(calendar)
        default = calendar_stage(str(calendar.get("X-WR-CALNAME", "")))
        series, problems = _scan(calendar, pattern)
        occurrences = list(recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end))
    except SourceError:
        raise
    except Exception as exc:  # icalendar and its helpers raise many kinds on a broken file
        raise SourceError(f"the calendar feed {name} isn't a readable iCalendar file ({exc})") from None
    records: list[SourceRecord] = []
    for event in occurrences:
        if event.name != "VEVENT":
            continue
        try:
            record = _record(event, pattern=pattern, default=default, series=series)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            summary = str(event.get("SUMMARY", "?"))[:80]
            problems.append(f"skipped the event “{summary}”: {exc}")
            continue
        if record is not None:
            records.append(record)
    return Parsed(records=tuple(records), problems=tuple(problems))


def _scan(calendar: Any, pattern: re.Pattern[str]) -> tuple[set[str], list[str]]:
    """The UIDs of recurring series (their occurrences are keyed by original start), and the
    interview events too broken to place in time (which the expansion would drop without a word)."""
    series: set[str] = set()
    problems: list[str] = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        if (
            event.get("RRULE") is not None
            or event.get("RDATE") is not None
            or event.get("RECURRENCE-ID") is not None
        ):
            series.add(uid)
        summary = str(event.get("SUMMARY", "")).strip()
        if not pattern.match(_STAGE_TAG.sub("", summary).strip()):
            continue
        try:
            readable = isinstance(event.get("DTSTART").dt, date) and not event.errors
        except Exception:  # icalendar raises on reading a broken property's value
            readable = False
        if not readable:
            problems.append(f"skipped the event “{summary[:80]}”: its start time can't be read")
    return series, problems


def _record(event: Any, *, pattern: re.Pattern[str], default: Stage, series: set[str]) -> SourceRecord | None:
    summary = str(event.get("SUMMARY", "")).strip()
    stage = stage_of(summary)
    bare = _STAGE_TAG.sub("", summary).strip()
    match = pattern.match(bare)
    if match is None:
        return None  # not an interview
    start = event.get("DTSTART")
    if start is None:
        raise ValueError("it has no start time")
    if not isinstance(start.dt, datetime):  # an all-day event: not an interview slot
        return None
    starts_at, minutes = _span(event, start.dt)
    key = _key(event, series)
    organiser = _email(event.get("ORGANIZER"))
    return SourceRecord(
        key=key,
        candidate=match.group("candidate").strip(),
        role=match.group("role").strip(),
        stage=stage or default,
        starts_at=starts_at,
        length_minutes=minutes,
        interviewer_emails=_panel(event, organiser),
        organiser_email=organiser,
        hiring_manager_email=named_hiring_manager(str(event.get("DESCRIPTION", ""))),
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
    )


def _span(event: Any, starts_at: datetime) -> tuple[datetime, int]:
    """The start in UTC and the length in minutes: DTEND, else DURATION, else an hour; up to a day."""
    end = event.get("DTEND")
    if end is not None and isinstance(end.dt, datetime):
        ends_at = end.dt
    elif event.get("DURATION") is not None:
        ends_at = starts_at + event.get("DURATION").dt
    else:
        ends_at = starts_at + timedelta(hours=1)
    starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes <= 0:
        raise ValueError("it ends before it starts")
    if minutes > 24 * 60:
        raise ValueError("it lasts more than a day")
    return starts_at, minutes


def _key(event: Any, series: set[str]) -> str:
    """`ics:<UID>`: UIDs are global, so the same event in two feeds is one interview; an occurrence
    of a recurring series keeps its original start as its identity."""
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise ValueError("it has no UID")
    recurrence = event.get("RECURRENCE-ID")
    key = f"ics:{uid}"
    if uid in series and recurrence is not None:
        original = recurrence.dt
        stamp = _utc(original).strftime("%Y%m%dT%H%M%SZ") if isinstance(original, datetime) else str(original)
        key = f"{key}@{stamp}"
    return key


def _panel(event: Any, organiser: str | None) -> tuple[str, ...]:
    """The attendees' e-mails, once each: not the organiser, rooms, resources or who declined."""
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    panel: list[str] = []
    for attendee in attendees:
        params = getattr(attendee, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() in ("ROOM", "RESOURCE"):
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        email = _email(attendee)
        if email and email != organiser and email not in panel:
            panel.append(email)
    return tuple(panel)


def _utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError("it has a date but no time")
    if value.tzinfo is None:  # a floating time: no zone in the feed; read as UTC
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class IcsFeed:
    """One calendar feed: an http(s) URL (fetched with retries and a size limit) or a file path."""

    kind = "ics"

    def __init__(self, location: str, *, title: str = DEFAULT_TITLE, http: Http | None = None) -> None:
        self.location = location
        # Named by a digest of the address: stable across restarts, and the secret part never shown.
        self.name = "ics-" + hashlib.sha256(location.encode()).hexdigest()[:8]
        where = urlsplit(location).hostname if "://" in location else Path(location).name
        self.label = f"Calendar feed {self.name} ({where})"
        self.title = title
        title_pattern(title)  # a bad pattern fails at start-up, not at every sync
        self.http = http or Http(what=f"the calendar feed {self.name}")

    def read(self) -> bytes:
        if self.location.startswith(("http://", "https://", "webcal://")):
            url = (
                "https://" + self.location[len("webcal://") :]
                if self.location.startswith("webcal://")
                else self.location
            )
            _response, body = self.http.request("GET", url, headers={"Accept": "text/calendar"})
            return body
        path = Path(self.location).expanduser()
        try:
            if path.stat().st_size > MAX_BYTES:
                raise SourceError(
                    f"the calendar file {self.name} is too large (the limit is {MAX_BYTES // 1024} kB)"
                )
            return path.read_bytes()
        except OSError as exc:
            raise SourceError(f"couldn't read the calendar file {self.name} ({exc.strerror})") from None

    def fetch(self, *, cursor: str, now: datetime) -> Iterator[Batch]:
        window = Window(start=now - LOOK_BACK, end=now + LOOK_AHEAD)
        parsed = parse_feed(self.read(), name=self.name, title=self.title, start=window.start, end=window.end)
        yield Batch(records=parsed.records, window=window, problems=parsed.problems)
