"""The reference building's parameters as versioned data, and each saving-rate check's rates.

Like the validity rules: an administrator's edit adds the next version of a parameter and
marks the old one superseded; a check keeps the versions it used (`CheckSavingRate.parameters`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class SavingParameter(SQLModel, table=True):
    __tablename__ = "saving_parameters"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_saving_parameters_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, index=True)
    standard: str = Field(max_length=40)
    clause: str = Field(max_length=200)
    value: float
    unit: str = Field(default="", max_length=20)
    source: str = Field(max_length=1000)
    source_status: str = Field(max_length=24)  # unverified | verified-… | …
    notes: str = Field(default="", max_length=1000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    superseded_at: datetime | None = Field(default=None, index=True)


class CheckSavingRate(SQLModel, table=True):
    """The reference run and the rates of one saving-rate check (one row per check)."""

    __tablename__ = "check_saving_rates"
    __table_args__ = (UniqueConstraint("check_id", name="uq_check_saving_rates_check_id"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    reference_sha256: str = Field(max_length=64)
    # Energy on the basis the parameters state (electricity equivalent), kWh a year.
    design_kwh: float
    reference_kwh: float
    renewable_kwh: float
    itself_pct: float
    comprehensive_pct: float
    renewable_pct: float
    level_met: str = Field(max_length=16)  # none | ultra_low | nearly_zero | zero
    n50_declared: float | None = None  # 1/h at 50 Pa, as the designer declared it
    n50_max: float | None = None
    # {design|reference: {end use: {fuel: kWh}}}: the runs' site energy behind the basis.
    end_uses: dict | None = Field(default=None, sa_column=Column(JSON))
    changes: list | None = Field(default=None, sa_column=Column(JSON))
    # {key: {value, unit, version, source_status, standard, clause}} as used.
    parameters: dict | None = Field(default=None, sa_column=Column(JSON))
    reference_unmet_heating_hours: float | None = None
    reference_unmet_cooling_hours: float | None = None
    reference_run_seconds: float | None = None
    # The reference run's own .err summary: an engineer auditing the pair reads both runs'.
    reference_err: dict | None = Field(default=None, sa_column=Column(JSON))
    # The validity rules that apply to a run, applied to the reference's with the thresholds
    # in force when it ran: [{rule, held, value, limit}].
    reference_validity: list | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)


class RecordSavingEvidence(SQLModel, table=True):
    """The saving-rate check an ultra-low, nearly-zero or zero-energy record cites (one per
    record; citing another replaces it, audited)."""

    __tablename__ = "record_saving_evidence"
    __table_args__ = (UniqueConstraint("record_id", name="uq_record_saving_evidence_record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="certificates.id", index=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    cited_by_id: int | None = Field(default=None, foreign_key="users.id")
    cited_at: datetime = Field(default_factory=utcnow)


class CheckResidentialDemand(SQLModel, table=True):
    """The demands and the level of one residential saving-rate check (one row per check):
    judged from the design's ideal loads, no reference building (GB/T 51350 Table 5.0.2)."""

    __tablename__ = "check_residential_demands"
    __table_args__ = (UniqueConstraint("check_id", name="uq_check_residential_demands_check_id"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    heating_kwh: float  # the year's ideal-loads supply-air heating, all zones
    cooling_kwh: float
    conditioned_area_m2: float
    heating_demand_kwh_m2: float
    cooling_demand_kwh_m2: float
    wdh20_kkh: float
    ddh28_kkh: float
    exterior_area_m2: float
    volume_m3: float
    shape_coefficient: float | None = None
    n50_declared: float | None = None
    renewable_kwh: float = 0.0
    renewable_pct: float | None = None
    level_met: str = Field(max_length=16)  # none | ultra_low | nearly_zero
    # {heating_limit_kwh_m2: {level: value}, cooling_limit_kwh_m2: …, held: {indicator:
    # {level: bool | None}}, not_judged: [indicator]}
    judgement: dict | None = Field(default=None, sa_column=Column(JSON))
    # {key: {value, unit, version, source_status, standard, clause}} as used.
    parameters: dict | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
