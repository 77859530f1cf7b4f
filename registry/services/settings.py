"""Administrator settings: read with their defaults, changed by admins only, every change
audited (entity "setting")."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain import settings as rules
from registry.errors import NotFound, ValidationFailed
from registry.models import Setting, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.tally import index as tally_index

EVIDENCE_SETTINGS = (rules.UPGRADE_SAVING_PCT, rules.UPGRADE_SAVING_CONFIRMED)


def get_value(*, session: Session, key: str) -> bool | int:
    """The setting's value now (its default when never set)."""
    spec = rules.SETTINGS[key]
    row = session.get(Setting, key)
    return rules.from_stored(spec, row.value if row else None)


def all_values(*, session: Session) -> dict[str, bool | int]:
    stored = {row.key: row.value for row in session.exec(select(Setting))}
    return {key: rules.from_stored(spec, stored.get(key)) for key, spec in rules.SETTINGS.items()}


def set_value(
    *, session: Session, actor: User, key: str, raw, reason: str | None = None
) -> bool | int:
    """Change a setting (admins only); the old and new values go to the audit log."""
    permissions.require_admin(actor)
    spec = rules.SETTINGS.get(key)
    if spec is None:
        raise NotFound("setting.unknown", {"key": key})
    value, problem = rules.parse_value(spec, raw)
    if problem:
        raise ValidationFailed({key: problem})
    before = get_value(session=session, key=key)
    if before == value:
        return value
    row = session.get(Setting, key) or Setting(key=key, value="")
    row.value = rules.stored_text(value)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    session.add(row)
    if key in EVIDENCE_SETTINGS:  # printed beside the tally's upgrade figures
        tally_index.bump_stamp(session.connection())
    record_event(
        session=session,
        actor=actor,
        entity="setting",
        entity_id=None,
        action="update",
        before={key: before},
        after={key: value},
        reason=(reason or "").strip() or None,
    )
    session.commit()
    return value
