"""One batch of a full export's counted rows as each format writes it: the records table's
cells, CSV lines, the API's JSON texts and sheet XML (`exports` streams them).

Each code's display name is looked up once per export (`Names`), and each format's pieces
written once per code; a row's own free text (building name, label number) is the only text
escaped per row. The writers are the hot path of a million-row export, so each batch is
written by one comprehension over plain tuples.
"""

from __future__ import annotations

import csv
import io
import json
import re

from registry import vocabulary
from registry.documents.streaming import RenderedRows, SharedStrings, cell
from registry.domain.imports.normalise import FORMULA_START, formula_safe
from registry.i18n import Locale
from registry.services.tally.tables import TABLE_DECIMALS


class Lookup(dict):
    """Code -> display name, each asked of `name_of` once."""

    def __init__(self, name_of):
        super().__init__()
        self._name_of = name_of

    def __missing__(self, code):
        self[code] = found = self._name_of(code)
        return found


class Names:
    """Display names of a row's codes, looked up once per code."""

    def __init__(self, targets: dict[str, str], locale: Locale):
        self.targets = targets
        self.districts = Lookup(lambda code: vocabulary.district(code, locale))
        self.types = Lookup(lambda code: vocabulary.building_type(code, locale))
        self.kinds = Lookup(lambda code: vocabulary.record_kind(code, locale))
        self.levels = Lookup(lambda kind_level: vocabulary.record_level(*kind_level, locale))


def record_cells(batch: list[tuple], names: Names) -> list[list]:
    """`counted.FLAT_FIELDS` rows as `tables.tables`' records table has them; the free
    text kept from being read as a formula (the names are the registry's own)."""
    targets, districts, types = names.targets, names.districts, names.types
    kinds, levels, decimals = names.kinds, names.levels, TABLE_DECIMALS
    return [
        [
            targets[target],
            building_id,
            "'" + name if name.startswith(FORMULA_START) else name,  # as formula_safe
            districts[district],
            types[type_code],
            record_id,
            kinds[kind],
            levels[(kind, level)],
            "'" + label if label.startswith(FORMULA_START) else label,
            counted_on,
            round(area_m2, decimals),
            removed_on,
        ]
        for (
            target,
            building_id,
            name,
            district,
            type_code,
            record_id,
            kind,
            level,
            label,
            counted_on,
            area_m2,
            removed_on,
            _in_period,
        ) in batch
    ]


_quote = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C)


class JsonWords:
    """Each code's JSON pieces, written once per code: a row quotes only its free text."""

    def __init__(self, names: Names):
        self.targets = Lookup(
            lambda code: f'"target": {_quote(code)}, "target_name": {_quote(names.targets[code])}'
        )
        self.districts = Lookup(
            lambda code: (
                f'"district_code": {_quote(code)}, "district_name": '
                + _quote(names.districts[code])
            )
        )
        self.types = Lookup(lambda code: _quote(names.types[code]))
        self.kinds = Lookup(lambda code: _quote(names.kinds[code]))
        self.levels = Lookup(lambda kind_level: _quote(names.levels[kind_level]))


def json_rows(batch: list[tuple], words: JsonWords) -> list[str]:
    """Rows as `presented.context` puts them in the JSON, as JSON text (written out: a dict
    and the encoder per row were most of a streamed row's cost)."""
    targets, districts, types = words.targets, words.districts, words.types
    kinds, levels = words.kinds, words.levels
    return [
        f"{{{targets[target]}, "
        f'"building_id": {building_id}, "building_name": {_quote(name)}, '
        f"{districts[district]}, "
        f'"building_type": {types[type_code]}, '
        f'"record_id": {record_id}, "kind": {kinds[kind]}, '
        f'"level": {levels[(kind, level)]}, '
        f'"label_number": {_quote(label)}, '
        f'"counted_on": "{counted_on}", "area_m2": {area_m2!r}, '
        f'"removed_on": "{removed_on}", "in_period": {"true" if in_period else "false"}}}'
        for (
            target,
            building_id,
            name,
            district,
            type_code,
            record_id,
            kind,
            level,
            label,
            counted_on,
            area_m2,
            removed_on,
            in_period,
        ) in batch
    ]


def _csv_field(text: str) -> str:
    """A text as the csv module writes it in a row (quoted when it must be)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


class CsvWords:
    """Each code's display name as a CSV field, written once per code."""

    def __init__(self, names: Names):
        self.targets = Lookup(lambda code: _csv_field(names.targets[code]))
        self.districts = Lookup(lambda code: _csv_field(names.districts[code]))
        self.types = Lookup(lambda code: _csv_field(names.types[code]))
        self.kinds = Lookup(lambda code: _csv_field(names.kinds[code]))
        self.levels = Lookup(lambda kind_level: _csv_field(names.levels[kind_level]))


_CSV_QUOTED = (",", '"', "\r", "\n")
_QUOTE = "'"  # before a text read as a formula (formula_safe)


def csv_rows(batch: list[tuple], names: Names, words: CsvWords) -> str | list[list]:
    """A batch as the records table's CSV lines, written out when no name or label needs
    quoting (the usual case; the same text csv.writer gives); else its cells for the writer."""
    texts = "".join([f"{row[2]}{row[8]}" for row in batch])
    if any(ch in texts for ch in _CSV_QUOTED):
        return record_cells(batch, names)
    targets, districts, types = words.targets, words.districts, words.types
    kinds, levels, decimals = words.kinds, words.levels, TABLE_DECIMALS
    return "".join(
        [
            f"{targets[target]},{building_id},"
            f"{_QUOTE + name if name.startswith(FORMULA_START) else name},"
            f"{districts[district]},{types[type_code]},{record_id},{kinds[kind]},"
            f"{levels[(kind, level)]},"
            f"{_QUOTE + label if label.startswith(FORMULA_START) else label},"
            f"{counted_on},{round(area_m2, decimals)!r},{removed_on}\r\n"
            for (
                target,
                building_id,
                name,
                district,
                type_code,
                record_id,
                kind,
                level,
                label,
                counted_on,
                area_m2,
                removed_on,
                _in_period,
            ) in batch
        ]
    )


