"""Measured verdicts as plain dicts: one building's years (and design vs operation); the
pieces the city's quota list (`quota_list`) builds its entries from.

Judged on reading, by the current quota rows (`quotas.rows.list_rows`): a measured year
stores the data, not the verdict, so a corrected quota row re-judges every year at once and
the row key and version used are on each indicator.
"""

from __future__ import annotations

from sqlmodel import Session

from registry.domain.metered.energy import MeasuredYear
from registry.domain.metered.verdict import MeasuredVerdict, measured_verdict
from registry.domain.quotas import verdict as q
from registry.i18n import locale_of, render
from registry.models import Building
from registry.services.metered.years import VALUE_FIELDS, history
from registry.services.quotas.rows import list_rows, row_data

# The band's severity, worst last: the list sorts over-constraint buildings first.
SEVERITY = {"le_guide": 0, "le_baseline": 1, "le_constraint": 2, "gt_guide": 2, "gt_baseline": 2}
SEVERITY["gt_constraint"] = 3
BANDS = ("le_guide", "le_baseline", "le_constraint", "gt_constraint")


class Text:
    """`render` with a cache for parameterless codes (the list renders the same few often)."""

    def __init__(self, locale):
        self.locale = locale_of(locale)
        self._cache: dict = {}

    def __call__(self, code: str, params: dict | None = None) -> str:
        if not params:
            found = self._cache.get(code)
            if found is None:
                found = self._cache[code] = render(code, {}, self.locale)
            return found
        try:
            key = (code, *sorted((params or {}).items()))
            hash(key)
        except TypeError:  # a parameter that is a list of names: render it every time
            return render(code, params, self.locale)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = render(code, params or {}, self.locale)
        return found


def _indicator(j: q.Judgement, t: Text) -> dict:
    row = j.row
    out = {
        "basis": j.basis,
        "basis_label": t(f"quota.basis.{j.basis}"),
        "value": j.value,
        "value_uncorrected": j.raw_value,
        "unit": row.unit if row else None,
        "unit_label": q.typeset_unit(row.unit) if row else None,
        "band": j.band.code if j.band else None,
        "band_label": t(f"quota.band.{j.band.code}") if j.band else None,
        "action": t(q.action_code(row, j.band)) if j.band else None,
        "levels": row.levels if row else {},
        "margins": j.margins,
        "row": {
            "key": row.key,
            "version": row.version,
            "standard": row.standard,
            "table": row.table,
            "source_status": row.source_status,
        }
        if row
        else None,
        "correction": None,
        "reason_code": j.reason[0] if j.reason else None,
        "reason": t(*j.reason) if j.reason else None,
    }
    c = j.correction
    if c is not None and c.applied:
        out["correction"] = {"factor": c.factor, "gamma1": c.gamma1, "gamma2": c.gamma2}
    return out


def _worst(v: MeasuredVerdict) -> q.Judgement | None:
    return v.worst if v.judged else None


def verdict_dict(v: MeasuredVerdict, t: Text, *, detail: bool = True) -> dict:
    """A measured year's verdict: indicators with values, units and bands; the worst band."""
    worst = _worst(v)
    out = {
        "year": v.year,
        "judged": v.judged,
        "reason_code": v.reason[0] if v.reason else None,
        "reason": t(*v.reason) if v.reason else None,
        "area_m2": v.area_m2,
        "heated_area_m2": v.heated_area_m2,
        "split_method": v.measured.method if v.measured else None,
        "indicators": [_indicator(j, t) for j in v.judgements.values()],
        "band": worst.band.code if worst else None,
        "band_label": t(f"quota.band.{worst.band.code}") if worst else None,
        "band_basis": worst.basis if worst else None,
        "over_constraint": bool(worst and worst.band.code == "gt_constraint"),
        "action": t(q.action_code(worst.row, worst.band)) if worst else None,
        "margin_pct": _margin_pct(worst),
    }
    if detail:
        notes = []
        if v.measured:
            notes += [t(code, params) for code, params in v.measured.account.notes]
            out["accounting"] = v.measured.account.to_dict()
            out["heating_share_pct"] = v.measured.heating_share_pct
        notes += [t(code, params) for code, params in v.notes]
        out["notes"] = notes
    return out


