"""`/debrief export`: debriefs as CSV for spreadsheets, with the interviews each file holds (an
uploaded export is tracked by them, so erasing one of them deletes the file from Slack too)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.domain.models import Debrief, Interview
from storage.repository import Repository


class Export:
    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def export_csv(self, *, start: datetime, end: datetime) -> tuple[str, list[int]]:
        """One row per debrief (or per interview without any) in [start, end): for spreadsheets; and
        the interviews it holds (an upload is tracked by them, for erasure)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(_EXPORT_COLUMNS)
        held = []
        for interview, debriefs in self.repository.debriefs.between(start=start, end=end):
            held.append(interview.id)
            rows: list[Debrief | None] = list(debriefs) or [None]
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
