"""The pilot's targets as data: admins change values and dates; every change is audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class Target(SQLModel, table=True):
    __tablename__ = "targets"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    unit: str = Field(max_length=20)  # m2 | percent | districts
    value: float
    baseline: date
    midterm: date
    deadline: date
    policy_item: str = Field(default="", max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)


class TallyEpisode(SQLModel, table=True):
    """A building holding a target without interruption: what the counting rules
    (`registry.domain.tally.targets.building_episodes`) give for its records at the latest data.

    Kept in step with buildings and records by `registry.services.tally.index` in the same
    transaction as every change, so a tally is a GROUP BY over these rows instead of a replay
    of a city's records. Nothing here decides what counts; it stores what the rules decided.
    """

    __tablename__ = "tally_episodes"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(max_length=40)
    building_id: int = Field(foreign_key="buildings.id", index=True)
    record_id: int = Field(foreign_key="certificates.id", index=True)  # the record that opened it
    district_code: str = Field(max_length=6)
    building_type: str = Field(max_length=32)
    start_on: date  # the counting date of the opening record
    end_on: date | None = None  # first day not held (a revocation)
    start_year: int
    end_year: int | None = None
    area_m2: float
    # The building's horizon (see TallyHorizon), copied here so a tally with an earlier data
    # date can leave this building's rows out with a plain column test, no join.
    horizon_on: date

    # Covering indexes, in the order the tally reads them (registry.services.tally.index.sums):
    # groups stream out in index order with no sort, and no table row is visited.
    __table_args__ = (
        Index(
            "ix_tally_episodes_groups",
            "target",
            "district_code",
            "building_type",
            "start_year",
            "start_on",
            "area_m2",
            "horizon_on",
        ),
        Index("ix_tally_episodes_days", "target", "start_on", "area_m2", "horizon_on"),
        # Ended holdings (a few per cent) get their own, so the end side reads only those.
        Index(
            "ix_tally_episodes_ended_groups",
            "target",
            "district_code",
            "building_type",
            "end_year",
            "end_on",
            "area_m2",
            "start_on",
            "horizon_on",
            sqlite_where=text("end_on IS NOT NULL"),
            postgresql_where=text("end_on IS NOT NULL"),
        ),
        Index(
            "ix_tally_episodes_ended_days",
            "target",
            "end_on",
            "area_m2",
            "start_on",
            "horizon_on",
            sqlite_where=text("end_on IS NOT NULL"),
            postgresql_where=text("end_on IS NOT NULL"),
        ),
    )


class TallyHorizon(SQLModel, table=True):
    """Per building with counted records: the latest of their approval, counting and
    revocation dates. Its episodes are exact for any data date on or after it; a tally with
    an earlier data date recounts such a building from its records instead."""

    __tablename__ = "tally_horizons"

    building_id: int = Field(foreign_key="buildings.id", primary_key=True)
    horizon_on: date = Field(index=True)
