"""Quota rows as versioned data: list them, read one's history, and let an admin add a version.

An edit never overwrites a row: it adds the next version and marks the old one superseded,
so a verdict given last year can still be shown with the numbers it used.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain.quotas import verdict as q
from registry.domain.text import names as named
from registry.errors import Conflict, NotFound, RegistryError, ValidationFailed
from registry.models import QuotaRow, QuotaRowUpdate, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot

EDITABLE = ("guide_value", "baseline_value", "constraint_value", "source", "source_status", "notes")


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
    standard: str | None = None,
    source_status: str | None = None,
) -> list[QuotaRow]:
    """Quota rows in key order; only the current versions unless asked for all; narrowed to
    a building type, standard or source status when given."""
    query = select(QuotaRow)
    if not include_superseded:
        query = query.where(QuotaRow.superseded_at.is_(None))
    if building_type:
        query = query.where(QuotaRow.building_type == building_type)
    if standard:
        query = query.where(QuotaRow.standard == standard)
    if source_status:
        query = query.where(QuotaRow.source_status == source_status)
    return list(session.exec(query.order_by(QuotaRow.key, QuotaRow.version)))


def standards(*, session: Session) -> list[str]:
    """The standards the current quota rows come from, for the admin page's filter."""
    query = select(QuotaRow.standard).where(QuotaRow.superseded_at.is_(None)).distinct()
    return sorted(session.exec(query))


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
