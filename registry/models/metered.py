"""Measured annual energy per building and year, as versioned rows.

A correction never overwrites: it adds the next version and marks the old one superseded
(with who entered it and why), so a quota list published last year can be reproduced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class MeteredYearBase(SQLModel):
    year: int
    electricity_kwh: float | None = None
    natural_gas_m3: float | None = None
    district_heat_gj: float | None = None
    oil_kg: float | None = None
    lpg_kg: float | None = None
    coal_kg: float | None = None
    other_kgce: float | None = None
    pv_generation_kwh: float | None = None
    excluded_electricity_kwh: float | None = None
    excluded_natural_gas_m3: float | None = None
    heated_area_m2: float | None = None
    operating_hours: float | None = None
    occupants: float | None = None
    excluded_area_m2: float | None = None
    exclusions_note: str = Field(default="", max_length=500)
    source: str = Field(default="platform", max_length=16)  # platform | bill | audit


class MeteredYear(MeteredYearBase, table=True):
    __tablename__ = "metered_years"
    __table_args__ = (
        UniqueConstraint("building_id", "year", "version", name="uq_metered_years_version"),
        # The quota list reads the current version of every building for one year.
        Index("ix_metered_years_year_current", "year", "superseded_at", "building_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="buildings.id", index=True)
    version: int = 1
    # {"1": {"electricity_kwh": …}, …} when given by month; None for annual totals.
    # SQL NULL (not JSON null) for annual years: the quota list then decodes nothing for them.
    months: dict | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    complete: bool = True
    entered_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    change_reason: str | None = Field(default=None, max_length=1000)
    import_id: int | None = Field(default=None, index=True)
    superseded_at: datetime | None = None
    superseded_by_id: int | None = Field(default=None, foreign_key="metered_years.id")


class DegreeDayYear(SQLModel, table=True):
    """Qingdao's heating and cooling degree-days of one year, for weather-normalised savings.

    Entered by an administrator with their source (e.g. the city meteorological bureau);
    `source_status` stays 'unverified' until someone checks the figures against it.
    """

    __tablename__ = "degree_day_years"

    year: int = Field(primary_key=True)
    hdd: float  # heating degree-days, base 18 °C
    cdd: float | None = None  # cooling degree-days, base 26 °C
    source: str = Field(default="", max_length=500)
    source_status: str = Field(default="unverified", max_length=24)
    entered_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)


class QuotaListDocument(SQLModel, table=True):
    """The quota list's PDF or XLSX for one year, filter and language (issue 23): the job
    that makes it (state on the row, like the tally PDF) and, once made, the file, valid
    while the list's data has the digest it was made from."""

    __tablename__ = "quota_list_documents"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    fmt: str = Field(max_length=8)  # pdf | xlsx
    year: int
    district_code: str | None = Field(default=None, max_length=6)
    building_type: str | None = Field(default=None, max_length=32)
    band: str | None = Field(default=None, max_length=32)
    locale: str = Field(default="zh_Hans_CN", max_length=16)
    status: str = Field(default="queued", max_length=16)  # queued running ready failed
    # The digest of the list asked for (queued, running) or of the one in the file (ready).
    digest: str = Field(default="", max_length=64)
    # The code and words it was asked of or made with (`quota_list_report.template_version`):
    # a file made before the registry was updated is made again, not served.
    template_version: str = Field(default="", max_length=32)
    file_name: str = Field(default="", max_length=120)
    size_bytes: int = 0
    rows_total: int = 0
    # Building rows laid out so far while the PDF's table is made (the waiting page shows it).
    rows_done: int = 0
    error: str | None = Field(default=None, max_length=500)
    worker: str = Field(default="", max_length=200)
    requested_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    # Written with the progress: a running job silent for long lost its worker (the sweep).
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
