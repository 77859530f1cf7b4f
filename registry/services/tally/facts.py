"""Load the counting facts: every building and its counted records, in one query.

The tally index reads the facts through this one query, to recount buildings on every
change and, for a tally at an earlier data date, the buildings with later dates as of it.
"""

from __future__ import annotations

from sqlalchemy import and_
from sqlmodel import Session, select

from registry.domain.tally import targets as rules
from registry.models import Building, Record

# The facts' columns, in the order `facts_of` reads them: a building's, then a record's.
BUILDING_COLUMNS = (
    Building.id,
    Building.name,
    Building.district_code,
    Building.building_type,
    Building.floor_area_m2,
    Building.is_new_build,
    Building.completion_year,
    Building.prefabricated,
)
RECORD_COLUMNS = (
    Record.id,
    Record.kind,
    Record.level,
    Record.stage,
    Record.status,
    Record.label_number,
    Record.counted_area_m2,
    Record.approved_on,
    Record.issued_on,
    Record.started_on,
    Record.completed_on,
    Record.revoked_on,
    Record.published_on,
)


def load_facts(
    *,
    session: Session,
    building_ids=None,
) -> tuple[list[rules.BuildingFact], list[rules.RecordFact]]:
    """Every building (or these: ids or a query of ids) and its approved or revoked records,
    in one outer join."""
    query = (
        select(*BUILDING_COLUMNS, *RECORD_COLUMNS)
        .select_from(Building)
        .outerjoin(
            Record,
            and_(Record.building_id == Building.id, Record.status.in_(rules.COUNTED_STATUSES)),
        )
        .order_by(Building.id, Record.id)
    )
    if building_ids is not None:
        query = query.where(Building.id.in_(building_ids))
    return facts_of(session.connection().execute(query))


def facts_of(rows) -> tuple[list[rules.BuildingFact], list[rules.RecordFact]]:
    """The facts from rows of `BUILDING_COLUMNS` + `RECORD_COLUMNS` (the record's None for a
    building without counted records), in building order: as `load_facts` reads them, or
    as an import that wrote them has them in hand."""
    buildings: list[rules.BuildingFact] = []
    records: list[rules.RecordFact] = []
    building = rules.BuildingFact
    record = rules.RecordFact
    last_building_id = None
    # Core rows, not the ORM's: a city's million rows spent as long in ORM row handling as
    # in the database. Rows come ordered by building, so each building starts a new run.
    for (
        building_id,
        name,
        district_code,
        building_type,
        floor_area,
        is_new,
        completion_year,
        prefabricated,
        record_id,
        kind,
        level,
        stage,
        status,
        label,
        area,
        approved_on,
        issued_on,
        started_on,
        completed_on,
        revoked_on,
        published_on,
    ) in rows:
        if building_id != last_building_id:
            last_building_id = building_id
            buildings.append(
                building(
                    building_id,
                    name,
                    district_code,
                    building_type,
                    float(floor_area),
                    bool(is_new),
                    completion_year,
                    bool(prefabricated),
                )
            )
        if record_id is not None:
            records.append(
                record(
                    record_id,
                    building_id,
                    kind,
                    level,
                    status,
                    float(area),
                    stage,
                    label,
                    approved_on,
                    issued_on,
                    started_on,
                    completed_on,
                    revoked_on,
                    published_on,
                )
            )
    return buildings, records
