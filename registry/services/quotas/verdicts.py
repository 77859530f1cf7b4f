"""Quota rows (list, versioned admin edits) and the verdict of a check against them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry import vocabulary
from registry.domain.checks import accounting
from registry.domain.quotas import verdict as q
from registry.domain.text import names as named
from registry.errors import Conflict, NotFound, RegistryError, ValidationFailed
from registry.i18n import Locale, lang_code, locale_of, render
from registry.models import (
    Building,
    Check,
    CheckEndUse,
    CheckResult,
    CheckVerdict,
    QuotaRow,
    QuotaRowUpdate,
    User,
    utcnow,
)
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot

EDITABLE = ("guide_value", "baseline_value", "constraint_value", "source", "source_status", "notes")
AREA_MISMATCH_WARN_PCT = 5.0  # the same threshold the check page highlights


def row_data(row: QuotaRow) -> q.QuotaRowData:
    """The pure-domain view of a stored row."""
    return q.QuotaRowData(
        key=row.key,
        standard=row.standard,
        table=row.table_ref,
        climate_zone=row.climate_zone,
        building_type=row.building_type,
        sub_types=tuple(s for s in row.sub_types.split(",") if s),
        hvac_class=row.hvac_class,
        heating_type=row.heating_type,
        basis=row.basis,
        unit=row.unit,
        guide=row.guide_value,
        baseline=row.baseline_value,
        constraint=row.constraint_value,
        source=row.source,
        source_status=row.source_status,
        notes=row.notes,
        version=row.version,
        row_id=row.id,
    )


def row_from_data(data: q.QuotaRowData) -> QuotaRow:
    return QuotaRow(
        key=data.key,
        version=data.version,
        standard=data.standard,
        table_ref=data.table,
        climate_zone=data.climate_zone,
        building_type=data.building_type,
        sub_types=",".join(data.sub_types),
        hvac_class=data.hvac_class,
        heating_type=data.heating_type,
        basis=data.basis,
        unit=data.unit,
        guide_value=data.guide,
        baseline_value=data.baseline,
        constraint_value=data.constraint,
        source=data.source,
        source_status=data.source_status,
        notes=data.notes,
    )


def list_rows(
    *,
    session: Session,
    include_superseded: bool = False,
    building_type: str | None = None,
) -> list[QuotaRow]:
    """Quota rows in key order; only the current versions unless asked for all."""
    query = select(QuotaRow)
    if not include_superseded:
        query = query.where(QuotaRow.superseded_at.is_(None))
    if building_type:
        query = query.where(QuotaRow.building_type == building_type)
    return list(session.exec(query.order_by(QuotaRow.key, QuotaRow.version)))


def get_row(*, session: Session, row_id: int) -> QuotaRow:
    row = session.get(QuotaRow, row_id)
    if row is None:
        raise NotFound("quota.row_not_found", {"id": row_id})
    return row


def row_history(*, session: Session, key: str) -> list[QuotaRow]:
    """Every version of one row, oldest first."""
    return list(
        session.exec(select(QuotaRow).where(QuotaRow.key == key).order_by(QuotaRow.version))
    )


def edit_row(
    *,
    session: Session,
    actor: User,
    row_id: int,
    data: dict[str, Any] | QuotaRowUpdate,
    reason: str,
) -> QuotaRow:
    """Change a row's levels or source by adding its next version; the old one is kept."""
    permissions.require_admin(actor)
    old = get_row(session=session, row_id=row_id)
    if old.superseded_at is not None:
        current = session.get(QuotaRow, old.superseded_by_id)
        raise Conflict("quota.row_superseded", {"version": current.version if current else "?"})
    if isinstance(data, QuotaRowUpdate):
        updates = data.model_dump(exclude_unset=True)
    else:
        updates = {k: v for k, v in data.items() if k in EDITABLE}
    problems: dict[str, tuple[str, dict]] = {}
    if not (reason or "").strip():
        problems["reason"] = ("record.reason_required", {})
    fields = {f: getattr(old, f) for f in EDITABLE} | updates
    if fields["source_status"] not in q.STATUSES:
        problems["source_status"] = ("quota.status_unknown", {"value": fields["source_status"]})
    levels = {
        "guide": fields["guide_value"],
        "baseline": fields["baseline_value"],
        "constraint": fields["constraint_value"],
    }
    for level, code, params in q.validate_levels(levels):
        # The domain names the levels in English; the reader sees them in their language.
        shown = {key: named("quota level", [value]) for key, value in params.items()}
        problems.setdefault(f"{level}_value", (code, shown))
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(old)
    if all(fields[f] == before[f] for f in EDITABLE):
        raise RegistryError("quota.nothing_changed")
    new = QuotaRow(
        **(
            old.model_dump(
                exclude={
                    "id",
                    "version",
                    "created_at",
                    "created_by_id",
                    "change_reason",
                    "superseded_at",
                    "superseded_by_id",
                }
            )
            | fields
        ),
        version=old.version + 1,
        created_by_id=actor.id,
        change_reason=reason.strip(),
    )
    session.add(new)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("quota.row_superseded", {"version": old.version + 1}) from exc
    old.superseded_at = utcnow()
    old.superseded_by_id = new.id
    session.add(old)
    audited = ("version", *EDITABLE)
    was, now = changed(snapshot(old, audited), snapshot(new, audited))
    record_event(
        session=session,
        actor=actor,
        entity="quota_row",
        entity_id=new.id,
        action="new_version",
        before=was,
        after=now,
        reason=reason.strip(),
    )
    session.commit()
    return new


