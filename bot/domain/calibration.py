"""Calibration hints: does an interviewer usually rate higher or lower than the rest of their panels?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
    members = dict.fromkeys(panel)
    own_of, others_means_of = _ratings_against_others(_earlier_panels(history, interview_id), members)
    hints = (_hint(uid, own_of[uid], others_means_of[uid], policy) for uid in members)
    return tuple(hint for hint in hints if hint is not None)


def _earlier_panels(history: Sequence[PastPanel], interview_id: int) -> list[PastPanel]:
    """The evidence: the current interview is never its own, and a repeated panel counts once."""
    panels: dict[int, PastPanel] = {}
    for past in history:
        if past.interview_id != interview_id:
            panels.setdefault(past.interview_id, past)
    return list(panels.values())


def _ratings_against_others(
    panels: Sequence[PastPanel], members: Iterable[str]
) -> tuple[dict[str, list[int]], dict[str, list[float]]]:
    """Each member's own ratings, and the mean of the others on each panel they did not sit alone on."""
    own_of: dict[str, list[int]] = {uid: [] for uid in members}
    others_means_of: dict[str, list[float]] = {uid: [] for uid in own_of}
    for past in panels:  # one pass over the history, in its order (float sums stay exact)
        ratings = [(who, int(rec)) for who, rec in past.recommendations]
        total, count = sum(r for _, r in ratings), len(ratings)
        mine_here: dict[str, list[int]] = {}
        for who, rating in ratings:
            if who in own_of:
                mine_here.setdefault(who, []).append(rating)
        for uid, mine in mine_here.items():
            others = count - len(mine)
            if others:
                own_of[uid].extend(mine)
                others_means_of[uid].append((total - sum(mine)) / others)
    return own_of, others_means_of


def _hint(
    uid: str, own: Sequence[int], others_means: Sequence[float], policy: Policy
) -> CalibrationHint | None:
    """A hint when there are enough debriefs and the gap reaches the policy's threshold."""
    if not own or len(own) < policy.calibration_min_debriefs:
        return None
    own_mean = sum(own) / len(own)
    panel_mean = sum(others_means) / len(others_means)
    gap = own_mean - panel_mean
    if abs(gap) + _EPSILON < policy.calibration_gap:
        return None
    return CalibrationHint(
        interviewer_id=uid,
        text=RATES_HIGHER if gap > 0 else RATES_LOWER,
        own_mean=own_mean,
        panel_mean=panel_mean,
        debriefs=len(own),
    )
