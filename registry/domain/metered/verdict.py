"""The quota verdict of a measured year: the same `quotas.verdict.judge` the simulated checks
use, fed with the measured account and the year's areas and correction inputs.

An incomplete year is never judged; a basis the data cannot support (see `account.py`)
gets its reason instead of a figure. No simulation caveat: these are the measured annual
statistics the quotas are written for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from registry.domain.metered.account import MeasuredAccount, measured_account
from registry.domain.metered.energy import MeasuredYear
from registry.domain.quotas import verdict as q


@dataclass
class MeasuredVerdict:
    year: int
    judged: bool
    reason: tuple[str, dict] | None = None
    area_m2: float | None = None
    heated_area_m2: float | None = None
    measured: MeasuredAccount | None = None
    judgements: dict[str, q.Judgement] = field(default_factory=dict)
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def worst(self) -> q.Judgement | None:
        """The judged basis furthest over its levels (by band order, then margin to the top)."""
        banded = [j for j in self.judgements.values() if j.band is not None and j.row is not None]
        if not banded:
            return None

        def key(j: q.Judgement):
            top = j.row.levels.get("constraint") or max(
                v for v in j.row.levels.values() if v is not None
            )
            return (j.band.above, q.LEVELS.index(j.band.level), (j.value - top) / top)

        return max(banded, key=key)


def measured_verdict(
    year: MeasuredYear,
    building: q.BuildingFacts,
    rows: list[q.QuotaRowData],
    *,
    floor_area_m2: float,
    heated_area_m2: float | None = None,
    choices: dict[str, q.Choice] | None = None,
) -> MeasuredVerdict:
    """Judge one measured year of one building against the current quota rows.

    The year's own heated area, operating hours and occupants win over the registration's;
    area per person for the GB/T 51161 correction is the counted area over the occupants.
    `choices` (basis -> `q.choose` result) lets a caller judging thousands of buildings
    choose once per kind of building; the row choice depends only on the registration.
    """
    if not year.complete:
        return MeasuredVerdict(
            year=year.year,
            judged=False,
            reason=(
                "metered.incomplete",
                {"months": ", ".join(str(m) for m in year.missing_months)},
            ),
        )
    area = floor_area_m2 - (year.excluded_area_m2 or 0.0)
    if area <= 0:
        return MeasuredVerdict(year=year.year, judged=False, reason=("metered.area_excluded", {}))
    heated = year.heated_area_m2 or heated_area_m2
    facts = building
    if year.operating_hours or year.occupants:
        facts = replace(
            building,
            annual_use_hours=year.operating_hours or building.annual_use_hours,
            area_per_person_m2=(area / year.occupants)
            if year.occupants
            else building.area_per_person_m2,
        )
    measured = measured_account(year, building.heating_type)
    result = MeasuredVerdict(
        year=year.year,
        judged=True,
        area_m2=area,
        heated_area_m2=heated,
        measured=measured,
    )
    for basis in q.BASES:
        if basis not in measured.supported:
            result.judgements[basis] = q.Judgement(basis=basis, reason=measured.unsupported_reason)
            continue
        if basis == q.BASIS_HEATING and not heated:
            result.notes.append(("quota.warning.heated_area", {}))
        choice = choices[basis] if choices is not None else q.choose(facts, rows, basis)
        if choice.row is None:
            result.judgements[basis] = q.Judgement(basis=basis, reason=choice.reason)
            continue
        result.judgements[basis] = q.judge(
            basis,
            facts,
            rows,
            measured.account,
            area_m2=area,
            heated_area_m2=heated,
            row=choice.row,
        )
    if measured.unsupported_reason and not any(j.band for j in result.judgements.values()):
        # No indicator could be judged: the list says why rather than showing a blank.
        result.reason = measured.unsupported_reason
    if facts is not building:
        result.notes.append(("metered.correction_inputs_from_year", {}))
    result.notes.append(("metered.note.measured", {}))
    return result
