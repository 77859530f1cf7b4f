"""Measured verdicts as plain dicts: one building's years, and the city's quota list.

Judged on reading, by the current quota rows (`quotas.rows.list_rows`): a measured year
stores the data, not the verdict, so a corrected quota row re-judges every year at once and
the row key and version used are on each indicator. The list chooses the quota row once per
kind of building (type, sub-type, class, heating type), which keeps 10,000 buildings well
under a second.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session

from registry import vocabulary
from registry.domain.buildings.districts import UnknownDistrict, normalise_district
from registry.domain.buildings.types import BUILDING_TYPES, PUBLIC_TYPES
from registry.domain.checks import accounting
from registry.domain.metered.energy import MeasuredYear
from registry.domain.metered.verdict import MeasuredVerdict, measured_verdict
from registry.domain.quotas import verdict as q
from registry.errors import ValidationFailed
from registry.i18n import lang_code, locale_of, render
from registry.models import Building, MeteredYear
from registry.services.metered.years import VALUE_FIELDS, history
from registry.services.quotas.rows import list_rows, row_data

# The band's severity, worst last: the list sorts over-constraint buildings first.
SEVERITY = {"le_guide": 0, "le_baseline": 1, "le_constraint": 2, "gt_guide": 2, "gt_baseline": 2}
SEVERITY["gt_constraint"] = 3
BANDS = ("le_guide", "le_baseline", "le_constraint", "gt_constraint")


class _Text:
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


def _indicator(j: q.Judgement, t: _Text) -> dict:
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


def verdict_dict(v: MeasuredVerdict, t: _Text, *, detail: bool = True) -> dict:
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


def _facts(building_type, sub_type, hvac_class, heating_type, hours, per_person):
    return q.BuildingFacts(
        building_type=building_type,
        sub_type=sub_type,
        hvac_class=hvac_class,
        heating_type=heating_type,
        annual_use_hours=hours,
        area_per_person_m2=per_person,
    )


def _measured(values: dict) -> MeasuredYear:
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
    t = _Text(locale)
    rows = [row_data(r) for r in list_rows(session=session)]
    facts = _facts(
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
            _measured(values),
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


_LIST_COLUMNS = (
    Building.id,
    Building.name,
    Building.district_code,
    Building.building_type,
    Building.sub_type,
    Building.hvac_class,
    Building.heating_type,
    Building.floor_area_m2,
    Building.heated_area_m2,
    Building.annual_use_hours,
    Building.area_per_person_m2,
    *(getattr(MeteredYear, n) for n in VALUE_FIELDS),
    MeteredYear.year,
    MeteredYear.source,
    MeteredYear.months,
    MeteredYear.version,
)


def _filters(district, building_type, band) -> tuple:
    """The filters as codes (a district may be named: 黄岛区, 胶南市…), or ValidationFailed."""
    problems: dict[str, tuple[str, dict]] = {}
    if district:
        try:
            district = normalise_district(district).code
        except UnknownDistrict as exc:
            problems["district"] = (exc.hint, exc.params)
    if building_type and building_type not in BUILDING_TYPES:
        problems["building_type"] = ("building.type_unknown", {"value": building_type})
    if band and band not in (*BANDS, "unjudged"):
        problems["band"] = ("field.choice_unknown", {"value": band})
    if problems:
        raise ValidationFailed(problems)
    return district or None, building_type or None, band or None


def _judge_all(session: Session, query, rows: list, t: _Text, band: str | None) -> list[dict]:
    """Every listed building-year judged; the quota rows chosen once per kind of building."""
    choices_by_kind: dict[tuple, dict[str, q.Choice]] = {}
    entries = []
    for r in session.execute(query).mappings():
        facts = _facts(
            r["building_type"],
            r["sub_type"],
            r["hvac_class"],
            r["heating_type"],
            r["annual_use_hours"],
            r["area_per_person_m2"],
        )
        kind = (r["building_type"], r["sub_type"], r["hvac_class"], r["heating_type"])
        choices = choices_by_kind.get(kind)
        if choices is None:
            choices = {basis: q.choose(facts, rows, basis) for basis in q.BASES}
            choices_by_kind[kind] = choices
        v = measured_verdict(
            _measured(r),
            facts,
            rows,
            floor_area_m2=r["floor_area_m2"],
            heated_area_m2=r["heated_area_m2"],
            choices=choices,
        )
        entry = verdict_dict(v, t, detail=False)
        if band and (entry["band"] or "unjudged") != band:
            continue
        entry.update(
            building_id=r["id"],
            name=r["name"],
            district_code=r["district_code"],
            building_type=r["building_type"],
            heating_type=r["heating_type"],
            floor_area_m2=r["floor_area_m2"],
            version=r["version"],
            source=r["source"],
        )
        entries.append(entry)
    return entries


@contextmanager
def _no_collection():
    """The list builds tens of thousands of dicts that all live until the answer is sent;
    the cyclic collector would walk them again at each pass, finding no garbage (as the
    CLI's module loading does, `registry.cli`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def quota_list(
    *,
    session: Session,
    year: int,
    district: str | None = None,
    building_type: str | None = None,
    band: str | None = None,
    locale: object = "zh_Hans_CN",
    trend: bool = True,
) -> dict:
    """The city's quota list for `year`: every public building with a current measured year,
    over-constraint first, then by severity and least headroom; and the counts and area per
    band by district and by type. Incomplete years are listed, never banded.

    `trend` adds each building's total energy intensity of every complete year (see
    `_trends`): a figure over the years, not a verdict per year."""
    t = _Text(locale)
    district, building_type, band = _filters(district, building_type, band)
    rows = [row_data(r) for r in list_rows(session=session)]
    query = (
        sa_select(*_LIST_COLUMNS)
        .join(MeteredYear, MeteredYear.building_id == Building.id)
        .where(MeteredYear.year == year, MeteredYear.superseded_at.is_(None))
    )
    query_filters = [Building.building_type.in_(sorted(PUBLIC_TYPES))]
    if district:
        query_filters.append(Building.district_code == district)
    if building_type:
        query_filters.append(Building.building_type == building_type)
    query = query.where(*query_filters)
    with _no_collection():
        entries = _judge_all(session, query, rows, t, band)
        if trend and entries:
            trends = _trends(session, query_filters, {e["building_id"] for e in entries})
            for e in entries:
                e["trend"] = trends.get(e["building_id"], [])
        entries.sort(
            key=lambda e: (
                -SEVERITY.get(e["band"], -1) if e["band"] else 1,
                e["margin_pct"] if e["margin_pct"] is not None else 0.0,
                e["building_id"],
            )
        )
        return {
            "year": year,
            "locale": lang_code(t.locale),
            "filters": {"district": district, "building_type": building_type, "band": band},
            "count": len(entries),
            "entries": entries,
            "summary": summary(entries, t.locale),
            # How every entry was counted; each building's page gives its own split.
            "factors": [f.__dict__.copy() for f in (_FACTOR, *accounting.BASE_FACTORS)],
            "notes": [t(code) for code in LIST_NOTES],
        }


