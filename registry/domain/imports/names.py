"""What a reader calls an import's row outcomes and the ways a column is read: the words of
the preview page, the import's job page and `registry import`'s report (`registry.vocabulary`
looks them up)."""

from __future__ import annotations

from registry.domain.text import NC_

# In the order the counts are shown.
OUTCOME_NAMES: dict[str, str] = {
    "new_building": NC_("import outcome", "New building"),
    "new_record": NC_("import outcome", "New record on a known building"),
    "duplicate": NC_("import outcome", "Duplicate row"),
    "rejected": NC_("import outcome", "Refused row"),
}

# How a column is read (services.imports.outcomes.ColumnMapping.status).
COLUMN_STATUS_NAMES: dict[str, str] = {
    "read": NC_("import column", "Read"),
    "shared": NC_("import column", "Shares its field with another column"),
    "ignored": NC_("import column", "Ignored"),
    "unknown": NC_("import column", "Not recognised: ignored"),
}
