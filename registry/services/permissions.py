"""Who may do what: one place, called by every service before it writes."""

from __future__ import annotations

from registry.domain.buildings.districts import DISTRICTS
from registry.domain.roles import (  # noqa: F401  (callers ask permissions for the roles)
    ADMIN,
    DESIGNER,
    OFFICER,
    ROLES,
    VIEWER,
)
from registry.domain.text import names
from registry.errors import PermissionDenied
from registry.models import Building, Record, User


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
        raise PermissionDenied("permission.district", {"districts": _district_names(actor)})
    if actor.role == "designer":
        raise PermissionDenied("permission.own_buildings_only")
    raise PermissionDenied("permission.denied")


def _district_names(actor: User) -> dict:
    """The actor's districts as names in the reader's language (never their codes)."""
    english = {d.code: d.name for d in DISTRICTS}
    return names("district", [english.get(code, code) for code in sorted(actor.district_codes)])


def registrable_districts(actor: User | None) -> frozenset[str] | None:
    """The districts a building form offers `actor`: an officer's own; None for every one
    (admins and designers register anywhere, `require_register_in` says so)."""
    if actor is not None and actor.role == "officer":
        return frozenset(actor.district_codes)
    return None


def require_register_in(actor: User, district_code: str) -> None:
    if actor.role in {"admin", "designer"}:
        return
    if actor.role == "officer" and district_code in actor.district_codes:
        return
    if actor.role == "officer":
        raise PermissionDenied("permission.district", {"districts": _district_names(actor)})
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
        raise PermissionDenied("permission.district", {"districts": _district_names(actor)})
    raise PermissionDenied("permission.denied")


def second_person_refusal(actor: User, record: Record) -> str | None:
    """Why maker-checker keeps `actor` from approving `record` (a message code), or None:
    whoever drafted or submitted a record does not approve it."""
    if record.submitted_by_id is not None and record.submitted_by_id == actor.id:
        return "record.approver_submitted"
    if record.created_by_id is not None and record.created_by_id == actor.id:
        return "record.approver_drafted"
    return None


def require_second_person(actor: User, record: Record, *, enforced: bool) -> None:
    """Maker-checker (the administrators' setting, on by default): refuse, saying why,
    when the approver drafted or submitted the record. The import's second approver of a
    batch of historic records is held to the same rule."""
    refusal = second_person_refusal(actor, record) if enforced else None
    if refusal:
        raise PermissionDenied(refusal)


# Who takes each record action: the building's editors, or its reviewers.
EDITOR_ACTIONS = frozenset({"edit", "submit"})
REVIEWER_ACTIONS = frozenset({"approve", "reject", "publish", "revoke", "correct"})


def can_review(actor: User, building: Building) -> bool:
    try:
        require_review(actor, building)
    except PermissionDenied:
        return False
    return True


def may_take(
    actor: User,
    building: Building,
    action: str,
    record: Record | None = None,
    *,
    maker_checker: bool = False,
) -> bool:
    """Whether this actor's role allows `action` on a record of `building` (the life cycle
    decides separately whether the record's status allows it); with `record` and
    `maker_checker`, approval is not offered to whoever drafted or submitted it."""
    if action in EDITOR_ACTIONS:
        return can_edit_building(actor, building)
    if action in REVIEWER_ACTIONS:
        if action == "approve" and record is not None and maker_checker:
            if second_person_refusal(actor, record):
                return False
        return can_review(actor, building)
    raise ValueError(action)


def require_writer(actor: User) -> None:
    """Viewers read only; every other role may write something (what, the callers decide)."""
    if actor.role == VIEWER:
        raise PermissionDenied("permission.denied")


def can_write(actor: User) -> bool:
    return actor.role != VIEWER


def require_self_or_admin(actor: User, user: User) -> None:
    if actor.id != user.id and actor.role != ADMIN:
        raise PermissionDenied("permission.denied")


def role_needs_districts(role: str) -> bool:
    """Officers act in the districts they are given; no other role has districts."""
    return role == OFFICER


def default_district(actor: User) -> str | None:
    """The district a new building's form starts with: an officer's only district."""
    if actor.role == OFFICER and len(actor.district_codes) == 1:
        return next(iter(actor.district_codes))
    return None


def can_enter_energy(actor: User, building: Building) -> bool:
    """Measured energy is the bureau's data: admins, and officers in the building's district."""
    if actor.role == ADMIN:
        return True
    return actor.role == OFFICER and building.district_code in actor.district_codes


def require_enter_energy(actor: User, building: Building) -> None:
    if can_enter_energy(actor, building):
        return
    if actor.role == OFFICER:
        raise PermissionDenied("permission.district", {"districts": actor.districts})
    raise PermissionDenied("metered.import.not_permitted")


def require_importer(actor: User) -> None:
    """Bulk imports are the reviewers' tool: officers (in their districts) and admins."""
    if actor.role not in {OFFICER, ADMIN}:
        raise PermissionDenied("import.officers_only")


def can_designate_default_weather(actor: User) -> bool:
    """Only an administrator's weather file can become every check's default."""
    return actor.role == ADMIN


def can_see_check(actor: User, *, created_by_id: int | None, district_code: str) -> bool:
    """Admins and viewers see every check, officers their districts', designers their own."""
    if actor.role in {ADMIN, VIEWER}:
        return True
    if actor.role == OFFICER:
        return district_code in actor.district_codes
    return created_by_id == actor.id


def check_scope(actor: User) -> tuple[set[str] | None, int | None]:
    """The checks a list shows: (only these districts, only this creator); None for "any"."""
    if actor.role == OFFICER:
        return set(actor.district_codes), None
    if actor.role == DESIGNER:
        return None, actor.id
    return None, None


def can_cancel_check(actor: User, *, created_by_id: int | None) -> bool:
    return actor.role == ADMIN or created_by_id == actor.id


def require_cancel_check(actor: User, *, created_by_id: int | None) -> None:
    if not can_cancel_check(actor, created_by_id=created_by_id):
        raise PermissionDenied("permission.denied")


def can_edit_parcel(actor: User, district_code: str) -> bool:
    """Parcels and their conditions: officers of the parcel's district, and admins."""
    if actor.role == ADMIN:
        return True
    return actor.role == OFFICER and district_code in actor.district_codes


def require_edit_parcel(actor: User, district_code: str) -> None:
    if can_edit_parcel(actor, district_code):
        return
    if actor.role == OFFICER:
        raise PermissionDenied("permission.district", {"districts": actor.districts})
    raise PermissionDenied("permission.denied")
