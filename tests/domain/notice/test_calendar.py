"""Working days for the public notice: weekends, the State Council's holidays and the weekend
days they make working days; a year nobody entered is refused, never guessed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registry.domain.notice import calendar as cal
from registry.domain.notice.seed import HOLIDAY_ARRANGEMENTS


def seeded(*years: int) -> cal.Calendar:
    holidays, workdays = set(), set()
    for year in years:
        _source, spans, worked = HOLIDAY_ARRANGEMENTS[year]
        for first, last, _name in spans:
            day = first
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        workdays |= {day for day, _name in worked}
    return cal.Calendar(frozenset(years), frozenset(holidays), frozenset(workdays))


def test_seven_working_days_over_a_plain_fortnight():
    period = cal.notice_period(seeded(2021), date(2021, 5, 10), 7)  # a Monday
    assert (period.start, period.end) == (date(2021, 5, 10), date(2021, 5, 18))


def test_a_notice_posted_on_a_weekend_starts_on_the_next_working_day():
    period = cal.notice_period(seeded(2021), date(2021, 5, 15), 7)  # a Saturday
    assert (period.start, period.end) == (date(2021, 5, 17), date(2021, 5, 25))


def test_the_spring_festival_is_skipped_and_its_weekend_workday_counted():
    # 2026: 春节 15–23 February; Saturday 14 February and 28 February are working days.
    period = cal.notice_period(seeded(2026), date(2026, 2, 11), 7)
    # Wed 11, Thu 12, Fri 13, Sat 14 (worked), then Tue 24, Wed 25, Thu 26.
    assert (period.start, period.end) == (date(2026, 2, 11), date(2026, 2, 26))
    assert seeded(2026).is_working_day(date(2026, 2, 28))  # a Saturday worked


def test_national_day_week_is_skipped():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    period = cal.notice_period(seeded(2025), date(2025, 9, 29), 7)
    assert period.end == date(2025, 10, 14)  # 29, 30 Sep, 9, 10, 11 (Sat), 13, 14 Oct


def test_a_year_nobody_entered_is_refused_not_guessed():
    with pytest.raises(cal.YearNotMaintained) as missing:
        cal.notice_period(seeded(2026), date(2026, 12, 28), 7)
    assert missing.value.year == 2027


def test_publication_only_after_the_last_day_and_never_in_the_future():
    period = cal.NoticePeriod(date(2021, 5, 10), date(2021, 5, 18))
    today = date(2021, 6, 1)
    assert cal.publish_problem(period, date(2021, 5, 18), today)[0] == "notice.not_ended"
    assert cal.publish_problem(period, date(2021, 5, 19), today) is None
    assert cal.publish_problem(period, date(2021, 6, 2), today)[0] == "record.date_in_future"


def test_every_seeded_year_names_its_source_and_lists_weekdays_off():
    for year, (source, spans, worked) in HOLIDAY_ARRANGEMENTS.items():
        assert str(year) in source and "国务院办公厅" in source
        assert spans and all(first <= last for first, last, _ in spans)
        assert all(day.weekday() >= 5 for day, _ in worked)  # only weekends are "worked"
