"""Each row of an import's sheet checked on its own, for the dry run (`preview`): by this
process, or for a long sheet by this process and a forked copy at once, part by part."""

from __future__ import annotations

import os
from collections import deque
from dataclasses import replace
from datetime import date
from itertools import islice

from registry.domain.imports import files as import_files
from registry.domain.imports.rows import RowProblem, row_reader
from registry.errors import Unprocessable
from registry.services.imports import kept
from registry.services.imports.extras import check_extras
from registry.services.imports.forked import Forked, ForkedFailed, Shares

# A sheet of this many rows or more is checked by two processes at once (`_checked_by_two`)
# when the caller allows it, SHARE_ROWS at a time.
FORK_FROM_ROWS = 20_000
SHARE_ROWS = 500


def forks(rows: int) -> bool:
    """Whether work over this many rows is shared with a forked copy (`forked.Forked`): the
    dry run's check of a long sheet (`check_rows`) and the commit's events and tally rows
    (`store.write_plan`). `rows` is 0 from a caller that must not fork (a web request)."""
    return rows >= FORK_FROM_ROWS and hasattr(os, "fork")


def check_rows(table, today: date, checked: kept.Checked, *, rows_in_file: int = 0):
    """Each row's (RowResult, extras), checked on its own; kept in `checked` as they go.
    A long sheet is checked by this process and a forked copy at once (`_checked_by_two`);
    the results are the same either way: each row's check depends on that row alone."""
    read = row_reader(table.mapping, today=today)
    rows = _rows(table)
    if forks(rows_in_file):
        entries = _checked_by_two(read, table, today, rows, rows_in_file)
    else:
        entries = _checked(read, table, today, rows)
    for entry in entries:
        if entry is None:
            checked.skipped += 1
            continue
        checked.rows.append(entry)
        yield entry


def _checked_by_two(read, table, today: date, rows, rows_in_file: int):
    """`_checked`'s entries, in order, the rows checked by this process and a forked copy
    (`forked.Forked`) at once, `SHARE_ROWS` at a time, each part by whichever of the two
    takes it first (`forked.Shares`). This process also sorts each chunk against the
    database (`_classify`), and it alone loaded an XLSX sheet, so a share fixed ahead
    split the work unevenly, and differently by file kind and machine: taken as they go,
    the parts keep both busy to the end. Both read the sheet's rows from where they were
    at the fork, each passing over the other's parts; the copy sends its parts back in
    order, and this process gives each in its place."""
    shares = Shares(rows_in_file // SHARE_ROWS + 2)
    at = 0  # the part this process's reader is at

    def pass_to(number: int) -> None:
        """Pass over the parts before `number` not yet read here: the other's."""
        nonlocal at
        deque(islice(rows, (number - at) * SHARE_ROWS), maxlen=0)
        at = number

    def part_at(number: int) -> list:
        nonlocal at
        pass_to(number)
        at += 1
        return list(_checked(read, table, today, islice(rows, SHARE_ROWS)))

    def copy_parts():  # in the copy: its own reader and `at`, from the fork
        while (number := shares.take()) is not None:
            entries = part_at(number)
            yield number, entries
            if len(entries) < SHARE_ROWS:  # the sheet's end
                return

    helper = None
    given = 0  # parts given so far, in order
    try:
        helper = Forked(copy_parts, chunk_items=1)
        theirs = helper.results()
        while True:
            number = shares.take()
            mine = part_at(number) if number is not None else None
            # The copy's parts before this one (all of them, when none was left to take).
            while number is None or given < number:
                sent = next(theirs, None)
                if sent is None:
                    if number is None:  # the copy ended: the rest of the sheet is here
                        pass_to(given)
                        yield from _checked(read, table, today, rows)
                        return
                    raise ForkedFailed(f"the forked copy ended before part {given}")
                sent_number, entries = sent
                if sent_number != given:
                    raise ForkedFailed(f"the forked copy sent part {sent_number}, not {given}")
                yield from entries
                given += 1
                if len(entries) < SHARE_ROWS:  # the sheet ended in the copy's part
                    return
            yield from mine
            given += 1
            if len(mine) < SHARE_ROWS:
                return
    finally:
        if helper is not None:
            helper.stop()
        shares.close()


def _checked(read, table, today: date, rows):
    """(RowResult, extras) for each row, None for a row that is skipped (empty, a total,
    the template's example)."""
    for number, raw in rows:
        result = read(raw, number)
        if result.outcome in ("empty", "total", "example"):
            yield None
            continue
        extras = {}
        if result.outcome == "ok":
            extras, extra_problems = check_extras(raw, table.extra, result.row, today)
            if extra_problems:
                result = _with_problems(result, extra_problems)
        if result.row is None:  # refused: its name and label number, shown beside the reasons
            extras = {"identity": _identity(raw, table.mapping)}
        yield result, extras


def _identity(raw: dict, mapping: dict[str, str]) -> tuple[str, str | None]:
    """A refused row's building name and label number as written, to show beside its reasons."""
    found: dict[str, str] = {}
    for header, name in mapping.items():
        if name in ("name", "label_number") and name not in found:
            text = str(raw.get(header) or "").strip()
            if text:
                found[name] = text.removesuffix(".0")
    return found.get("name", ""), found.get("label_number")


def _rows(table):
    """The table's rows; a row over a limit (found only when read) as a `RegistryError`."""
    try:
        yield from table.rows
    except import_files.ImportFileError as error:
        raise Unprocessable(error.code, error.params) from None


def _with_problems(result, problems):
    extra = tuple(
        RowProblem(result.row_number, name, code, params, column)
        for name, (code, params, column) in problems.items()
    )
    return replace(result, outcome="invalid", row=None, problems=extra)
