"""Bulk import of meter data: the monitoring platform's export (CSV/XLSX) into measured years.

Same shape as the building import: a dry run reports each row's outcome and reasons; the
commit stores every accepted building-year in one transaction, with one import batch and
one audit event per stored year, or stores nothing. Monthly rows of a building-year are
summed; a year missing months is stored and flagged incomplete (never judged). A year that
already has data gets a new version; the old one is superseded, never overwritten. The
commit is `metered.import_commit`'s.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from registry.domain.imports.files import HEADER_SEARCH_ROWS, ImportFileError, raw_sheets
from registry.domain.imports.headers import normalise_header
from registry.domain.imports.normalise import is_blank
from registry.domain.metered import sheet
from registry.domain.metered.energy import CONTEXT_FIELDS, ENERGY_FIELDS, MeasuredYear, sum_months
from registry.domain.text import quoted_names
from registry.errors import Unprocessable
from registry.i18n import locale_of, render
from registry.models import Building, User
from registry.services import permissions

CHUNK = 900  # under SQLite's 999 bound parameters
MAX_LISTED = 500  # rejected rows listed in full; the counts cover the rest
TARGET = "metered"  # the claim's target: one file may feed the building import and this one
PROGRESS_ROWS = 500  # rows between two reports to `progress` while reading and checking


@dataclass
class MeterImport:
    filename: str
    sha256: str
    columns: dict[str, str] = field(default_factory=dict)
    rows_total: int = 0
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    years: list[dict] = field(default_factory=list)
    plan: list[tuple[Building, MeasuredYear]] = field(default_factory=list, repr=False)
    links: dict[int, str] = field(default_factory=dict)  # building id -> platform code learnt
    repeated: bool = False  # committed before: the batch is that first one, nothing stored
    warnings: list[str] = field(default_factory=list)  # about the columns, in the locale

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "columns": self.columns,
            "counts": {
                "rows": self.rows_total,
                "accepted": self.accepted,
                "rejected": self.rejected_count,
                "years": len(self.years),
                "incomplete_years": sum(1 for y in self.years if not y["complete"]),
                "platform_codes_learnt": len(self.links),
            },
            "rows": self.rejected,
            "years": self.years,
            "repeated": self.repeated,
            "warnings": self.warnings,
        }


def _table(data: bytes, filename: str):
    for _name, rows in raw_sheets(data, filename):
        rows = iter(rows)
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        for index, cells in enumerate(head):
            mapping = sheet.map_headers(list(cells))
            if sheet.is_header(mapping):
                rest = itertools.chain(head[index + 1 :], rows)
                headers = {i: str(cells[i]) for i in mapping}
                unknown = [
                    str(cell).strip()
                    for i, cell in enumerate(cells)
                    if i not in mapping and not is_blank(cell) and sheet.field_for(cell) is None
                ]
                return mapping, headers, unknown, rest, index + 2
    raise ImportFileError("metered.import.no_columns", {})


def _column_warnings(fields: set[str], unknown: list[str], locale) -> list[str]:
    """What the officer should know about the columns before confirming: those not read,
    and a sheet with no electricity column, whose years are stored but not judged on the
    indicators that need electricity (domain.metered.account)."""
    warnings = []
    if unknown:
        columns = quoted_names(unknown)
        warnings.append(render("metered.import.columns_ignored", {"columns": columns}, locale))
    if "electricity_kwh" not in fields:
        warnings.append(render("metered.import.no_electricity_column", {}, locale))
    return warnings


def in_chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _buildings(session: Session, rows: list[sheet.MeterRow]) -> tuple[dict, dict, dict]:
    ids = {r.building_id for r in rows if r.building_id}
    codes = {r.platform_code for r in rows if r.platform_code}
    credits = {r.credit_code for r in rows if r.credit_code and not r.building_id}
    by_id, by_code, by_credit = {}, {}, {}
    for chunk in in_chunks(ids):
        for b in session.execute(select(Building).where(Building.id.in_(chunk))).scalars():
            by_id[b.id] = b
    for chunk in in_chunks(codes):
        for b in session.execute(
            select(Building).where(Building.platform_code.in_(chunk))
        ).scalars():
            by_code.setdefault(b.platform_code, []).append(b)
    for chunk in in_chunks(credits):
        query = select(Building).where(Building.owner_credit_code.in_(chunk))
        for b in session.execute(query).scalars():
            by_credit.setdefault(b.owner_credit_code, []).append(b)
    return by_id, by_code, by_credit


def _match(row: sheet.MeterRow, by_id, by_code, by_credit) -> tuple[Building | None, tuple]:
    if row.building_id:
        found = by_id.get(row.building_id)
        return found, () if found else ("metered.import.no_building", {})
    if row.platform_code:
        found = by_code.get(row.platform_code, [])
        if len(found) == 1:
            return found[0], ()
        if len(found) > 1:
            return None, ("metered.import.building_ambiguous", {"count": len(found)})
    if row.credit_code and row.name:
        wanted = normalise_header(row.name)
        found = [
            b for b in by_credit.get(row.credit_code, []) if normalise_header(b.name) == wanted
        ]
        if len(found) == 1:
            return found[0], ()
        if len(found) > 1:
            return None, ("metered.import.building_ambiguous", {"count": len(found)})
    return None, ("metered.import.no_building", {})


def report_progress(progress, phase: str, count: int) -> None:
    if progress is not None and count:
        progress(phase, count)


def preview_meter_import(
    *,
    session: Session,
    actor: User,
    data: bytes,
    filename: str,
    locale: object = "zh_Hans_CN",
    progress=None,
) -> MeterImport:
    """What each row would become; nothing is written. `ImportFileError` when unreadable.

    `progress(phase, count)` (optional) is told the rows read and checked as they go; it
    may raise to stop the run."""
    permissions.require_importer(actor)
    locale = locale_of(locale)
    result = MeterImport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    parsed: list[sheet.MeterRow] = []
    # A file, not a row, is wrong (unreadable, or over a limit found while reading): say so,
    # write nothing.
    try:
        mapping, headers, unknown, rest, first = _table(data, filename)
        result.columns = {headers[i]: name for i, name in mapping.items()}
        result.warnings = _column_warnings(set(mapping.values()), unknown, locale)
        for number, cells in enumerate(rest, start=first):
            values = {name: cells[i] if i < len(cells) else None for i, name in mapping.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue
            parsed.append(sheet.parse_row(number, values))
            if len(parsed) % PROGRESS_ROWS == 0:
                report_progress(progress, "read", PROGRESS_ROWS)
    except ImportFileError as error:
        raise Unprocessable(error.code, error.params) from None
    result.rows_total = len(parsed)
    report_progress(progress, "read", len(parsed) % PROGRESS_ROWS)
    by_id, by_code, by_credit = _buildings(session, [r for r in parsed if not r.problems])

    def reject(row: sheet.MeterRow, problems) -> None:
        result.rejected_count += 1
        if len(result.rejected) < MAX_LISTED:
            result.rejected.append(
                {
                    "row": row.number,
                    "outcome": "rejected",
                    "building_id": row.building_id,
                    "year": row.year,
                    "month": row.month,
                    "problems": [
                        {"field": f, "code": c, "message": render(c, p, locale)}
                        for f, c, p in problems
                    ],
                }
            )

    groups: dict[tuple[int, int], list[sheet.MeterRow]] = {}
    buildings: dict[int, Building] = {}
    for index, row in enumerate(parsed, start=1):
        if index % PROGRESS_ROWS == 0:
            report_progress(progress, "checked", PROGRESS_ROWS)
        if row.problems:
            reject(row, row.problems)
            continue
        building, problem = _match(row, by_id, by_code, by_credit)
        if building is None:
            reject(row, [("building_id", *problem)])
            continue
        if not permissions.can_enter_energy(actor, building):
            reject(row, [("building_id", "metered.import.not_permitted", {})])
            continue
        if row.building_id and row.platform_code:
            # A row naming both learns the platform's code for the building, once.
            known = result.links.get(building.id, building.platform_code)
            holders = [b.id for b in by_code.get(row.platform_code, []) if b.id != building.id]
            holders += [
                i for i, c in result.links.items() if c == row.platform_code and i != building.id
            ]
            if (known and known != row.platform_code) or holders:
                reject(
                    row,
                    [
                        (
                            "platform_code",
                            "metered.import.platform_code_differs",
                            {"code": row.platform_code, "known": known or holders[0]},
                        )
                    ],
                )
                continue
            if not known:
                result.links[building.id] = row.platform_code
        buildings[building.id] = building
        groups.setdefault((building.id, row.year), []).append(row)

    for (building_id, year), rows in groups.items():
        monthly = [r for r in rows if r.month]
        annual = [r for r in rows if not r.month]
        if monthly and annual:
            for r in rows:
                reject(
                    r,
                    [("month", "metered.import.mixed", {"building": building_id, "year": year})],
                )
            continue
        kept: list[sheet.MeterRow] = []
        seen: set = set()
        for r in rows:
            if r.month in seen or (r.month is None and kept):
                reject(
                    r,
                    [
                        (
                            "month",
                            "metered.import.month_repeated",
                            {"month": r.month or "-", "year": year},
                        )
                    ],
                )
                continue
            seen.add(r.month)
            kept.append(r)
        context = {}
        for r in kept:
            context.update({n: r.values[n] for n in CONTEXT_FIELDS if r.values.get(n) is not None})
        source = kept[-1].source
        if monthly:
            months = {
                r.month: {n: r.values[n] for n in ENERGY_FIELDS if r.values.get(n) is not None}
                for r in kept
            }
            measured = sum_months(year, months, source=source, **context)
        else:
            energy = {n: kept[0].values.get(n) for n in ENERGY_FIELDS}
            measured = MeasuredYear(year=year, source=source, **energy, **context)
        result.accepted += len(kept)
        result.plan.append((buildings[building_id], measured))
        result.years.append(
            {
                "building_id": building_id,
                "year": year,
                "monthly": measured.monthly,
                "complete": measured.complete,
                "missing_months": measured.missing_months,
                "rows": [r.number for r in kept],
            }
        )
    report_progress(progress, "checked", len(parsed) % PROGRESS_ROWS)
    return result
