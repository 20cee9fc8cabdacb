"""Webhooks from ATSs on the bot's own HTTP server: verify, read, apply like a poll would."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.flows.sync import SourceSync
from bot.sources import SourceError
from bot.sources.ashby import WEBHOOK_PATH, Ashby, valid_signature

log = logging.getLogger(__name__)

# A route answers (HTTP status, text) for a POST's raw body and its headers (lower-case names).
Route = Callable[[bytes, Mapping[str, str]], tuple[int, str]]


class AshbyWebhook:
    """`interviewScheduleCreate`/`Update`: 401 and nothing changed unless the signature is right;
    a replay or an out-of-order delivery changes nothing (reconcile is idempotent and versioned)."""

    def __init__(
        self, *, secret: str, source: Ashby, sync: SourceSync, clock: Callable[[], datetime]
    ) -> None:
        self.secret = secret
        self.source = source
        self.sync = sync
        self.clock = clock

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str]:
        if not valid_signature(self.secret, body, headers.get("ashby-signature")):
            return 401, "invalid signature"
        try:
            batch = self.source.receive(json.loads(body))
        except ValueError:
            return 400, "not an Ashby webhook"
        if batch is None:
            return 200, "ignored"
        now = self.clock()
        try:
            report = self.sync.importer.apply(self.source.name, batch, now=now)
        except (
            SourceError,
            SlackApiError,
        ) as exc:  # Ashby retries a failed delivery; the poll catches up too
            log.warning("Ashby webhook not applied: %s", exc)
            return 503, "try again later"
        for problem in report.problems:
            log.warning("ashby webhook: %s", problem)
        if report.created:
            self.sync.repository.sources.add_imported(
                name=self.source.name, kind=self.source.kind, count=report.created
            )
        self.sync.flows.ticks.deliver(now=now)
        return 200, "ok"


def webhook_routes(
    sync: SourceSync | None, *, ashby_secret: str, clock: Callable[[], datetime]
) -> dict[str, Route]:
    """The webhook endpoints the configured sources need, by path."""
    routes: dict[str, Route] = {}
    if sync is None:
        return routes
    for source in sync.sources:
        if isinstance(source, Ashby) and ashby_secret:
            routes[WEBHOOK_PATH] = AshbyWebhook(secret=ashby_secret, source=source, sync=sync, clock=clock)
    return routes
