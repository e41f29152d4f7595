"""The branch's self-assessment Excel form: export, fill in, import all-or-nothing."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment import export_form, export_forms, import_form, save_error_report, sheets
from dangjian_desktop.assessment.excel_forms import HEADER_ROW


@pytest.fixture
def form(db, tmp_path):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db)
    path = export_form(db, branches[0].id, tmp_path / "东岭村.xlsx")
    return db, rid, branches[0].id, path


def filled(path, scores, *, vetoes=None, report=None, out=None):
    wb = load_workbook(path)
    ws = wb["自评表"]
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    for code, value in scores.items():
        ws.cell(rows[code], 6).value = value
    for code, (answer, fact) in (vetoes or {}).items():
        wv = wb["否决项"]
        r = next(r for r in range(2, wv.max_row + 1) if wv.cell(r, 1).value == code)
        wv.cell(r, 3).value, wv.cell(r, 4).value = answer, fact
    for n, text in enumerate(report or []):
        wb["自我评价报告"].cell(n + 2, 2).value = text
    target = out or path.with_name("filled.xlsx")
    wb.save(target)
    return target


def test_exported_form_lists_the_items_and_binds_the_branch(form):
    db, rid, sid, path = form
    wb = load_workbook(path)
    ws = wb["自评表"]
    assert [ws.cell(HEADER_ROW, c).value for c in (1, 5, 6)] == ["编号", "满分", "自评分"]
    assert [ws.cell(r, 1).value for r in range(HEADER_ROW + 1, HEADER_ROW + 6)] == list("ABCDE")
    assert "东岭村党支部" in ws["A2"].value
    assert wb["_key"].sheet_state == "veryHidden"
    assert ws.protection.sheet and not ws.cell(HEADER_ROW + 1, 6).protection.locked


def test_round_trip_writes_scores_vetoes_and_report(form):
    db, rid, sid, path = form
    f = filled(path, {"A": 18.5, "B": "17", "C": 16, "D": 20, "E": 19},
               vetoes={"V2": ("是", "换届推迟到次年3月")}, report=["情况良好", "党员老化", "发展年轻党员"])
    report = import_form(db, f, round_id=rid)
    assert report.ok and report.written
    s = sheets.open_sheet(db, sid)
    assert s.scores("self") == {"A": 18.5, "B": 17, "C": 16, "D": 20, "E": 19}
    assert s.triggered_vetoes() == ["V2"]
    assert s.report.problems == "党员老化"


@pytest.mark.parametrize("code, value, column, message", [
    ("A", 21, "F", "超过该项满分"),
    ("B", -2, "F", "负数"),
    ("C", 15.25, "F", "一位小数"),
    ("D", "良好", "F", "不是数字"),
])
def test_any_bad_cell_writes_nothing(form, code, value, column, message):
    db, rid, sid, path = form
    scores = {c: 18 for c in "ABCDE"}
    scores[code] = value
    report = import_form(db, filled(path, scores), round_id=rid)
    assert not report.ok and not report.written
    (p,) = report.errors
    assert (p.sheet, p.row, p.column) == ("自评表", HEADER_ROW + 1 + "ABCDE".index(code), column)
    assert message in p.problem and p.suggestion
    assert sheets.open_sheet(db, sid).scores("self") == {}


def test_veto_yes_without_fact_is_an_error(form):
    db, rid, sid, path = form
    report = import_form(db, filled(path, {c: 18 for c in "ABCDE"}, vetoes={"V1": ("是", None)}), round_id=rid)
    assert [e.column for e in report.errors] == ["D"]
    assert sheets.open_sheet(db, sid).scores("self") == {}


def test_dry_run_checks_without_writing(form):
    db, rid, sid, path = form
    report = import_form(db, filled(path, {c: 18 for c in "ABCDE"}), round_id=rid, dry_run=True)
    assert report.ok and not report.written and report.scores == {c: 18 for c in "ABCDE"}
    assert sheets.open_sheet(db, sid).scores("self") == {}


def test_blank_scores_are_warnings_not_errors(form):
    db, rid, sid, path = form
    report = import_form(db, filled(path, {"A": 18}), round_id=rid)
    assert report.ok and len([w for w in report.warnings if "未填写自评分" in w.problem]) == 4


def test_form_of_a_branch_past_self_assessment_is_refused(form):
    db, rid, sid, path = form
    drive(db, sid, "初审")
    report = import_form(db, filled(path, {c: 10 for c in "ABCDE"}), round_id=rid)
    assert not report.ok and "初审" in report.errors[0].problem
    assert sheets.open_sheet(db, sid).scores("self") == {c: 20 for c in "ABCDE"}


def test_form_of_another_round_is_refused(form):
    db, rid, sid, path = form
    other, _ = new_round(db, year=2026)
    report = import_form(db, filled(path, {c: 10 for c in "ABCDE"}), round_id=other)
    assert not report.ok and "另一轮" in report.errors[0].problem


def test_a_foreign_workbook_is_refused(form, tmp_path):
    from openpyxl import Workbook

    db, rid, sid, path = form
    wb = Workbook()
    wb.active.append(["编号", "自评分"])
    wb.save(tmp_path / "别的表.xlsx")
    report = import_form(db, tmp_path / "别的表.xlsx", round_id=rid)
    assert not report.ok and "不是本程序导出" in report.errors[0].problem


def test_error_report_is_saved_as_xlsx(form, tmp_path):
    db, rid, sid, path = form
    report = import_form(db, filled(path, {"A": 30, "B": 18, "C": 18, "D": 18, "E": 18}), round_id=rid)
    out = save_error_report(report, tmp_path / "错误.xlsx")
    wb = load_workbook(out)
    ws = wb["错误清单"]
    assert [c.value for c in ws[1]] == ["工作表", "行号", "列", "列名", "内容", "问题", "建议"]
    assert ws.cell(2, 1).value == "自评表" and ws.cell(2, 2).value == HEADER_ROW + 1 and "超过" in ws.cell(2, 6).value


def test_export_forms_for_every_branch_in_self_assessment(form, tmp_path):
    db, rid, sid, path = form
    drive(db, sid, "初审")
    paths = export_forms(db, rid, tmp_path / "forms")
    assert [p.name for p in paths] == ["2025年自评表-西岭村党支部.xlsx"]
