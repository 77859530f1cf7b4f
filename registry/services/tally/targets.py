"""The targets as data: read them for the tally, and let admins change them, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from registry.domain.dates import parse_iso_date
from registry.domain.tally.targets import DEFAULT_TARGETS, TargetSpec
from registry.errors import NotFound, ValidationFailed
from registry.i18n import Locale, locale_of, pgettext
from registry.models import Target, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot
from registry.services.tally import index as tally_index

EDITABLE_FIELDS = ("name_zh", "name_en", "value", "baseline", "midterm", "deadline", "policy_item")


def _spec(row: Target) -> TargetSpec:
    return TargetSpec(
        row.key,
        row.name_en,
        row.unit,
        row.value,
        row.baseline,
        row.midterm,
        row.deadline,
        row.policy_item,
        name_zh=row.name_zh,
    )


# A stored target's name in each locale: admins edit both columns.
_NAME_COLUMNS: dict[Locale, str] = {"zh_Hans_CN": "name_zh", "en": "name_en"}


def target_name(target, locale: object) -> str:
    """A target's (stored row, spec or progress) name in `locale`: as stored, or for a target
    not stored yet, its default name from the catalogue."""
    stored = getattr(target, _NAME_COLUMNS[locale_of(locale)], "")
    return stored or pgettext("target", target.name_en, locale)


def default_name_zh(spec: TargetSpec) -> str:
    """The Chinese name a default target is seeded with."""
    return pgettext("target", spec.name_en, "zh_Hans_CN")


def target_specs(*, session: Session) -> list[TargetSpec]:
    """Every target as the tally sees it: stored rows, policy defaults for any missing."""
    stored = {row.key: _spec(row) for row in session.exec(select(Target))}
    return [stored.get(spec.key, spec) for spec in DEFAULT_TARGETS]


def list_targets(*, session: Session) -> list[Target]:
    return list(session.exec(select(Target).order_by(Target.id)))


def update_target(
    *, session: Session, actor: User, key: str, data: dict[str, Any], reason: str | None = None
) -> Target:
    """Change a target's value, names or dates (admins only); the change is audited."""
    permissions.require_admin(actor)
    row = session.exec(select(Target).where(Target.key == key)).first()
    if row is None:
        raise NotFound("target.not_found", {"key": key})
    problems: dict[str, tuple[str, dict]] = {}
    values: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        raw = data[name]
        if name == "value":
            try:
                values[name] = float(str(raw).replace(",", ""))
            except ValueError:
                problems[name] = ("field.not_a_number", {"value": str(raw)})
                continue
            if values[name] <= 0:
                problems[name] = ("target.value_not_positive", {})
        elif name in ("baseline", "midterm", "deadline"):
            try:
                values[name] = parse_iso_date(raw)
            except ValueError:
                problems[name] = ("field.not_a_date", {"value": str(raw)})
                continue
            if values[name] is None:
                problems[name] = ("field.required", {})
        else:
            values[name] = str(raw or "").strip()
            if name != "policy_item" and not values[name]:
                problems[name] = ("field.required", {})
    if not problems:
        dates: list[date] = [
            values.get(n, getattr(row, n)) for n in ("baseline", "midterm", "deadline")
        ]
        if not dates[0] < dates[1] <= dates[2]:
            problems["deadline"] = ("target.dates_out_of_order", {})
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    old, new = changed(before, snapshot(row))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if not new:
        session.rollback()
        return row
    session.add(row)
    session.flush()
    tally_index.bump_stamp(session.connection())
    record_event(
        session=session,
        actor=actor,
        entity="target",
        entity_id=row.id,
        action="update",
        before=old,
        after=new,
        reason=reason,
    )
    session.commit()
    return row
