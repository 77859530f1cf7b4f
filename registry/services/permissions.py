"""Who may do what: one place, called by every service before it writes."""

from __future__ import annotations

from registry.errors import PermissionDenied
from registry.models import Building, User

ROLES = ("admin", "officer", "designer", "viewer")
ROLE_NAMES = {
    "admin": ("管理员", "Administrator"),
    "officer": ("审核人员", "Certification officer"),
    "designer": ("设计人员", "Designer"),
    "viewer": ("只读用户", "Viewer"),
}


def require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise PermissionDenied("permission.denied")


def can_edit_building(actor: User, building: Building) -> bool:
    if actor.role == "admin":
        return True
    if actor.role == "officer":
        return building.district_code in actor.district_codes
    if actor.role == "designer":
        return building.created_by_id == actor.id
    return False


def require_edit_building(actor: User, building: Building) -> None:
    if can_edit_building(actor, building):
        return
    if actor.role == "officer":
        raise PermissionDenied("permission.district", {"districts": actor.districts})
    if actor.role == "designer":
        raise PermissionDenied("permission.own_buildings_only")
    raise PermissionDenied("permission.denied")


def require_register_in(actor: User, district_code: str) -> None:
    if actor.role in {"admin", "designer"}:
        return
    if actor.role == "officer" and district_code in actor.district_codes:
        return
    if actor.role == "officer":
        raise PermissionDenied("permission.district", {"districts": actor.districts})
    raise PermissionDenied("permission.denied")


def require_review(actor: User, building: Building) -> None:
    """Approve, reject, revoke, correct: officers in the building's district, and admins."""
    if actor.role == "designer":
        raise PermissionDenied("permission.designer_cannot_review")
    if actor.role == "admin":
        return
    if actor.role == "officer" and building.district_code in actor.district_codes:
        return
    if actor.role == "officer":
        raise PermissionDenied("permission.district", {"districts": actor.districts})
    raise PermissionDenied("permission.denied")
