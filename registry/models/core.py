"""Tables of the registry core: users, buildings, their records and the audit log.

SQLModel's split: `XBase` holds the fields users give; `X(table=True)` adds what the
system owns; `XPublic` is what the API returns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, JSON, Column, Index, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from registry.domain.buildings.fields import TEXT_LIMITS
from registry.domain.buildings.records import NOTES_MAX_CHARS, REASON_MAX_CHARS
from registry.domain.dates import now_utc

# The list's word search is ILIKE '%words%', which no B-tree index serves: on PostgreSQL,
# trigram (pg_trgm) GIN indexes answer it (bench/bench_list.py measures the difference).
# SQLite has no such index and scans, which is fine at its sizes.
event.listen(
    SQLModel.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


def _trigram_index(table: str, column: str) -> Index:
    # On SQLite the dialect options are ignored and this is a plain index, kept so that one
    # migration builds the same schema on both databases.
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


# SQLModel stores datetimes as timezone-aware UTC and refuses naive ones.
utcnow = now_utc


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)  # admin | officer | designer | viewer
    # Comma-separated GB/T 2260 codes an officer may act in; empty for other roles.
    districts: str = Field(default="", max_length=200)
    locale: str = Field(default="zh_Hans_CN", max_length=16)
    active: bool = Field(default=True)
    # Stamped into every login cookie; raising it ends every session of the user at once
    # (logout, password change or reset, deactivation).
    session_generation: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def district_codes(self) -> set[str]:
        return {code for code in self.districts.split(",") if code}


class BuildingBase(SQLModel):
    name: str = Field(max_length=TEXT_LIMITS["name"], index=True)
    address: str = Field(default="", max_length=TEXT_LIMITS["address"])
    district_code: str = Field(max_length=6, index=True)
    building_type: str = Field(max_length=32, index=True)
    sub_type: str | None = Field(default=None, max_length=32)
    hvac_class: str | None = Field(default=None, max_length=1)
    heating_type: str | None = Field(default=None, max_length=32)
    floor_area_m2: float = Field(gt=0)
    # The heated part of the floor area: the heating quotas are per heated m².
    heated_area_m2: float | None = None
    storeys: int | None = None
    is_new_build: bool = True
    # No index of its own: ix_buildings_prefab_share leads with it (each index is paid by
    # every row of a city's import).
    completion_year: int | None = Field(default=None)
    prefabricated: bool = False
    assembly_rate_pct: float | None = None
    owner_name: str = Field(default="", max_length=TEXT_LIMITS["owner_name"])
    owner_credit_code: str | None = Field(default=None, max_length=18, index=True)
    design_unit: str = Field(default="", max_length=TEXT_LIMITS["design_unit"])
    land_parcel_id: str | None = Field(default=None, max_length=TEXT_LIMITS["land_parcel_id"])
    latitude: float | None = None
    longitude: float | None = None
    # Inputs of the GB/T 51161 office correction; used only when registered.
    annual_use_hours: float | None = None
    area_per_person_m2: float | None = None


class Building(BuildingBase, table=True):
    __tablename__ = "buildings"
    __table_args__ = (
        _trigram_index("buildings", "name"),
        _trigram_index("buildings", "address"),
        _trigram_index("buildings", "owner_name"),
        # The prefab share's sums by completion year, read from the index alone.
        Index(
            "ix_buildings_prefab_share",
            "completion_year",
            "is_new_build",
            "prefabricated",
            "floor_area_m2",
            "district_code",
            "building_type",
        ),
        # Looked up by value only, and empty for most buildings (an imported one has
        # neither): the indexes hold the buildings that have one, so the rest cost no
        # index entry (issue 23: 200,000 of them in a 100,000-row import).
        *(
            Index(
                f"ix_buildings_{column}",
                column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"),
            )
            for column in ("parcel_id", "platform_code")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Who entered it: a user's id, with no key to users (migration 0023). Users are never
    # deleted (deactivated instead; `services.audit` refuses a delete), and the services
    # write only the acting user's id here; the key's check was paid by every row of a
    # city's import (issue 23). Not indexed: no query looks buildings up by who entered them.
    created_by_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    import_id: int | None = Field(default=None, index=True)
    # The parcel the building stands on (registry.models.parcels); the free-text
    # `land_parcel_id` stays as typed, for the officers to resolve where it matches none.
    parcel_id: int | None = Field(default=None, foreign_key="parcels.id")  # indexed above
    # The completion (竣工验收) date, from which a parcel's evaluation-label deadline runs.
    completed_on: date | None = None
    # The energy monitoring platform's code for the building, to match its exports.
    platform_code: str | None = Field(default=None, max_length=40)  # indexed above


class BuildingPublic(BuildingBase):
    id: int
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


class RecordBase(SQLModel):
    kind: str = Field(max_length=16, index=True)  # green_label | energy | retrofit
    level: str = Field(max_length=32, index=True)
    stage: str | None = Field(default=None, max_length=16)
    # Unique across the registry; NULL for retrofit records, which carry no label.
    label_number: str | None = Field(default=None, max_length=64)
    issued_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    counted_area_m2: float = Field(gt=0)
    notes: str = Field(default="", max_length=NOTES_MAX_CHARS)


class Record(RecordBase, table=True):
    # The table keeps its first name: renaming it would rewrite every index and foreign key
    # on both databases for no change a user can see.
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("label_number", name="uq_certificates_label_number"),
        Index("ix_certificates_status_kind", "status", "kind"),
        _trigram_index("certificates", "label_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="buildings.id", index=True)
    # Read by status through ix_certificates_status_kind, which leads with it: an index of
    # its own would be paid by every imported row for nothing (issue 23).
    status: str = Field(default="draft", max_length=16)
    submitted_at: datetime | None = None
    # Who submitted it: with created_by_id, whom maker-checker keeps from approving it.
    # This, approved_by_id and created_by_id are users' ids with no key to users, as
    # Building.created_by_id (migration 0023): the three checks were about 2.3 s of the
    # 5.4 s a city's import spent storing its 100,000 records (issue 23).
    submitted_by_id: int | None = None
    approved_on: date | None = Field(default=None, index=True)
    approved_by_id: int | None = None
    # Labels and energy levels: the public notice after review (working days), then 公布.
    notice_start_on: date | None = None
    notice_end_on: date | None = None
    published_on: date | None = Field(default=None, index=True)
    rejected_reason: str | None = Field(default=None, max_length=REASON_MAX_CHARS)
    revoked_on: date | None = None
    revoke_reason: str | None = Field(default=None, max_length=REASON_MAX_CHARS)
    created_by_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    import_id: int | None = Field(default=None, index=True)


class RecordPublic(RecordBase):
    id: int
    building_id: int
    status: str
    submitted_by_id: int | None
    approved_on: date | None
    approved_by_id: int | None
    notice_start_on: date | None
    notice_end_on: date | None
    published_on: date | None
    rejected_reason: str | None
    revoked_on: date | None
    revoke_reason: str | None
    created_at: datetime
    updated_at: datetime


class AuditEvent(SQLModel, table=True):
    """One change to one row, written by the services; never updated or deleted."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by building (its history, `audit.building_history`, the log's one reader) and
    # by import (what a batch wrote, for whoever audits or undoes it); not by time, entity
    # or entity id, which no query reads: each index is paid by every audited write, and
    # an import writes 200,000 events at once (issue 23).
    at: datetime = Field(default_factory=utcnow)
    # No key to users: the event names its actor by id and by name as they were, users are
    # never deleted (deactivated instead; `audit` refuses a delete), and a key is checked
    # for every event, 200,000 at once in a city's import (issue 23: 0.7 s of its commit).
    actor_id: int | None = Field(default=None)
    actor_name: str = Field(default="", max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = None
    building_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=32)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    reason: str | None = Field(default=None, max_length=REASON_MAX_CHARS)
    import_id: int | None = Field(default=None, index=True)


class AuditEventPublic(SQLModel):
    id: int
    at: datetime
    actor_name: str
    entity: str
    entity_id: int | None
    action: str
    before: dict | None
    after: dict | None
    reason: str | None
