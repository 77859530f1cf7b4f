"""Register, update, find and list buildings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, extract, func, or_, union, update
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings.fields import FROZEN_FIELDS, parse_building
from registry.domain.buildings.records import REASON_MAX_CHARS, REVIEWED_STATUSES
from registry.domain.text import names
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Building, Record, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot
from registry.services.tally import index as tally_index

PAGE_SIZES = (10, 20, 50, 100)
MAX_PAGE_SIZE = 200


def register_building(
    *,
    session: Session,
    actor: User,
    data: dict[str, Any],
    today: date | None = None,
    import_id: int | None = None,
    commit: bool = True,
) -> Building:
    """Register a building from raw field values; every problem is reported at once."""
    permissions.require_writer(actor)
    fields, problems = parse_building(data, today=today or dates.today())
    if problems:
        raise ValidationFailed(problems)
    permissions.require_register_in(actor, fields["district_code"])
    building = Building(**fields, created_by_id=actor.id, import_id=import_id)
    session.add(building)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="building",
        entity_id=building.id,
        building_id=building.id,
        action="create",
        after=snapshot(building),
        import_id=import_id,
    )
    if commit:
        session.commit()
    return building


def get_building(*, session: Session, building_id: int) -> Building:
    building = session.get(Building, building_id)
    if building is None:
        raise NotFound("building.not_found", {"id": building_id})
    return building


def has_reviewed_record(session: Session, building_id: int) -> bool:
    """Whether a record of the building passed review (under notice, approved, published or
    revoked): its counting and identity facts are then frozen."""
    query = select(Record.id).where(
        Record.building_id == building_id, Record.status.in_(sorted(REVIEWED_STATUSES))
    )
    return session.exec(query.limit(1)).first() is not None


def _frozen_refusal(actor: User, building: Building, changed_fields: list[str], reason: str):
    """Why this change of frozen facts is refused, or None when it is a reviewer's
    correction with a reason."""
    fields = {"fields": names("building field", [FROZEN_FIELDS[f] for f in changed_fields])}
    if not permissions.can_review(actor, building):
        return Conflict("building.facts_frozen", fields)
    if not reason:
        return ValidationFailed({"reason": ("building.correction_reason_required", fields)})
    if len(reason) > REASON_MAX_CHARS:
        return ValidationFailed({"reason": ("field.too_long", {"max": REASON_MAX_CHARS})})
    return None


def update_building(
    *,
    session: Session,
    actor: User,
    building_id: int,
    data: dict[str, Any],
    today: date | None = None,
    reason: str | None = None,
) -> Building:
    """Change some fields of a building; the audit log keeps before and after.

    Once a record of the building passed review, its name, district, type, floor area and
    parcel change only as a reviewer's correction with a `reason` (audited as "correct");
    anyone else's change of them is refused, saying why. The building is held (a
    conditional update) while this is decided, so an approval cannot slip in between."""
    building = get_building(session=session, building_id=building_id)
    permissions.require_edit_building(actor, building)
    fields, problems = parse_building(data, today=today or dates.today(), partial=True)
    if problems:
        raise ValidationFailed(problems)
    if "district_code" in fields:
        permissions.require_register_in(actor, fields["district_code"])
    reason = " ".join((reason or "").split())
    session.execute(
        update(Building)
        .where(Building.id == building_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(building)
    frozen = [f for f in FROZEN_FIELDS if f in fields and fields[f] != getattr(building, f)]
    action = "update"
    if frozen and has_reviewed_record(session, building_id):
        refusal = _frozen_refusal(actor, building, frozen, reason)
        if refusal is not None:
            session.rollback()
            raise refusal
        action = "correct"
    before = snapshot(building)
    for key, value in fields.items():
        setattr(building, key, value)
    building.updated_at = utcnow()
    old, new = changed(before, snapshot(building))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        session.add(building)
        record_event(
            session=session,
            actor=actor,
            entity="building",
            entity_id=building.id,
            building_id=building.id,
            action=action,
            before=old,
            after=new,
            reason=reason if action == "correct" else None,
        )
        tally_index.refresh(session, [building.id])  # district or type may have changed
        session.commit()
    else:
        session.rollback()
    return building


# The completion years a list or export may be filtered by; beyond them a year is a typo
# (and past 64 bits the database driver cannot even bind it).
FILTER_YEARS = (1900, 2200)


@dataclass(frozen=True)
class BuildingFilters:
    q: str | None = None
    district_code: str | None = None
    building_type: str | None = None
    kind: str | None = None
    level: str | None = None
    status: str | None = None
    year: int | None = None
    created_by_id: int | None = None


@dataclass
class Page:
    items: list
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _filtered(filters: BuildingFilters):
    query = select(Building)
    if filters.q:
        like = f"%{filters.q.strip()}%"
        # One id list from two index lookups (trigram indexes on PostgreSQL); an OR that
        # spans both tables makes the planner scan every building instead.
        query = query.where(
            Building.id.in_(
                union(
                    select(Building.id).where(
                        or_(
                            Building.name.ilike(like),
                            Building.address.ilike(like),
                            Building.owner_name.ilike(like),
                        )
                    ),
                    select(Record.building_id).where(Record.label_number.ilike(like)),
                )
            )
        )
    if filters.district_code:
        query = query.where(Building.district_code == filters.district_code)
    if filters.building_type:
        query = query.where(Building.building_type == filters.building_type)
    if filters.created_by_id:
        query = query.where(Building.created_by_id == filters.created_by_id)
    record_conditions = []
    if filters.kind:
        record_conditions.append(Record.kind == filters.kind)
    if filters.level:
        record_conditions.append(Record.level == filters.level)
    if filters.status:
        record_conditions.append(Record.status == filters.status)
    if filters.year:
        record_conditions.append(
            or_(
                extract("year", Record.issued_on) == filters.year,
                extract("year", Record.completed_on) == filters.year,
                extract("year", Record.started_on) == filters.year,
            )
        )
    if record_conditions:
        query = query.where(
            exists().where(and_(Record.building_id == Building.id, *record_conditions))
        )
    return query


def list_buildings(
    *, session: Session, filters: BuildingFilters, page: int = 1, page_size: int = 20
) -> Page:
    """One page of buildings matching the filters, newest first."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    query = _filtered(filters)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    items = list(
        session.exec(
            query.order_by(Building.id.desc()).offset((page - 1) * page_size).limit(page_size)
        )
    )
    return Page(items=items, total=total, page=page, page_size=page_size)


def records_of_many(*, session: Session, building_ids: list[int]) -> dict[int, list[Record]]:
    """The records of several buildings in one query (a list page's rows), oldest first."""
    found: dict[int, list[Record]] = {building_id: [] for building_id in building_ids}
    if building_ids:
        for record in session.exec(
            select(Record).where(Record.building_id.in_(building_ids)).order_by(Record.id)
        ):
            found[record.building_id].append(record)
    return found


def records_of(*, session: Session, building_id: int) -> list[Record]:
    return list(
        session.exec(select(Record).where(Record.building_id == building_id).order_by(Record.id))
    )