_FACTOR = accounting.electricity_factor()
LIST_NOTES = (
    "metered.note.measured",
    "metered.split.district",
    "metered.split.excess_limits",
    "metered.split.needs_months_gas",
    "metered.split.needs_months_electric",
    "metered.gas_factor",
    "metered.no_exclusions",
)

# The quota factors (DB37/T 2671 Table B.1, as `domain.checks.accounting` holds them).
_KGCE = {
    "electricity_kwh": accounting.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH,
    "natural_gas_m3": accounting.NATURAL_GAS_KGCE_PER_M3,
    "district_heat_gj": accounting.HEAT_KGCE_PER_MJ * 1000,
}


def _trends(session: Session, filters: list, building_ids: set[int]) -> dict[int, list[dict]]:
    """Per building, every complete current year's electricity, gas and district heat in
    kgce per m² of floor area (heating and non-heating together, exclusions not taken off):
    one read computed by the database, no verdicts, so five years of a city stay cheap."""
    kgce = sum(
        func.coalesce(getattr(MeteredYear, name), 0.0) * factor for name, factor in _KGCE.items()
    )
    query = (
        sa_select(MeteredYear.building_id, MeteredYear.year, kgce / Building.floor_area_m2)
        .join(Building, MeteredYear.building_id == Building.id)
        .where(MeteredYear.superseded_at.is_(None), MeteredYear.complete.is_(True), *filters)
        .order_by(MeteredYear.building_id, MeteredYear.year)
    )
    out: dict[int, list[dict]] = {}
    for building_id, year, intensity in session.execute(query):
        if building_id in building_ids:
            out.setdefault(building_id, []).append({"year": year, "kgce_per_m2": intensity})
    return out


def summary(entries: list[dict], locale) -> dict:
    """Count and floor area per band, by district and by building type ('unjudged' for
    incomplete or unsupported years)."""

    def tally(key: str, name) -> list[dict]:
        groups: dict[str, dict] = {}
        for e in entries:
            g = groups.get(e[key])
            if g is None:
                g = {"code": e[key], "name": name(e[key], locale), "bands": {}, "count": 0}
                groups[e[key]] = g
            b = g["bands"].setdefault(e["band"] or "unjudged", {"count": 0, "area_m2": 0.0})
            b["count"] += 1
            b["area_m2"] += e["floor_area_m2"]
            g["count"] += 1
        return sorted(groups.values(), key=lambda g: g["code"])

    totals: dict[str, dict] = {}
    for e in entries:
        b = totals.setdefault(e["band"] or "unjudged", {"count": 0, "area_m2": 0.0})
        b["count"] += 1
        b["area_m2"] += e["floor_area_m2"]
    return {
        "bands": totals,
        "by_district": tally("district_code", vocabulary.district),
        "by_type": tally("building_type", vocabulary.building_type),
    }


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
