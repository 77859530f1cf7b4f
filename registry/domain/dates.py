"""The bureau's clock and its one date parser.

Every date the registry decides (an approval's date, "today" for validation, a tally's year
boundaries) is a date in Qingdao: China Standard Time, UTC+8 all year. Instants are stored in
UTC and turned into the bureau's time only to decide a date or to show a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from registry.domain.text import NC_

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    """This instant, timezone-aware in UTC (how instants are stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Qingdao."""
    return datetime.now(BUREAU_TZ).date()


def bureau_time(instant: datetime) -> datetime:
    """An instant in the bureau's time zone; a naive instant is taken to be UTC (SQLite
    returns stored UTC instants without their zone)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BUREAU_TZ)


def bureau_date(instant: datetime) -> date:
    """The date in Qingdao at an instant."""
    return bureau_time(instant).date()


# How the bureau's zone is named beside a time shown to people.
ZONE_NAME = NC_("time zone", "Beijing time")


def shown(instant: datetime | None, *, seconds: bool = False) -> str:
    """An instant as people read it: the bureau's wall-clock time, "YYYY-MM-DD HH:MM[:SS]".

    The one formatter for times on pages, PDFs, exports, CLI text and API fields meant for
    people; "" for None. The zone is named once beside it (`ZONE_NAME`)."""
    if instant is None:
        return ""
    return bureau_time(instant).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def parse_iso_date(value) -> date | None:
    """A date from a date or an ISO string (YYYY-MM-DD); None for blank; ValueError otherwise.

    Spreadsheet cells, which hold many more forms, are read by `domain.imports.normalise`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        raise ValueError(f"expected a date, got an instant: {value!r}")
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())
