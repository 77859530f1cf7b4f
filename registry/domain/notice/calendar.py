"""Working days in China, for the public-notice period (公示期) of labels and energy levels.

A working day is Monday to Friday, unless the State Council's holiday arrangement for the
year makes it a holiday, plus the weekend days it makes working days (调休上班). Those
arrangements are published each year (国务院办公厅关于 XXXX 年部分节假日安排的通知), so they
are data an administrator keeps (`registry.services.notice.calendar`), seeded from
`seed.HOLIDAY_ARRANGEMENTS`. A year nobody entered is not guessed: a notice period that
reaches into it is refused until an administrator enters that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_NOTICE_WORKING_DAYS = 7
MAX_NOTICE_WORKING_DAYS = 30


class YearNotMaintained(ValueError):
    """The holiday arrangement of `year` is not in the calendar."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@dataclass(frozen=True)
class Calendar:
    """The years an administrator maintains, and their exceptions to Monday–Friday."""

    years: frozenset[int] = field(default_factory=frozenset)
    holidays: frozenset[date] = field(default_factory=frozenset)  # days off
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise YearNotMaintained(day.year)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


@dataclass(frozen=True)
class NoticePeriod:
    start: date  # the first working day of the notice
    end: date  # its last working day; publication may follow from the next day

    def open_on(self, day: date) -> bool:
        return self.start <= day <= self.end


def notice_period(calendar: Calendar, posted_on: date, working_days: int) -> NoticePeriod:
    """The notice posted on `posted_on` (a review's approval date): from the first working
    day on or after it, for `working_days` working days, that day counted as the first."""
    start = calendar.next_working_day(posted_on)
    end, counted = start, 1
    while counted < working_days:
        end += timedelta(days=1)
        if calendar.is_working_day(end):
            counted += 1
    return NoticePeriod(start, end)


def publish_problem(period: NoticePeriod, publish_on: date, today: date) -> tuple[str, dict] | None:
    """Why a record under `period` cannot be published on `publish_on`, or None.

    Publication follows the notice: on the day after its last day at the earliest."""
    if publish_on > today:
        return ("record.date_in_future", {"date": publish_on.isoformat()})
    if publish_on <= period.end:
        return (
            "notice.not_ended",
            {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "date": publish_on.isoformat(),
            },
        )
    return None


def parse_day_lines(text: str) -> tuple[list[tuple[date, str]], list[str]]:
    """Days typed one a line, "YYYY-MM-DD name" or a span "YYYY-MM-DD..YYYY-MM-DD name";
    returns the days and the lines that could not be read."""
    days: list[tuple[date, str]] = []
    bad: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        when, _, name = line.partition(" ")
        first_text, _, last_text = when.partition("..")
        try:
            first = date.fromisoformat(first_text)
            last = date.fromisoformat(last_text) if last_text else first
        except ValueError:
            bad.append(line)
            continue
        if last < first or (last - first).days > 31:
            bad.append(line)
            continue
        while first <= last:
            days.append((first, name.strip()))
            first += timedelta(days=1)
    return days, bad
