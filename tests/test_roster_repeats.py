"""花名册 import: a column's repeated values are cleaned once and reused (row_check's memo), and
reused faithfully: every row with a bad value is reported, values that compare equal but read
differently (TRUE, 1) stay apart, a month-formatted date cell is not mistaken for the same date in
a plain cell, and a column of distinct values past the memo's limit is still read right."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dangjian_desktop.roster import ImportOptions, import_roster
from dangjian_desktop.roster import row_check

from roster_util import HEADER, add_branches, person, write_roster


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    return db


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request):
    return request.param


def test_the_same_bad_value_in_many_rows_is_reported_in_each(town, tmp_path, reader):
    rows = [person(i, joined="98.7.1", full=None) if i % 2 else person(i) for i in range(1, 8)]
    rows[5][3] = "火星族"  # row 9: an unknown 民族, once
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows), ImportOptions(reader=reader))
    bad_dates = [(e.row, e.column) for e in report.errors if e.column == "F"]
    assert bad_dates == [(4, "F"), (6, "F"), (8, "F"), (10, "F")]
    assert all("年份只有两位" in e.problem for e in report.errors if e.column == "F")
    assert [(e.row, e.column) for e in report.errors if e.column == "D"] == [(9, "D")]
    assert not report.written


def test_cells_equal_in_python_but_read_differently_stay_apart(town, tmp_path, reader):
    header = HEADER + ["备注"]
    rows = [person(1) + [True], person(2) + [1], person(3) + [1.5], person(4) + ["TRUE"], person(5) + [True]]
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows, header=header),
                           ImportOptions(reader=reader))
    assert report.ok and report.written, report.to_text()
    notes = [r[0] for r in town.query("SELECT note FROM member ORDER BY id_number")]
    assert notes == ["TRUE", "1", "1.5", "TRUE", "TRUE"]


def test_a_month_formatted_date_and_the_same_date_unformatted(town, tmp_path, reader):
    july = dt.datetime(1995, 7, 1)
    path = write_roster(tmp_path / "r.xlsx", [person(1, joined=july, full=None), person(2, joined=july, full=None),
                                              person(3, joined=july, full=None)])
    wb = load_workbook(path)
    wb.active["F5"].number_format = 'yyyy"年"m"月"'  # the second member's join date only
    wb.save(path)
    report = import_roster(town, path, ImportOptions(reader=reader))
    assert report.ok, report.to_text()
    joined = [r[0] for r in town.query("SELECT join_date FROM member ORDER BY id_number")]
    assert joined == ["1995-07-01", "1995-07", "1995-07-01"]


def test_a_column_past_the_memo_limit_is_still_read_and_checked(town, tmp_path, monkeypatch):
    monkeypatch.setattr(row_check, "MEMO_LIMIT", 2)
    header = HEADER + ["备注"]
    rows = [person(i, joined=f"1995-07-{i:02d}", full=None) + [f"第{i}号"] for i in range(1, 7)]
    rows[4][5] = "1995-13-01"   # row 8: no 13th month, after the memo is full
    rows[5][5] = "1995-13-01"   # row 9: the same again
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows, header=header))
    assert [(e.row, e.column) for e in report.errors] == [(8, "F"), (9, "F")]
    assert all("不是存在的日期" in e.problem for e in report.errors), report.to_text()
    rows[4][5], rows[5][5] = "1995-07-05", "1995-07-06"
    report = import_roster(town, write_roster(tmp_path / "r2.xlsx", rows, header=header))
    assert report.ok and report.written, report.to_text()
    stored = town.query("SELECT join_date, note FROM member ORDER BY id_number")
    assert [tuple(r) for r in stored] == [(f"1995-07-{i:02d}", f"第{i}号") for i in range(1, 7)]
