"""Energy checks of uploaded EnergyPlus models, their results, and the weather library."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.domain.checks.states import ACTIVE_STATES, CHECK_STATES, FINAL_STATES  # noqa: F401
from registry.models.core import utcnow


class WeatherFile(SQLModel, table=True):
    """An EPW file the checks can run with; the default one is used when none is named."""

    __tablename__ = "weather_files"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    location: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=500)
    sha256: str = Field(max_length=64, index=True)
    synthetic: bool = False
    is_default: bool = False
    # Relative to the weather folder, or "wheel:<file name>" for the engine's shipped files.
    path: str = Field(max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    time_zone: float | None = None
    elevation_m: float | None = None
    notes: str = Field(default="", max_length=2000)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class Check(SQLModel, table=True):
    """One designer's request to simulate a model; the row is the job's source of truth."""

    __tablename__ = "checks"

    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="buildings.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    status: str = Field(default="queued", max_length=16, index=True)
    # The stored file's name is ours (a uuid), never the user's.
    idf_path: str = Field(max_length=300)
    idf_original_name: str = Field(default="", max_length=255)
    idf_size_bytes: int = 0
    idf_sha256: str = Field(max_length=64, index=True)
    weather_id: int | None = Field(default=None, foreign_key="weather_files.id")
    epw_sha256: str = Field(default="", max_length=64)
    engine_version: str = Field(default="", max_length=32)
    options: dict | None = Field(default=None, sa_column=Column(JSON))
    cache_key: str = Field(default="", max_length=64, index=True)
    cached_from_id: int | None = Field(default=None, foreign_key="checks.id")
    model_facts: dict | None = Field(default=None, sa_column=Column(JSON))
    warnings: list | None = Field(default=None, sa_column=Column(JSON))
    err_summary: dict | None = Field(default=None, sa_column=Column(JSON))
    error_code: str | None = Field(default=None, max_length=64)
    error_params: dict | None = Field(default=None, sa_column=Column(JSON))
    attempts: int = 0
    worker: str = Field(default="", max_length=200)
    engine_pid: int | None = None
    cancel_requested: bool = False
    enqueue_error: str | None = Field(default=None, max_length=500)
    queued_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    run_seconds: float | None = None


class CheckResult(SQLModel, table=True):
    """The annual results of one check; unique per check so a retried run stores it once."""

    __tablename__ = "check_results"
    __table_args__ = (UniqueConstraint("check_id", name="uq_check_results_check_id"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    engine_version: str = Field(max_length=32)
    idf_sha256: str = Field(max_length=64)
    epw_sha256: str = Field(max_length=64)
    total_site_kwh: float
    total_source_kwh: float | None = None
    model_total_area_m2: float | None = None
    model_conditioned_area_m2: float | None = None
    # The building's registered areas when the result was stored: the verdict's denominators.
    registered_area_m2: float
    registered_heated_area_m2: float | None = None
    eui_kwh_per_m2: float
    area_mismatch_pct: float | None = None
    unmet_heating_hours: float | None = None
    unmet_cooling_hours: float | None = None
    by_fuel_kwh: dict | None = Field(default=None, sa_column=Column(JSON))
    monthly_kwh: dict | None = Field(default=None, sa_column=Column(JSON))
    # {fuel: {month: kWh}} from the same monthly table, for the check page's chart.
    monthly_by_fuel_kwh: dict | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)


class CheckEndUse(SQLModel, table=True):
    """Annual energy of one end use and fuel, in kWh: stored as rows to query and chart."""

    __tablename__ = "check_end_uses"

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    end_use: str = Field(max_length=40)
    fuel: str = Field(max_length=40)
    energy_kwh: float
