"""The verdict of a check against the energy quotas: official (正式判定) only when every
validity rule holds, otherwise the same figures under "不予正式判定" with the reasons.

A check is judged once: `assess_check` pins the validity rule versions and their outcomes
(`services.checks.validity`) and, for each basis, the quota row version (`CheckVerdict`). The
verdict dict is rebuilt from those pins and the stored result every time it is shown.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry import citations
from registry.domain.checks import accounting
from registry.domain.checks.validity import HEATING_SOURCE
from registry.domain.quotas import verdict as q
from registry.i18n import lang_code, locale_of, render
from registry.models import Building, Check, CheckResult, CheckValidity, CheckVerdict
from registry.services.checks import validity as validity_service
from registry.services.quotas.indicators import (
    HEATING_DISAGREES,
    building_facts,
    energy_account,
    heating_area_m2,
    indicator,
)
from registry.services.quotas.rows import list_rows, row_data

# What a non-official verdict leaves out: the band is the judgement, the figures stay.
JUDGEMENT_FIELDS = ("band", "band_label", "action")


def _quota_pins(session: Session, check_id: int) -> list[CheckVerdict]:
    return list(session.exec(select(CheckVerdict).where(CheckVerdict.check_id == check_id)))


def assess_check(*, session: Session, check_id: int, refresh: bool = False) -> list[CheckVerdict]:
    """Pin the validity rules' outcomes and each basis's quota row version (once, or again).

    Called when the result is stored, and again by any reader of a check judged before the
    rules existed; `refresh` judges the check again by the current rules and rows.
    """
    pins = _quota_pins(session, check_id)
    rules = validity_service.pinned(session, check_id)
    if pins and rules and not refresh:
        return pins
    check = session.get(Check, check_id)
    result = session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).first()
    if check is None or result is None:
        return []
    validity_service.current_rules(session)  # stores any shipped rule missing, before we write
    try:
        if refresh:
            for row in [*pins, *rules]:
                session.delete(row)
            session.flush()
            pins, rules = [], []
        if not rules:
            rules = validity_service.pin_outcomes(session, check, result)
        if not pins:
            heating_agrees = all(r.held for r in rules if r.rule_key == HEATING_SOURCE)
            pins = _pin_quota_rows(session, check, result, heating_agrees)
        session.commit()
    except IntegrityError:
        # Another request (or the worker) pinned the same check first; its pins stand.
        session.rollback()
        return _quota_pins(session, check_id)
    return pins


def _pin_quota_rows(session, check, result, heating_agrees: bool) -> list[CheckVerdict]:
    building = session.get(Building, check.building_id)
    # Every kgce row is a DB37/T row, and that series converts electricity at 0.31 kgce/kWh
    # (等价, its own Table B.1); the kWh rows do not use the factor at all.
    factor = accounting.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH
    account = energy_account(session, check, factor)
    current = [row_data(r) for r in list_rows(session=session)]
    facts = building_facts(building)
    pins = []
    for basis in q.BASES:
        pin = CheckVerdict(check_id=check.id, basis=basis, electricity_kgce_per_kwh=factor)
        choice = q.choose(facts, current, basis)
        if basis == q.BASIS_HEATING and not heating_agrees:
            pin.no_quota_reason, pin.no_quota_params = HEATING_DISAGREES, {}
        elif choice.row is None:
            pin.no_quota_reason, pin.no_quota_params = choice.reason
        else:
            row = choice.row
            pin.quota_row_id, pin.quota_key, pin.quota_version = row.row_id, row.key, row.version
            pin.unit = row.unit
            judged = q.judge(
                basis,
                facts,
                current,
                account,
                area_m2=result.registered_area_m2,
                heated_area_m2=heating_area_m2(result),
                row=row,
            )
            if judged.value is not None:
                pin.indicator_value = judged.value
                pin.band = judged.band.code if judged.band else None
        session.add(pin)
        pins.append(pin)
    return pins


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


def building_headline(*, session: Session, building_id: int, locale: object = "zh_Hans_CN") -> dict:
    """What a building's page leads with: its newest official verdict, and the newest check's
    verdict too when that one was not official (so a later withheld check is not hidden).

    `{"official": dict | None, "withheld": dict | None}`.
    """
    ids = list(
        session.exec(
            select(Check.id)
            .join(CheckResult, CheckResult.check_id == Check.id)
            .where(Check.building_id == building_id, Check.status == "done")
            .order_by(Check.id.desc())
        )
    )
    if not ids:
        return {"official": None, "withheld": None}
    judged = set(
        session.exec(select(CheckValidity.check_id).where(CheckValidity.check_id.in_(ids)))
    )
    for check_id in ids:
        if check_id not in judged:  # checked before the validity rules existed
            assess_check(session=session, check_id=check_id)
    failed = set(
        session.exec(
            select(CheckValidity.check_id).where(
                CheckValidity.check_id.in_(ids), CheckValidity.held.is_(False)
            )
        )
    )
    official_id = next((i for i in ids if i not in failed), None)
    official = (
        verdict_for_check(session=session, check_id=official_id, locale=locale)
        if official_id
        else None
    )
    withheld = None
    if ids[0] in failed:
        withheld = verdict_for_check(session=session, check_id=ids[0], locale=locale)
    return {"official": official, "withheld": withheld}


def latest_verdict_for_building(
    *,
    session: Session,
    building_id: int,
    locale: object = "zh_Hans_CN",
) -> dict | None:
    """The verdict of the building's newest check with an official verdict, or None."""
    return building_headline(session=session, building_id=building_id, locale=locale)["official"]


