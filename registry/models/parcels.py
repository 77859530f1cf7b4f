"""Land parcels (宗地), the green-building conditions of their land-sale contracts, and the
policy floors administrators maintain.

A condition keeps its source: the clause as written, the document and its date, and whether
it was verified (待核实 otherwise). A policy floor is data, not a constant: none is known for
Qingdao with certainty, so none is seeded and each carries its source and status.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from registry.domain.parcels.numbers import NUMBER_MAX_CHARS
from registry.models.core import utcnow

CLAUSE_MAX_CHARS = 2000


class ParcelBase(SQLModel):
    number: str = Field(max_length=NUMBER_MAX_CHARS, unique=True, index=True)  # normalised
    contract_number: str = Field(default="", max_length=64)  # 出让合同号
    district_code: str = Field(max_length=6, index=True)
    land_use: str = Field(default="", max_length=64)
    site_area_m2: float | None = None
    sale_date: date | None = None
    developer_name: str = Field(default="", max_length=200)
    developer_credit_code: str | None = Field(default=None, max_length=18)


class Parcel(ParcelBase, table=True):
    __tablename__ = "parcels"

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    import_id: int | None = Field(default=None, index=True)


class ParcelCondition(SQLModel, table=True):
    __tablename__ = "parcel_conditions"

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcels.id", index=True)
    kind: str = Field(max_length=24)  # min_star | min_ultra_low_m2 | min_prefab_pct
    value: float | None = None  # None only when unverified and the value is not known
    building_type: str | None = Field(default=None, max_length=32)  # min_star: one use only
    status: str = Field(default="verified", max_length=16)  # verified | unverified (待核实)
    clause: str = Field(default="", max_length=CLAUSE_MAX_CHARS)
    document: str = Field(default="", max_length=200)
    document_date: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PolicyFloor(SQLModel, table=True):
    """A minimum star level for buildings with given attributes; every criterion given must
    hold. Applied only while `active`."""

    __tablename__ = "policy_floors"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    min_star: int
    building_types: str = Field(default="", max_length=400)  # comma-separated codes
    public_only: bool = False
    min_floor_area_m2: float | None = None
    min_storeys: int | None = None
    source: str = Field(default="", max_length=1000)
    source_status: str = Field(default="unverified", max_length=24)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
