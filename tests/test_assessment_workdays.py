"""Working-day arithmetic: weekends, public holidays, make-up working days (调休), the editable list."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.assessment import workdays
from dangjian_desktop.assessment.workdays import OFF, WORK, Calendar, Holiday
from dangjian_desktop.errors import UserError

D = dt.date


@pytest.mark.parametrize("day, expected", [
    (D(2025, 12, 5), True),    # Friday
    (D(2025, 12, 6), False),   # Saturday
    (D(2025, 12, 7), False),   # Sunday
    (D(2025, 10, 1), False),   # 国庆节 (Wednesday)
    (D(2025, 10, 8), False),   # 国庆节、中秋节 last day (Wednesday)
    (D(2025, 9, 28), True),    # 调休上班 on a Sunday
    (D(2025, 10, 11), True),   # 调休上班 on a Saturday
    (D(2026, 2, 16), False),   # 春节 (Monday)
    (D(2026, 2, 14), True),    # 调休上班 (Saturday)
    (D(2026, 1, 4), True),     # 调休上班 (Sunday)
    (D(2026, 10, 8), True),    # after 国庆节 2026 (Thursday)
])
def test_default_calendar_knows_holidays_and_make_up_days(day, expected):
    assert Calendar.default().is_workday(day) is expected


@pytest.mark.parametrize("start, days, end", [
    (D(2025, 12, 1), 5, D(2025, 12, 5)),     # Monday, no weekend crossed
    (D(2025, 12, 4), 5, D(2025, 12, 10)),    # Thursday: across one weekend
    (D(2025, 12, 6), 1, D(2025, 12, 8)),     # starting on a Saturday: the first working day is Monday
    (D(2025, 12, 1), 15, D(2025, 12, 19)),   # the appeal window from a Monday
    (D(2025, 9, 26), 3, D(2025, 9, 29)),     # Fri 26, Sun 28 (调休上班), Mon 29
    (D(2025, 9, 29), 3, D(2025, 10, 9)),     # Mon 29, Tue 30, then the 8-day holiday, Thu 9 Oct
    (D(2026, 2, 12), 4, D(2026, 2, 24)),     # Thu 12, Fri 13, Sat 14 (调休上班), 春节 15-23, Tue 24
])
def test_window_end_counts_working_days_from_the_start(start, days, end):
    cal = Calendar.default()
    assert cal.window_end(start, days) == end
    assert cal.workdays_between(start, end) == days


def test_add_workdays_skips_a_weekend_and_a_holiday():
    cal = Calendar.default()
    # Tue 30 Sep 2025 + 1 working day: 1-8 Oct off, Thu 9 Oct.
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)
    # Fri 5 Dec + 1: Monday.
    assert cal.add_workdays(D(2025, 12, 5), 1) == D(2025, 12, 8)


def test_a_year_without_defaults_counts_weekends_only():
    cal = Calendar.default()
    assert cal.is_workday(D(2027, 10, 1))  # no built-in list for 2027: an ordinary Friday
    assert not cal.is_workday(D(2027, 10, 2))
    assert cal.unknown_years(D(2026, 12, 15), D(2027, 1, 4)) == [2027]


def test_edited_year_replaces_the_defaults(db):
    assert not workdays.calendar(db).is_workday(D(2026, 10, 1))
    assert [h.builtin for h in workdays.holidays(db, 2026)][0] is True
    # The office decides its own list for 2026: only one local holiday on a Tuesday.
    workdays.set_holidays(db, 2026, [Holiday("2026-03-10", OFF, "本地节日")])
    cal = workdays.calendar(db)
    assert not cal.is_workday(D(2026, 3, 10))
    assert cal.is_workday(D(2026, 10, 1))  # the default holiday is gone with the edit
    assert [h.day for h in workdays.holidays(db, 2026)] == ["2026-03-10"]
    assert not workdays.calendar(db).is_workday(D(2025, 10, 1))  # other years untouched


def test_set_holiday_keeps_the_rest_of_the_defaults(db):
    workdays.set_holiday(db, "2026-12-28", OFF, "加放一天")
    cal = workdays.calendar(db)
    assert not cal.is_workday(D(2026, 12, 28))
    assert not cal.is_workday(D(2026, 10, 1))
    assert cal.is_workday(D(2026, 2, 14))  # make-up day still there
    workdays.remove_holiday(db, "2026-02-14")
    assert not workdays.calendar(db).is_workday(D(2026, 2, 14))


def test_reset_year_brings_back_the_defaults(db):
    workdays.set_holidays(db, 2025, [])
    assert workdays.calendar(db).is_workday(D(2025, 10, 1))
    workdays.reset_year(db, 2025)
    assert not workdays.calendar(db).is_workday(D(2025, 10, 1))


@pytest.mark.parametrize("entry, message", [
    (("2026-13-01", OFF, ""), "无效"),
    (("2025-05-01", OFF, ""), "不在 2026 年"),
    (("2026-03-10", "假", ""), "类型"),
    (("2026-03-10", WORK, ""), "本来就是工作日"),
])
def test_bad_holiday_entries_are_refused(db, entry, message):
    with pytest.raises(UserError, match=message):
        workdays.set_holidays(db, 2026, [entry])
