"""An administrator confirms or corrects a reference parameter: its next version, audited.

The old version is kept (superseded), and every saving-rate check keeps the versions it used;
a check made after the change has a new cache key (the parameters' stamp), so it runs again.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry import vocabulary
from registry.domain.quotas.verdict import typeset_unit
from registry.domain.source_status import SOURCE_STATUS_NAMES
from registry.errors import Conflict, NotFound, RegistryError, ValidationFailed
from registry.models import SavingParameter, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.tally import index as tally_index


def edit_parameter(
    *,
    session: Session,
    actor: User,
    key: str,
    reason: str,
    value: float | str | None = None,
    source_status: str | None = None,
    source: str | None = None,
    version: int | None = None,
) -> SavingParameter:
    """The parameter's next version with the changes given (all optional but the reason);
    `version`, when given, is the version the administrator was looking at: a newer one
    refuses the change rather than overwrite what they did not see."""
    permissions.require_admin(actor)
    old = session.exec(
        select(SavingParameter).where(
            SavingParameter.key == key, SavingParameter.superseded_at.is_(None)
        )
    ).first()
    if old is None:
        raise NotFound("saving.parameter_unknown", {"key": key})
    if version is not None and version != old.version:
        raise Conflict("saving.parameter_superseded", {"version": old.version})
    problems: dict[str, tuple[str, dict]] = {}
    if not (reason or "").strip():
        problems["reason"] = ("record.reason_required", {})
    new_value = old.value
    if value is not None and str(value).strip() != "":
        try:
            new_value = float(str(value).strip())
        except ValueError:
            problems["value"] = ("field.not_a_number", {"value": str(value)[:20]})
        else:
            if not new_value > 0:  # every parameter is a positive quantity; `not` catches NaN
                problems["value"] = ("field.out_of_range", {"low": 0, "high": "∞"})
    status = source_status or old.source_status
    if status not in SOURCE_STATUS_NAMES:
        problems["source_status"] = ("validity.status_unknown", {"value": status})
    if problems:
        raise ValidationFailed(problems)
    new_source = (source or old.source).strip()
    if (new_value, status, new_source) == (old.value, old.source_status, old.source):
        raise RegistryError("validity.nothing_changed")
    new = SavingParameter(
        key=old.key,
        standard=old.standard,
        clause=old.clause,
        value=new_value,
        unit=old.unit,
        source=new_source[:1000],
        source_status=status,
        notes=old.notes,
        version=old.version + 1,
        created_by_id=actor.id,
    )
    session.add(new)
    try:
        session.flush()
    except IntegrityError as exc:  # another administrator saved the next version first
        session.rollback()
        raise Conflict("saving.parameter_superseded", {"version": old.version + 1}) from exc
    old.superseded_at = utcnow()
    session.add(old)
    # The tally labels its backed ultra-low area by these thresholds' status.
    tally_index.bump_stamp(session.connection())
    record_event(
        session=session,
        actor=actor,
        entity="saving_parameter",
        entity_id=new.id,
        action="new_version",
        before={
            "key": old.key,
            "value": old.value,
            "source_status": old.source_status,
            "source": old.source,
            "version": old.version,
        },
        after={
            "key": new.key,
            "value": new.value,
            "source_status": new.source_status,
            "source": new.source,
            "version": new.version,
        },
        reason=reason.strip(),
    )
    session.commit()
    return new


def list_parameters(*, session: Session) -> list[SavingParameter]:
    """The versions in force, by key."""
    return list(
        session.exec(
            select(SavingParameter)
            .where(SavingParameter.superseded_at.is_(None))
            .order_by(SavingParameter.key)
        )
    )


def get_parameter(*, session: Session, row_id: int) -> SavingParameter:
    row = session.get(SavingParameter, row_id)
    if row is None:
        raise NotFound("saving.parameter_unknown", {"key": str(row_id)})
    return row


def parameter_history(*, session: Session, key: str) -> list[SavingParameter]:
    """Every version of a parameter, newest first."""
    return list(
        session.exec(
            select(SavingParameter)
            .where(SavingParameter.key == key)
            .order_by(SavingParameter.version.desc())
        )
    )


def parameter_rows(params: dict, lang: object) -> list[dict]:
    """The parameters a check used, as its page and PDF list them: each by its name in the
    reader's language, its value, the unit typeset, its source and status."""
    return [
        {
            "key": key,
            "name": vocabulary.saving_parameter(key, lang),
            "value": p["value"],
            "unit": typeset_unit(p.get("unit", "")),
            "source": f"{p.get('standard', '')} {p.get('clause', '')}".strip(),
            "status": vocabulary.source_status_name(p.get("source_status"), lang),
        }
        for key, p in sorted(params.items())
    ]
