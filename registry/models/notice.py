"""Settings, the holiday calendar, and objections lodged during a record's public notice."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from registry.domain.buildings.records import REASON_MAX_CHARS
from registry.models.core import utcnow

CONTACT_MAX_CHARS = 200
SOURCE_MAX_CHARS = 300


class Setting(SQLModel, table=True):
    """One administrator setting (`registry.domain.settings.SETTINGS`); absent means default."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")


class CalendarYear(SQLModel, table=True):
    """A year whose holiday arrangement is in the calendar, with where it was read from."""

    __tablename__ = "calendar_years"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    source: str = Field(max_length=SOURCE_MAX_CHARS)
    # Set when an administrator checked the days against the published notice.
    confirmed_at: datetime | None = None
    confirmed_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)


class CalendarDay(SQLModel, table=True):
    """A day the year's arrangement changes: a holiday, or a weekend day worked (调休上班)."""

    __tablename__ = "calendar_days"

    day: date = Field(primary_key=True)
    year: int = Field(foreign_key="calendar_years.year", index=True)  # the arrangement's year
    working: bool = False
    name: str = Field(default="", max_length=40)


class NoticeObjection(SQLModel, table=True):
    """An objection anyone lodged against a record under public notice."""

    __tablename__ = "notice_objections"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="certificates.id", index=True)
    reason: str = Field(max_length=REASON_MAX_CHARS)
    contact: str = Field(max_length=CONTACT_MAX_CHARS)
    lodged_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="open", max_length=16, index=True)  # open | dismissed | upheld
    resolution: str | None = Field(default=None, max_length=REASON_MAX_CHARS)
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="users.id")


class NoticeObjectionPublic(SQLModel):
    id: int
    record_id: int
    reason: str
    contact: str
    lodged_at: datetime
    status: str
    resolution: str | None
    resolved_at: datetime | None
