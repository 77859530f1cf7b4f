"""Validity rules (list, versioned admin edits, seed) and the outcome of each for a check.

The rules themselves are pure (`registry.domain.checks.validity`); this module reads a
check's facts from its rows, pins each rule version's outcome once, and turns the pins into
the plain dicts every reader shows (page, PDF, CLI, API).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry import citations, vocabulary
from registry.domain.buildings.types import HEATING_TYPES
from registry.domain.checks import accounting
from registry.domain.checks import validity as v
from registry.domain.checks.errfile import WARMUP_CONVERGENCE
from registry.domain.checks.validity_data import SEED_RULES
from registry.domain.checks.weather import WEATHER_NAMES
from registry.domain.text import names as named
from registry.errors import Conflict, NotFound, RegistryError, ValidationFailed
from registry.i18n import render
from registry.models import (
    Building,
    Check,
    CheckEndUse,
    CheckResult,
    CheckValidity,
    User,
    ValidityRule,
    ValidityRuleUpdate,
    WeatherFile,
    utcnow,
)
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot
from registry.services.checks.weather import default_weather

EDITABLE = ("threshold", "source", "source_status", "notes")


def rule_data(row: ValidityRule) -> v.RuleData:
    return v.RuleData(
        key=row.key,
        threshold=row.threshold,
        unit=row.unit,
        source=row.source,
        source_status=row.source_status,
        notes=row.notes,
        version=row.version,
        row_id=row.id,
    )


def seed(session: Session) -> str:
    """Store every shipped rule whose key is not stored yet; an admin's versions stay."""
    existing = set(session.exec(select(ValidityRule.key)))
    added = [data for data in SEED_RULES if data.key not in existing]
    for data in added:
        session.add(
            ValidityRule(
                key=data.key,
                threshold=data.threshold,
                unit=data.unit,
                source=data.source,
                source_status=data.source_status,
                notes=data.notes,
            )
        )
    try:
        session.commit()
    except IntegrityError:  # another process seeded the same keys first
        session.rollback()
        return "validity rules: 0 added"
    return f"validity rules: {len(added)} added"


def list_rules(*, session: Session, include_superseded: bool = False) -> list[ValidityRule]:
    """The rules in the order a check is judged by them; only current versions unless asked."""
    query = select(ValidityRule)
    if not include_superseded:
        query = query.where(ValidityRule.superseded_at.is_(None))
    order = {key: n for n, key in enumerate(v.RULE_KEYS)}
    rows = session.exec(query.order_by(ValidityRule.version)).all()
    return sorted(rows, key=lambda r: (order.get(r.key, len(order)), r.version))


def current_rules(session: Session) -> dict[str, v.RuleData]:
    """Every rule's current version; shipped rules missing from the table are stored first,
    so a check is never judged by fewer rules than the registry has."""
    rows = list_rules(session=session)
    if {r.key for r in rows} < set(v.RULE_KEYS):
        seed(session)
        rows = list_rules(session=session)
    return {r.key: rule_data(r) for r in rows}


def get_rule(*, session: Session, rule_id: int) -> ValidityRule:
    row = session.get(ValidityRule, rule_id)
    if row is None:
        raise NotFound("validity.rule_not_found", {"id": rule_id})
    return row


def rule_history(*, session: Session, key: str) -> list[ValidityRule]:
    """Every version of one rule, oldest first."""
    return list(
        session.exec(
            select(ValidityRule).where(ValidityRule.key == key).order_by(ValidityRule.version)
        )
    )


def edit_rule(
    *,
    session: Session,
    actor: User,
    rule_id: int,
    data: dict[str, Any] | ValidityRuleUpdate,
    reason: str,
) -> ValidityRule:
    """Change a rule's threshold or source by adding its next version; the old one is kept,
    and so are the checks judged by it."""
    permissions.require_admin(actor)
    old = get_rule(session=session, rule_id=rule_id)
    if old.superseded_at is not None:
        current = session.get(ValidityRule, old.superseded_by_id)
        raise Conflict("validity.rule_superseded", {"version": current.version if current else "?"})
    if isinstance(data, ValidityRuleUpdate):
        updates = data.model_dump(exclude_unset=True)
    else:
        updates = {k: val for k, val in data.items() if k in EDITABLE}
    fields = {f: getattr(old, f) for f in EDITABLE} | updates
    problems: dict[str, tuple[str, dict]] = {}
    if not (reason or "").strip():
        problems["reason"] = ("record.reason_required", {})
    if fields["source_status"] not in v.STATUSES:
        problems["source_status"] = ("validity.status_unknown", {"value": fields["source_status"]})
    if not (fields["source"] or "").strip():
        problems["source"] = ("field.required", {})
    threshold_problem = v.validate_threshold(old.key, fields["threshold"])
    if threshold_problem:
        problems["threshold"] = threshold_problem
    if problems:
        raise ValidationFailed(problems)
    if all(fields[f] == getattr(old, f) for f in EDITABLE):
        raise RegistryError("validity.nothing_changed")
    new = ValidityRule(
        key=old.key,
        unit=old.unit,
        **fields,
        version=old.version + 1,
        created_by_id=actor.id,
        change_reason=reason.strip(),
    )
    session.add(new)
    try:
        session.flush()
    except IntegrityError as exc:  # another admin saved the next version first
        session.rollback()
        raise Conflict("validity.rule_superseded", {"version": old.version + 1}) from exc
    old.superseded_at = utcnow()
    old.superseded_by_id = new.id
    session.add(old)
    audited = ("version", *EDITABLE)
    was, now = changed(snapshot(old, audited), snapshot(new, audited))
    record_event(
        session=session,
        actor=actor,
        entity="validity_rule",
        entity_id=new.id,
        action="new_version",
        before=was,
        after=now,
        reason=reason.strip(),
    )
    session.commit()
    return new


