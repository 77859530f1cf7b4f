"""One quota basis of a check's verdict, in detail: the row, the indicator value, its band,
margins, correction, and the warnings and notes that go with them.

The numbers are recomputed from the check's stored end uses and the quota row version it was
pinned to (`verdicts.assess_check`), so a verdict does not move when a row gets a new version.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from registry import citations, vocabulary
from registry.domain.checks import accounting
from registry.domain.quotas import correction
from registry.domain.quotas import verdict as q
from registry.domain.text import names as named
from registry.i18n import Locale
from registry.models import Building, Check, CheckEndUse, CheckResult, QuotaRow
from registry.services.quotas.rows import row_data, row_history

# The pin's reason when the model heats otherwise than the building is registered: the
# registered heating type then does not choose the heating row (the validity rule says why).
HEATING_DISAGREES = "quota.heating_source_disagrees"


def building_facts(building: Building) -> q.BuildingFacts:
    return q.BuildingFacts(
        building_type=building.building_type,
        sub_type=building.sub_type,
        hvac_class=building.hvac_class,
        heating_type=building.heating_type,
        floor_area_m2=building.floor_area_m2,
        annual_use_hours=building.annual_use_hours,
        area_per_person_m2=building.area_per_person_m2,
    )


def energy_account(session: Session, check: Check, factor: float) -> accounting.EnergyAccount:
    end_uses = session.exec(select(CheckEndUse).where(CheckEndUse.check_id == check.id))
    # PV output is taken off only if the results reader recorded it in the model facts.
    onsite = (check.model_facts or {}).get("onsite_generation_kwh")
    return accounting.account(
        ((e.end_use, e.fuel, e.energy_kwh) for e in end_uses),
        electricity_kgce_per_kwh=factor,
        onsite_generation_kwh=onsite,
    )


def heating_area_m2(result: CheckResult) -> float:
    """The heating indicator's denominator: the registered heated area, else the floor area."""
    return result.registered_heated_area_m2 or result.registered_area_m2


def indicator_value(
    basis: str,
    row: q.QuotaRowData,
    account: accounting.EnergyAccount,
    result: CheckResult,
) -> float | None:
    """The check's indicator of `basis` (`q.indicator_value` with the check's areas)."""
    return q.indicator_value(
        basis,
        row,
        account,
        area_m2=result.registered_area_m2,
        heated_area_m2=heating_area_m2(result),
    )


def _row_dict(row: QuotaRow, locale: Locale) -> dict:
    data = {
        "id": row.id,
        "key": row.key,
        "version": row.version,
        "standard": row.standard,
        "table": row.table_ref,
        "climate_zone": row.climate_zone,
        "building_type": row.building_type,
        "sub_types": [s for s in row.sub_types.split(",") if s],
        "hvac_class": row.hvac_class,
        "heating_type": row.heating_type,
        "basis": row.basis,
        "unit": row.unit,
        "levels": {
            "guide": row.guide_value,
            "baseline": row.baseline_value,
            "constraint": row.constraint_value,
        },
        "level_names": {k: vocabulary.quota_level(k, locale) for k in q.LEVEL_NAMES},
        "source": row.source,
        "source_status": row.source_status,
        "notes": row.notes,
        "superseded": row.superseded_at is not None,
    }
    # What a printed document shows: the standard, table and row, and the status in words;
    # the source above (the transcription it came from) stays for the administrator.
    data["citation"] = citations.quota_row_citation(data, locale)
    data["cited"] = citations.with_status(data["citation"], row.source_status, locale)
    return data


def _cited(row: q.QuotaRowData, locale: Locale) -> str:
    """A row the verdict did not pin, as a citation (never its key)."""
    return citations.quota_row_citation(
        {
            "standard": row.standard,
            "table": row.table,
            "building_type": row.building_type,
            "sub_types": list(row.sub_types),
            "hvac_class": row.hvac_class,
            "heating_type": row.heating_type,
        },
        locale,
    )


def _correction_note(row: q.QuotaRowData, building: Building, t) -> tuple[float, str]:
    """The factor applied to the indicator and the sentence saying why (or why not)."""
    if q.correction_applies(row):
        c = correction.office_correction(building.annual_use_hours, building.area_per_person_m2)
        if not c.applied:
            return 1.0, t(c.reason)
        return c.factor, t(
            c.reason,
            {
                "gamma1": f"{c.gamma1:.3f}",
                "gamma2": f"{c.gamma2:.3f}",
                "hours": f"{building.annual_use_hours:g}",
                "t0": f"{correction.OFFICE_T0_HOURS:g}",
                "area": f"{building.area_per_person_m2:g}",
                "s0": f"{correction.OFFICE_S0_M2_PER_PERSON:g}",
            },
        )
    if row.standard == q.GB51161:
        return 1.0, t("quota.correction_unknown")
    return 1.0, t("quota.correction_not_defined", {"standard": row.standard})