def _margin_pct(j: q.Judgement | None) -> float | None:
    """Headroom to the constraint value (or the top level), % of it; negative when over."""
    if j is None:
        return None
    m = j.margins
    top = m.get("constraint") or next(reversed(m.values()), None)
    return top["margin_pct"] if top else None


def facts_of(building_type, sub_type, hvac_class, heating_type, hours, per_person):
    return q.BuildingFacts(
        building_type=building_type,
        sub_type=sub_type,
        hvac_class=hvac_class,
        heating_type=heating_type,
        annual_use_hours=hours,
        area_per_person_m2=per_person,
    )


def measured_of(values: dict) -> MeasuredYear:
    months = {int(m): v for m, v in (values.get("months") or {}).items()}
    return MeasuredYear(
        year=values["year"],
        source=values["source"],
        months=months,
        **{n: values[n] for n in VALUE_FIELDS},
    )


def building_years(*, session: Session, building_id: int, locale: object = "zh_Hans_CN") -> list:
    """Every current measured year of a building, newest first, each with its verdict and
    its superseded versions (who entered what, when, why)."""
    building = session.get(Building, building_id)
    if building is None:
        return []
    t = Text(locale)
    rows = [row_data(r) for r in list_rows(session=session)]
    facts = facts_of(
        building.building_type,
        building.sub_type,
        building.hvac_class,
        building.heating_type,
        building.annual_use_hours,
        building.area_per_person_m2,
    )
    out, versions = [], {}
    for row in history(session=session, building_id=building_id):
        versions.setdefault(row.year, []).append(row)
    for rows_of_year in versions.values():
        current = rows_of_year[0]
        values = {n: getattr(current, n) for n in (*VALUE_FIELDS, "year", "source", "months")}
        v = measured_verdict(
            measured_of(values),
            facts,
            rows,
            floor_area_m2=building.floor_area_m2,
            heated_area_m2=building.heated_area_m2,
        )
        entry = verdict_dict(v, t)
        entry.update(
            building_id=building_id,
            version=current.version,
            source=current.source,
            source_label=t(f"metered.source.{current.source}"),
            measured=values,
            complete=current.complete,
            versions=[
                {
                    "version": r.version,
                    "entered_by_id": r.entered_by_id,
                    "created_at": r.created_at.isoformat(),
                    "change_reason": r.change_reason,
                    "superseded": r.superseded_at is not None,
                    "electricity_kwh": r.electricity_kwh,
                    "natural_gas_m3": r.natural_gas_m3,
                    "district_heat_gj": r.district_heat_gj,
                }
                for r in rows_of_year
            ],
        )
        out.append(entry)
    return out


def design_gap(design: dict | None, measured_years: list[dict]) -> list[dict]:
    """Design vs operation: for each measured year and basis judged by the same quota row
    as the latest official simulated check, the simulated and measured indicator, the gap
    in the row's unit and in % of the design figure (positive: the building uses more)."""
    if not design:
        return []
    designed = {
        i["basis"]: i
        for i in design.get("indicators", [])
        if i.get("value") is not None and i.get("row")
    }
    out = []
    for year in measured_years:
        for item in year["indicators"]:
            d = designed.get(item["basis"])
            if d is None or item["value"] is None or d["unit"] != item["unit"]:
                continue
            gap = item["value"] - d["value"]
            out.append(
                {
                    "year": year["year"],
                    "basis": item["basis"],
                    "basis_label": item["basis_label"],
                    "unit_label": item["unit_label"],
                    "design": d["value"],
                    "measured": item["value"],
                    "quota": (item["levels"] or {}).get("constraint"),
                    "gap": gap,
                    "gap_pct": gap / d["value"] * 100 if d["value"] else None,
                    "check_id": design.get("check_id"),
                }
            )
    return out
