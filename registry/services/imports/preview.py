"""Bulk import of buildings and records from a spreadsheet: the dry run, and saved mappings.

`preview_import` reads the file row by row and says what each row would become: a new
building, a new record on a building already known (registered, or earlier in the file),
a duplicate (same label number, or same credit code + address + name with nothing new),
or rejected, with every problem named by field in the user's language. `commit_import`
(in `import_commit`) stores what the preview accepts, in one transaction.

Decisions:
- Only officers (in their districts) and admins import; imported records were issued
  already, so they are stored as approved by the importer, through the same record rules
  and transitions as hand-entered ones. A `状态` column (as the export writes) may say
  otherwise: draft, submitted, rejected or revoked, with its dates and reason.
- A building is known by credit code + address + name, compared without spaces, case or
  full-width forms; a record without a label number repeats one with the same kind, level
  and dates on that building.
- Duplicates are checked against the database in chunks of `CHUNK_ROWS` rows, so a
  100,000-row sheet needs a few hundred queries, not one per row.
"""

from __future__ import annotations

import hashlib
from datetime import date
from itertools import islice

from sqlmodel import Session, select

from registry import collector
from registry.domain import dates
from registry.domain.imports import files as import_files
from registry.domain.imports.headers import (
    EXTRA_FIELDS,
    FIELD_NAMES,
    FIELDS,
    IGNORE,
    REQUIRED_FIELDS,
    normalise_header,
    same_target,
)
from registry.domain.text import NC_, names, quoted_names
from registry.errors import Unprocessable, ValidationFailed
from registry.i18n import render
from registry.models import ImportBatch, ImportMapping, User, utcnow
from registry.services import permissions
from registry.services.imports import checking, kept
from registry.services.imports.outcomes import ColumnMapping, Preview, Problem, RowOutcome
from registry.services.imports.plan import (
    ImportState,
    actor_facts,
    classify_chunk,
    same_lookups,
)

CHUNK_ROWS = 1000
MAX_LISTED_ROWS = 2000  # rows listed one by one in a preview; the counts cover them all
MAX_REJECTED = 10_000  # rejected rows are listed beyond that, for their reasons
REQUIRED_LABELS = {  # for headers.REQUIRED_FIELDS
    "name": NC_("import column", "project name"),
    "district_code": NC_("import column", "district"),
    "building_type": NC_("import column", "building type"),
    "floor_area_m2": NC_("import column", "floor area"),
}


def saved_mapping(*, session: Session, actor: User) -> dict[str, str]:
    """The actor's saved {normalised header: field} choices."""
    rows = session.exec(select(ImportMapping).where(ImportMapping.user_id == actor.id))
    return {row.header: row.field for row in rows}


def save_mapping(*, session: Session, actor: User, mapping: dict[str, str]) -> dict[str, str]:
    """Remember the actor's field for each header; '' or 'ignore' means skip the column."""
    permissions.require_importer(actor)
    problems = {}
    for header, name in mapping.items():
        if name and name not in (*FIELDS, *EXTRA_FIELDS, IGNORE):
            problems[str(header)] = ("import.field_unknown", {"value": str(name)})
    if problems:
        raise ValidationFailed(problems)
    existing = {
        row.header: row
        for row in session.exec(select(ImportMapping).where(ImportMapping.user_id == actor.id))
    }
    for header, name in mapping.items():
        key = normalise_header(header)
        row = existing.get(key) or ImportMapping(user_id=actor.id, header=key, field="")
        row.field, row.updated_at = name or IGNORE, utcnow()
        session.add(row)
    session.commit()
    return saved_mapping(session=session, actor=actor)


def previous_batch(*, session: Session, sha256: str) -> ImportBatch | None:
    query = select(ImportBatch).where(ImportBatch.sha256 == sha256).order_by(ImportBatch.id)
    return session.exec(query).first()


@collector.paused()  # its rows all live until it ends: see `registry.collector`
def preview_import(
    *,
    session: Session,
    actor: User,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    today: date | None = None,
    locale: object = "zh_Hans_CN",
    progress=None,
    keep_checked: bool = True,
    rows_in_file: int = 0,
) -> Preview:
    """A dry run: every row's outcome with reasons; nothing is written.

    `progress(phase, count)` (optional) hears of rows "read" and "checked" chunk by chunk;
    it may raise to stop the run. The file's rows as checked are kept for its commit
    unless `keep_checked` is false (the commit's own dry run). `rows_in_file`: about how
    many rows the file has (`bounds.count_rows`), given by the worker and the CLI, which
    count them anyway: a sheet of `checking.FORK_FROM_ROWS` or more is then checked by
    this process and a forked copy at once. A web request gives none and never forks (a
    threaded server's process is not forked).
    """
    permissions.require_importer(actor)
    unknown_fields = {
        str(header): ("import.field_unknown", {"value": str(name)})
        for header, name in (mapping or {}).items()
        if name and name not in (*FIELDS, *EXTRA_FIELDS, IGNORE)
    }
    if unknown_fields:
        raise ValidationFailed(unknown_fields)
    today = today or dates.today()
    choices = {**saved_mapping(session=session, actor=actor), **(mapping or {})}
    try:
        table = import_files.read_table(data, filename, choices)
    except import_files.ImportFileError as error:
        raise Unprocessable(error.code, error.params) from None
    preview = Preview(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        locale=locale,
        columns={**table.mapping, **table.extra},
        unknown_columns=list(table.unknown),
        header_rows=table.header_rows,
    )
    preview.mapping, preview.warnings = _column_mapping(table, locale)
    found = {f.replace("_10k", "") for f in table.mapping.values()}
    missing = [REQUIRED_LABELS[name] for name in REQUIRED_FIELDS if name not in found]
    if missing:
        columns = names("import column", missing)
        preview.file_problems.append(render("import.missing_columns", {"columns": columns}, locale))
    state = ImportState()
    key = kept.key_of(preview.sha256, filename, table.shape, today)
    last = kept.last()
    if last is not None and last.key == key:
        checked, rows = last, iter(last.rows)
    else:
        checked = kept.Checked(key, heads=table.heads)
        rows = checking.check_rows(table, today, checked, rows_in_file=rows_in_file)
    for chunk in _chunked(rows):
        _classify(session, actor, chunk, state, preview, today, progress)
    preview.skipped = checked.skipped
    if keep_checked:
        checked.run = kept.Run(preview, actor_facts(actor), state.loaded)
        kept.keep(checked)
    else:
        kept.keep(None)
    return preview


