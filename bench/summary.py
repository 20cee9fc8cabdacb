"""Summary: aggregate a 12-person panel's debriefs and render the channel message, once and 10,000 times."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.config import Sizes
from bench.report import Section, Table, percentile
from bot.domain.models import (
    Debrief,
    DebriefAnswers,
    ExploreTopic,
    Interview,
    InterviewStatus,
    PastPanel,
    Recommendation,
    Stage,
)
from bot.domain.summary import summarise
from bot.domain.summary_types import Policy
from bot.views.summary import summary_message

TARGET_MS = 5.0
PANEL = 12
HISTORY_PER_INTERVIEWER = 50
WARMUP = 20
STARTS = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
RECOMMENDATIONS = (
    Recommendation.STRONG_YES, Recommendation.YES, Recommendation.YES, Recommendation.NO,
    Recommendation.YES, Recommendation.STRONG_NO, Recommendation.YES, Recommendation.STRONG_YES,
    Recommendation.NO, Recommendation.YES, Recommendation.YES, Recommendation.STRONG_YES,
)  # fmt: skip


def panel_case() -> tuple[Interview, list[Debrief], list[PastPanel]]:
    """A 12-person onsite with every kind of answer: split votes, deal-breakers, topics, people, history."""
    panel = tuple(f"UPANEL{n:04d}" for n in range(PANEL))
    interview = Interview(
        id=4242,
        candidate="Grace Hopper",
        role="Compiler Engineer",
        stage=Stage.ONSITE,
        interviewer_ids=panel,
        hiring_manager_id="UHM0001",
        recruiter_id="UREC0001",
        starts_at=STARTS,
        length_minutes=60,
        channel_id="CHIRING",
        status=InterviewStatus.COLLECTING,
    )
    topics = list(ExploreTopic)
    debriefs = [
        Debrief(
            interview_id=interview.id,
            interviewer_id=user,
            answers=DebriefAnswers(
                excitement=1 + n % 4,
                excitement_evidence=f"Interviewer {n} saw real interest: asked about our roadmap. " * 3,
                fit=1 + (n * 3) % 4,
                fit_evidence="Explained trade-offs patiently, listened to pushback, credited the team. " * 3,
                ability=1 + (n * 5) % 4,
                ability_evidence="Designed the queue with clear failure modes and wrote tests first. " * 3,
                recommendation=RECOMMENDATIONS[n],
                explore=frozenset({topics[n % len(topics)], topics[(n + 2) % len(topics)]}),
                people_to_meet=(f"UMEET{n % 5:04d}",) if n % 3 == 0 else (),
                questions=f"How would you migrate our build system? (from {n})" if n % 2 == 0 else "",
                deal_breaker="Dismissed security concerns outright." if n in (5, 8) else "",
                private_note="Knows a former colleague of mine." if n == 3 else "",
            ),
            submitted_at=STARTS + timedelta(hours=1, minutes=n),
        )
        for n, user in enumerate(panel)
    ]
    history = [
        PastPanel(
            interview_id=1000 + k,
            recommendations=tuple(
                (panel[(k + j) % PANEL], RECOMMENDATIONS[(k * 7 + j) % PANEL]) for j in range(4)
            ),
        )
        for k in range(HISTORY_PER_INTERVIEWER * PANEL // 4)
    ]
    return interview, debriefs, history


def run(sizes: Sizes, log: Callable[[str], None]) -> Section:
    section = Section("Summary")
    interview, debriefs, history = panel_case()
    policy = Policy()
    section.notes.append(
        f"`bot.domain.summary.summarise` then `bot.views.summary.summary_message(...).as_kwargs()` (which runs "
        f"slack_sdk's block validators) for a {PANEL}-person panel with split votes, two deal-breakers, topics, "
        f"people to meet, questions and {len(history)} earlier panels of history, in this process. No database."
    )

    def aggregate() -> Any:
        return summarise(interview, debriefs, final=True, policy=policy, history=history)

    for _ in range(WARMUP):
        summary_message(aggregate()).as_kwargs()
    aggregate_ms, render_ms, both_ms = [], [], []
    blocks = 0
    for _ in range(sizes.single_summaries):
        started = time.perf_counter()
        summary = aggregate()
        middle = time.perf_counter()
        blocks = len(summary_message(summary).as_kwargs()["blocks"])
        ended = time.perf_counter()
        aggregate_ms.append((middle - started) * 1000)
        render_ms.append((ended - middle) * 1000)
        both_ms.append((ended - started) * 1000)
    started = time.perf_counter()
    for _ in range(sizes.summaries):
        summary_message(aggregate()).as_kwargs()
    total = time.perf_counter() - started
    mean = total / sizes.summaries * 1000

    table = Table("Summary time (ms)", ("what", "n", "p50", "p95", "p99", "max"))
    for name, values in (("summarise", aggregate_ms), ("render (as_kwargs)", render_ms), ("both", both_ms)):
        table.add(name, len(values), *(percentile(values, p) for p in (50, 95, 99, 100)))
    table.add(f"{sizes.summaries:,} in a row: total {total:.2f} s", sizes.summaries, mean, "—", "—", "—")
    section.tables.append(table)
    section.notes.append(f"The rendered summary has {blocks} blocks.")
    log(f"  one summary p50 {percentile(both_ms, 50):.2f} ms; {sizes.summaries:,} in {total:.1f} s")
    section.check(
        f"one {PANEL}-person summary computed and rendered < {TARGET_MS:.0f} ms (p50)",
        "—",
        f"{percentile(both_ms, 50):.2f} ms (p99 {percentile(both_ms, 99):.2f} ms)",
        percentile(both_ms, 50) < TARGET_MS,
    )
    section.check(
        f"{sizes.summaries:,} summaries in a row: mean < {TARGET_MS:.0f} ms each",
        "—",
        f"{mean:.2f} ms each, {total:.1f} s in all",
        mean < TARGET_MS,
    )
    return section