# --- one check ------------------------------------------------------------------------------


def check_facts(session: Session, check: Check, result: CheckResult) -> v.CheckFacts:
    """What the rules read about a finished check, from its rows."""
    building = session.get(Building, check.building_id)
    weather = session.get(WeatherFile, check.weather_id) if check.weather_id else None
    official = default_weather(session)
    heating: dict[str, float] = {}
    for row in session.exec(select(CheckEndUse).where(CheckEndUse.check_id == check.id)):
        if row.end_use in accounting.HEATING_END_USES and row.fuel not in (
            accounting.NOT_ENERGY_FUELS
        ):
            heating[row.fuel] = heating.get(row.fuel, 0.0) + row.energy_kwh
    err = check.err_summary or {}
    return v.CheckFacts(
        registered_area_m2=result.registered_area_m2,
        model_total_area_m2=result.model_total_area_m2,
        weather_name=weather.name if weather else None,
        weather_is_official=weather is not None
        and official is not None
        and weather.id == official.id,
        official_weather_name=official.name if official else None,
        unmet_heating_hours=result.unmet_heating_hours,
        unmet_cooling_hours=result.unmet_cooling_hours,
        registered_heating_type=building.heating_type,
        heating_kwh_by_fuel=heating,
        run_finished=bool(err.get("completed_successfully")) and not err.get("fatals"),
        run_period=(check.model_facts or {}).get("run_period"),
        severe_count=max(int(err.get("severes") or 0) - int(err.get("warmup_severes") or 0), 0),
        severe_messages=tuple(severe_messages(check)),
    )


def pinned(session: Session, check_id: int) -> list[CheckValidity]:
    order = {key: n for n, key in enumerate(v.RULE_KEYS)}
    rows = session.exec(select(CheckValidity).where(CheckValidity.check_id == check_id)).all()
    return sorted(rows, key=lambda r: order.get(r.rule_key, len(order)))


def pin_outcomes(session: Session, check: Check, result: CheckResult) -> list[CheckValidity]:
    """Judge the check by the current rules and add one row per rule (the caller commits)."""
    outcomes = v.evaluate(check_facts(session, check, result), current_rules(session))
    rows = [
        CheckValidity(
            check_id=check.id,
            rule_id=o.row_id,
            rule_key=o.key,
            rule_version=o.version,
            held=o.held,
            code=o.code,
            params=o.params,
            figures={"value": o.value, "limit": o.limit, "unit": o.unit},
        )
        for o in outcomes
    ]
    session.add_all(rows)
    return rows


def outcome_of(row: CheckValidity) -> v.Outcome:
    figures = row.figures or {}
    return v.Outcome(
        key=row.rule_key,
        version=row.rule_version,
        row_id=row.rule_id,
        held=row.held,
        code=row.code,
        params=row.params or {},
        value=figures.get("value"),
        limit=figures.get("limit"),
        unit=figures.get("unit", ""),
    )


def is_official(rows: list[CheckValidity]) -> bool:
    return v.is_official([outcome_of(r) for r in rows])


def shown_params(params: dict) -> dict:
    """An outcome's parameters for its message: the codes it names (the registered heating
    type, the model's fuels) as names the reader's language shows."""
    shown = dict(params)
    if "heating_type" in shown:
        code = shown["heating_type"]
        shown["heating_type"] = named("heating type", [HEATING_TYPES.get(code, code)])
    for key in ("fuels", "other_fuels"):
        if key in shown:
            shown[key] = named("fuel", shown[key]) if shown[key] else "—"
    for key in ("name", "official"):  # weather files: by their place, not their file name
        if key in shown and shown[key] in WEATHER_NAMES:
            shown[key] = named("weather location", [WEATHER_NAMES[shown[key]]])
    return shown


def rules_dicts(session: Session, rows: list[CheckValidity], locale: str) -> list[dict]:
    """Each pinned rule as the verdict shows it: held or not, why, and its source."""
    out = []
    for row in rows:
        outcome = outcome_of(row)
        rule = session.get(ValidityRule, row.rule_id)
        out.append(
            {
                "key": row.rule_key,
                "name": render(f"validity.rule.{row.rule_key}", {}, locale),
                "version": row.rule_version,
                "held": row.held,
                "code": row.code,
                "message": render(row.code, shown_params(outcome.params), locale),
                "value": outcome.value,
                "limit": outcome.limit,
                "unit": outcome.unit,
                "source": rule.source if rule else "",
                "source_status": rule.source_status if rule else "",
                "source_status_name": vocabulary.source_status_name(rule.source_status, locale)
                if rule
                else "",
                "notes": rule.notes if rule else "",
                # Every shipped rule is the registry's own: its citation is its status in words.
                "citation": citations.with_status("", rule.source_status, locale) if rule else "",
                "superseded": bool(rule and rule.superseded_at is not None),
            }
        )
    return out


def severe_messages(check: Check) -> list[str]:
    """The run's severe error messages the rules count (warm-up convergence left out)."""
    err = check.err_summary or {}
    return [
        m["text"]
        for m in err.get("messages") or []
        if m.get("severity") == "Severe" and not m.get("text", "").startswith(WARMUP_CONVERGENCE)
    ]
