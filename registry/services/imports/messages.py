"""Why an import was refused or what it did, as the preview and the commit say it."""

MESSAGES: dict[str, str] = {
    "import.file_type_unknown": (
        "“{filename}” cannot be read: upload an .xlsx or .csv file (save an .xls as .xlsx first)."
    ),
    "import.file_unreadable": "“{filename}” is damaged or not a spreadsheet.",
    "import.too_many_columns": (
        "The sheet has {found} columns, more than the {max} allowed; keep only the columns to "
        "import."
    ),
    "import.too_many_rows": (
        "The sheet has {found} rows, more than the {max} one import takes; split it into "
        "several files."
    ),
    "import.cell_too_long": (
        "Row {row} has a cell of {found} characters, more than the {max} a cell may hold."
    ),
    "import.xlsx_unpacked_too_big": (
        "The file unpacks to {size_mb} MB, more than the {max_mb} MB allowed; this is not an "
        "ordinary sheet. Keep only the rows and columns to import."
    ),
    "import.xlsx_packed_too_tightly": (
        "A part of the file unpacks to {ratio} times its packed size (at most {max} allowed): "
        "it is refused as a possible zip bomb."
    ),
    "import.xlsx_too_many_parts": "The file has {found} parts; an ordinary sheet has a few.",
    "import.xlsx_size_lies": (
        "The part “{part}” unpacks to another size than the file declares; the file is damaged "
        "or forged and was not read."
    ),
    "import.job_not_found": "There is no import {id}.",
    "import.job_not_yours": "This import was started by another user.",
    "import.cancelled": "The import was cancelled; nothing was stored.",
    "import.failed": (
        "The import failed unexpectedly; nothing was stored. Try again, or tell the "
        "administrator if it fails again."
    ),
    "import.worker_lost": (
        "The import stopped when its worker did; nothing was stored. Start the import again."
    ),
    "import.no_header": (
        "No header row (such as 项目名称, 所在区（市）, 建筑面积) in the first {rows} rows."
    ),
    "import.officers_only": "Only officers and administrators can import.",
    "import.missing_columns": (
        "Required columns are missing: {columns}. Choose fields for the unrecognised columns below."
    ),
    "import.field_unknown": "“{value}” is not an import field.",
    "import.columns_share_field": (
        "Columns {columns} are all read as “{field}”: each row takes the first of them that is "
        "filled. Map one of them to another field, or ignore it."
    ),
    "import.columns_ignored": (
        "Not recognised, so ignored: {columns}. Choose a field for any that holds one."
    ),
    "import.mapping_changed": (
        "The column choices changed since this preview; check the rows again, then import."
    ),
    "import.duplicate_label_in_db": (
        "Label number “{label_number}” is already registered ({building})."
    ),
    "import.label_number_held": (
        "Label number “{label_number}” is held by another building: {building} (id "
        "{building_id}). Check the number, or correct the building it was registered on."
    ),
    "import.label_number_held_in_file": (
        "Label number “{label_number}” is on row {first_row} for another building; a label "
        "number belongs to one building."
    ),
    "import.duplicate_building_in_db": (
        "This building is already registered ({building}, id {building_id}); the row adds no "
        "record."
    ),
    "import.duplicate_building_in_file": (
        "Same building as row {first_row}; the row adds no record."
    ),
    "import.duplicate_record": "The building already has this {kind} record.",
    "import.record_on_db_building": (
        "The record is added to the registered building {building} (id {building_id})."
    ),
    "import.record_on_file_building": "The record is added to the building of row {first_row}.",
    "import.status_unknown": (
        "“{value}” is not a record status (draft, submitted, approved, published, rejected, "
        "revoked)."
    ),
    "import.published_before_approved": (
        "The publication date {date} is before the approval date {approved}."
    ),
    "import.revoked_on_required": "A revoked record needs its revocation date.",
    "import.label_conflict": (
        "Another user registered one of these label numbers meanwhile; nothing was imported. "
        "Import the file again."
    ),
    "import.upload_expired": "The uploaded file has expired; upload it again.",
    "import.nothing_new": "Nothing new in the file; nothing was changed.",
    "import.already_committed": (
        "This file was imported already (batch {batch_id}: {new_buildings} new buildings, "
        "{new_records} new records); nothing was imported again."
    ),
    "import.committed": (
        "Imported (batch {batch_id}): {new_buildings} new buildings, {new_records} new records; "
        "{duplicates} duplicate rows, {rejected} rejected rows."
    ),
}


def batch_message(batch, *, repeated: bool) -> tuple[str, dict]:
    """The (code, params) that say what a committed `ImportBatch` did, counts with thousands
    separators (its id as it is): one home for the web page, the API and the CLI."""
    counts = ("new_buildings", "new_records")
    if not repeated:
        counts += ("duplicates", "rejected")
    params = {"batch_id": batch.id, **{name: f"{getattr(batch, name):,}" for name in counts}}
    return ("import.already_committed" if repeated else "import.committed"), params
