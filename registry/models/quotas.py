"""Quota rows as versioned data, and which row version each check's verdict used.

An admin's edit never overwrites a row: it adds the next version and marks the old one
superseded, so a verdict given last year can still be shown with the numbers it used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class QuotaRowBase(SQLModel):
    key: str = Field(max_length=80, index=True)
    standard: str = Field(max_length=40)
    table_ref: str = Field(max_length=60)  # the standard's table, e.g. "表1"
    climate_zone: str = Field(max_length=16)  # cold_A | shandong | cold
    building_type: str = Field(max_length=32, index=True)
    # Comma-separated sub-type codes sharing the printed row; empty: every sub-type.
    sub_types: str = Field(default="", max_length=300)
    hvac_class: str | None = Field(default=None, max_length=1)
    heating_type: str | None = Field(default=None, max_length=32)
    basis: str = Field(max_length=32)  # non_heating | heating | conventional_electricity
    unit: str = Field(max_length=20)  # kgce/(m2·a) | kWh/(m2·a)
    guide_value: float | None = None
    baseline_value: float | None = None
    constraint_value: float | None = None
    source: str = Field(max_length=1000)
    source_status: str = Field(max_length=24)  # verified-primary | … | unverified
    notes: str = Field(default="", max_length=1000)


class QuotaRow(QuotaRowBase, table=True):
    __tablename__ = "quota_rows"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_quota_rows_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    change_reason: str | None = Field(default=None, max_length=1000)
    superseded_at: datetime | None = Field(default=None, index=True)
    superseded_by_id: int | None = Field(default=None, foreign_key="quota_rows.id")


class QuotaRowPublic(QuotaRowBase):
    id: int
    version: int
    created_at: datetime
    change_reason: str | None
    superseded_at: datetime | None
    superseded_by_id: int | None


class QuotaRowUpdate(SQLModel):
    """What an admin may change; the row's identity (key, table, building) stays."""

    guide_value: float | None = None
    baseline_value: float | None = None
    constraint_value: float | None = None
    source: str | None = Field(default=None, max_length=1000)
    source_status: str | None = Field(default=None, max_length=24)
    notes: str | None = Field(default=None, max_length=1000)


class CheckVerdict(SQLModel, table=True):
    """The quota row version (or the reason there was none) one check was judged by.

    One row per check and basis; the verdict itself is recomputed from these pins and the
    stored result, so it does not change when a quota row gets a new version.
    """

    __tablename__ = "check_verdicts"
    __table_args__ = (UniqueConstraint("check_id", "basis", name="uq_check_verdicts_check_basis"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    basis: str = Field(max_length=32)
    quota_row_id: int | None = Field(default=None, foreign_key="quota_rows.id", index=True)
    quota_key: str | None = Field(default=None, max_length=80)
    quota_version: int | None = None
    indicator_value: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    band: str | None = Field(default=None, max_length=20)
    no_quota_reason: str | None = Field(default=None, max_length=64)
    no_quota_params: dict | None = Field(default=None, sa_column=Column(JSON))
    electricity_kgce_per_kwh: float
    created_at: datetime = Field(default_factory=utcnow)