def indicator(session, basis, pin, building, account, result, current, t, locale) -> dict:
    """One basis of the verdict as a plain dict; `band` is filled in by the caller only for an
    official verdict."""
    item: dict[str, Any] = {
        "basis": basis,
        "basis_label": t(f"quota.basis.{basis}"),
        "row": None,
        "value": None,
        "value_uncorrected": None,
        "unit": pin.unit,
        "unit_label": q.typeset_unit(pin.unit),
        "band": None,
        "band_label": None,
        "action": None,
        "margins": {},
        "no_quota_code": None,
        "no_quota_reason": None,
        "correction": None,
        "warnings": [],
        "notes": [],
    }
    warn = item["warnings"].append
    now = q.choose(building_facts(building), current, basis)
    if pin.no_quota_reason != HEATING_DISAGREES and (now.row.key if now.row else None) != (
        pin.quota_key
    ):
        warn(
            t(
                "quota.warning.mapping_changed",
                {"row": _cited(now.row, locale) if now.row else t(*now.reason)},
            )
        )
    if pin.quota_row_id is None:
        item["no_quota_code"] = pin.no_quota_reason
        item["no_quota_reason"] = t(pin.no_quota_reason, pin.no_quota_params)
        return item
    stored = session.get(QuotaRow, pin.quota_row_id)
    row = row_data(stored)
    item["row"] = _row_dict(stored, locale)
    if row.source_status == "unverified":
        warn(t("quota.warning.unverified", {"standard": row.standard}))
    elif row.source_status == "derived":
        warn(t("quota.warning.derived", {"notes": row.notes}))
    if stored.superseded_at is not None:
        latest = row_history(session=session, key=row.key)[-1]
        warn(t("quota.warning.newer_version", {"version": row.version, "current": latest.version}))
    if now.row is not None and now.row.key == row.key:
        for other in now.also_applicable:
            item["notes"].append(
                t(
                    "quota.note.also_applicable",
                    {
                        "row": _cited(other, locale),
                        "status": citations.with_status("", other.source_status, locale),
                    },
                )
            )
    if not row.has_levels:
        item["no_quota_code"] = "quota.table_dash"
        item["no_quota_reason"] = t(
            "quota.table_dash", {"standard": row.standard, "table": row.table}
        )
        return item
    raw = indicator_value(basis, row, account, result)
    if raw is None:  # a row whose unit does not fit its basis: say so, never guess
        item["no_quota_code"] = "quota.no_row"
        item["no_quota_reason"] = t("quota.no_row", {"standard": row.standard})
        return item
    factor, item["correction"] = _correction_note(row, building, t)
    value = raw * factor
    band = q.classify(value, row.levels)
    item.update(
        value=value,
        value_uncorrected=raw,
        unit=row.unit,
        unit_label=q.typeset_unit(row.unit),
        band=band.code,
        band_label=t(f"quota.band.{band.code}"),
        action=t(q.action_code(row, band)),
    )
    item["margins"] = {
        name: {**m, "name": item["row"]["level_names"][name]}
        for name, m in q.margins(value, row.levels).items()
    }
    if row.unit.startswith("kgce") and account.unconverted_kwh_by_fuel:
        warn(t("quota.warning.unconverted"))
    if (
        basis == q.BASIS_NON_HEATING
        and row.unit.startswith("kWh")
        and (account.non_heating_non_electric_kwh > 0)
    ):
        warn(
            t(
                "quota.warning.non_electric_site_kwh",
                {"kwh": f"{account.non_heating_non_electric_kwh:,.0f}"},
            )
        )
    if basis == q.BASIS_HEATING:
        if not result.registered_heated_area_m2:
            warn(t("quota.warning.heated_area"))
        outside = accounting.heating_fuels_outside(building.heating_type or "", account)
        if outside:
            warn(
                t(
                    "quota.warning.heating_fuel_mismatch",
                    {
                        "fuels": named("fuel", outside),
                        "heating_type": vocabulary.heating_type(building.heating_type, locale),
                    },
                )
            )
    return item
