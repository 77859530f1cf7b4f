"""Load the reference building's parameters (registry.domain.saving.data) as version 1."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain.saving.data import SEED_PARAMS
from registry.models import SavingParameter


def seed(session: Session) -> str:
    existing = set(session.exec(select(SavingParameter.key)).all())
    added = [data for data in SEED_PARAMS if data.key not in existing]
    for data in added:
        session.add(
            SavingParameter(
                key=data.key,
                standard=data.standard,
                clause=data.clause,
                value=data.value,
                unit=data.unit,
                source=data.source,
                source_status=data.source_status,
                notes=data.notes,
            )
        )
    try:
        session.commit()
    except IntegrityError:  # another process seeded the same keys first
        session.rollback()
        return "saving-rate parameters: 0 added"
    return f"saving-rate parameters: {len(added)} added"


def current(session: Session) -> dict[str, dict]:
    """The parameters in force: {key: {value, unit, version, source_status, standard, clause}}.

    Rows missing from the table (a database set up before they were added) fall back to the
    seed data, still flagged unverified.
    """
    rows = session.exec(
        select(SavingParameter).where(SavingParameter.superseded_at.is_(None))
    ).all()
    found = {
        row.key: {
            "value": row.value,
            "unit": row.unit,
            "version": row.version,
            "source_status": row.source_status,
            "standard": row.standard,
            "clause": row.clause,
        }
        for row in rows
    }
    for data in SEED_PARAMS:
        found.setdefault(
            data.key,
            {
                "value": data.value,
                "unit": data.unit,
                "version": 0,
                "source_status": data.source_status,
                "standard": data.standard,
                "clause": data.clause,
            },
        )
    return found
