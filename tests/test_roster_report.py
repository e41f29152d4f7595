"""The error report: its text, and the xlsx copy with the bad cells highlighted."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from dangjian_desktop.roster import import_roster, save_error_report
from dangjian_desktop.roster.report import ERROR_FILL, PROBLEM_HEADERS

from roster_util import add_branches, person, write_book


@pytest.fixture
def failed(db, tmp_path):
    add_branches(db, "红星村党支部")
    bad_id = person(2)
    bad_id[4] = float(bad_id[4])
    rows_a = [person(1), bad_id, person(3, category="党员")]
    rows_b = [person(4, joined="98.7.1", full=None)]
    path = write_book(tmp_path / "in.xlsx", {"一支部": rows_a, "二支部": rows_b})
    return import_roster(db, path)


def test_the_report_lists_sheet_row_column_value_problem_and_suggestion(failed):
    errors = failed.sorted_errors()
    assert [(e.sheet, e.row, e.column, e.header) for e in errors] == [
        ("一支部", 5, "E", "身份证号"), ("一支部", 6, "H", "党员类别"), ("二支部", 4, "F", "入党日期")]
    assert errors[2].value == "98.7.1" and "两位" in errors[2].problem and "1998-07-01" in errors[2].suggestion


def test_the_text_report_has_a_header_one_line_per_error_and_a_summary(failed):
    lines = failed.to_text().splitlines()
    assert lines[0].split("\t") == list(PROBLEM_HEADERS)
    assert lines[1].startswith("一支部\t5\tE\t身份证号\t")
    assert "3 处错误" in lines[-1] and "未导入任何数据" in lines[-1]


def test_the_saved_report_highlights_every_bad_cell(failed, tmp_path):
    path = save_error_report(failed, tmp_path / "report.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "错误清单"
    listing = wb["错误清单"]
    assert [c.value for c in listing[1]] == list(PROBLEM_HEADERS)
    assert listing.max_row == 1 + len(failed.errors)
    assert listing["C2"].hyperlink.location.replace("'", "") == "一支部!E5"
    bad = {("一支部", "E5"), ("一支部", "H6"), ("二支部", "F4")}
    for sheet, ref in bad:
        cell = wb[sheet][ref]
        assert cell.fill.fgColor.rgb.endswith(ERROR_FILL), (sheet, ref)
        assert cell.comment is not None and cell.comment.text
    good = wb["一支部"]["E4"]
    assert not (good.fill.fgColor.rgb or "").endswith(ERROR_FILL)
    assert "文本" in wb["一支部"]["E5"].comment.text


def test_the_highlighted_copy_keeps_the_original_values(failed, tmp_path):
    path = save_error_report(failed, tmp_path / "report.xlsx")
    original = load_workbook(failed.path)
    copy = load_workbook(path)
    for name in original.sheetnames:
        assert [[c.value for c in r] for r in original[name].iter_rows()] == \
               [[c.value for c in r] for r in copy[name].iter_rows()]


def test_a_column_note_repeated_on_every_sheet_is_printed_once(db, tmp_path):
    add_branches(db, "红星村党支部", "东风村党支部")
    header = ["序号", "姓名", "性别", "民族", "身份证号", "入党日期", "转正日期", "党员类别", "政治面貌"]
    rows = {"红星村党支部": [person(1)[:-1] + ["党员"]], "东风村党支部": [person(2)[:-1] + ["党员"]]}
    report = import_roster(db, write_book(tmp_path / "r.xlsx", rows, header=header))
    assert report.ok and len(report.warnings) == 2
    notes = [line for line in report.to_text().splitlines() if "政治面貌" in line]
    assert notes == ["  工作表红星村党支部、东风村党支部 列I“政治面貌”不是花名册的列，未导入（如需导入，请在导入向导中为该列选择对应的项目）"]
