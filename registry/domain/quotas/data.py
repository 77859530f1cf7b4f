"""The quota rows the registry ships with, as transcribed from the standards.

Each row's `source` names what it was transcribed from, and its `source_status` how sure that
transcription is (FACTS below is the project's research notes on the standards, which record
each transcription and its confidence):

- ``verified-primary``: read in a full-text extraction of the standard (DB37/T 2671-2019);
- ``verified-secondary``: read in a transcription that says it checked the original
  (DB37/T 2672, 2673 and 3780, all from [S3]);
- ``derived``: inferred by FACTS from the table layout (one merged cell, see below);
- ``unverified``: recalled, no text to check against (every GB/T 51161 row).

Only rows that can apply in Qingdao are seeded: the DB37/T 2672/2673 tables split by the
DB37/5026 sub-zone and Qingdao is always 寒冷A (FACTS §5.1, §7.5), so the B rows are left
out; provincial (省级) rows are left out because Qingdao hosts no provincial body in the
pilot scope. Tables 3 (per person) and 5 (data-centre EUE) are not seeded: a simulation
has no headcount or IT load to compare them with.

A row whose levels are all None is the standard's "—": too little data to set a quota. It
is kept so the verdict can say so instead of "no row found".

Values are (constraint, baseline, guide) in the standards' own column order
(约束值 / 基准值 / 引导值); `transcribed.row` turns them into named levels.
"""

from __future__ import annotations

from registry.domain.quotas.db37_education import school_rows
from registry.domain.quotas.db37_public import government_rows, hospital_rows, venue_rows
from registry.domain.quotas.gb51161 import gb_rows
from registry.domain.quotas.verdict import QuotaRowData


def seed_rows() -> list[QuotaRowData]:
    """Every shipped quota row, in a stable order."""
    return school_rows() + government_rows() + hospital_rows() + venue_rows() + gb_rows()
