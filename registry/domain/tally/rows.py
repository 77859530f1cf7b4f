"""A counted row: one building's contribution to one target, traceable to its record; the
order rows are listed and printed in (`row_key`); their flat tuple shape, in which a full
export reads them a batch at a time; and their digest, printed on every page and export so
that a figure can be traced to exactly the rows behind it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from registry.domain.tally.targets import TARGET_KEYS, BuildingFact


@dataclass(frozen=True)
class CountedRow:
    """One building's contribution to one target, traceable to the record behind it."""

    target: str
    building_id: int
    building_name: str
    district_code: str
    building_type: str
    record_id: int
    kind: str
    level: str
    label_number: str | None
    counted_on: date
    area_m2: float
    removed_on: date | None  # revoked within the period
    in_period: bool  # counted on a date within the period (else carried from before)


_TARGET_ORDER = {key: n for n, key in enumerate(TARGET_KEYS)}


def row_key(row: CountedRow):
    return (_TARGET_ORDER[row.target], row.counted_on, row.building_id, row.record_id)


# A counted row as a flat tuple, the shape a full export reads a batch of rows in (no object
# per row): CountedRow's fields in order, the dates as ISO text (no removal: ""), the area a
# float, `in_period` anything true or false.
FLAT_FIELDS = tuple(CountedRow.__dataclass_fields__)


def flat(row: CountedRow) -> tuple:
    """A CountedRow as its FLAT_FIELDS tuple."""
    return (
        row.target,
        row.building_id,
        row.building_name,
        row.district_code,
        row.building_type,
        row.record_id,
        row.kind,
        row.level,
        row.label_number,
        row.counted_on.isoformat(),
        float(row.area_m2),
        row.removed_on.isoformat() if row.removed_on is not None else "",
        row.in_period,
    )


def flat_key(row: tuple):
    """`row_key` of a FLAT_FIELDS tuple (ISO dates sort as the dates do)."""
    return (_TARGET_ORDER[row[0]], row[9], row[1], row[5])


def _text(value: str | None) -> str:
    """A free-text field in a digest line: tabs, newlines and backslashes escaped, so a line
    splits back into the same fields."""
    if not value:
        return ""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


_ESCAPED = ("\\", "\t", "\n", "\r")


# `_row_line` of a row whose name and label number need no escaping, by `%`: the same text
# (`%s` is `str`, as an f-string's field is for these values; `%.3f` is `:.3f`; `%d` of the
# flag is `1 if flag else 0` for the bool or 0/1 the databases give).
_LINE = "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%d\n"


def _row_line(r: tuple) -> str:
    """A FLAT_FIELDS row's digest line."""
    return (
        f"{r[0]}\t{r[1]}\t{_text(r[2])}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t"
        f"{_text(r[8])}\t{r[9]}\t{r[10]:.3f}\t{r[11]}\t{1 if r[12] else 0}\n"
    )


class Digest:
    """sha256 of the counted rows in row order (`row_key`), one tab-separated line each, then
    the new-building facts behind the prefab share in building order: fed one row at a time,
    so a streamed export computes it in constant memory."""

    def __init__(self):
        self._sha = hashlib.sha256()

    def add_row(self, row: CountedRow) -> None:
        self._sha.update(_row_line(flat(row)).encode())

    def add_flat_rows(self, rows: list[tuple]) -> None:
        """FLAT_FIELDS rows, in row order: the same lines `add_row` adds (`_row_line`)."""
        try:
            texts = "".join([r[2] + r[8] for r in rows])  # TypeError: a name or label missing
            if not any(ch in texts for ch in _ESCAPED):
                # No free text to escape or fill in (the usual case): each line by one
                # formatting of the row, a fifth cheaper than `_row_line`'s.
                self._sha.update("".join([_LINE % r for r in rows]).encode())
                return
        except TypeError:  # a name or label None, or a flag or area `%` will not format
            pass
        self._sha.update("".join(map(_row_line, rows)).encode())

    def add_new_building(self, b: BuildingFact) -> None:
        self.add_new_building_rows(
            [(b.building_id, b.completion_year, b.floor_area_m2, b.prefabricated)]
        )

    def add_new_building_rows(self, rows: list[tuple]) -> None:
        """(building id, completion year, floor area in m², prefabricated) rows, by id."""
        self._sha.update(
            "".join(
                f"prefab\t{i}\t{year}\t{area_m2:.3f}\t{1 if prefab else 0}\n"
                for i, year, area_m2, prefab in rows
            ).encode()
        )

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def digest(rows, new_buildings=()) -> str:
    """The `Digest` of these rows (in row order) and new buildings (any order)."""
    found = Digest()
    for row in rows:
        found.add_row(row)
    for b in sorted(new_buildings, key=lambda b: b.building_id):
        found.add_new_building(b)
    return found.hexdigest()
