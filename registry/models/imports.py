"""Bulk imports: one row per committed file, and each user's saved column mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
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


class ImportClaim(SQLModel, table=True):
    """A committed file, by content and target: the second commit of the same content finds
    this row (taken in the commit's own transaction) and answers with the first batch."""

    __tablename__ = "import_claims"
    __table_args__ = (UniqueConstraint("sha256", "target", name="uq_import_claims_sha256_target"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    target: str = Field(default="buildings", max_length=32)  # what the file imports into
    batch_id: int = Field(foreign_key="import_batches.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class ImportJob(SQLModel, table=True):
    """A preview or commit run by the worker: its state, and its progress once finished.

    Live progress (rows read, checked, written) is written by the worker to a small file
    beside the upload, not to this row: on SQLite the commit holds the database's write lock
    from its duplicate check to its last insert, so no other connection could update it.
    """

    __tablename__ = "import_jobs"

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=16)  # preview | commit
    filename: str = Field(default="", max_length=255)
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    mapping: dict | None = Field(default=None, sa_column=Column(JSON))
    locale: str = Field(default="zh_Hans_CN", max_length=16)
    state: str = Field(default="queued", max_length=16)  # queued running done failed cancelled
    worker: str = Field(default="", max_length=200)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows_read: int = 0
    rows_checked: int = 0
    rows_written: int = 0
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id")
    repeated: bool = False  # the file was committed before: batch_id is that first batch
    result: dict | None = Field(default=None, sa_column=Column(JSON))  # the preview's summary
    error_code: str | None = Field(default=None, max_length=80)
    error_params: dict | None = Field(default=None, sa_column=Column(JSON))