# --- verdicts -------------------------------------------------------------------------------


def _facts(building: Building) -> q.BuildingFacts:
    return q.BuildingFacts(
        building_type=building.building_type,
        sub_type=building.sub_type,
        hvac_class=building.hvac_class,
        heating_type=building.heating_type,
        floor_area_m2=building.floor_area_m2,
        annual_use_hours=building.annual_use_hours,
        area_per_person_m2=building.area_per_person_m2,
    )


def _account(session: Session, check: Check, factor: float) -> accounting.EnergyAccount:
    end_uses = session.exec(select(CheckEndUse).where(CheckEndUse.check_id == check.id))
    # PV output is taken off only if the results reader recorded it in the model facts.
    onsite = (check.model_facts or {}).get("onsite_generation_kwh")
    return accounting.account(
        ((e.end_use, e.fuel, e.energy_kwh) for e in end_uses),
        electricity_kgce_per_kwh=factor,
        onsite_generation_kwh=onsite,
    )


def _indicator_value(
    basis: str,
    row: q.QuotaRowData,
    account: accounting.EnergyAccount,
    area_m2: float,
) -> float | None:
    if row.unit.startswith("kgce") and basis == q.BASIS_NON_HEATING:
        return account.non_heating_kgce / area_m2
    if row.unit.startswith("kgce") and basis == q.BASIS_HEATING:
        return account.heating_kgce / area_m2
    if row.unit.startswith("kWh") and basis == q.BASIS_CONVENTIONAL_ELECTRICITY:
        return account.conventional_electricity_kwh / area_m2
    if row.unit.startswith("kWh") and basis == q.BASIS_NON_HEATING:
        return (account.conventional_electricity_kwh + account.non_heating_non_electric_kwh) / (
            area_m2
        )
    return None


def assess_check(*, session: Session, check_id: int, refresh: bool = False) -> list[CheckVerdict]:
    """Pin the quota row version each basis of a check is judged by (once, or again)."""
    pins = list(session.exec(select(CheckVerdict).where(CheckVerdict.check_id == check_id)))
    if pins and not refresh:
        return pins
    for pin in pins:
        session.delete(pin)
    check = session.get(Check, check_id)
    result = session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).first()
    if check is None or result is None:
        return []
    building = session.get(Building, check.building_id)
    # Every kgce row is a DB37/T row, and that series converts electricity at 0.31 kgce/kWh
    # (等价, its own Table B.1); the kWh rows do not use the factor at all.
    factor = accounting.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH
    account = _account(session, check, factor)
    current = [row_data(r) for r in list_rows(session=session)]
    new_pins = []
    for basis in q.BASES:
        choice = q.choose(_facts(building), current, basis)
        pin = CheckVerdict(check_id=check_id, basis=basis, electricity_kgce_per_kwh=factor)
        if choice.row is None:
            pin.no_quota_reason, pin.no_quota_params = choice.reason
        else:
            row = choice.row
            pin.quota_row_id, pin.quota_key, pin.quota_version = row.row_id, row.key, row.version
            pin.unit = row.unit
            value = _indicator_value(basis, row, account, result.registered_area_m2)
            if value is not None:
                value *= _office(row, building).factor
                band = q.classify(value, row.levels)
                pin.indicator_value, pin.band = value, band.code if band else None
        session.add(pin)
        new_pins.append(pin)
    try:
        session.commit()
    except IntegrityError:
        # Another request pinned the same check first; its pins stand.
        session.rollback()
        return list(session.exec(select(CheckVerdict).where(CheckVerdict.check_id == check_id)))
    return new_pins


def verdict_for_check(
    *,
    session: Session,
    check_id: int,
    locale: object = "zh_Hans_CN",
    refresh: bool = False,
) -> dict | None:
    """The check's verdict against the quotas as a plain dict; None if it has no result."""
    check = session.get(Check, check_id)
    if check is None:
        return None
    result = session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).first()
    if result is None:
        return None
    pins = {p.basis: p for p in assess_check(session=session, check_id=check_id, refresh=refresh)}
    building = session.get(Building, check.building_id)
    return _build_verdict(session, check, result, building, pins, locale)


def latest_verdict_for_building(
    *,
    session: Session,
    building_id: int,
    locale: object = "zh_Hans_CN",
) -> dict | None:
    """The verdict of the building's newest finished check, or None if it has none."""
    check = session.exec(
        select(Check)
        .join(CheckResult, CheckResult.check_id == Check.id)
        .where(Check.building_id == building_id, Check.status == "done")
        .order_by(Check.id.desc())
    ).first()
    if check is None:
        return None
    return verdict_for_check(session=session, check_id=check.id, locale=locale)


