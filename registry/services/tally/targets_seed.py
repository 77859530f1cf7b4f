"""The pilot's targets (青政字〔2021〕11号) as data; rows admins have edited are left alone."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain.tally.targets import DEFAULT_TARGETS
from registry.models import Target
from registry.services.tally.targets import default_name_zh


def seed(session: Session) -> str:
    """Add any target not yet in the table; never overwrite an admin's edits."""
    existing = set(session.exec(select(Target.key)))
    added = []
    for spec in DEFAULT_TARGETS:
        if spec.key in existing:
            continue
        session.add(
            Target(
                key=spec.key,
                name_zh=default_name_zh(spec),
                name_en=spec.name_en,
                unit=spec.unit,
                value=spec.value,
                baseline=spec.baseline,
                midterm=spec.midterm,
                deadline=spec.deadline,
                policy_item=spec.policy_item,
            )
        )
        added.append(spec.key)
    session.commit()
    return f"targets: added {', '.join(added)}" if added else "targets: up to date"
