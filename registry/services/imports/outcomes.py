"""What a dry run of a building import says (`preview.preview_import`): each listed row's
outcome with its problems in the reader's language, how each column is read, and the counts
of all rows; stored on an import job's row as `Preview.as_dict` and read back by
`Preview.from_dict` when its page is shown again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.domain.imports.names import OUTCOME_NAMES

OUTCOMES = tuple(OUTCOME_NAMES)  # new_building, new_record, duplicate, rejected


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict
    column: str | None
    message: str


@dataclass
class RowOutcome:
    """What one sheet row becomes; `note` explains a duplicate or an existing building."""

    row_number: int
    outcome: str  # new_building | new_record | duplicate | rejected
    name: str = ""
    label_number: str | None = None
    problems: list[Problem] = field(default_factory=list)
    note: str = ""
    building_id: int | None = None  # the registered building a new record goes to

    def as_dict(self) -> dict:
        return {
            "row": self.row_number,
            "outcome": self.outcome,
            "name": self.name,
            "label_number": self.label_number,
            "note": self.note,
            "building_id": self.building_id,
            "problems": [
                {"field": p.field, "column": p.column, "code": p.code, "message": p.message}
                for p in self.problems
            ],
        }


@dataclass(frozen=True)
class ColumnMapping:
    """How one column of the sheet is read: `field` (or IGNORE) and why.

    status: "read" (one column, one field), "shared" (another column feeds the same field),
    "ignored" (mapped to IGNORE, as 序号 is) or "unknown" (not recognised, so ignored).
    """

    header: str
    field: str
    status: str

    def as_dict(self) -> dict:
        return {"header": self.header, "field": self.field, "status": self.status}


@dataclass
class Preview:
    """The dry run of a file: its columns, each row's outcome and the counts."""

    filename: str
    sha256: str
    locale: str
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    unknown_columns: list[str] = field(default_factory=list)
    mapping: list[ColumnMapping] = field(default_factory=list)  # every column, in sheet order
    warnings: list[str] = field(default_factory=list)  # columns sharing a field, ignored
    header_rows: tuple[int, ...] = ()
    file_problems: list[str] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)  # at most MAX_LISTED_ROWS
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    skipped: int = 0  # empty and total rows
    plan: list = field(default_factory=list, repr=False)  # `PlannedRow`s for the commit
    # A preview stored by an import job keeps its plan's record count, not the plan.
    stored_records: int | None = None

    @property
    def accepted(self) -> int:
        return self.counts["new_building"] + self.counts["new_record"]

    @property
    def records(self) -> int:
        """Records the import adds, on new and on known buildings (the banner's count)."""
        if self.stored_records is not None and not self.plan:
            return self.stored_records
        return sum(1 for planned in self.plan if planned.row.kind)

    @property
    def rows_total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "columns": self.columns,
            "unknown_columns": self.unknown_columns,
            "mapping": [column.as_dict() for column in self.mapping],
            "warnings": self.warnings,
            "header_rows": list(self.header_rows),
            "file_problems": self.file_problems,
            "counts": dict(self.counts),
            "records": self.records,
            "skipped": self.skipped,
            "rows_total": self.rows_total,
            "rows": [row.as_dict() for row in self.rows],
            "rows_listed_all": len(self.rows) == self.rows_total,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Preview:
        """A preview as `as_dict` stored it (on an import job's row), as the pages render it:
        the rows as listed, the counts of all, no plan."""
        preview = cls(
            filename=data["filename"],
            sha256=data["sha256"],
            locale=data.get("locale", "zh_Hans_CN"),
            columns=dict(data["columns"]),
            unknown_columns=list(data["unknown_columns"]),
            header_rows=tuple(data["header_rows"]),
            file_problems=list(data["file_problems"]),
            counts=dict(data["counts"]),
            skipped=data["skipped"],
            mapping=[
                ColumnMapping(column["header"], column["field"], column["status"])
                for column in data.get("mapping", [])
            ],
            warnings=list(data.get("warnings", [])),
            stored_records=data.get("records"),
        )
        preview.rows = [
            RowOutcome(
                row["row"],
                row["outcome"],
                row["name"],
                row["label_number"],
                problems=[
                    Problem(p["field"], p["code"], {}, p["column"], p["message"])
                    for p in row["problems"]
                ],
                note=row["note"],
                building_id=row["building_id"],
            )
            for row in data["rows"]
        ]
        return preview
