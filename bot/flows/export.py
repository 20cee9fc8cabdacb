"""`/debrief export`: debriefs as CSV for spreadsheets, owed through the outbox and uploaded to the
requester's DM by the dispatcher, with the interviews each file holds (an uploaded export is tracked
by them, so erasing one of them deletes the file from Slack too).

The outbox row holds the requester and the date range only; the file is built when it is sent, from
the data as it is then (an interview erased meanwhile is not in it). Exactly once: a file carries no
message metadata, so its name carries the outbox id, and a retry (an earlier try may have uploaded
it, its answer lost) first looks among the bot's files for that name and records the one it finds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.domain.models import Debrief, Interview
from bot.lookup import LookupFailed
from storage.repository import OutboxItem, Outgoing, Repository

EXPORT = "export"  # the outbox kind
EXPORT_CSV = "debrief.export_csv"  # our outbox task (bot/courier.py `Courier.tasks`)
LOOK_PAGES = 5  # pages of the bot's files a retry looks through: it comes minutes after, not months
Record = Callable[..., None]  # Privacy.record_export


def owe_export(*, user_id: str, request: str, start: datetime, end: datetime) -> Outgoing:
    """The export `user_id` asked for in `request` (the command's trigger id: one file per command,
    however often its request arrives): who, and the range [start, end); nothing else."""
    return Outgoing(
        key=f"{EXPORT}:{user_id}:{request}"[:200],
        kind=EXPORT,
        method=EXPORT_CSV,
        payload={"user": user_id, "start": start.isoformat(), "end": end.isoformat()},
    )


def export_span(payload: dict[str, Any]) -> tuple[datetime, datetime]:
    """The range [start, end) an export row owes."""
    return datetime.fromisoformat(str(payload["start"])), datetime.fromisoformat(str(payload["end"]))


def export_days(start: datetime, end: datetime) -> tuple[str, str]:
    """The first and last day an export covers, as people read them (YYYY-MM-DD)."""
    return str(start.date()), str((end - timedelta(seconds=1)).date())


def export_file_name(start: datetime, end: datetime, outbox_id: int) -> str:
    """The file's name, recognisable by its outbox id when a retry looks for it."""
    first, last = export_days(start, end)
    return f"debriefs-{first}-to-{last}-x{outbox_id}.csv"


class Export:
    """Builds the CSV and delivers it (the courier runs `deliver` as our outbox task)."""

    def __init__(self, repository: Repository, *, client: WebClient, record: Record) -> None:
        self.repository = repository
        self.client = client
        self.record = record
        self._bot_user: str | None = None

    def request(self, *, user_id: str, request: str, start: datetime, end: datetime, now: datetime) -> None:
        """Owe `user_id` the export of [start, end); the dispatcher sends it after the ack."""
        self.repository.outbox.enqueue(
            outgoing=[owe_export(user_id=user_id, request=request, start=start, end=end)], now=now
        )

    def deliver(self, item: OutboxItem, now: datetime) -> dict[str, Any]:
        """Build the CSV from current data, upload it to the requester's DM and record it (tracked for
        erasure). Safe to repeat: after any earlier try, the file is looked for first."""
        user = str(item.payload["user"])
        start, end = export_span(item.payload)
        name = export_file_name(start, end, item.id)
        content, held = self.export_csv(start=start, end=end)
        if item.attempts > 1:  # an earlier try may have uploaded it and lost Slack's answer
            found = self._uploaded(name)  # LookupFailed: looked for again later, never guessed
            if found is not None:
                self.record(file_ids=[found], user_id=user, interview_ids=held, now=now)
                return {"file": found}
        dm = str(self.client.conversations_open(users=user)["channel"]["id"])
        first, last = export_days(start, end)
        uploaded = self.client.files_upload_v2(
            channel=dm,
            content=content,
            filename=name,
            title=f"Debriefs {first} – {last}",
            initial_comment=f"Interviews, debriefs and verdicts from {first} to {last}.",
        )
        file_ids = [str(f["id"]) for f in uploaded.get("files") or [] if f.get("id")]
        self.record(file_ids=file_ids, user_id=user, interview_ids=held, now=now)
        return {"channel": dm, "file": ",".join(file_ids)}

    def _uploaded(self, name: str) -> str | None:
        """The id of the bot's file called `name`, None if certainly not there. By uploader, not by
        channel (Slack shares a completed upload asynchronously) and not by `ts_from` (that would
        compare our clock with Slack's): newest first, a few pages deep."""
        if self._bot_user is None:
            self._bot_user = str(self.client.auth_test()["user_id"])
        for page in range(1, LOOK_PAGES + 1):
            answer = self.client.files_list(user=self._bot_user, count=100, page=page)
            for file in answer.get("files") or []:
                if file.get("name") == name and file.get("id"):
                    return str(file["id"])
            if page >= int((answer.get("paging") or {}).get("pages") or 1):
                return None
        raise LookupFailed(f"{name} not among the bot's last {LOOK_PAGES * 100} files: can't tell")

    def export_csv(self, *, start: datetime, end: datetime) -> tuple[str, list[int]]:
        """One row per debrief (or per interview without any) in [start, end), erased interviews left
        out: for spreadsheets; and the interviews it holds (an upload is tracked by them, for erasure)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(_EXPORT_COLUMNS)
        held = []
        for interview, debriefs in self.repository.debriefs.between(start=start, end=end):
            if interview.erased_at is not None:
                continue
            held.append(interview.id)
            rows: Sequence[Debrief | None] = list(debriefs) or [None]
            for debrief in rows:
                writer.writerow(_export_row(interview, debrief))
        return out.getvalue(), held


_EXPORT_COLUMNS = [
    "interview", "candidate", "role", "stage", "starts_at", "status", "verdict", "decision", "hiring_manager",
    "interviewer", "excitement", "fit", "ability", "recommendation", "deal_breaker", "explore", "questions",
]  # fmt: skip


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _export_row(interview: Interview, debrief: Debrief | None) -> list[str]:
    base = [
        str(interview.id),
        _safe_cell(interview.candidate),
        _safe_cell(interview.role),
        interview.stage.label,
        interview.starts_at.isoformat(),
        interview.status.value,
        interview.verdict or "",
        interview.decision.value if interview.decision else "",
        interview.hiring_manager_id,
    ]
    if debrief is None:
        return base + [""] * 8
    a = debrief.answers
    return [
        *base,
        debrief.interviewer_id,
        str(a.excitement),
        str(a.fit),
        str(a.ability),
        a.recommendation.label,
        _safe_cell(a.deal_breaker),
        " ".join(sorted(t.value for t in a.explore)),
        _safe_cell(a.questions),
    ]