def _row_dict(row: QuotaRow, locale: Locale) -> dict:
    return {
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


def _office(row: q.QuotaRowData, building: Building) -> q.OfficeCorrection:
    if not q.correction_applies(row):
        return q.OfficeCorrection(applied=False)
    return q.office_correction(building.annual_use_hours, building.area_per_person_m2)


def _correction_note(row: q.QuotaRowData, building: Building, t) -> tuple[float, str]:
    """The factor applied to the indicator and the sentence saying why (or why not)."""
    if q.correction_applies(row):
        c = _office(row, building)
        if not c.applied:
            return 1.0, t(c.reason)
        return c.factor, t(
            c.reason,
            {
                "gamma1": f"{c.gamma1:.3f}",
                "gamma2": f"{c.gamma2:.3f}",
                "hours": f"{building.annual_use_hours:g}",
                "t0": f"{q.OFFICE_T0_HOURS:g}",
                "area": f"{building.area_per_person_m2:g}",
                "s0": f"{q.OFFICE_S0_M2_PER_PERSON:g}",
            },
        )
    if row.standard == q.GB51161:
        return 1.0, t("quota.correction_unknown")
    return 1.0, t("quota.correction_not_defined", {"standard": row.standard})


def _indicator(session, basis, pin, building, account, area_m2, current, t, locale) -> dict:
    item: dict[str, Any] = {
        "basis": basis,
        "basis_label": t(f"quota.basis.{basis}"),
        "row": None,
        "value": None,
        "value_uncorrected": None,
        "unit": pin.unit,
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
    now = q.choose(_facts(building), current, basis)
    if (now.row.key if now.row else None) != pin.quota_key:
        warn(
            t("quota.warning.mapping_changed", {"key": now.row.key if now.row else t(*now.reason)})
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
                        "standard": other.standard,
                        "table": other.table,
                        "key": other.key,
                        "status": vocabulary.source_status_name(other.source_status, locale),
                    },
                )
            )
    if not row.has_levels:
        item["no_quota_code"] = "quota.table_dash"
        item["no_quota_reason"] = t(
            "quota.table_dash", {"standard": row.standard, "table": row.table}
        )
        return item
    raw = _indicator_value(basis, row, account, area_m2)
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


def _build_verdict(session, check, result, building, pins, locale) -> dict:
    locale = locale_of(locale)

    def t(code, params=None):
        return render(code, params or {}, locale)

    factor = next(iter(pins.values())).electricity_kgce_per_kwh
    account = _account(session, check, factor)
    current = [row_data(r) for r in list_rows(session=session)]
    warnings: list[str] = []
    if result.area_mismatch_pct is not None and (
        abs(result.area_mismatch_pct) > AREA_MISMATCH_WARN_PCT
    ):
        warnings.append(
            t("quota.warning.area_mismatch", {"pct": f"{result.area_mismatch_pct:+.0f}"})
        )
    indicators = [
        _indicator(
            session,
            basis,
            pins[basis],
            building,
            account,
            result.registered_area_m2,
            current,
            t,
            locale,
        )
        for basis in q.BASES
        if basis in pins
    ]
    notes = [t("quota.note.simulation")]
    standards = {i["row"]["standard"] for i in indicators if i["row"] and i["band"]}
    if any(s.startswith(q.DB37_PREFIX) for s in standards):
        notes += [t("quota.note.electricity_factor_db37"), t("quota.note.appendix_a")]
    if any(i["band"] and i["basis"] == q.BASIS_CONVENTIONAL_ELECTRICITY for i in indicators):
        notes.append(t("quota.note.conventional_electricity"))
    for item in indicators:
        warnings += [w for w in item["warnings"] if w not in warnings]
        notes += [n for n in item["notes"] if n not in notes]
    primary = next((i for i in indicators if i["basis"] == q.BASIS_NON_HEATING), None) or {}
    return {
        "check_id": check.id,
        "building_id": building.id,
        "locale": lang_code(locale),
        "building_type": building.building_type,
        "sub_type": building.sub_type,
        "eui_kwh_per_m2": result.eui_kwh_per_m2,
        "total_site_kwh": result.total_site_kwh,
        "registered_area_m2": result.registered_area_m2,
        "has_quota": any(i["band"] for i in indicators),
        "basis": q.BASIS_NON_HEATING,
        "indicator_value": primary.get("value"),
        "unit": primary.get("unit"),
        "row": primary.get("row"),
        "band": primary.get("band"),
        "band_label": primary.get("band_label"),
        "action": primary.get("action"),
        "margins": primary.get("margins", {}),
        "correction": primary.get("correction"),
        "no_quota_reason": primary.get("no_quota_reason"),
        "indicators": indicators,
        "warnings": warnings,
        "notes": notes,
        "accounting": {
            **account.to_dict(),
            "notes": [t(code, params) for code, params in account.notes],
        },
        "assessed_at": min(p.created_at for p in pins.values()).isoformat(),
    }
