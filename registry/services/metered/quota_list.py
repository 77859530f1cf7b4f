"""The city's quota list (能耗限额管理) for a year: every public building's measured verdict,
over-constraint first, with counts and area per band by district and type, and a trend.

The quota row is chosen once per kind of building (type, sub-type, class, heating type),
which keeps 10,000 buildings around half a second of CPU (bench/bench_metered.py).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session

from registry import collector, vocabulary
from registry.domain.buildings.districts import UnknownDistrict, normalise_district
from registry.domain.buildings.types import BUILDING_TYPES, PUBLIC_TYPES
from registry.domain.checks import accounting
from registry.domain.metered.verdict import measured_verdict
from registry.domain.quotas import verdict as q
from registry.errors import ValidationFailed
from registry.i18n import lang_code
from registry.models import Building, MeteredYear
from registry.services.metered.verdicts import (
    BANDS,
    SEVERITY,
    Text,
    facts_of,
    measured_of,
    verdict_dict,
)
from registry.services.metered.years import VALUE_FIELDS
from registry.services.quotas.rows import list_rows, row_data

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


def _judge_all(session: Session, query, rows: list, t: Text, band: str | None) -> list[dict]:
    """Every listed building-year judged; the quota rows chosen once per kind of building."""
    choices_by_kind: dict[tuple, dict[str, q.Choice]] = {}
    entries = []
    for r in session.execute(query).mappings():
        facts = facts_of(
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
            measured_of(r),
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
    t = Text(locale)
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
    # The list builds tens of thousands of dicts that all live until the answer is sent.
    with collector.paused():
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
