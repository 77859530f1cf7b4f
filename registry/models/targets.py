"""The pilot's targets as data: admins change values and dates; every change is audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from registry.domain.buildings.fields import TEXT_LIMITS
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
    # No keys to buildings or records: these rows are derived, written only by
    # `registry.services.tally.index` from rows it has just read or written in the same
    # transaction (buildings and records are never removed), and `index.differences`
    # (`registry tally-index --check`) recounts every building against them, which catches
    # what a key would and the copies below that no key can. A key is checked for every row
    # of a city's import, and the check locks and logs the record it finds (issue 23:
    # 100,000 look-ups and 100,000 lock records, half a second of a 100,000-row commit).
    building_id: int = Field(index=True)
    record_id: int = Field(index=True)  # the record that opened it
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
    # Copies of what a full-row export shows of the building and the opening record, so the
    # export reads this table alone, in the order of `ix_tally_episodes_rows`, with no join
    # and no sort. Copies only: the rules read them from `buildings` and `certificates`, and
    # every change to those refreshes the building's episodes (`index.refresh`).
    building_name: str = Field(
        default="", max_length=TEXT_LIMITS["name"], sa_column_kwargs={"server_default": ""}
    )
    kind: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    level: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    label_number: str = Field(  # "" for none
        default="", max_length=64, sa_column_kwargs={"server_default": ""}
    )

    # Covering indexes, in the order the tally reads them (registry.services.tally.queries.sums):
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
        # The rows in export order (counted_rows.iter_flat_batches), with every column it reads.
        Index(
            "ix_tally_episodes_rows",
            "target",
            "start_on",
            "building_id",
            "record_id",
            "horizon_on",
            "end_on",
            "area_m2",
            "district_code",
            "building_type",
            "kind",
            "level",
            "label_number",
            "building_name",
        ),
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

    # No key to buildings, as for TallyEpisode: a building has a horizon only while it has
    # records, whose key to it keeps it.
    building_id: int = Field(primary_key=True)
    horizon_on: date = Field(index=True)


class TallyStamp(SQLModel, table=True):
    """One row whose version goes up in the same transaction as every change that can move a
    tally (the index's refresh and rebuild, a target's edit): a document made at one version
    is current while the version stays."""

    __tablename__ = "tally_stamp"

    id: int = Field(default=1, primary_key=True)
    version: int = 0


class TallyDocument(SQLModel, table=True):
    """A tally PDF for one period, filter and language: the job that makes it (state and
    progress on the row, like a check) and, once made, the file it is cached in, valid for
    the data stamp, data date and template version it was made from."""

    __tablename__ = "tally_documents"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    start_on: date
    end_on: date
    district_code: str | None = Field(default=None, max_length=6)
    building_type: str | None = Field(default=None, max_length=32)
    locale: str = Field(default="zh_Hans_CN", max_length=16)
    # Where the reader reached the registry: the PDF's QR codes and links point there.
    public_base_url: str = Field(
        default="", max_length=300, sa_column_kwargs={"server_default": ""}
    )
    status: str = Field(default="queued", max_length=16)  # queued running ready failed
    # What the file holds (status ready), or what the render under way was asked for.
    stamp: int = 0
    as_of: date | None = None
    template_version: str = Field(default="", max_length=32)
    digest: str = Field(default="", max_length=64)
    file_name: str = Field(default="", max_length=120)
    size_bytes: int = 0
    rows_total: int = 0
    rows_done: int = 0
    error: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    worker: str = Field(default="", max_length=200)
    requested_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
