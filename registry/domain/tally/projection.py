"""Where a target stands on the straight line to its deadline, and when, at the current
pace, it was or will be met."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from registry.domain.tally.targets import TargetSpec


@dataclass(frozen=True)
class Projection:
    path_value: float  # where a straight line from baseline to deadline stands at the end
    pace_per_day: float
    projected_at_deadline: float
    met: bool  # already met, or met by the deadline at the current pace
    met_on: date | None  # when it was (or, at this pace, will be) met


# Beyond a century at the current pace, "when" is not a meaningful date.
MAX_PROJECTION_DAYS = 36_525


def _days(first: date, last: date) -> int:
    """Days from `first` to `last`, both included."""
    return (last - first).days + 1


def project(
    spec: TargetSpec, cumulative: float, timeline: list[tuple[date, float]], at: date
) -> Projection:
    """Straight-line path and the projection at the pace since the baseline, seen at `at`."""
    total_days = _days(spec.baseline, spec.deadline)
    elapsed = min(max(_days(spec.baseline, at), 0), total_days)
    path_value = spec.value * elapsed / total_days
    pace = cumulative / elapsed if elapsed > 0 else 0.0
    projected = pace * total_days
    met_on = None
    running = 0.0
    for when, delta in sorted(timeline):
        running += delta
        if running >= spec.value - 1e-9 and when <= at:
            met_on = when
            break
    if met_on is not None and cumulative >= spec.value - 1e-9:
        met = True
    else:
        met_on = None
        days_needed = math.ceil(spec.value / pace) if pace > 0 else None
        if days_needed is not None and days_needed <= MAX_PROJECTION_DAYS:
            met_on = spec.baseline + timedelta(days=days_needed - 1)
        met = met_on is not None and met_on <= spec.deadline
    return Projection(path_value, pace, projected, met, met_on)
