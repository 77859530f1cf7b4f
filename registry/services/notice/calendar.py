"""The holiday calendar as data: seeded from the State Council's notices, kept by admins.

`notice_period` is what the review steps call; a year nobody entered is refused with a
message naming it, never guessed.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from registry.domain.notice import calendar as rules
from registry.domain.notice.seed import HOLIDAY_ARRANGEMENTS
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import CalendarDay, CalendarYear, User, utcnow
from registry.models.notice import SOURCE_MAX_CHARS
from registry.services import permissions
from registry.services.audit import record_event

_YEAR_SPAN = 1  # a notice arrangement's days lie in its year or the last days of the one before


def seed(session: Session) -> str:
    """Add the seeded years that are not in the table; an admin's years are left alone."""
    existing = set(session.exec(select(CalendarYear.year)))
    added = []
    for year, (source, holidays, workdays) in sorted(HOLIDAY_ARRANGEMENTS.items()):
        if year in existing:
            continue
        session.add(CalendarYear(year=year, source=source))
        session.flush()
        for first, last, name in holidays:
            day = first
            while day <= last:
                session.add(CalendarDay(day=day, year=year, working=False, name=name))
                day += timedelta(days=1)
        for day, name in workdays:
            session.add(CalendarDay(day=day, year=year, working=True, name=name))
        added.append(str(year))
    session.commit()
    return (
        f"holiday calendar: added {', '.join(added)}" if added else "holiday calendar: up to date"
    )


def load(*, session: Session, first: date, last: date) -> rules.Calendar:
    """The calendar covering `first`..`last` (as much of it as is maintained)."""
    years = set(
        session.exec(
            select(CalendarYear.year).where(
                CalendarYear.year >= first.year - _YEAR_SPAN, CalendarYear.year <= last.year + 1
            )
        )
    )
    rows = session.exec(
        select(CalendarDay).where(
            CalendarDay.day >= date(first.year - _YEAR_SPAN, 1, 1),
            CalendarDay.day <= date(last.year + 1, 12, 31),
        )
    )
    holidays, workdays = set(), set()
    for row in rows:
        (workdays if row.working else holidays).add(row.day)
    return rules.Calendar(frozenset(years), frozenset(holidays), frozenset(workdays))


def notice_period(*, session: Session, posted_on: date, working_days: int) -> rules.NoticePeriod:
    """The notice posted on `posted_on`; refused when its days reach an unentered year."""
    # Thirty working days never span more than about two months, even over the Spring Festival.
    calendar = load(session=session, first=posted_on, last=posted_on + timedelta(days=90))
    try:
        return rules.notice_period(calendar, posted_on, working_days)
    except rules.YearNotMaintained as missing:
        # The request is sound; the registry's calendar lacks the year: a conflict with its
        # state (409) that an administrator resolves by entering the year.
        raise Conflict("notice.calendar_missing", {"year": missing.year}) from None


def list_years(*, session: Session) -> list[tuple[CalendarYear, list[CalendarDay]]]:
    years = list(session.exec(select(CalendarYear).order_by(CalendarYear.year.desc())))
    days: dict[int, list[CalendarDay]] = {}
    for row in session.exec(select(CalendarDay).order_by(CalendarDay.day)):
        days.setdefault(row.year, []).append(row)
    return [(year, days.get(year.year, [])) for year in years]


def save_year(
    *,
    session: Session,
    actor: User,
    year: int,
    source: str,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    confirm: bool = False,
) -> CalendarYear:
    """Enter or replace a year's arrangement (admins only): its source, holidays and
    adjusted working days; `confirm` records that it was checked against the notice."""
    permissions.require_admin(actor)
    problems: dict[str, tuple[str, dict]] = {}
    source = " ".join((source or "").split())
    if not source:
        problems["source"] = ("field.required", {})
    elif len(source) > SOURCE_MAX_CHARS:
        problems["source"] = ("field.too_long", {"max": SOURCE_MAX_CHARS})
    if not 2000 <= year <= 2100:
        problems["year"] = ("field.out_of_range", {"low": 2000, "high": 2100})
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        for day, _name in days:
            if not (date(year - 1, 12, 1) <= day <= date(year, 12, 31)):
                problems[field] = (
                    "calendar.day_outside_year",
                    {"date": day.isoformat(), "year": year},
                )
    if problems:
        raise ValidationFailed(problems)
    row = session.get(CalendarYear, year)
    before = None
    if row is None:
        row = CalendarYear(year=year, source=source)
    else:
        old_days = session.exec(select(CalendarDay).where(CalendarDay.year == year)).all()
        before = {
            "source": row.source,
            "holidays": sorted(d.day.isoformat() for d in old_days if not d.working),
            "workdays": sorted(d.day.isoformat() for d in old_days if d.working),
        }
        for old in old_days:
            session.delete(old)
        session.flush()
    row.source = source
    row.updated_at = utcnow()
    if confirm:
        row.confirmed_at, row.confirmed_by_id = utcnow(), actor.id
    session.add(row)
    session.flush()
    for day, name in holidays:
        session.merge(CalendarDay(day=day, year=year, working=False, name=name[:40]))
    for day, name in workdays:
        session.merge(CalendarDay(day=day, year=year, working=True, name=name[:40]))
    record_event(
        session=session,
        actor=actor,
        entity="calendar",
        entity_id=year,
        action="update" if before else "create",
        before=before,
        after={
            "source": source,
            "holidays": sorted(d.isoformat() for d, _ in holidays),
            "workdays": sorted(d.isoformat() for d, _ in workdays),
            "confirmed": bool(row.confirmed_at),
        },
    )
    session.commit()
    return row


def confirm_year(*, session: Session, actor: User, year: int) -> CalendarYear:
    """Record that an administrator checked the year's days against the published notice."""
    permissions.require_admin(actor)
    row = session.get(CalendarYear, year)
    if row is None:
        raise NotFound("calendar.year_unknown", {"year": year})
    row.confirmed_at, row.confirmed_by_id = utcnow(), actor.id
    session.add(row)
    record_event(
        session=session,
        actor=actor,
        entity="calendar",
        entity_id=year,
        action="confirm",
        after={"source": row.source},
    )
    session.commit()
    return row
