"""Bulk imports: one row per committed file, and each user's saved column mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class ImportBatch(SQLModel, table=True):
    """A committed import: who, when, which file (by SHA-256) and what each row became.

    Buildings, records and audit events it created carry its id as `import_id`.
    """

    __tablename__ = "import_batches"

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    filename: str = Field(default="", max_length=255)
    sha256: str = Field(max_length=64, index=True)
    rows_total: int = 0
    new_buildings: int = 0
    new_records: int = 0
    duplicates: int = 0
    rejected: int = 0
    status: str = Field(default="committed", max_length=16)  # committed


class ImportBatchPublic(SQLModel):
    id: int
    created_by_id: int | None
    created_at: datetime
    filename: str
    sha256: str
    rows_total: int
    new_buildings: int
    new_records: int
    duplicates: int
    rejected: int
    status: str


class ImportMapping(SQLModel, table=True):
    """A user's choice of field for a column header the importer did not recognise."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("user_id", "header", name="uq_import_mappings_user_header"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    header: str = Field(max_length=200)  # as normalised by `import_headers.normalise_header`
    field: str = Field(max_length=40)  # an import field, or "ignore"
    updated_at: datetime = Field(default_factory=utcnow)
