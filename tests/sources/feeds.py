"""A realistic Google-style calendar feed, built event by event so tests can edit it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ORGANISER = "rita@example.com"
ANA_MAIL, BO_MAIL, CARL_MAIL, HANA_MAIL = (
    "ana@example.com",
    "bo@example.com",
    "carl@example.com",
    "hana@example.com",
)
NOBODY_MAIL = "guest@elsewhere.example"  # no Slack account
ROOM = "c_188abc@resource.calendar.google.com"


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: str  # an iCalendar date-time, e.g. "20260303T140000Z" (or with a TZID param via `tzid`)
    end: str
    attendees: tuple[str, ...] = (ANA_MAIL, BO_MAIL)
    tzid: str | None = None
    extra: tuple[str, ...] = ()  # more content lines, verbatim
    status: str = "CONFIRMED"
    description: str = ""
    all_day: bool = False
    room: bool = False
    declined: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        if self.all_day:
            when = [f"DTSTART;VALUE=DATE:{self.start}", f"DTEND;VALUE=DATE:{self.end}"]
        elif self.tzid:
            when = [f"DTSTART;TZID={self.tzid}:{self.start}", f"DTEND;TZID={self.tzid}:{self.end}"]
        else:
            when = [f"DTSTART:{self.start}", f"DTEND:{self.end}"]
        out = [
            "BEGIN:VEVENT",
            *when,
            "DTSTAMP:20260301T120000Z",
            f"ORGANIZER;CN=Rita:mailto:{ORGANISER}",
            f"UID:{self.uid}",
        ]
        out.append(
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Rita:mailto:{ORGANISER}"
        )
        for mail in self.attendees:
            state = "DECLINED" if mail in self.declined else "ACCEPTED"
            out.append(
                f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={state};CN={mail}:mailto:{mail}"
            )
        if self.room:
            out.append(
                f"ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Room 4 (8):mailto:{ROOM}"
            )
        out += list(self.extra)
        if self.description:
            out.append("DESCRIPTION:" + self.description.replace("\n", "\\n"))
        out += [f"STATUS:{self.status}", f"SUMMARY:{self.summary}", "TRANSP:OPAQUE", "END:VEVENT"]
        return out


@dataclass
class Feed:
    events: list[Event] = field(default_factory=list)
    name: str = "Hiring – Onsite interviews"
    zone: str = "Europe/Berlin"

    def render(self) -> bytes:
        lines = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{self.name}",
            f"X-WR-TIMEZONE:{self.zone}",
        ]
        for event in self.events:
            lines += event.lines()
        lines.append("END:VCALENDAR")
        return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()

    def get(self, uid: str) -> Event:
        return next(
            e for e in self.events if e.uid == uid and not any(x.startswith("RECURRENCE-ID") for x in e.extra)
        )

    def edit(self, uid: str, **changes: object) -> None:
        self.events = [replace(e, **changes) if e is self.get(uid) else e for e in self.events]  # type: ignore[arg-type]

    def delete(self, uid: str) -> None:
        target = self.get(uid)
        self.events = [e for e in self.events if e is not target]


def _fold(line: str) -> str:
    """RFC 5545 folds lines longer than 75 octets (Google does)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


SEPARATORS = ("-", "–", "—", "|", "/")


def realistic_feed() -> Feed:
    """30 events around Monday 2026-03-02 09:00 UTC (the tests' clock):

    - a weekly interview (6 weeks) with one occurrence moved, one cancelled, one excluded (EXDATE);
    - a weekly interview in America/New_York across the US DST change of 2026-03-08;
    - an all-day event, a non-interview meeting, a cancelled one, one that already happened, one with
      its end before its start (malformed: reported and skipped);
    - a room resource, a declined attendee, a guest without a Slack account, an HM line, stage tags,
      every separator, and a floating time read in the calendar's X-WR-TIMEZONE.
    """
    weekly = "Interview: Pat Pool - Support Engineer [Phone screen]"
    events = [
        Event(
            "weekly-1",
            weekly,
            "20260303T140000Z",
            "20260303T143000Z",
            extra=("RRULE:FREQ=WEEKLY;COUNT=6", "EXDATE:20260317T140000Z"),
        ),
        Event(
            "weekly-1",
            weekly,
            "20260310T160000Z",
            "20260310T163000Z",
            extra=("RECURRENCE-ID:20260310T140000Z", "SEQUENCE:1"),
        ),
        Event(
            "weekly-1",
            weekly,
            "20260324T140000Z",
            "20260324T143000Z",
            extra=("RECURRENCE-ID:20260324T140000Z", "SEQUENCE:1"),
            status="CANCELLED",
        ),
        Event(
            "ny-1",
            "Interview: Nia York | Sales Lead [Final]",
            "20260305T100000",
            "20260305T110000",
            tzid="America/New_York",
            extra=("RRULE:FREQ=WEEKLY;COUNT=2",),
        ),
        Event("allday-1", "Interview: All Day - Everything", "20260304", "20260305", all_day=True),
        Event("meeting-1", "Hiring sync", "20260303T100000Z", "20260303T103000Z"),
        Event(
            "cancelled-1",
            "Interview: Cole Cancel - Designer",
            "20260304T100000Z",
            "20260304T110000Z",
            status="CANCELLED",
        ),
        Event("past-1", "Interview: Paula Past - Designer", "20260227T100000Z", "20260227T110000Z"),
        Event("broken-1", "Interview: Bea Broken - Designer", "2026030XT1100Z", "20260305T120000Z"),
        Event(
            "room-1",
            "Interview: Rhea Room - Data Engineer [Technical]",
            "20260304T130000Z",
            "20260304T140000Z",
            room=True,
        ),
        Event(
            "guest-1",
            "Interview: Gus Guest - Data Engineer",
            "20260304T150000Z",
            "20260304T160000Z",
            attendees=(ANA_MAIL, NOBODY_MAIL),
        ),
        Event(
            "hm-1",
            "Interview: Hal Manager - Platform Engineer",
            "20260305T130000Z",
            "20260305T140000Z",
            description=f"Panel: systems design\nHM: {HANA_MAIL}\nBring the laptop.",
        ),
        Event(
            "declined-1",
            "Interview: Dee Clined - Platform Engineer",
            "20260305T150000Z",
            "20260305T160000Z",
            attendees=(ANA_MAIL, BO_MAIL),
            declined=(BO_MAIL,),
        ),
        Event("floating-1", "Interview: Flo Float — Platform Engineer", "20260306T100000", "20260306T110000"),
    ]
    n = 0
    while len(events) < 30:
        sep = SEPARATORS[n % len(SEPARATORS)]
        day = 9 + n % 10
        events.append(
            Event(
                f"single-{n}",
                f"Interview: Candidate {n:02d} {sep} Role {n:02d}",
                f"202603{day:02d}T{9 + n % 6:02d}0000Z",
                f"202603{day:02d}T{9 + n % 6:02d}4500Z",
            )
        )
        n += 1
    return Feed(events)
