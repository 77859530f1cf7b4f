"""Compliance, stage by stage: what each building holds against what it must reach, and the
parcel's status with its area conditions.

A building's status:
- met: its evaluation label (评价, after completion) reaches the required level, and the
  requirement rests on nothing unverified;
- pending: not yet decided (design stage, the completion window still open, a label under
  review, or the requirement not verified);
- short: the label it holds (evaluation, else design-stage 预评价) is below the verified
  requirement, by N stars;
- overdue: completed more than the set number of months ago without an evaluation label;
- revoked: its label was revoked and no other label of that stage stands.

A parcel is met only when it has buildings, every building is met and every area condition
is met and verified; breached when any building is short, overdue or revoked or an area
condition is short; pending otherwise.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from registry.domain.parcels.conditions import (
    MIN_PREFAB_PCT,
    MIN_ULTRA_LOW_M2,
    Condition,
    Requirement,
)
from registry.domain.text import NC_

MET = "met"
PENDING = "pending"
SHORT = "short"
OVERDUE = "overdue"
REVOKED = "revoked"
BREACHED = "breached"

BUILDING_STATUSES = {
    MET: NC_("parcel compliance", "Met"),
    PENDING: NC_("parcel compliance", "Pending"),
    SHORT: NC_("parcel compliance", "Short"),
    OVERDUE: NC_("parcel compliance", "Overdue"),
    REVOKED: NC_("parcel compliance", "Revoked"),
}
PARCEL_STATUSES = {
    MET: NC_("parcel compliance", "Met"),
    PENDING: NC_("parcel compliance", "Pending"),
    BREACHED: NC_("parcel compliance", "Breached"),
}
FAILING = frozenset({SHORT, OVERDUE, REVOKED})

DESIGN = "design"
COMPLETION = "completion"

# Record statuses in which a label is held (granted): approved (retrofit) or published
# (labels, after the public notice). A label under review or notice is not held yet.
HELD_STATUSES = frozenset({"approved", "published"})


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Label:
    """A green-label record of the building: stage (pre_evaluation | evaluation), stars
    (basic 0), its record status and the day it was revoked, if it was."""

    stage: str
    stars: int
    status: str
    record_id: int | None = None


@dataclass(frozen=True)
class BuildingStatus:
    status: str
    stage: str  # design | completion
    required_stars: int | None
    held_stars: int | None  # the level compared: evaluation label, else design label
    shortfall_stars: int = 0
    deadline: date | None = None  # the last day for the evaluation label
    unverified: bool = False


def building_status(
    *,
    requirement: Requirement,
    labels: list[Label],
    completed_on: date | None,
    today: date,
    evaluation_months: int,
) -> BuildingStatus:
    """The building's status at `today` (a date in Qingdao)."""
    held = [label for label in labels if label.status in HELD_STATUSES]
    evaluation = max((x.stars for x in held if x.stage == "evaluation"), default=None)
    design = max((x.stars for x in held if x.stage == "pre_evaluation"), default=None)
    revoked_stages = {x.stage for x in labels if x.status == "revoked"}
    deadline = add_months(completed_on, evaluation_months) if completed_on else None
    stage = COMPLETION if (completed_on or evaluation is not None) else DESIGN
    required, verified = requirement.stars, requirement.verified_stars

    def result(status, held_stars, shortfall=0):
        return BuildingStatus(
            status=status,
            stage=stage,
            required_stars=required,
            held_stars=held_stars,
            shortfall_stars=shortfall,
            deadline=deadline,
            unverified=requirement.unverified,
        )

    if required is None and not requirement.unverified:
        return result(MET, evaluation if evaluation is not None else design)
    if evaluation is not None:
        if verified is not None and evaluation < verified:
            return result(SHORT, evaluation, verified - evaluation)
        if requirement.unverified or required is None or evaluation < required:
            return result(PENDING, evaluation)
        return result(MET, evaluation)
    if "evaluation" in revoked_stages or ("pre_evaluation" in revoked_stages and design is None):
        return result(REVOKED, None)
    if deadline is not None and today > deadline:
        return result(OVERDUE, design)
    if design is not None and verified is not None and design < verified:
        return result(SHORT, design, verified - design)
    return result(PENDING, design)


@dataclass(frozen=True)
class AreaStatus:
    """An area condition of the parcel: the value asked for, the value reached, the gap."""

    condition: Condition
    status: str  # met | pending | short
    reached: float
    shortfall: float


@dataclass(frozen=True)
class ParcelBuilding:
    building_id: int
    floor_area_m2: float
    prefabricated: bool
    ultra_low_m2: float  # held ultra-low (or better) energy records' counted area
    status: BuildingStatus


@dataclass
class ParcelStatus:
    status: str
    buildings: list[ParcelBuilding]
    areas: list[AreaStatus]
    floor_area_m2: float = 0.0
    failing_area_m2: float = 0.0  # floor area of buildings short, overdue or revoked
    # Σ(floor area × stars short) / Σ floor area: the star shortfall weighted by floor area.
    weighted_shortfall_stars: float = 0.0


def parcel_status(buildings: list[ParcelBuilding], conditions: list[Condition]) -> ParcelStatus:
    """The parcel's status from its buildings' statuses and its area conditions.

    An area condition is decided once every building has reached completion (an area that is
    short while buildings are still being designed may still be made up): until then a gap
    keeps it pending."""
    total = sum(b.floor_area_m2 for b in buildings)
    complete = bool(buildings) and all(b.status.stage == COMPLETION for b in buildings)
    areas: list[AreaStatus] = []
    for condition in conditions:
        if condition.kind == MIN_ULTRA_LOW_M2:
            reached = sum(b.ultra_low_m2 for b in buildings)
        elif condition.kind == MIN_PREFAB_PCT:
            prefab = sum(b.floor_area_m2 for b in buildings if b.prefabricated)
            reached = 100.0 * prefab / total if total else 0.0
        else:
            continue
        value = condition.value
        gap = max(0.0, value - reached) if value is not None else 0.0
        if value is not None and reached + 1e-9 >= value and not condition.unverified:
            status = MET
        elif value is not None and gap > 1e-9 and complete and not condition.unverified:
            status = SHORT
        else:
            status = PENDING
        areas.append(AreaStatus(condition, status, reached, gap))
    failing = [b for b in buildings if b.status.status in FAILING]
    result = ParcelStatus(
        status=PENDING,
        buildings=buildings,
        areas=areas,
        floor_area_m2=total,
        failing_area_m2=sum(b.floor_area_m2 for b in failing),
        weighted_shortfall_stars=(
            sum(b.floor_area_m2 * b.status.shortfall_stars for b in buildings) / total
            if total
            else 0.0
        ),
    )
    if failing or any(a.status == SHORT for a in areas):
        result.status = BREACHED
    elif (
        buildings
        and all(b.status.status == MET for b in buildings)
        and all(a.status == MET for a in areas)
        and not any(c.unverified for c in conditions)
    ):
        result.status = MET
    return result
