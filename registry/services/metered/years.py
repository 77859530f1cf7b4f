"""Measured years: entered one at a time or in bulk, stored as versions, never overwritten.

A new entry for a building-year that already has one becomes its next version; the old
version is marked superseded (conditional update, so two officers correcting the same year
at once cannot both win) and one audit event names who changed what and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import update
from sqlmodel import Session, select

from registry.domain.metered.energy import (
    CONTEXT_FIELDS,
    ENERGY_FIELDS,
    SOURCES,
    MeasuredYear,
    sum_months,
)
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Building, MeteredYear, User, utcnow
from registry.services import audit, permissions
from registry.services.tally import index as tally_index

VALUE_FIELDS = ENERGY_FIELDS + CONTEXT_FIELDS
YEAR_RANGE = (2000, 2100)


def to_domain(row: MeteredYear) -> MeasuredYear:
    months = {int(m): v for m, v in (row.months or {}).items()}
    return MeasuredYear(
        year=row.year,
        source=row.source,
        months=months,
        **{name: getattr(row, name) for name in VALUE_FIELDS},
    )


def validate(
    values: Mapping[str, object],
    year: object,
    names: tuple[str, ...] = VALUE_FIELDS,
    *,
    need_energy: bool = True,
) -> tuple[int, dict[str, float | None]]:
    """The year and the numeric fields `names`, or `ValidationFailed` with one error per field."""
    errors: dict[str, tuple[str, dict]] = {}
    try:
        year_int = int(str(year))
        if not YEAR_RANGE[0] <= year_int <= YEAR_RANGE[1]:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = ("metered.import.year_invalid", {"value": str(year)})
        year_int = 0
    clean: dict[str, float | None] = {}
    for name in names:
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            clean[name] = None
            continue
        try:
            number = float(str(raw).replace(",", ""))
        except ValueError:
            errors[name] = ("number.unreadable", {"value": str(raw)})
            continue
        if number < 0:
            errors[name] = ("metered.import.negative", {"field": name, "value": str(raw)})
            continue
        clean[name] = number
    if need_energy and not errors and not any(clean.get(n) is not None for n in ENERGY_FIELDS):
        errors["electricity_kwh"] = ("metered.import.no_energy", {})
    if errors:
        raise ValidationFailed(errors)
    return year_int, clean


def row_values(year: MeasuredYear) -> dict:
    values = {name: getattr(year, name) for name in VALUE_FIELDS}
    values["months"] = (
        {str(m): dict(v) for m, v in sorted(year.months.items())} if year.months else None
    )
    values["complete"] = year.complete
    values["source"] = year.source
    return values


def current(session: Session, building_id: int, year: int) -> MeteredYear | None:
    return session.exec(
        select(MeteredYear).where(
            MeteredYear.building_id == building_id,
            MeteredYear.year == year,
            MeteredYear.superseded_at.is_(None),
        )
    ).first()


def add_version(
    session: Session,
    actor: User,
    building: Building,
    measured: MeasuredYear,
    *,
    exclusions_note: str = "",
    change_reason: str | None = None,
    import_id: int | None = None,
) -> MeteredYear:
    """Store `measured` as the building-year's next version (no commit)."""
    before = current(session, building.id, measured.year)
    row = MeteredYear(
        building_id=building.id,
        version=(before.version + 1) if before else 1,
        entered_by_id=actor.id,
        change_reason=change_reason,
        import_id=import_id,
        exclusions_note=exclusions_note,
        year=measured.year,
        **row_values(measured),
    )
    session.add(row)
    session.flush()
    if before is not None:
        done = session.execute(
            update(MeteredYear)
            .where(MeteredYear.id == before.id, MeteredYear.superseded_at.is_(None))
            .values(superseded_at=utcnow(), superseded_by_id=row.id)
        )
        if done.rowcount != 1:
            raise Conflict("metered.conflict")
    # An upgrade's verified saving reads these years: a tally report printed before is stale.
    tally_index.bump_stamp(session.connection())
    audit.record_event(
        session=session,
        actor=actor,
        entity="metered_year",
        entity_id=row.id,
        action="correct" if before else "create",
        before=audit.snapshot(before) if before else None,
        after=audit.snapshot(row),
        building_id=building.id,
        reason=change_reason,
        import_id=import_id,
    )
    return row


def enter_year(
    *,
    session: Session,
    actor: User,
    building_id: int,
    year: object,
    values: Mapping[str, object],
    months: Mapping[int, Mapping[str, object]] | None = None,
    source: str = "platform",
    exclusions_note: str = "",
    change_reason: str | None = None,
) -> MeteredYear:
    """One building-year from the form or the API: annual values, or twelve (or fewer) months."""
    building = session.get(Building, building_id)
    if building is None:
        raise NotFound("metered.entry.not_found")
    permissions.require_enter_energy(actor, building)
    if not isinstance(source, str) or source not in SOURCES:
        raise ValidationFailed(
            {"source": ("metered.import.source_unknown", {"value": str(source)})}
        )
    # A JSON body may send anything: months are {month: {field: value}}, values a mapping.
    if months and not isinstance(months, Mapping):
        raise ValidationFailed({"months": ("metered.import.month_invalid", {"value": "—"})})
    if not isinstance(values, Mapping):
        values = {}
    if months:
        parsed = {}
        for month, month_values in months.items():
            if not isinstance(month_values, Mapping):
                raise ValidationFailed(
                    {"months": ("metered.import.month_invalid", {"value": str(month)})}
                )
            if str(month) not in {str(m) for m in range(1, 13)}:
                raise ValidationFailed(
                    {"months": ("metered.import.month_invalid", {"value": str(month)})}
                )
            year_int, parsed[int(month)] = validate(month_values, year, ENERGY_FIELDS)
        _, context = validate(values, year, CONTEXT_FIELDS, need_energy=False)
        measured = sum_months(year_int, parsed, source=source, **context)
    else:
        year_int, clean = validate(values, year)
        measured = MeasuredYear(year=year_int, source=source, **clean)
    row = add_version(
        session,
        actor,
        building,
        measured,
        exclusions_note=exclusions_note[:500],
        change_reason=change_reason,
    )
    session.commit()
    return row


def history(*, session: Session, building_id: int) -> list[MeteredYear]:
    """Every version of every year of a building, newest year first, then newest version."""
    return list(
        session.exec(
            select(MeteredYear)
            .where(MeteredYear.building_id == building_id)
            .order_by(MeteredYear.year.desc(), MeteredYear.version.desc())
        )
    )


def current_for(session: Session, building_ids: Iterable[int]) -> dict[int, list[MeteredYear]]:
    ids = list(building_ids)
    out: dict[int, list[MeteredYear]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.exec(
        select(MeteredYear)
        .where(MeteredYear.building_id.in_(ids), MeteredYear.superseded_at.is_(None))
        .order_by(MeteredYear.year)
    )
    for row in rows:
        out[row.building_id].append(row)
    return out
