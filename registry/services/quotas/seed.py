"""Load the shipped quota rows (registry.domain.quotas.data) into the quota_rows table."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, select

from registry.domain.quotas.data import seed_rows
from registry.models import QuotaRow
from registry.services.quotas.rows import row_from_data


def seed(session: Session) -> str:
    """Add every shipped row whose key is not stored yet; never touch an existing key.

    An admin's edit is a newer version of a key, so a rerun leaves it in place.
    """
    existing = set(session.exec(select(QuotaRow.key)))
    added = [data for data in seed_rows() if data.key not in existing]
    for data in added:
        session.add(row_from_data(data))
    session.commit()
    counts = Counter(data.source_status for data in added)
    detail = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
    return f"quotas: {len(added)} added" + (f" ({detail})" if detail else "")
