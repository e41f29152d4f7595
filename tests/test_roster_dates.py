"""Date cells as offices write them: each form gives a day, a month, or an error with a suggestion."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.roster.dateparse import parse_date


@pytest.mark.parametrize("value, iso", [
    (dt.date(1998, 7, 1), "1998-07-01"),
    (dt.datetime(1998, 7, 1, 0, 0), "1998-07-01"),
    (dt.datetime(1998, 7, 1, 14, 30), "1998-07-01"),
    ("1998-07-01", "1998-07-01"),
    ("1998-7-1", "1998-07-01"),
    ("1998/7/1", "1998-07-01"),
    ("1998/07/01", "1998-07-01"),
    ("1998.7.1", "1998-07-01"),
    ("1998年7月1日", "1998-07-01"),
    ("1998年07月01号", "1998-07-01"),
    ("19980701", "1998-07-01"),
    (19980701, "1998-07-01"),
    (19980701.0, "1998-07-01"),
    ("1998-07-01 00:00:00", "1998-07-01"),
    ("１９９８－０７－０１", "1998-07-01"),
    (" 1998 年 7 月 1 日 ", "1998-07-01"),
    ("25/12/1998", "1998-12-25"),
    ("1998.07", "1998-07"),
    ("1998.7", "1998-07"),
    ("1998.1", "1998-01"),
    ("1998.10", "1998-10"),
    ("1998-07", "1998-07"),
    ("1998/7", "1998-07"),
    ("1998年7月", "1998-07"),
    ("199807", "1998-07"),
    (199807.0, "1998-07"),
    (1998.07, "1998-07"),
    (1998.2, "1998-02"),
    (1998.11, "1998-11"),
    (1998.12, "1998-12"),
])
def test_accepted_forms(value, iso):
    p = parse_date(value)
    assert (p.iso, p.error) == (iso, None)


def test_a_date_cell_formatted_without_day_keeps_month_precision():
    assert parse_date(dt.datetime(1998, 7, 1), month_only_format=True).iso == "1998-07"


@pytest.mark.parametrize("value, problem, suggestion", [
    (1998.1, "1998年10月", "1998.10"),            # Excel dropped the trailing zero of 1998.10?
    ("199811", "1998年1月1日", "1998-11"),
    (199812.0, "1998年1月2日", "1998-12"),
    ("98.7.1", "两位", "1998-07-01"),
    ("98年7月", "两位", "1998-07"),
    ("98-07-01", "两位", "1998-07-01"),
    ("7/1/1998", "两种读法", "1998-07-01"),
    (36342, "Excel日期序号", "1999-07-01"),
    (36342.0, "1999年7月1日", "1999-07-01"),
    ("36342", "Excel日期序号", "1999-07-01"),
    (1998, "只有年份", "1998-07"),
    ("1998", "只有年份", "1998-07"),
    ("1998-02-30", "不是存在的日期", "核对"),
    ("1998.13", "月份13", "核对"),
    ("1850-01-01", "年份1850", "1998-07-01"),
    ("一九九八年七月", "不是可识别的日期", "1998-07-01"),
    ("不详", "不是可识别的日期", "1998-07-01"),
    (True, "不是日期", "1998-07-01"),
    (dt.time(10, 30), "是时间", "1998-07-01"),
    (-5, "不是日期", "1998-07-01"),
    (float("nan"), "不是日期", "1998-07-01"),
])
def test_ambiguous_or_wrong_values_are_errors_with_a_suggestion(value, problem, suggestion):
    p = parse_date(value)
    assert p.iso is None
    assert problem in p.error
    assert suggestion in p.suggestion


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_empty_cells_are_no_date_and_no_error(value):
    p = parse_date(value)
    assert (p.iso, p.error) == (None, None)