def confirmed_preview(
    *,
    session: Session,
    actor: User,
    sha256: str,
    filename: str,
    mapping: dict[str, str] | None,
    today: date,
    locale: object,
    progress=None,
) -> Preview | None:
    """The dry run this process made last, if it was of this file (same SHA-256, name,
    table shape and day), for this importer, in this language, and the database finds
    now what it found then (`plan.same_lookups`): what a dry run made now would say, row
    for row, without sorting 100,000 rows again (a commit's two seconds, issue 23); the
    rows are then let go, as by a commit's own dry run. Else None, the rows kept for the
    dry run made again."""
    last = kept.last()
    if last is None or last.run is None:
        return None
    choices = {**saved_mapping(session=session, actor=actor), **(mapping or {})}
    shape = import_files.shape_of(last.heads, choices)
    run = last.run
    if (
        shape is None
        or last.key != kept.key_of(sha256, filename, shape, today)
        or run.actor != actor_facts(actor)
        or str(run.preview.locale) != str(locale)
    ):
        return None
    rows = last.rows
    if not same_lookups(session, _chunked(rows), run.loaded):
        return None  # the rows stay, for the dry run made again
    kept.keep(None)
    if progress is not None:  # told only now: else the dry run made again counts them twice
        progress("read", len(rows))
        progress("checked", len(rows))
    return run.preview


def _chunked(entries):
    """`entries` in chunks of `CHUNK_ROWS`, taken as they come (the dry run sorts a chunk
    while its forked copy checks the rows after it); the dry run and its confirmation
    (`confirmed_preview`) chunk alike, as their look-ups are compared chunk by chunk."""
    entries = iter(entries)
    while chunk := list(islice(entries, CHUNK_ROWS)):
        yield chunk


def _column_mapping(table, locale) -> tuple[list[ColumnMapping], list[str]]:
    """Each column's field and status, and the warnings: columns sharing one field (the
    first filled cell wins, which is seldom what the sheet meant), columns not recognised."""
    read = {**table.mapping, **table.extra}
    by_target: dict[str, list[str]] = {}
    for header in table.headers:
        if read.get(header, IGNORE) != IGNORE:
            by_target.setdefault(same_target(read[header]), []).append(header)
    shared = {header for headers in by_target.values() if len(headers) > 1 for header in headers}
    mapping = []
    for header in table.headers:
        if header in read:
            status = (
                "shared" if header in shared else "ignored" if read[header] == IGNORE else "read"
            )
            mapping.append(ColumnMapping(header, read[header], status))
        elif header in table.unknown:
            mapping.append(ColumnMapping(header, IGNORE, "unknown"))
    warnings = [
        render(
            "import.columns_share_field",
            {"columns": quoted_names(headers), "field": names(None, [FIELD_NAMES[target]])},
            locale,
        )
        for target, headers in by_target.items()
        if len(headers) > 1
    ]
    if table.unknown:
        warnings.append(
            render("import.columns_ignored", {"columns": quoted_names(table.unknown)}, locale)
        )
    return mapping, warnings


def _classify(session, actor, chunk, state, preview: Preview, today: date, progress) -> None:
    if progress is not None:
        progress("read", len(chunk))
    found = classify_chunk(session=session, actor=actor, chunk=chunk, state=state, today=today)
    for done, planned in found:
        preview.counts[done.outcome] += 1
        if planned is not None:
            preview.plan.append(planned)
        listed = len(preview.rows)
        if listed >= MAX_LISTED_ROWS and not (done.outcome == "rejected" and listed < MAX_REJECTED):
            continue
        code, params = done.note or ("", {})
        preview.rows.append(
            RowOutcome(
                done.row_number,
                done.outcome,
                done.name,
                done.label_number,
                problems=[
                    Problem(
                        p.field,
                        p.code,
                        p.params,
                        p.column,
                        render(p.code, p.params, preview.locale),
                    )
                    for p in done.problems
                ],
                note=render(code, params, preview.locale) if code else "",
                building_id=done.building_id,
            )
        )
    if progress is not None:
        progress("checked", len(chunk))
