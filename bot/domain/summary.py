"""`summarise`: a panel's debriefs in, a `Summary` (verdict, score spreads, agenda) out.

It only orchestrates: each rule lives in its own module (`verdict`, `agenda`, `calibration`), and
the shapes they return in `summary_types`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.agenda import build_agenda
from bot.domain.calibration import calibrate
from bot.domain.models import Debrief, Interview, PastPanel
from bot.domain.summary_types import Policy, Summary
from bot.domain.verdict import (
    area_stats,
    deal_breakers,
    decide,
    mean_recommendation,
    panel_debriefs,
    recommendation_tally,
    skills_vs_spark,
)


def summarise(
    interview: Interview,
    debriefs: Sequence[Debrief],
    *,
    final: bool,
    policy: Policy = Policy(),
    history: Sequence[PastPanel] = (),
) -> Summary:
    """Aggregate a panel's debriefs into a verdict and agenda; `final` means nobody else is awaited.

    Only each panel member's latest debrief for this interview counts; the rest are ignored.
    """
    kept = panel_debriefs(interview, debriefs)
    submitted = {d.interviewer_id for d in kept}
    panel = tuple(dict.fromkeys(interview.interviewer_ids))
    areas = area_stats(kept, policy)
    flags = skills_vs_spark(kept)
    return Summary(
        interview=interview,
        verdict=decide(interview, kept, final=final, policy=policy),
        areas=areas,
        tally=recommendation_tally(kept),
        mean_recommendation=mean_recommendation(kept),
        deal_breakers=deal_breakers(kept),
        flags=flags,
        agenda=build_agenda(panel, kept, areas=areas, flags=flags, total_minutes=policy.next_stage_minutes),
        submitted=tuple(d.interviewer_id for d in kept),
        missing=tuple(uid for uid in panel if uid not in submitted),
        calibration=calibrate(panel, history, interview_id=interview.id, policy=policy),
        follow_up_received=interview.follow_up_at is not None,
        final=final,
        debriefs=kept,
    )