class Cells:
    """Each code's display name, and each date, as a sheet cell naming its shared string
    (`streaming.SharedStrings`), rendered once: a year has a few hundred distinct dates
    and a few dozen words, written on every one of a million rows."""

    def __init__(self, names: Names, shared: SharedStrings):
        text = shared.cell
        self.targets = Lookup(lambda code: text(names.targets[code]))
        self.districts = Lookup(lambda code: text(names.districts[code]))
        self.types = Lookup(lambda code: text(names.types[code]))
        self.kinds = Lookup(lambda code: text(names.kinds[code]))
        self.levels = Lookup(lambda kind_level: text(names.levels[kind_level]))
        self.dates = Lookup(text)  # ISO text; "" (not removed) an empty cell


_XML_ESCAPED = ("&", "<", ">")
_SPACE = re.compile(r"\s")


# A batch's names and labels, each written "\x01name\x00label", are written as they are
# unless they hold markup or a space (anywhere: one search is cheaper than finding the ends)
# or one starts as a formula does. Two searches with no alternation: each runs at the speed
# of a scan. (An empty label, as every retrofit has, is an empty cell in either path.)
_XLSX_MARKUP_OR_SPACE = re.compile(r"[&<>\s]")
_XLSX_FORMULA = re.compile("[\x00\x01][" + "".join(re.escape(ch) for ch in FORMULA_START) + "]")


_INLINE, _END, _EMPTY = '<c t="inlineStr"><is><t>', "</t></is></c>", "<c/>"


def xlsx_rows(batch: list[tuple], cells: Cells) -> RenderedRows:
    """Rows as the records sheet has them (the cells `record_cells` gives: the free text
    inline, as `cell` writes it, the words and dates as shared strings), as one piece of
    sheet XML. When no name or label in the batch needs more than writing as it is (the
    usual case), one template a row; else `_xlsx_rows_checked`."""
    texts = "".join([f"\x01{row[2]}\x00{row[8]}" for row in batch])
    if _XLSX_MARKUP_OR_SPACE.search(texts) or _XLSX_FORMULA.search(texts):
        return _xlsx_rows_checked(batch, cells)
    targets, districts, types = cells.targets, cells.districts, cells.types
    kinds, levels, dates, decimals = cells.kinds, cells.levels, cells.dates, TABLE_DECIMALS
    return RenderedRows(
        "".join(
            [
                f'<row>{targets[target]}<c><v>{building_id}</v></c><c t="inlineStr"><is><t>'
                f"{name}</t></is></c>{districts[district]}{types[type_code]}"
                f"<c><v>{record_id}</v></c>{kinds[kind]}{levels[(kind, level)]}"
                f"{_INLINE + label + _END if label else _EMPTY}"
                f'{dates[counted_on]}<c s="2"><v>{round(area_m2, decimals)!r}</v></c>'
                f"{dates[removed_on]}</row>"
                for (
                    target,
                    building_id,
                    name,
                    district,
                    type_code,
                    record_id,
                    kind,
                    level,
                    label,
                    counted_on,
                    area_m2,
                    removed_on,
                    _in_period,
                ) in batch
            ]
        )
    )


def _xlsx_rows_checked(batch: list[tuple], cells: Cells) -> RenderedRows:
    """`xlsx_rows`, each name and label checked: written inline when none in the batch
    needs escaping or keeping its spaces, else through `cell`."""
    texts = "".join([f"{row[2]}{row[8]}" for row in batch])
    ends = "".join([f"{row[2][:1]}{row[2][-1:]}{row[8][:1]}{row[8][-1:]}" for row in batch])
    plain = not any(ch in texts for ch in _XML_ESCAPED) and not _SPACE.search(ends)
    targets, districts, types = cells.targets, cells.districts, cells.types
    kinds, levels, dates, decimals = cells.kinds, cells.levels, cells.dates, TABLE_DECIMALS
    inline, end = _INLINE, _END
    return RenderedRows(
        "".join(
            [
                f"<row>{targets[target]}<c><v>{building_id}</v></c>"
                + (
                    f"{inline}{_QUOTE + name if name.startswith(FORMULA_START) else name}{end}"
                    if plain
                    else cell(formula_safe(name))
                )
                + f"{districts[district]}{types[type_code]}<c><v>{record_id}</v></c>"
                f"{kinds[kind]}{levels[(kind, level)]}"
                + (
                    (
                        f"{inline}{_QUOTE + label if label.startswith(FORMULA_START) else label}"
                        f"{end}"
                        if label
                        else "<c/>"
                    )
                    if plain
                    else cell(formula_safe(label))
                )
                + f'{dates[counted_on]}<c s="2"><v>{round(area_m2, decimals)!r}</v></c>'
                f"{dates[removed_on]}</row>"
                for (
                    target,
                    building_id,
                    name,
                    district,
                    type_code,
                    record_id,
                    kind,
                    level,
                    label,
                    counted_on,
                    area_m2,
                    removed_on,
                    _in_period,
                ) in batch
            ]
        )
    )
