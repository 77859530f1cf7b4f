"""Where a number comes from, as a reader of a printed document can look it up.

A quota row, a conversion factor or a validity rule keeps its full provenance (the file it
was transcribed from, the commit, the research notes) for the administrator who checks it
against the printed standard. A check page, its PDF and the CLI print a citation instead:
the standard, its table, the row as the standard names it, and how sure the value is, in
words ("DB37/T 2672-2019 表1（市级党政机关）· 来源状态：已核实（转引）"). No URL, commit or
internal key reaches those documents.
"""

from __future__ import annotations

from registry import vocabulary
from registry.i18n import LIST_SEPARATOR, gettext, pgettext


def table_name(table_ref: str | None, locale: object) -> str:
    """A standard's table in the reader's language ("表1" / "Table 1")."""
    return vocabulary.standard_table(table_ref, locale)


def _composed_label(row: dict, locale: object) -> str:
    """The row described in the vocabulary's words (for readers of a language the standard's
    own row names are not in)."""
    parts = []
    subs = row.get("sub_types") or []
    if subs:
        parts.append(" / ".join(vocabulary.sub_type(row["building_type"], s, locale) for s in subs))
    else:
        parts.append(vocabulary.building_type(row.get("building_type"), locale))
    if row.get("hvac_class"):
        parts.append(vocabulary.hvac_class(row["hvac_class"], locale))
    if row.get("heating_type"):
        parts.append(vocabulary.heating_type(row["heating_type"], locale))
    return pgettext(*LIST_SEPARATOR, locale).join(p for p in parts if p)


def quota_row_citation(row: dict, locale: object) -> str:
    """A quota row (the dict of `services.quotas.indicators`) as a citation without status:
    its standard, table and the row in the vocabulary's words ("DB37/T 2672-2019 表1（市级以下
    党政机关）"), so a reader finds the printed row and no key or transcription note shows."""
    head = " ".join(p for p in (row.get("standard"), table_name(row.get("table"), locale)) if p)
    label = _composed_label(row, locale)
    if not label:
        return head
    return gettext("{citation} ({row})", locale).format(citation=head, row=label)


def with_status(citation: str, status: str | None, locale: object) -> str:
    """A citation followed by its source status in words."""
    if not status:
        return citation
    status_name = vocabulary.source_status_name(status, locale)
    if not citation:
        return gettext("Source status: {status}", locale).format(status=status_name)
    return gettext("{citation} · Source status: {status}", locale).format(
        citation=citation, status=status_name
    )


def factor_citation(factor: dict, locale: object) -> str:
    """A conversion factor's citation: its standard and table (Factor.standard/.table)."""
    table = table_name(factor.get("table"), locale)
    return " ".join(p for p in (factor.get("standard"), table) if p)
