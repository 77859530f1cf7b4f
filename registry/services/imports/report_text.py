"""An import's report as lines of text in the reader's language: what `registry import`
prints without --json, and the reasons column of the refused rows' file.

The words are the preview page's (the vocabulary's outcome and column names, the same
catalogue entries), so a terminal and the page say the same thing of the same file.
"""

from __future__ import annotations

from registry import vocabulary
from registry.domain.imports.headers import FIELD_NAMES
from registry.domain.text import N_, NC_
from registry.i18n import bracketed, colon, gettext, labelled, pgettext
from registry.services.imports.outcomes import Preview, RowOutcome

_OTHER_LABELS = {"level": N_("Level")}  # problems about a field no single column holds
# A listed row's number and a warning's mark, for the meter import's report too.
ROW = ("import report", NC_("import report", "Row %(row)s"))
WARNING = ("import report", NC_("import report", "Warning"))
_RECORDS = N_("Records in all (on new and known buildings)")
_LISTED = ("rejected", "duplicate")  # the rows a report lists, each with its reasons


def field_name(field: str, locale: object) -> str:
    """A field's name as the preview's column choices show it."""
    return gettext(FIELD_NAMES.get(field) or _OTHER_LABELS.get(field, field), locale)


def reasons_text(row: RowOutcome, locale: object) -> str:
    """A refused row's reasons, one a line, each after the column (or field) it concerns."""
    lines = [
        labelled(problem.column or field_name(problem.field, locale), problem.message, locale)
        for problem in row.problems
    ]
    if row.note:
        lines.append(row.note)
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def report_lines(report: dict, locale: object) -> list[str]:
    """A dry run's or an import's report (`Preview.as_dict`, with its `message` once
    stored): how each column is read, the warnings, the counts, then each refused or
    duplicate row listed with its reasons."""
    preview = Preview.from_dict(report)
    lines = []
    for column in preview.mapping:
        header = _one_line(column.header)
        status = vocabulary.name("import column", column.status, locale)
        if column.status in ("read", "shared"):
            read_as = field_name(column.field, locale)
            lines.append(f"{header} → {read_as}{bracketed(status, locale)}")
        else:
            lines.append(labelled(header, status, locale))
    lines += [labelled(pgettext(*WARNING, locale), w, locale) for w in preview.warnings]
    lines += [
        labelled(name, f"{preview.counts[code]:,}", locale)
        for code, name in vocabulary.choices("import outcome", locale)
    ]
    lines.append(labelled(gettext(_RECORDS, locale), f"{preview.records:,}", locale))
    for row in preview.rows:
        if row.outcome not in _LISTED:
            continue
        where = pgettext(*ROW, locale) % {"row": row.row_number}
        outcome = vocabulary.name("import outcome", row.outcome, locale)
        who = " ".join(part for part in (row.name, row.label_number) if part)
        said = f"{where} {outcome}{bracketed(who, locale) if who else ''}"
        reasons = " ".join(_one_line(line) for line in reasons_text(row, locale).splitlines())
        lines.append("  " + (f"{said}{colon(locale)}{reasons}" if reasons else said))
    if report.get("message"):
        lines.append(report["message"])
    return lines
