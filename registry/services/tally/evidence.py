"""The evidence figures beside the tally: a fixed number of queries for a whole period,
however many records it counts (never one query per record).

Reads the same episodes as the tally's counted rows (`tally_queries.counted_where`, over the
index and, at an earlier data date, the recounted buildings), so the area it sorts into
backed or not is exactly the counted area; `registry.domain.tally.evidence` adds it up.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Table, func, select
from sqlmodel import Session
from sqlmodel import select as orm_select

from registry.domain import settings as setting_keys
from registry.domain.metered.savings import meets_requirement
from registry.domain.saving.evidence import LEVEL_THRESHOLD_KEYS, meets
from registry.domain.tally import evidence as rules
from registry.errors import ValidationFailed
from registry.models import (
    Building,
    CheckResidentialDemand,
    CheckSavingRate,
    DegreeDayYear,
    MeteredYear,
    Record,
    RecordSavingEvidence,
)
from registry.services import settings as settings_service
from registry.services.metered.savings import measured_saving
from registry.services.saving.seed import current as current_parameters
from registry.services.tally import queries as tally_queries


def figures(session: Session, sources: list[Table], **period) -> dict[str, rules.Evidence]:
    """{target: Evidence} for the period; `period` is `tally_queries.counted_where`'s keywords
    but the target (start, end, as_of, specs, district, building_type)."""
    start, end = period["start"], period["end"]
    required = settings_service.get_value(session=session, key=setting_keys.UPGRADE_SAVING_PCT)
    confirmed = settings_service.get_value(
        session=session, key=setting_keys.UPGRADE_SAVING_CONFIRMED
    )
    params = current_parameters(session)
    thresholds_verified = all(
        params[key]["source_status"].startswith("verified") for key in LEVEL_THRESHOLD_KEYS
    )
    upgrades = [
        row for source in sources for row in upgrade_rows(session, source, required, **period)
    ]
    ultra_low = [row for source in sources for row in ultra_low_rows(session, source, **period)]
    return {
        rules.UPGRADE_TARGET: rules.add_up(
            rules.UPGRADE_TARGET,
            upgrades,
            start=start,
            end=end,
            thresholds_verified=bool(confirmed),
            required_pct=float(required),
        ),
        rules.ULTRA_LOW_TARGET: rules.add_up(
            rules.ULTRA_LOW_TARGET,
            ultra_low,
            start=start,
            end=end,
            thresholds_verified=thresholds_verified,
        ),
    }


def ultra_low_rows(session: Session, source: Table, **period) -> Iterator[rules.EvidenceRow]:
    """The ultra-low target's counted rows, each backed when the record that opened its
    holding cites a saving-rate check (public or residential) meeting the record's level: one
    query."""
    E = source.c
    query = (
        select(
            E.record_id,
            E.building_id,
            E.area_m2,
            E.start_on,
            E.end_on,
            Record.level,
            # A check holds one verdict row: a public building's rates or residential demands.
            func.coalesce(CheckSavingRate.level_met, CheckResidentialDemand.level_met),
        )
        .join(Record, Record.id == E.record_id)
        .outerjoin(RecordSavingEvidence, RecordSavingEvidence.record_id == E.record_id)
        .outerjoin(CheckSavingRate, CheckSavingRate.check_id == RecordSavingEvidence.check_id)
        .outerjoin(
            CheckResidentialDemand,
            CheckResidentialDemand.check_id == RecordSavingEvidence.check_id,
        )
        .where(tally_queries.counted_where(rules.ULTRA_LOW_TARGET, source=source, **period))
    )
    for (
        record_id,
        building_id,
        area,
        start_on,
        end_on,
        level,
        level_met,
    ) in session.connection().execute(query):
        yield rules.EvidenceRow(
            record_id,
            building_id,
            float(area),
            start_on,
            end_on,
            level_met is not None and meets(level_met, level),
        )


def upgrade_rows(
    session: Session, source: Table, required_pct: float, **period
) -> list[rules.EvidenceRow]:
    """The upgrade target's counted rows, each backed when its record's measured saving meets
    `required_pct`: three queries (the rows, their buildings' measured years, degree-days)."""
    E = source.c
    where = tally_queries.counted_where(rules.UPGRADE_TARGET, source=source, **period)
    connection = session.connection()
    rows = connection.execute(
        select(
            E.record_id,
            E.building_id,
            E.area_m2,
            E.start_on,
            E.end_on,
            Record.completed_on,
            Building.heating_type,
        )
        .join(Record, Record.id == E.record_id)
        .join(Building, Building.id == E.building_id)
        .where(where)
    ).all()
    if not rows:
        return []
    years: dict[int, dict[int, MeteredYear]] = {}
    measured = session.exec(
        orm_select(MeteredYear).where(
            MeteredYear.superseded_at.is_(None),
            MeteredYear.building_id.in_(select(E.building_id).where(where)),
        )
    )
    for year in measured:
        years.setdefault(year.building_id, {})[year.year] = year
    degree_days = {row.year: (row.hdd, row.cdd) for row in session.exec(orm_select(DegreeDayYear))}
    out = []
    for record_id, building_id, area, start_on, end_on, completed_on, heating_type in rows:
        backed = False
        if completed_on is not None:
            try:
                saving = measured_saving(
                    completed_on=completed_on,
                    heating_type=heating_type,
                    years=years.get(building_id, {}),
                    degree_days=degree_days,
                )
            except ValidationFailed:  # a year or its degree-days missing: not verified yet
                saving = None
            if saving is not None:
                backed = bool(meets_requirement(saving.saving_rate_pct, required_pct))
        out.append(rules.EvidenceRow(record_id, building_id, float(area), start_on, end_on, backed))
    return out


def backed_rows(
    session: Session, sources: list[Table], target: str, **period
) -> list[rules.EvidenceRow]:
    """The target's counted rows of the period with whether each is backed: the list behind
    the figures (the dashboard's drill-down), in counting order."""
    if target == rules.UPGRADE_TARGET:
        required = settings_service.get_value(session=session, key=setting_keys.UPGRADE_SAVING_PCT)
        found = [r for s in sources for r in upgrade_rows(session, s, required, **period)]
    elif target == rules.ULTRA_LOW_TARGET:
        found = [r for s in sources for r in ultra_low_rows(session, s, **period)]
    else:
        raise ValueError(target)
    return sorted(found, key=lambda r: (r.start_on, r.building_id, r.record_id))
