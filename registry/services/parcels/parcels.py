"""Record parcels and their conditions, link buildings to them, list them.

Officers of the parcel's district (and admins) write; every change is one transaction with
its audit event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain.dates import parse_iso_date
from registry.domain.parcels.conditions import parse_condition
from registry.domain.parcels.fields import parse_parcel
from registry.domain.parcels.numbers import normalise_parcel_number
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Building, Parcel, ParcelCondition, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot


def get_parcel(*, session: Session, number: str) -> Parcel:
    """The parcel with this number, however it is written."""
    try:
        key = normalise_parcel_number(number)
    except ValueError:
        raise NotFound("parcel.not_found", {"number": str(number)}) from None
    parcel = session.exec(select(Parcel).where(Parcel.number == key)).first()
    if parcel is None:
        raise NotFound("parcel.not_found", {"number": key})
    return parcel


def condition_rows(raw_conditions: list[dict]) -> tuple[list[dict], dict]:
    """Each condition's fields, and every problem keyed by the condition's kind (its value)
    or "kind.field" (its other fields); a raw "field" renames that key ("" for plain field
    names, as a form with one condition has them)."""
    rows, problems = [], {}
    for index, raw in enumerate(raw_conditions):
        fields, found = parse_condition(raw)
        try:
            fields["document_date"] = parse_iso_date(raw.get("document_date"))
        except ValueError:
            found["document_date"] = ("field.not_a_date", {"value": str(raw["document_date"])})
        key = raw.get("field", fields.get("kind") or f"conditions.{index}")
        for field, problem in found.items():
            if not key:
                problems[field] = problem
            else:
                problems[f"{key}.{field}" if field != "value" else key] = problem
        rows.append(fields)
    return rows, problems


def add_parcel(
    *,
    session: Session,
    actor: User,
    data: dict[str, Any],
    conditions: list[dict] | None = None,
    import_id: int | None = None,
    commit: bool = True,
) -> Parcel:
    """Record a parcel with its conditions; buildings whose free-text parcel id is this
    number are linked to it. Every problem is reported at once; nothing is half-written."""
    fields, problems = parse_parcel(data)
    rows, condition_problems = condition_rows(conditions or [])
    problems.update(condition_problems)
    if problems:
        raise ValidationFailed(problems)
    permissions.require_edit_parcel(actor, fields["district_code"])
    if session.exec(select(Parcel.id).where(Parcel.number == fields["number"])).first():
        raise Conflict("parcel.number_taken", {"number": fields["number"]})
    parcel = Parcel(**fields, created_by_id=actor.id, import_id=import_id)
    session.add(parcel)
    try:
        session.flush()
    except IntegrityError:  # recorded by someone else a moment ago
        session.rollback()
        raise Conflict("parcel.number_taken", {"number": fields["number"]}) from None
    for row in rows:
        session.add(ParcelCondition(parcel_id=parcel.id, **row))
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="parcel",
        entity_id=parcel.id,
        action="create",
        after={**snapshot(parcel), "conditions": rows_snapshot(rows)},
        import_id=import_id,
    )
    _link_free_text(session, actor, parcel, import_id=import_id)
    if commit:
        session.commit()
    return parcel


def rows_snapshot(rows: list[dict]) -> list[dict]:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


def update_parcel(*, session: Session, actor: User, number: str, data: dict[str, Any]) -> Parcel:
    """Change some of a parcel's own fields (not its number); audited."""
    parcel = get_parcel(session=session, number=number)
    permissions.require_edit_parcel(actor, parcel.district_code)
    data = {k: v for k, v in data.items() if k != "number"}
    fields, problems = parse_parcel(data, partial=True)
    if problems:
        raise ValidationFailed(problems)
    if "district_code" in fields and fields["district_code"] != parcel.district_code:
        permissions.require_edit_parcel(actor, fields["district_code"])
        # Its buildings are in its district (linking checks it): moving the parcel alone
        # would leave them across a district line.
        if session.exec(select(Building.id).where(Building.parcel_id == parcel.id)).first():
            raise ValidationFailed({"district_code": ("parcel.district_has_buildings", {})})
    _hold(session, parcel)
    before = snapshot(parcel)
    for key, value in fields.items():
        setattr(parcel, key, value)
    old, new = changed(before, snapshot(parcel))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        record_event(
            session=session,
            actor=actor,
            entity="parcel",
            entity_id=parcel.id,
            action="update",
            before=old,
            after=new,
        )
    session.commit()
    return parcel


