"""Keeping imported interviews in step with their sources.

Each sync of a source: claim it for this interval (once across processes), read it, look the
people up, `reconcile`, and apply the plan through the same flows a recruiter's schedule,
reschedule and cancel use (so prompts, reminders and channel posts behave exactly as for a manual
interview). A failure is recorded in words for `/debrief sources`; an hour of failures tells the
recruiters, once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.domain.sources import SourceStatus, needs_alert
from bot.flows import Flows
from bot.flows.importer import Importer, SyncReport, digest
from bot.people import People
from bot.sources import KnowsPeople, Source, SourceError
from storage.repository import Outgoing

log = logging.getLogger(__name__)

UNEXPECTED = "an unexpected error (the bot's logs have the details)"


class SourceSync:
    """Applies what the configured sources say; `run(now=...)` is the scheduler's job."""

    def __init__(
        self,
        *,
        flows: Flows,
        people: People,
        sources: Sequence[Source],
        channel_id: str,
        recruiters: Sequence[str] = (),
        interval: timedelta = timedelta(minutes=5),
    ) -> None:
        self.flows = flows
        self.repository = flows.repository
        self.people = people
        self.sources = list(sources)
        for source in self.sources:
            if isinstance(source, KnowsPeople):
                source.know_people(people.resolve)
        self.channel_id = channel_id
        # DEBRIEF_RECRUITERS may hold user groups (S…); only people (U…/W…) can own an interview or get a DM.
        self.recruiters = tuple(r for r in recruiters if not r.startswith("S"))
        # A claim lasts a little less than the interval, so the next tick of any process takes it.
        self.interval = interval
        self.importer = Importer(
            flows=flows, people=people, channel_id=channel_id, recruiters=self.recruiters
        )
        self.claim_for = max(interval - timedelta(seconds=1), interval / 2)

    def source(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)

    def run(self, *, now: datetime, force: bool = False) -> list[SyncReport]:
        """Sync every source whose interval is up (and that no other process has claimed)."""
        reports = []
        for source in self.sources:
            if self.repository.sources.claim_source(
                name=source.name, kind=source.kind, now=now, interval=self.claim_for, force=force
            ):
                reports.append(self.sync(source, now=now))
            else:
                reports.append(SyncReport(source=source.name))
        if any(r.ran for r in reports):
            self.flows.ticks.deliver(now=now)  # notices owed now, not at the next tick
        return reports

    def sync(self, source: Source, *, now: datetime) -> SyncReport:
        report = SyncReport(source=source.name, ran=True)
        try:
            self.people.warm_if_stale()
            for batch in source.fetch(
                cursor=self.repository.sources.source_cursor(name=source.name), now=now
            ):
                self.importer.apply(source.name, batch, now=now, report=report)
                if batch.cursor is not None:
                    self.repository.sources.save_cursor(name=source.name, cursor=batch.cursor)
        except SourceError as exc:
            self._failed(source, str(exc), now=now, report=report)
        except SlackApiError as exc:
            self._failed(source, f"Slack said {exc.response.get('error')}", now=now, report=report)
        except Exception:
            log.exception("syncing %s failed", source.name)
            self._failed(source, UNEXPECTED, now=now, report=report)
        else:
            note = None
            if report.problems:
                more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
                note = f"{report.problems[0]}{more}"
            self.repository.sources.source_succeeded(
                name=source.name, imported=report.created, now=now, note=note
            )
        for problem in report.problems:
            log.warning("%s: %s", source.name, problem)
        return report

    def _failed(self, source: Source, error: str, *, now: datetime, report: SyncReport) -> None:
        name = source.name
        log.warning("source %s failed: %s", name, error)
        report.error = error
        if report.created:  # pages before the failure were imported, and count
            self.repository.sources.add_imported(name=name, kind=source.kind, count=report.created)
        status = self.repository.sources.source_failed(name=name, error=error, now=now)
        alerted = self.repository.sources.source_alerted(name=name)
        if needs_alert(error_since=status.error_since, alerted=alerted, now=now):
            assert status.error_since is not None
            since = int(status.error_since.timestamp())
            text = (
                f"⚠️ I haven't been able to read *{name}* for over an hour: {error}. "
                "New and changed interviews from it are not arriving; `/debrief sources` shows where things stand."
            )
            targets = self.recruiters or (self.channel_id,)
            owed = [
                Outgoing(
                    key=f"source_down:{digest(name, str(since), target)}",
                    kind="notice",
                    method="chat.postMessage",
                    payload={"channel": target, "text": text},
                )
                for target in targets
            ]
            self.repository.sources.claim_alert(name=name, outgoing=owed, now=now)

    def close(self) -> None:
        """Close the sources' HTTP connections (at shutdown)."""
        for source in self.sources:
            http = getattr(source, "http", None)
            if http is not None:
                http.close()

    def statuses(self) -> list[tuple[str, SourceStatus | None]]:
        """Every configured source (by label) with its state (None: never synced yet)."""
        known = {s.name: s for s in self.repository.sources.source_statuses()}
        return [(source.label, known.get(source.name)) for source in self.sources]
