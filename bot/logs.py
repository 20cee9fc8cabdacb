"""Structured logs: one JSON object per line. No tokens, secrets or debrief text ever reach them:
our own messages carry ids and Slack error codes only, and the Slack libraries (whose debug output
includes request bodies) are held at INFO whatever LOG_LEVEL says."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

QUIET = ("slack_sdk", "slack_bolt", "bot.bolt", "urllib3", "apscheduler")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # Alembic names each plugin it loads at every start: noise around the lines that matter.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(logging.WARNING, logging.getLevelName(level)))
