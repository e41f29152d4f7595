"""The 考核检查 tab through its real widgets (pytest-qt, offscreen): rounds, keyboard score entry,
the workflow with an appeal and the lock, adjustments after the lock, dialogs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop import dates
from dangjian_desktop.assessment import rounds, sheets, workdays, workflow
from dangjian_desktop.registry.orgs import add_org

pytestmark = pytest.mark.gui

BRANCHES = [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("河湾社区党支部", "社区"), ("镇机关党支部", "机关")]


@pytest.fixture
def town_db(db):
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    for name, kind in BRANCHES:
        add_org(db, parent_id=root, name=name, org_type="党支部", kind=kind)
    return db


@pytest.fixture
def tab(qtbot, town_db):
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    t = AssessmentTab()
    qtbot.addWidget(t)
    t.resize(1300, 820)
    t.show()
    t.set_database(town_db)
    town_db.on_commit(t.on_data_changed)  # as the main window wires it
    loaded(qtbot, t)
    yield t
    t.set_database(None)  # as the main window does before it closes the database


@pytest.fixture
def clock(monkeypatch):
    """The office's 'today', moved by the test (the GUI and the core both ask dates.today())."""

    class Clock:
        day = dt.date(2026, 3, 2)  # a Monday

        def set(self, day: dt.date) -> None:
            self.day = day

    c = Clock()
    monkeypatch.setattr(dates, "today", lambda: c.day)
    return c


def loaded(qtbot, tab) -> None:
    """Wait for the dashboard, which is read off the GUI thread."""
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)


def press_ok(wrapper) -> None:
    wrapper.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()


def create_round_through_dialog(qtbot, tab, scheme_id: str, year: int = 2025) -> str:
    tab.rounds.new_round_button.click()
    dlg = tab.current_dialog
    f = dlg.dialog
    f.yearSpin.setValue(year)
    f.schemeCombo.setCurrentIndex(f.schemeCombo.findData(scheme_id))
    f.selfDueCheck.setChecked(True)
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert tab.current_dialog is None
    loaded(qtbot, tab)
    return tab.round_id


def current_editor(view):
    return view.indexWidget(view.currentIndex())


def type_cell(qtbot, view, text: str, key=Qt.Key.Key_Return) -> None:
    """Type into the current cell as a clerk does: the first key opens the editor, the rest go to it."""
    editor = current_editor(view)
    if editor is None:
        qtbot.keyClick(view, text[0])
        editor = current_editor(view)
        assert editor is not None, "typing did not open an editor"
        text = text[1:]
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, key)


def item_rows(model) -> list[int]:
    return [r for r in range(model.rowCount()) if model.is_item_row(r)]


# ---- the validator -----------------------------------------------------------------------------

@pytest.mark.parametrize("maximum, yesno, text, state", [
    (20, False, "", "Acceptable"),
    (20, False, "18", "Acceptable"),
    (20, False, "20", "Acceptable"),
    (20, False, "20.5", "Invalid"),
    (20, False, "25", "Invalid"),
    (20, False, "19.5", "Acceptable"),
    (20, False, "19.55", "Invalid"),
    (20, False, "7.", "Intermediate"),
    (20, False, "-1", "Invalid"),
    (20, False, "a", "Invalid"),
    (20, False, "１８", "Acceptable"),  # full-width digits from a Chinese input method
    (2.5, False, "2.6", "Invalid"),
    (2.5, False, "2.5", "Acceptable"),
    (5, True, "1", "Acceptable"),
    (5, True, "5", "Acceptable"),
    (5, True, "3", "Invalid"),
])
def test_score_validator(qapp, maximum, yesno, text, state):
    from dangjian_desktop.gui.assessment.score_input import ScoreValidator

    v = ScoreValidator(maximum, yesno=yesno)
    assert v.validate(text, len(text)) == getattr(QValidator.State, state)


# ---- rounds ------------------------------------------------------------------------------------