def _validity(session, check, locale) -> dict:
    rows = validity_service.pinned(session, check.id)
    rules = validity_service.rules_dicts(session, rows, locale)
    official = validity_service.is_official(rows)
    withheld = [
        {
            "code": r["code"],
            "rule": r["key"],
            "message": r["message"],
            "value": r["value"],
            "limit": r["limit"],
            "unit": r["unit"],
        }
        for r in rules
        if not r["held"]
    ]
    return {
        "official": official,
        "official_label": render(
            "validity.official" if official else "validity.withheld", {}, locale
        ),
        "withheld": withheld,
        "withheld_summary": render("validity.withheld_summary", {"count": len(withheld)}, locale)
        if withheld
        else None,
        "rules": rules,
        "severe_messages": validity_service.severe_messages(check),
    }


def _cited(params: dict, account: accounting.EnergyAccount, locale) -> dict:
    """A note's parameters with the electricity factor's basis as a citation (the factor's
    source is its provenance, for the administrator)."""
    if "basis" not in params:
        return params
    factor = account.factors[0].__dict__
    return {**params, "basis": citations.factor_citation(factor, locale) or params["basis"]}


def _build_verdict(session, check, result, building, pins, locale) -> dict:
    locale = locale_of(locale)

    def t(code, params=None):
        return render(code, params or {}, locale)

    factor = next(iter(pins.values())).electricity_kgce_per_kwh
    account = energy_account(session, check, factor)
    current = [row_data(r) for r in list_rows(session=session)]
    validity = _validity(session, check, locale)
    indicators = [
        indicator(session, basis, pins[basis], building, account, result, current, t, locale)
        for basis in q.BASES
        if basis in pins
    ]
    has_quota = any(i["value"] is not None for i in indicators)
    if not validity["official"]:
        for item in indicators:
            item.update(dict.fromkeys(JUDGEMENT_FIELDS))
    warnings: list[str] = []
    notes = [t("quota.note.simulation")]
    standards = {i["row"]["standard"] for i in indicators if i["row"] and i["value"] is not None}
    if any(s.startswith(q.DB37_PREFIX) for s in standards):
        notes += [t("quota.note.electricity_factor_db37"), t("quota.note.appendix_a")]
    if any(
        i["value"] is not None and i["basis"] == q.BASIS_CONVENTIONAL_ELECTRICITY
        for i in indicators
    ):
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
        **validity,
        "eui_kwh_per_m2": result.eui_kwh_per_m2,
        "total_site_kwh": result.total_site_kwh,
        "registered_area_m2": result.registered_area_m2,
        "registered_heated_area_m2": result.registered_heated_area_m2,
        "model_total_area_m2": result.model_total_area_m2,
        "model_conditioned_area_m2": result.model_conditioned_area_m2,
        "area_changed_since": building.floor_area_m2 != result.registered_area_m2,
        "has_quota": has_quota,
        "basis": q.BASIS_NON_HEATING,
        "indicator_value": primary.get("value"),
        "unit": primary.get("unit"),
        "unit_label": primary.get("unit_label"),
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
            "factors": [
                {**f, "citation": citations.factor_citation(f, locale)}
                for f in account.to_dict()["factors"]
            ],
            "notes": [t(code, _cited(params, account, locale)) for code, params in account.notes],
        },
        "assessed_at": min(p.created_at for p in pins.values()).isoformat(),
    }
