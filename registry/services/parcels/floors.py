"""Policy floors: minimum star levels set by rules for buildings with some attributes
(government-funded public buildings, large public buildings, super-high-rise, large housing
estates). None is known for Qingdao with certainty, so none is seeded: administrators add
them with their source and its status, and retire them; each change is audited."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain.buildings import types
from registry.domain.buildings.fields import parse_number
from registry.domain.parcels.conditions import parse_star
from registry.domain.source_status import SOURCE_STATUS_NAMES
from registry.errors import NotFound, ValidationFailed
from registry.models import PolicyFloor, User
from registry.services import permissions
from registry.services.audit import record_event, snapshot


def _parse(raw: dict) -> tuple[dict, dict]:
    fields: dict = {}
    problems: dict = {}
    name = " ".join(str(raw.get("name") or "").split())
    if not name:
        problems["name"] = ("field.required", {})
    elif len(name) > 200:
        problems["name"] = ("field.too_long", {"max": 200})
    fields["name"] = name
    try:
        fields["min_star"] = parse_star(raw.get("min_star"))
    except ValueError:
        problems["min_star"] = ("parcel.star_unknown", {"value": str(raw.get("min_star") or "")})
    codes = [c.strip() for c in str(raw.get("building_types") or "").split(",") if c.strip()]
    unknown = [c for c in codes if c not in types.BUILDING_TYPES]
    if unknown:
        problems["building_types"] = ("field.choice_unknown", {"value": ", ".join(unknown)})
    fields["building_types"] = ",".join(codes)
    fields["public_only"] = str(raw.get("public_only") or "").lower() in {"1", "true", "yes", "on"}
    for key, integer in (("min_floor_area_m2", False), ("min_storeys", True)):
        value = raw.get(key)
        if value in (None, ""):
            fields[key] = None
            continue
        try:
            number = parse_number(value)
            if number <= 0 or (integer and number != int(number)):
                raise ValueError(value)
            fields[key] = int(number) if integer else number
        except ValueError:
            code = "field.not_an_integer" if integer else "area.not_a_number"
            problems[key] = (code, {"value": str(value)})
    fields["source"] = str(raw.get("source") or "").strip()[:1000]
    status = str(raw.get("source_status") or "unverified").strip()
    if status not in SOURCE_STATUS_NAMES:
        problems["source_status"] = ("field.choice_unknown", {"value": status})
    fields["source_status"] = status
    return fields, problems


def add_floor(*, session: Session, actor: User, raw: dict) -> PolicyFloor:
    """Add a policy floor (administrators); unverified unless its source status says so."""
    permissions.require_admin(actor)
    fields, problems = _parse(raw)
    if problems:
        raise ValidationFailed(problems)
    floor = PolicyFloor(**fields, created_by_id=actor.id)
    session.add(floor)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="policy_floor",
        entity_id=floor.id,
        action="create",
        after=snapshot(floor),
    )
    session.commit()
    return floor


def retire_floor(*, session: Session, actor: User, floor_id: int) -> PolicyFloor:
    """Stop applying a floor (kept, with its history)."""
    permissions.require_admin(actor)
    floor = session.get(PolicyFloor, floor_id)
    if floor is None:
        raise NotFound("parcel.floor_not_found", {"id": floor_id})
    if floor.active:
        floor.active = False
        session.add(floor)
        record_event(
            session=session,
            actor=actor,
            entity="policy_floor",
            entity_id=floor.id,
            action="retire",
            before={"active": True},
            after={"active": False},
        )
        session.commit()
    return floor


def list_floors(*, session: Session) -> list[PolicyFloor]:
    return list(session.exec(select(PolicyFloor).order_by(PolicyFloor.id)))
