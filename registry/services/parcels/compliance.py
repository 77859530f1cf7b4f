"""Each parcel's compliance, read from the database and decided by the domain's rules
(`registry.domain.parcels.compliance`), as plain dicts for the CLI, API, pages and PDF."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings.records import ENERGY, GREEN_LABEL
from registry.domain.parcels import compliance as rules
from registry.domain.parcels.conditions import (
    VERIFIED,
    BuildingFacts,
    Condition,
    Floor,
    required_level,
    star_of_level,
)
from registry.domain.settings import PARCEL_EVALUATION_MONTHS
from registry.models import Building, Parcel, ParcelCondition, PolicyFloor, Record
from registry.services import settings as settings_service

# Energy levels at least as demanding as ultra-low energy: their area counts towards a
# parcel's ultra-low-energy condition.
ULTRA_LOW_OR_BETTER = ("ultra_low", "nearly_zero", "zero")


def _floors(session: Session) -> list[Floor]:
    rows = session.exec(select(PolicyFloor).where(PolicyFloor.active)).all()
    return [
        Floor(
            min_star=row.min_star,
            status=VERIFIED if row.source_status.startswith("verified") else row.source_status,
            building_types=frozenset(c for c in row.building_types.split(",") if c),
            public_only=row.public_only,
            min_floor_area_m2=row.min_floor_area_m2,
            min_storeys=row.min_storeys,
            id=row.id,
            name=row.name,
        )
        for row in rows
    ]


def _condition(row: ParcelCondition) -> Condition:
    return Condition(
        kind=row.kind,
        value=row.value,
        status=row.status,
        building_type=row.building_type,
        id=row.id,
        clause=row.clause,
    )


def evaluate(*, session: Session, parcels: list[Parcel], today: date | None = None) -> list[dict]:
    """Every parcel's status with its buildings' and conditions', as dicts (a few queries for
    all the parcels together, not a few per parcel)."""
    today = today or dates.today()
    months = int(settings_service.get_value(session=session, key=PARCEL_EVALUATION_MONTHS))
    ids = [p.id for p in parcels]
    if not ids:
        return []
    floors = _floors(session)
    conditions = defaultdict(list)
    for row in session.exec(
        select(ParcelCondition)
        .where(ParcelCondition.parcel_id.in_(ids))
        .order_by(ParcelCondition.id)
    ):
        conditions[row.parcel_id].append(row)
    buildings = defaultdict(list)
    for row in session.exec(
        select(Building).where(Building.parcel_id.in_(ids)).order_by(Building.id)
    ):
        buildings[row.parcel_id].append(row)
    building_ids = [b.id for rows in buildings.values() for b in rows]
    labels, ultra_low = defaultdict(list), defaultdict(float)
    if building_ids:
        for record in session.exec(
            select(Record).where(
                Record.building_id.in_(building_ids), Record.kind.in_([GREEN_LABEL, ENERGY])
            )
        ):
            if record.kind == GREEN_LABEL:
                stars = star_of_level(record.level)
                if stars is not None and record.stage:
                    labels[record.building_id].append(
                        rules.Label(record.stage, stars, record.status, record.id)
                    )
            elif record.level in ULTRA_LOW_OR_BETTER and record.status in rules.HELD_STATUSES:
                ultra_low[record.building_id] += record.counted_area_m2
    results = []
    for parcel in parcels:
        parcel_conditions = [_condition(c) for c in conditions[parcel.id]]
        members = []
        for building in buildings[parcel.id]:
            requirement = required_level(
                BuildingFacts(building.building_type, building.floor_area_m2, building.storeys),
                parcel_conditions,
                floors,
            )
            status = rules.building_status(
                requirement=requirement,
                labels=labels[building.id],
                completed_on=building.completed_on,
                today=today,
                evaluation_months=months,
            )
            members.append(
                (
                    building,
                    requirement,
                    rules.ParcelBuilding(
                        building.id,
                        building.floor_area_m2,
                        building.prefabricated,
                        ultra_low[building.id],
                        status,
                    ),
                )
            )
        outcome = rules.parcel_status([m[2] for m in members], parcel_conditions)
        results.append(_payload(parcel, conditions[parcel.id], members, outcome, floors))
    return results


def _payload(parcel, condition_rows, members, outcome, floors) -> dict:
    by_id = {a.condition.id: a for a in outcome.areas}
    floor_names = {f"floor:{f.id}": f.name for f in floors}
    return {
        "number": parcel.number,
        "id": parcel.id,
        "contract_number": parcel.contract_number,
        "district_code": parcel.district_code,
        "land_use": parcel.land_use,
        "site_area_m2": parcel.site_area_m2,
        "sale_date": parcel.sale_date.isoformat() if parcel.sale_date else None,
        "developer_name": parcel.developer_name,
        "developer_credit_code": parcel.developer_credit_code,
        "status": outcome.status,
        "floor_area_m2": outcome.floor_area_m2,
        "failing_area_m2": outcome.failing_area_m2,
        "weighted_shortfall_stars": round(outcome.weighted_shortfall_stars, 4),
        "conditions": [
            {
                "id": row.id,
                "kind": row.kind,
                "value": row.value,
                "building_type": row.building_type,
                "status": row.status,
                "clause": row.clause,
                "document": row.document,
                "document_date": row.document_date.isoformat() if row.document_date else None,
                "outcome": by_id[row.id].status if row.id in by_id else None,
                "reached": round(by_id[row.id].reached, 2) if row.id in by_id else None,
                "shortfall": round(by_id[row.id].shortfall, 2) if row.id in by_id else None,
            }
            for row in condition_rows
        ],
        "buildings": [
            {
                "id": building.id,
                "name": building.name,
                "building_type": building.building_type,
                "floor_area_m2": building.floor_area_m2,
                "completed_on": building.completed_on.isoformat()
                if building.completed_on
                else None,
                "status": member.status.status,
                "stage": member.status.stage,
                "required_stars": member.status.required_stars,
                "held_stars": member.status.held_stars,
                "shortfall_stars": member.status.shortfall_stars,
                "deadline": member.status.deadline.isoformat() if member.status.deadline else None,
                "requirement_unverified": member.status.unverified,
                "requirement_sources": [floor_names.get(s, s) for s in requirement.sources],
                "ultra_low_m2": member.ultra_low_m2,
            }
            for building, requirement, member in members
        ],
    }


def parcel_report(*, session: Session, parcel: Parcel, today: date | None = None) -> dict:
    return evaluate(session=session, parcels=[parcel], today=today)[0]


def breaches(
    *, session: Session, district_code: str | None = None, today: date | None = None
) -> list[dict]:
    """The breach list: breached parcels, each with its failing buildings and short area
    conditions (the clause, the shortfall, the dates)."""
    query = select(Parcel).order_by(Parcel.district_code, Parcel.number)
    if district_code:
        query = query.where(Parcel.district_code == district_code)
    reports = evaluate(session=session, parcels=list(session.exec(query)), today=today)
    return [r for r in reports if r["status"] == rules.BREACHED]


def district_summary(*, session: Session, today: date | None = None) -> list[dict]:
    """Per district: the count and site area of parcels met, pending and breached."""
    reports = evaluate(session=session, parcels=list(session.exec(select(Parcel))), today=today)
    table: dict[str, dict] = {}
    for report in reports:
        row = table.setdefault(
            report["district_code"],
            {
                "district_code": report["district_code"],
                **{f"{s}_count": 0 for s in rules.PARCEL_STATUSES},
                **{f"{s}_site_area_m2": 0.0 for s in rules.PARCEL_STATUSES},
            },
        )
        row[f"{report['status']}_count"] += 1
        row[f"{report['status']}_site_area_m2"] += report["site_area_m2"] or 0.0
    return [table[k] for k in sorted(table)]
