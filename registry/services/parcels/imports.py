"""Parcels imported from a spreadsheet: a dry run that reads every row and gives each
problem by row and field, and a commit that records every parcel in one transaction (none
when any row has a problem: the dry run says which to correct)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from registry.domain.imports.files import ImportFileError, raw_sheets
from registry.domain.parcels import sheet
from registry.domain.parcels.fields import parse_parcel
from registry.errors import PermissionDenied, RegistryError, Unprocessable, ValidationFailed
from registry.i18n import gettext, render
from registry.models import Parcel, User
from registry.services import permissions
from registry.services.parcels import parcels as parcel_service

MAX_ROWS = 5000


@dataclass
class RowOutcome:
    row: int
    number: str
    problems: dict[str, tuple[str, dict]] = field(default_factory=dict)


@dataclass
class ImportOutcome:
    rows: list[RowOutcome]
    committed: bool = False

    @property
    def problem_rows(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.problems]


def field_name(field: str, locale: object) -> str:
    """A refused field as the reader names it, by the parcel form's labels: a condition's own
    field ("min_star.document_date") is the condition's name, then the field's."""
    return " · ".join(
        gettext(sheet.FIELD_NAMES[part], locale) if part in sheet.FIELD_NAMES else part
        for part in field.split(".")
    )


def problem_lines(outcome: ImportOutcome, locale: object) -> list[tuple[int, str, str, str]]:
    """(sheet row, parcel number, field name, reason) of every problem, in sheet order."""
    return [
        (row.row, row.number, field_name(field, locale), render(code, params, locale))
        for row in outcome.problem_rows
        for field, (code, params) in row.problems.items()
    ]


def _read(data: bytes, filename: str) -> list[tuple[int, dict]]:
    try:
        sheets = raw_sheets(data, filename)
    except ImportFileError as exc:
        raise Unprocessable(exc.code, exc.params) from None
    for _name, raw in sheets:
        columns, rows = sheet.parcel_rows(raw)
        if columns:
            found = []
            for item in rows:
                found.append(item)
                if len(found) > MAX_ROWS:
                    raise RegistryError("parcel.too_many_rows", {"max": MAX_ROWS})
            return found
    raise ValidationFailed({"number": ("parcel.number_required", {})})


def import_parcels(
    *, session: Session, actor: User, data: bytes, filename: str, dry_run: bool = True
) -> ImportOutcome:
    """Check every row (dry run), or record them all: nothing is written when any row has
    a problem, or on a dry run."""
    permissions.require_importer(actor)
    rows = _read(data, filename)
    outcomes: list[RowOutcome] = []
    seen: dict[str, int] = {}
    planned = []
    for number, cells in rows:
        parcel_raw, conditions = sheet.split_row(cells)
        fields, problems = parse_parcel(parcel_raw)
        _, condition_problems = parcel_service.condition_rows(conditions)
        problems.update(condition_problems)
        key = fields.get("number", str(parcel_raw.get("number") or ""))
        if "number" in fields:
            if key in seen:
                problems["number"] = ("parcel.number_repeated", {"row": seen[key]})
            elif session.exec(select(Parcel.id).where(Parcel.number == key)).first():
                problems["number"] = ("parcel.number_taken", {"number": key})
            seen.setdefault(key, number)
        district = fields.get("district_code")
        if district and not permissions.can_edit_parcel(actor, district):
            problems["district_code"] = ("permission.district", {"districts": actor.districts})
        outcomes.append(RowOutcome(number, key, problems))
        planned.append((parcel_raw, conditions))
    outcome = ImportOutcome(outcomes)
    if dry_run or outcome.problem_rows or not outcomes:
        return outcome
    try:
        for parcel_raw, conditions in planned:
            parcel_service.add_parcel(
                session=session, actor=actor, data=parcel_raw, conditions=conditions, commit=False
            )
        session.commit()
    except (ValidationFailed, PermissionDenied):
        session.rollback()
        raise
    outcome.committed = True
    return outcome
