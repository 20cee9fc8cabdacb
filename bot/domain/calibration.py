"""Calibration hints: does an interviewer usually rate higher or lower than the rest of their panels?"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.models import PastPanel
from bot.domain.summary_types import CalibrationHint, Policy

RATES_HIGHER = "usually rates higher than their panels"
RATES_LOWER = "usually rates lower than their panels"

# Means are floats; a gap that is exactly the policy's threshold on paper must count.
_EPSILON = 1e-9


def calibrate(
    panel: Sequence[str],
    history: Sequence[PastPanel],
    *,
    interview_id: int,
    policy: Policy,
) -> tuple[CalibrationHint, ...]:
    """A hint for each panel member whose own mean is `policy.calibration_gap` off their panels' mean.

    Only earlier panels with at least one other interviewer count, for both means and for
    `policy.calibration_min_debriefs`: a panel's mean excludes the interviewer themself (otherwise
    they pull the comparison towards their own ratings), so a panel where they were alone has
    nothing to compare with. Each panel counts once, whatever its size.
    """
    panels: dict[int, PastPanel] = {}
    for past in history:
        # The current interview is never its own evidence; a repeated panel counts once.
        if past.interview_id != interview_id:
            panels.setdefault(past.interview_id, past)
    members = dict.fromkeys(panel)
    own_of: dict[str, list[int]] = {uid: [] for uid in members}
    others_means_of: dict[str, list[float]] = {uid: [] for uid in members}
    for past in panels.values():  # one pass over the history, in its order (float sums stay exact)
        ratings = [(who, int(rec)) for who, rec in past.recommendations]
        total, count = sum(r for _, r in ratings), len(ratings)
        mine_here: dict[str, list[int]] = {}
        for who, rating in ratings:
            if who in members:
                mine_here.setdefault(who, []).append(rating)
        for uid, mine in mine_here.items():
            others = count - len(mine)
            if others:
                own_of[uid].extend(mine)
                others_means_of[uid].append((total - sum(mine)) / others)
    hints = []
    for uid in members:
        own, others_means = own_of[uid], others_means_of[uid]
        if not own or len(own) < policy.calibration_min_debriefs:
            continue
        own_mean = sum(own) / len(own)
        panel_mean = sum(others_means) / len(others_means)
        gap = own_mean - panel_mean
        if abs(gap) + _EPSILON < policy.calibration_gap:
            continue
        hints.append(
            CalibrationHint(
                interviewer_id=uid,
                text=RATES_HIGHER if gap > 0 else RATES_LOWER,
                own_mean=own_mean,
                panel_mean=panel_mean,
                debriefs=len(own),
            )
        )
    return tuple(hints)
