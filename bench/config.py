"""Sizes of a full run and of a quick (smoke) run, and the identities every part shares."""

from __future__ import annotations

from dataclasses import dataclass

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
TEAM_ID = "T0001"
APP_ID = "A0001"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Sizes:
    """How much work each section does."""

    levels: tuple[int, ...] = (1, 8, 32)
    requests_c1: int = 200  # requests per shape at concurrency 1
    requests: int = 500  # requests per shape at every other concurrency level
    warmup: int = 40  # unmeasured requests per shape and app before the first level
    open_interviews: int = 1_000  # collecting interviews the request path clicks and submits for
    panel: int = 12  # interviewers on each of those panels
    user_pool: int = 240  # distinct interviewers those panels are drawn from
    past_interviews: int = 100_000  # summarised interviews with debriefs, for the tick
    past_panel: int = 3
    due_interviews: int = 1_000  # interviews ending in the same minute
    due_channels: int = 1_000  # channels the due interviews are spread over
    summaries: int = 10_000  # summaries rendered in a row
    single_summaries: int = 300  # individually timed summaries (p50/p99)
    submissions: int = 10_000  # view_submissions before reading the bot's peak RSS
    latency_ms: float = 20.0  # fake Slack Web API latency
    quiet_timeout: float = 120.0  # longest wait for work after the acks (modals, deliveries) to finish

    def requests_at(self, concurrency: int) -> int:
        return self.requests_c1 if concurrency == 1 else self.requests


FULL = Sizes()
QUICK = Sizes(
    requests_c1=20,
    requests=20,
    warmup=5,
    open_interviews=20,
    user_pool=24,
    past_interviews=200,
    due_interviews=10,
    due_channels=10,
    summaries=10,
    single_summaries=10,
    submissions=100,
    quiet_timeout=30.0,
)