def test_new_round_dialog_creates_round_with_chosen_scope(qtbot, tab, town_db):
    tab.rounds.new_round_button.click()
    dlg = tab.current_dialog
    f = dlg.dialog
    f.schemeCombo.setCurrentIndex(f.schemeCombo.findData("chuangxing"))
    for i in range(f.kindsList.count()):
        it = f.kindsList.item(i)
        it.setCheckState(Qt.CheckState.Checked if it.text() == "村" else Qt.CheckState.Unchecked)
    assert "2 个党支部" in f.scopeLabel.text()
    press_ok(dlg)
    rnd = rounds.get_round(town_db, tab.round_id)
    assert rnd.scheme_id == "chuangxing"
    assert sorted(b.org_name for b in rounds.round_branches(town_db, rnd.id)) == ["东岭村党支部", "西岭村党支部"]
    loaded(qtbot, tab)
    assert tab.dashboard.model.rowCount() == 2


def test_new_round_dialog_keeps_open_with_reason_on_duplicate(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    tab.rounds.new_round_button.click()
    dlg = tab.current_dialog
    dlg.dialog.yearSpin.setValue(2025)
    dlg.dialog.schemeCombo.setCurrentIndex(dlg.dialog.schemeCombo.findData("chuangxing"))
    press_ok(dlg)
    assert dlg.error_shown()  # the core's Chinese reason, the dialog stays open
    assert tab.current_dialog is dlg
    assert len(rounds.list_rounds(town_db)) == 1


# ---- keyboard entry ------------------------------------------------------------------------------

def test_enter_moves_down_the_items_and_stores_each_score(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    view, model = ed.view, ed.model
    rows = item_rows(model)
    maxima = [model.item_at(r).max for r in rows]
    values = [str(int(m) - n) for n, m in enumerate(maxima)]
    view.setFocus()
    assert view.currentIndex().row() == rows[0]
    for v in values:
        type_cell(qtbot, view, v)
    stored = sheets.open_sheet(town_db, sid).scores("self")
    assert [stored[model.item_at(r).code] for r in rows] == [int(v) for v in values]


def test_tab_moves_to_next_item_in_same_column_skipping_section_rows(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "liuyou")
    ed = tab.editor
    view, model = ed.view, ed.model
    sid = tab.open_branch("西岭村党支部")
    rows = item_rows(model)
    section_rows = [r for r in range(model.rowCount()) if not model.is_item_row(r)]
    view.setCurrentIndex(model.index(rows[0], 3))
    type_cell(qtbot, view, "1", key=Qt.Key.Key_Tab)
    assert view.currentIndex().column() == 3
    assert view.currentIndex().row() == rows[1]
    if section_rows:  # a Tab at the end of a section lands on the next section's first item
        assert all(r not in section_rows for r in (view.currentIndex().row(),))
    assert sheets.open_sheet(town_db, sid).scores("self")[model.item_at(rows[0]).code] == 1


def test_number_above_maximum_is_refused_as_typed(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    view, model = ed.view, ed.model
    first = model.item_at(item_rows(model)[0])
    too_big = str(int(first.max) + 5)  # e.g. 25 for a 20-point item: the second key is refused
    view.setFocus()
    qtbot.keyClick(view, too_big[0])
    editor = current_editor(view)
    qtbot.keyClicks(editor, too_big[1:])
    assert editor.text() == ""  # the whole entry is refused, not just its last key
    assert f"不能超过本项分值 {int(first.max)} 分" in ed.items.status_label.text()
    assert too_big in ed.items.status_label.text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert first.code not in sheets.open_sheet(town_db, sid).scores("self")
    assert too_big in ed.items.status_label.text()


@pytest.mark.parametrize("leave", [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Tab, Qt.Key.Key_Backtab])
def test_half_a_number_does_not_leave_the_cell_without_a_word(qtbot, tab, town_db, leave):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    view, model = ed.view, ed.model
    view.setCurrentIndex(model.index(item_rows(model)[1], view.currentIndex().column()))
    second = model.item_at(item_rows(model)[1])
    view.setFocus()
    qtbot.keyClick(view, "5")
    editor = current_editor(view)
    qtbot.keyClicks(editor, ".")
    qtbot.keyClick(editor, leave)  # ↑ dropped it without a word, Tab did nothing
    assert current_editor(view) is editor and editor.text() == "5."  # the cell stays open
    assert "还没有输完整" in ed.items.status_label.text()
    assert second.code not in sheets.open_sheet(town_db, sid).scores("self")


def test_scores_of_a_stage_not_open_cannot_be_typed(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    view, model = tab.editor.view, tab.editor.model
    row = item_rows(model)[0]
    view.setCurrentIndex(model.index(row, 5))  # 考核分 while the sheet is in 自评
    qtbot.keyClick(view, "9")
    assert current_editor(view) is None
    assert sheets.open_sheet(town_db, sid).scores("final") == {}


# ---- the full cycle ------------------------------------------------------------------------------

def _click_move(qtbot, editor, target: str):
    button = editor.workflow.move_button(target)
    assert button is not None, f"no button for {target}: {[b.text() for b in editor.workflow.move_buttons]}"
    button.click()
    return editor.current_dialog


def test_full_cycle_scores_states_appeal_lock_adjustment(qtbot, tab, town_db, clock):
    from dangjian_desktop.gui.reports.page import ReportsTab

    clock.set(dt.date(2025, 12, 1))
    rid = create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("河湾社区党支部")
    ed = tab.editor
    view, model = ed.view, ed.model
    rows = item_rows(model)

    # 自评: every self score by keyboard, one refused above the maximum on the way.
    view.setFocus()
    qtbot.keyClick(view, "3")
    qtbot.keyClicks(current_editor(view), "5")  # 35 > 20: refused as typed
    assert "不能输入 35" in ed.items.status_label.text()
    qtbot.keyClick(current_editor(view), Qt.Key.Key_Backspace)
    for v in ("18", "17", "16.5", "15", "19"):
        type_cell(qtbot, view, v)
    assert sheets.open_sheet(town_db, sid).scores("self") == dict(zip(
        [model.item_at(r).code for r in rows], [18, 17, 16.5, 15, 19]))

    # 自评 → 初审 → 审核, entering each stage's column on the way.
    for target, col, values in (("初审", 4, ("17", "17", "16", "15", "18")),
                                ("审核", 5, ("17", "16", "16", "14.5", "18"))):
        dlg = _click_move(qtbot, ed, target)
        press_ok(dlg)
        assert dlg.error_shown() == ""
        assert ed.sheet.state == target
        view.setCurrentIndex(model.index(rows[0], col))
        view.setFocus()
        for v in values:
            type_cell(qtbot, view, v)
    final = sheets.open_sheet(town_db, sid).scores("final")
    assert sorted(final.values()) == [14.5, 16, 16, 17, 18]

    # 审核 → 公示 on a chosen day; an appeal within the window.
    clock.set(dt.date(2025, 12, 8))
    dlg = _click_move(qtbot, ed, "公示")
    assert dlg.dialog.formLayout.isRowVisible(dlg.dialog.dateEdit)
    press_ok(dlg)
    assert ed.sheet.state == "公示"
    window = workflow.appeal_window(town_db, sid)
    assert window.days == 15 and window.start == dt.date(2025, 12, 8)
    clock.set(dt.date(2025, 12, 10))
    ed.reload()
    assert ed.workflow.move_button("确定") is None  # not before the window has closed
    dlg = _click_move(qtbot, ed, "申诉")
    dlg.dialog.reasonEdit.setPlainText("阵地建设项扣分依据不足")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert ed.sheet.state == "申诉"
    assert ed.workflow.appeal_list.count() == 1
    # In 申诉 the final column may be corrected, then the appeal is resolved (调整).
    view.setCurrentIndex(model.index(rows[3], 5))
    view.setFocus()
    type_cell(qtbot, view, "15")
    dlg = _click_move(qtbot, ed, "公示")
    dlg.dialog.outcomeCombo.setCurrentIndex(1)
    dlg.dialog.decisionEdit.setPlainText("补充材料属实，调整为15分")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert ed.sheet.state == "公示"

    # After the window: 确定 locks the sheet.
    clock.set(workdays.calendar(town_db).window_end(dt.date(2025, 12, 8), 15) + dt.timedelta(days=1))
    ed.reload()
    dlg = _click_move(qtbot, ed, "确定")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert ed.sheet.state == "确定" and ed.sheet.locked
    view.setCurrentIndex(model.index(rows[0], 5))
    qtbot.keyClick(view, "9")
    assert current_editor(view) is None
    assert sheets.open_sheet(town_db, sid).item(model.item_at(rows[0]).code).final_score == 17

    # A correction after the lock is an adjustment with a reason, shown in the history.
    assert ed.items.adjust_button.isEnabled()
    ed.items.adjust_button.click()
    dlg = ed.current_dialog
    dlg.dialog.valueEdit.setText("18")
    press_ok(dlg)
    assert "原因" in dlg.error_shown()  # refused without a reason
    dlg.dialog.reasonEdit.setPlainText("复查发现台账漏计一次主题党日")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert sheets.open_sheet(town_db, sid).item(model.item_at(rows[0]).code).final_score == 18
    history = [ed.workflow.history_table.item(r, 2).text() for r in range(ed.workflow.history_table.rowCount())]
    assert any("复查发现台账漏计一次主题党日" in h for h in history)
    assert any("申诉" in h for h in history)
    actors = {ed.workflow.history_table.item(r, 1).text() for r in range(ed.workflow.history_table.rowCount())}
    assert all(actors)

    # The results tab shows the rating the core gives for the branch.
    from dangjian_desktop.assessment.results import rate_round

    expected = {b.org_name: b for b in rate_round(town_db, rid).branches}
    reports = ReportsTab()
    qtbot.addWidget(reports)
    reports.show()
    with qtbot.waitSignal(reports.rated, timeout=10000):
        reports.set_database(town_db)
    m = reports.results.model
    row = next(r for r in range(m.rowCount()) if m.rows[r].org_name == "河湾社区党支部")
    from dangjian_desktop.gui.reports.models import R_RATING, R_STARS, R_TOTAL

    assert m.index(row, R_RATING).data() == expected["河湾社区党支部"].rating
    assert m.index(row, R_STARS).data().count("★") == expected["河湾社区党支部"].stars
    assert m.index(row, R_TOTAL).data() == str(expected["河湾社区党支部"].total).removesuffix(".0")
    assert rounds.get_round(town_db, rid).state_counts.get("确定") == 1


# ---- sheet parts -----------------------------------------------------------------------------------

def test_veto_needs_a_fact_and_shows_triggered(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    ed.vetoes.table.selectRow(0)
    ed.vetoes.set_button.click()
    dlg = ed.current_dialog
    press_ok(dlg)
    assert "事实" in dlg.error_shown()
    dlg.dialog.factEdit.setPlainText("2025年5月起书记空缺")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    sheet = sheets.open_sheet(town_db, sid)
    assert sheet.triggered_vetoes() == [sheet.vetoes[0].code]
    assert ed.vetoes.table.item(0, 0).text() == "✔"
    assert ed.vetoes.table.item(0, 2).text() == "2025年5月起书记空缺"


def test_self_report_saved_with_the_sheet(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    assert not ed.report.save_button.isEnabled()
    ed.report.situation.setPlainText("全年召开支部党员大会4次")
    ed.report.problems.setPlainText("流动党员管理不到位")
    ed.report.measures.setPlainText("建立流动党员联系群")
    assert ed.report.save_button.isEnabled()
    ed.report.save_button.click()
    report = sheets.get_self_report(town_db, sid)
    assert (report.situation, report.problems, report.measures) == (
        "全年召开支部党员大会4次", "流动党员管理不到位", "建立流动党员联系群")
    assert not ed.report.save_button.isEnabled()


def test_evidence_added_listed_and_removed(qtbot, tab, town_db, tmp_path):
    from PIL import Image

    from dangjian_desktop.assessment import evidence

    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    photo = tmp_path / "主题党日.jpg"
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(photo)
    ed.view.setCurrentIndex(ed.model.index(item_rows(ed.model)[0], 3))
    assert ed.add_evidence_files([str(photo)]) == 1
    assert ed.evidence.list.count() == 1
    stored = evidence.list_evidence(town_db, sheet_id=sid)
    assert stored[0].item_code == ed.model.item_at(item_rows(ed.model)[0]).code
    assert "主题党日" in ed.evidence.list.item(0).text()
    assert ed.model.index(item_rows(ed.model)[0], 7).data() == "1"
    ed.evidence.list.setCurrentRow(0)
    ed._save_evidence_to(stored[0].id, str(tmp_path / "副本.jpg"))
    assert (tmp_path / "副本.jpg").read_bytes() == evidence.evidence_data(town_db, stored[0].id)
    ed.evidence.remove_button.click()
    ed.current_message.button(ed.current_message.StandardButton.Yes).click()
    assert evidence.list_evidence(town_db, sheet_id=sid) == []
    assert ed.evidence.list.count() == 0
    ed.evidence.target.setCurrentIndex(0)  # 整张考核表
    pdf = tmp_path / "会议记录.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert ed.add_evidence_files([str(pdf)]) == 1
    assert [e.item_code for e in evidence.list_evidence(town_db, sheet_id=sid)] == [None]


def test_dashboard_lists_missing_and_follows_entries(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    m = tab.dashboard.model
    assert m.rowCount() == len(BRANCHES)
    assert all(r.missing for r in m.rows)
    sid = tab.open_branch("东岭村党支部")
    view = tab.editor.view
    view.setFocus()
    for v in ("10", "10", "10", "10", "10"):
        type_cell(qtbot, view, v)
    with qtbot.waitSignal(tab.refreshed, timeout=3000):
        pass
    row = m.rows[m.row_of(sid)]
    assert not any("自评分" in x for x in row.missing)


def _fill_self_scores(db, round_id):
    for b in rounds.round_branches(db, round_id):
        sheet = sheets.open_sheet(db, b.id)
        sheets.set_scores(db, b.id, "self", {i.code: i.max for i in sheet.items})


def test_batch_move_moves_selected_sheets(qtbot, tab, town_db):
    rid = create_round_through_dialog(qtbot, tab, "chuangxing")
    _fill_self_scores(town_db, rid)
    tab.dashboard.view.selectRow(0)
    chosen = tab.dashboard.selected_sheet_ids()
    tab.batch_move("初审")
    tab.current_message.button(tab.current_message.StandardButton.Yes).click()
    moved = [b.id for b in rounds.round_branches(town_db, rid) if b.state == "初审"]
    assert moved == chosen
    assert "1 个党组织" in tab.current_message.text()


def test_batch_move_is_all_or_nothing_and_says_why(qtbot, tab, town_db):
    rid = create_round_through_dialog(qtbot, tab, "chuangxing")
    _fill_self_scores(town_db, rid)
    sid = tab.open_branch("西岭村党支部")
    sheets.set_score(town_db, sid, tab.editor.sheet.items[0].code, "self", None)
    tab.batch_move("初审")  # nothing selected: every sheet listed
    tab.current_message.button(tab.current_message.StandardButton.Yes).click()
    assert "西岭村党支部" in tab.current_message.text()
    assert {b.state for b in rounds.round_branches(town_db, rid)} == {"自评"}


def test_holiday_dialog_saves_edited_year(qtbot, tab, town_db):
    tab.rounds.action_holidays.trigger()
    dlg = tab.current_dialog
    f = dlg.dialog
    f.yearSpin.setValue(2027)
    assert f.table.rowCount() == 0
    dlg.add_row()
    f.table.item(0, 0).setText("2027年10月1日")
    f.table.item(0, 2).setText("国庆节")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert [(h.day, h.kind, h.name) for h in workdays.holidays(town_db, 2027)] == [("2027-10-01", "休", "国庆节")]
    assert not workdays.calendar(town_db).is_workday("2027-10-01")


def test_holiday_dialog_refuses_bad_date(qtbot, tab, town_db):
    tab.rounds.action_holidays.trigger()
    dlg = tab.current_dialog
    dlg.add_row()
    dlg.dialog.table.item(dlg.dialog.table.rowCount() - 1, 0).setText("十月一日")
    press_ok(dlg)
    assert "日期" in dlg.error_shown()
    assert tab.current_dialog is dlg


def test_readonly_database_offers_no_editing(qtbot, town_db, db_path):
    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    rid = rounds.create_round(town_db, year=2025, scheme_id="chuangxing")
    reader = Database.open(db_path, mode="read")
    try:
        t = AssessmentTab()
        qtbot.addWidget(t)
        t.set_database(reader)
        loaded(qtbot, t)
        assert t.round_id == rid
        assert not t.rounds.new_round_button.isEnabled()
        view, model = t.editor.view, t.editor.model
        assert not (model.flags(model.index(item_rows(model)[0], 3)) & Qt.ItemFlag.ItemIsEditable)
        t.set_database(None)
    finally:
        reader.close()


# ---- Excel self-assessment forms ------------------------------------------------------------------

def _fill_form(path, values: dict[str, object]) -> None:
    from openpyxl import load_workbook

    from dangjian_desktop.assessment.excel_forms import HEADER_ROW, HEADERS, MAIN

    wb = load_workbook(path)
    ws = wb[MAIN]
    code_col, score_col = HEADERS.index("编号") + 1, HEADERS.index("自评分") + 1
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, code_col).value
        if code in values:
            ws.cell(r, score_col).value = values[code]
    wb.save(path)


def test_exported_form_filled_in_and_imported(qtbot, tab, town_db, tmp_path):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("镇机关党支部")
    path = tmp_path / "自评表.xlsx"
    tab.export_form(sid, str(path))
    sheet = sheets.open_sheet(town_db, sid)
    wanted = {i.code: i.max - 1 for i in sheet.items}
    _fill_form(path, wanted)
    report = tab.import_form(str(path))
    assert report.ok and report.written
    assert sheets.open_sheet(town_db, sid).scores("self") == wanted
    assert tab.editor.sheet_id == sid
    assert tab.editor.model.index(item_rows(tab.editor.model)[0], 3).data() == str(wanted[sheet.items[0].code])
    assert "已导入" in tab.current_message.text()


def test_form_with_an_over_max_score_imports_nothing(qtbot, tab, town_db, tmp_path):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("镇机关党支部")
    path = tmp_path / "自评表.xlsx"
    tab.export_form(sid, str(path))
    sheet = sheets.open_sheet(town_db, sid)
    bad = {i.code: i.max for i in sheet.items}
    bad[sheet.items[-1].code] = sheet.items[-1].max + 10
    _fill_form(path, bad)
    report = tab.import_form(str(path))
    assert not report.ok
    assert sheets.open_sheet(town_db, sid).scores("self") == {}  # all or nothing
    text = tab.current_message.text()
    assert "没有导入任何内容" in text and str(sheet.items[-1].max + 10) in text


# ---- lots ---------------------------------------------------------------------------------------------

@pytest.fixture
def county_db(tmp_path):
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import add_town, init_office

    db = Database.create(tmp_path / "county.sqlite")
    init_office(db, name="文昌县", level="county")
    for town in ("东阳镇", "西林镇", "南河镇", "北山镇"):
        tid = add_town(db, town)
        root = db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL", (tid,))
        for n in range(2):
            add_org(db, parent_id=root, name=f"{town}第{n + 1}村党支部", org_type="党支部", kind="村")
    yield db
    db.close()


def test_draw_lots_dialog_records_a_reproducible_draw_and_prints_it(qtbot, county_db, tmp_path):
    from pypdf import PdfReader

    from dangjian_desktop.assessment import lots
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    rid = rounds.create_round(county_db, year=2025, scheme_id="chuangxing")
    t = AssessmentTab()
    qtbot.addWidget(t)
    t.set_database(county_db)
    loaded(qtbot, t)
    t.rounds.lots_button.click()
    dlg = t.current_dialog
    f = dlg.dialog
    assert f.resultTable.rowCount() == 0
    f.seedEdit.setText("20251201")
    f.drawButton.click()
    assert dlg.error_shown() == ""
    draw = lots.current_lots(county_db, rid)
    assert draw.seed == "20251201"
    assert draw.pairs == lots.derangement("20251201", [t_[0] for t_ in draw.towns])
    names = draw.names()
    table = f.resultTable
    shown = [(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())]
    assert shown == [(f"{names[a]}考核组", names[b]) for a, b in draw.pairs]
    assert all(team != f"{target}考核组" for team, target in shown)  # never its own town
    assert dlg.verify()
    assert "一致" in f.recordLabel.text()
    out = dlg.save_pdf(str(tmp_path / "抽签.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "")
    assert "20251201" in text and all(n in text for n in names.values())
    assert "20251201" in t.rounds.info.text()  # the round's line names the seed of its draw
    sheet = t.editor.sheet
    team = names[draw.assessor_of(sheet and county_db.scalar("SELECT office_id FROM round_branch WHERE id = ?",
                                                               (sheet.id,)))]
    t.open_sheet(sheet.id)
    assert f"{team}考核组" in t.editor.title_label.text()
    t.set_database(None)


# ---- classification schemes ------------------------------------------------------------------------

def test_classification_scheme_offers_the_classes(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "wugehao")
    sid = tab.open_branch("东岭村党支部")
    ed = tab.editor
    assert ed.items.class_row.isVisibleTo(ed)
    combo = ed.items.class_combo
    names = [combo.itemData(i) for i in range(combo.count())]
    levels = [lv.name for lv in ed.sheet.scheme.rating.levels]
    assert names == [None] + levels
    combo.setCurrentIndex(names.index(levels[0]))
    combo.activated.emit(combo.currentIndex())
    assert sheets.open_sheet(town_db, sid).classification == levels[0]


def test_star_scheme_hides_the_classes(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    assert not tab.editor.items.class_row.isVisibleTo(tab.editor)


# ---- models --------------------------------------------------------------------------------------------

def test_sheet_and_dashboard_models_pass_the_model_tester(qtbot, qtmodeltester, tab, town_db):
    create_round_through_dialog(qtbot, tab, "liuyou")
    qtmodeltester.check(tab.editor.model, force_py=True)
    qtmodeltester.check(tab.dashboard.model, force_py=True)


# ---- in the main window -------------------------------------------------------------------------------

def test_main_window_tabs_follow_each_other(qtbot, tmp_path):
    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.assessment.page import AssessmentTab
    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.gui.reports.page import ReportsTab
    from dangjian_desktop.registry import init_office

    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    rid = rounds.create_round(db, year=2025, scheme_id="chuangxing")
    db.close()

    w = MainWindow(path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.reports_tab.task is None, timeout=15000)  # its first rating is done
    assert isinstance(w.assessment_tab, AssessmentTab) and isinstance(w.reports_tab, ReportsTab)
    w.tabs.setCurrentWidget(w.assessment_tab)
    a = w.assessment_tab
    loaded(qtbot, a)
    assert a.round_id == rid
    view = a.editor.view
    view.setFocus()
    type_cell(qtbot, view, "18")
    with qtbot.waitSignal(w.reports_tab.rated, timeout=15000):
        w.tabs.setCurrentWidget(w.reports_tab)  # it was told of the change and re-rates when shown
    row = w.reports_tab.results.model.rows[0]
    assert row.total == 18
    w.close_database()


def test_unsaved_report_text_is_kept_when_leaving_the_sheet(qtbot, tab, town_db):
    create_round_through_dialog(qtbot, tab, "chuangxing")
    sid = tab.open_branch("东岭村党支部")
    tab.editor.report.problems.setPlainText("党员活动阵地面积不足")
    tab.open_branch("西岭村党支部")
    assert sheets.get_self_report(town_db, sid).problems == "党员活动阵地面积不足"
    assert tab.editor.report.problems.toPlainText() == ""


# ---- long work ------------------------------------------------------------------------------------------

def test_long_work_shows_progress_only_after_the_delay_and_returns_on_the_gui_thread(qtbot):
    import threading

    from PySide6.QtWidgets import QWidget

    from dangjian_desktop.gui.kit.tasks import Task

    host = QWidget()
    qtbot.addWidget(host)
    release = threading.Event()
    results = []

    def work(progress):
        progress(1, 3, "第一步")
        release.wait(10)
        return threading.get_ident()  # not the QThread: a pool thread's wrapper outlives the thread

    task = Task(host, "正在计算…", work, lambda r: results.append((r, threading.get_ident())), delay_ms=200)
    assert task.progress_dialog is None  # nothing flashes up for short work
    qtbot.waitUntil(lambda: task.progress_dialog is not None, timeout=5000)
    qtbot.waitUntil(lambda: task.progress_dialog.maximum() == 3, timeout=5000)
    assert "第一步" in task.progress_dialog.labelText()
    with qtbot.waitSignal(task.finished, timeout=10000):
        release.set()
    assert task.progress_dialog is None
    worker_thread, gui_thread = results[0]
    assert worker_thread != gui_thread and gui_thread == threading.main_thread().ident