def _hold(session: Session, parcel: Parcel) -> None:
    """Hold the parcel's row for this transaction (a conditional update), so two officers'
    changes to it are one after the other."""
    session.execute(
        update(Parcel)
        .where(Parcel.id == parcel.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(parcel)


def add_condition(*, session: Session, actor: User, number: str, raw: dict) -> ParcelCondition:
    """Add one condition (with its clause, document and status) to a parcel."""
    parcel = get_parcel(session=session, number=number)
    permissions.require_edit_parcel(actor, parcel.district_code)
    rows, problems = condition_rows([raw])
    if problems:
        raise ValidationFailed(problems)
    _hold(session, parcel)
    condition = ParcelCondition(parcel_id=parcel.id, **rows[0])
    session.add(condition)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="parcel_condition",
        entity_id=condition.id,
        action="create",
        after={"parcel_id": parcel.id, **rows_snapshot(rows)[0]},
    )
    session.commit()
    return condition


def set_condition_status(
    *,
    session: Session,
    actor: User,
    condition_id: int,
    status: str,
    value=None,
    number: str | None = None,
) -> ParcelCondition:
    """Verify a condition (or mark it 待核实 again), optionally with its value; with
    `number`, only a condition of that parcel."""
    condition = session.get(ParcelCondition, condition_id)
    parcel = session.get(Parcel, condition.parcel_id) if condition else None
    if parcel is None or (
        number is not None and parcel.id != get_parcel(session=session, number=number).id
    ):
        raise NotFound("parcel.condition_not_found", {"id": condition_id})
    permissions.require_edit_parcel(actor, parcel.district_code)
    raw = {
        "kind": condition.kind,
        "status": status,
        "value": value if value not in (None, "") else condition.value,
        "building_type": condition.building_type,
    }
    fields, problems = parse_condition(raw)
    if problems:
        raise ValidationFailed(problems)
    _hold(session, parcel)
    before = snapshot(condition, ("status", "value"))
    condition.status, condition.value = fields["status"], fields["value"]
    session.add(condition)
    record_event(
        session=session,
        actor=actor,
        entity="parcel_condition",
        entity_id=condition.id,
        action="update",
        before=before,
        after=snapshot(condition, ("status", "value")),
    )
    session.commit()
    return condition


def link_building(
    *,
    session: Session,
    actor: User,
    number: str,
    building_id: int,
    completed_on=None,
) -> Building:
    """Put a building on a parcel (and record its completion date, if given). A building
    already on another parcel is refused; the link is one conditional update."""
    parcel = get_parcel(session=session, number=number)
    permissions.require_edit_parcel(actor, parcel.district_code)
    building = session.get(Building, building_id)
    if building is None:
        raise NotFound("building.not_found", {"id": building_id})
    try:
        completed = parse_iso_date(completed_on)
    except ValueError:
        raise ValidationFailed(
            {"completed_on": ("field.not_a_date", {"value": str(completed_on)})}
        ) from None
    if building.district_code != parcel.district_code:
        raise ValidationFailed(
            {"building_id": ("parcel.building_other_district", {"building_id": building_id})}
        )
    values: dict[str, Any] = {"parcel_id": parcel.id, "updated_at": utcnow()}
    if completed is not None:
        values["completed_on"] = completed
    before = snapshot(building, ("parcel_id", "completed_on"))
    result = session.execute(
        update(Building)
        .where(
            Building.id == building_id,
            or_(Building.parcel_id.is_(None), Building.parcel_id == parcel.id),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        other = session.get(Parcel, session.get(Building, building_id).parcel_id)
        raise Conflict(
            "parcel.building_elsewhere",
            {"building_id": building_id, "number": other.number if other else ""},
        )
    session.refresh(building)
    record_event(
        session=session,
        actor=actor,
        entity="building",
        entity_id=building.id,
        building_id=building.id,
        action="link_parcel",
        before=before,
        after=snapshot(building, ("parcel_id", "completed_on")),
    )
    session.commit()
    return building


def unlink_building(*, session: Session, actor: User, number: str, building_id: int) -> None:
    """Take a building off a parcel."""
    parcel = get_parcel(session=session, number=number)
    permissions.require_edit_parcel(actor, parcel.district_code)
    result = session.execute(
        update(Building)
        .where(Building.id == building_id, Building.parcel_id == parcel.id)
        .values(parcel_id=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise NotFound("building.not_found", {"id": building_id})
    record_event(
        session=session,
        actor=actor,
        entity="building",
        entity_id=building_id,
        building_id=building_id,
        action="unlink_parcel",
        before={"parcel_id": parcel.id},
        after={"parcel_id": None},
    )
    session.commit()


def _link_free_text(session: Session, actor: User, parcel: Parcel, *, import_id=None) -> int:
    """Link the parcel's district's unlinked buildings whose typed parcel id is its number
    (written any way); each link audited. Returns how many."""
    candidates = session.exec(
        select(Building).where(
            Building.parcel_id.is_(None),
            Building.land_parcel_id.is_not(None),
            Building.district_code == parcel.district_code,
        )
    ).all()
    linked = 0
    for building in candidates:
        try:
            if normalise_parcel_number(building.land_parcel_id) != parcel.number:
                continue
        except ValueError:
            continue
        building.parcel_id = parcel.id
        session.add(building)
        record_event(
            session=session,
            actor=actor,
            entity="building",
            entity_id=building.id,
            building_id=building.id,
            action="link_parcel",
            before={"parcel_id": None},
            after={"parcel_id": parcel.id, "from": building.land_parcel_id},
            import_id=import_id,
        )
        linked += 1
    return linked


def unresolved_buildings(*, session: Session, actor: User, limit: int = 500) -> list[Building]:
    """Buildings with a typed parcel id but on no parcel: for an officer to resolve (their
    districts only; admins and viewers see all)."""
    query = select(Building).where(
        Building.parcel_id.is_(None), Building.land_parcel_id.is_not(None)
    )
    if actor.role == permissions.OFFICER:
        query = query.where(Building.district_code.in_(sorted(actor.district_codes)))
    return list(session.exec(query.order_by(Building.id).limit(limit)))


def list_parcels(*, session: Session, district_code: str | None = None) -> list[Parcel]:
    query = select(Parcel).order_by(Parcel.district_code, Parcel.number)
    if district_code:
        query = query.where(Parcel.district_code == district_code)
    return list(session.exec(query))


def link_typed_ids(*, session: Session, actor: User) -> int:
    """Link every unlinked building whose typed parcel id names a recorded parcel (buildings
    registered after their parcel), in the districts `actor` edits parcels in; each link
    audited. Returns how many."""
    permissions.require_writer(actor)
    parcels = session.exec(select(Parcel).order_by(Parcel.id)).all()
    linked = 0
    for parcel in parcels:
        if permissions.can_edit_parcel(actor, parcel.district_code):
            linked += _link_free_text(session, actor, parcel)
    session.commit()
    return linked
