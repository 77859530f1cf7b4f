"""How much of two targets' counted area is backed by evidence (issues 20 and 21).

The counted area and the count-once rule are the tally's (`targets.py`); this only sorts the
same counted rows into backed or not:

- public-building efficiency upgrades: the record that opened the holding has a measured,
  weather-normalised saving (the year before completion against the year after) that meets
  the programme's required saving (a setting);
- ultra-low energy: the record that opened the holding cites a saving-rate check whose level
  meets the record's level (`domain.saving.evidence.meets`).

Each figure says whether the thresholds behind it are verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from registry.domain.text import NC_

UPGRADE_TARGET = "public_efficiency"
ULTRA_LOW_TARGET = "ultra_low_energy"
EVIDENCE_TARGETS = (UPGRADE_TARGET, ULTRA_LOW_TARGET)

# The rule beside each figure, in the reader's language (context "evidence rule").
RULES = {
    UPGRADE_TARGET: NC_(
        "evidence rule",
        "of which with verified savings: the measured energy of the year after completion, "
        "weather-normalised by degree-days, is at least {pct} per cent below the year before",
    ),
    ULTRA_LOW_TARGET: NC_(
        "evidence rule",
        "of which backed by a saving-rate check that meets its level (GB/T 51350-2019 thresholds)",
    ),
}


@dataclass(frozen=True)
class EvidenceRow:
    """One counted holding: its area, dates and whether its record's evidence backs it."""

    record_id: int
    building_id: int
    area_m2: float
    start_on: date
    end_on: date | None
    backed: bool


@dataclass(frozen=True)
class Evidence:
    """A target's backed share for the period: of the area added in it and of the area held
    at its end (the tally's `added` and `cumulative`)."""

    target: str
    added_m2: float
    added_backed_m2: float
    cumulative_m2: float
    cumulative_backed_m2: float
    backed_buildings: int  # held at the period's end and backed
    thresholds_verified: bool
    required_pct: float | None = None  # the upgrade requirement; None for saving checks

    @property
    def added_pct(self) -> float | None:
        return 100 * self.added_backed_m2 / self.added_m2 if self.added_m2 else None

    @property
    def cumulative_pct(self) -> float | None:
        return 100 * self.cumulative_backed_m2 / self.cumulative_m2 if self.cumulative_m2 else None


def add_up(
    target: str,
    rows: Iterable[EvidenceRow],
    *,
    start: date,
    end: date,
    thresholds_verified: bool,
    required_pct: float | None = None,
) -> Evidence:
    """The backed share of `rows` (the target's counted rows of the period [start, end])."""
    added = added_backed = held = held_backed = 0.0
    backed_buildings = set()
    for row in rows:
        if start <= row.start_on <= end:
            added += row.area_m2
            added_backed += row.area_m2 if row.backed else 0.0
        if row.start_on <= end and (row.end_on is None or row.end_on > end):
            held += row.area_m2
            if row.backed:
                held_backed += row.area_m2
                backed_buildings.add(row.building_id)
    return Evidence(
        target,
        added,
        added_backed,
        held,
        held_backed,
        len(backed_buildings),
        thresholds_verified,
        required_pct,
    )
