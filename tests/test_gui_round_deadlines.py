"""An appeal deadline counted through a year without a holiday table is marked 未确认 wherever the GUI
shows it: the round's line, the dashboard's tooltip, the 登记申诉 dialog and the publicity preview's note
(pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from assessment_util import add_branches, drive, new_round
from dangjian_desktop import dates
from dangjian_desktop.assessment import sheets, workdays
from dangjian_desktop.registry import set_setting

pytestmark = pytest.mark.gui

START = dt.date(2026, 12, 15)
MARK = "未确认：2027年放假安排尚未录入"


@pytest.fixture
def late(db, monkeypatch):
    """A branch in publicity from 2026-12-15 (its 15 working days end in 2027), seen on 2026-12-14."""
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 12, 14))
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, year=2026)
    drive(db, b.id, "公示", publicity=START)
    return db, rid, b.id


@pytest.fixture
def assessment_tab(qtbot, late):
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    db, rid, sid = late
    tab = AssessmentTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 820)
    tab.show()
    tab.set_database(db)
    db.on_commit(tab.on_data_changed)
    tab.select_round(rid)
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)  # the dashboard is read off the GUI thread
    yield tab
    tab.set_database(None)


def test_the_round_line_and_the_dashboard_mark_the_deadline(assessment_tab, late, tmp_path):
    from dangjian_desktop.gui.assessment.models import D_NEXT, D_STATE

    db, rid, sid = late
    info = assessment_tab.rounds.info
    assert f"申诉期 15 个工作日，至 2027年1月4日（{MARK}" in info.text()
    assert "放假安排" in info.toolTip()
    m = assessment_tab.dashboard.model
    assert "未确认" in m.index(0, D_NEXT).data(Qt.ItemDataRole.DisplayRole)
    tip = m.index(0, D_STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert f"申诉期至 2027年1月4日（{MARK}" in tip
    assessment_tab.grab().save(str(tmp_path / "round.png"))
    # Once the year is confirmed Monday–Friday the same day is plain.
    workdays.confirm_weekdays(db, 2027)
    assessment_tab._show_round_info()
    assert "未确认" not in info.text() and info.toolTip() == ""
    assert "申诉期 15 个工作日，至 2027年1月4日" in info.text()


def test_the_appeal_dialog_marks_the_deadline(qtbot, late):
    from dangjian_desktop.gui.assessment.sheet_dialogs import AppealDialog

    db, rid, sid = late
    host = QWidget()
    qtbot.addWidget(host)
    dlg = AppealDialog(db, sheets.open_sheet(db, sid), host)
    assert f"至 2027年1月4日（{MARK}" in dlg.dialog.windowLabel.text()
    dlg.dialog.reject()


def test_appeal_dates_cannot_be_later_than_today(qtbot, late):
    from PySide6.QtCore import QDate

    from dangjian_desktop.assessment import workflow
    from dangjian_desktop.gui.assessment.sheet_dialogs import AppealDialog, ResolveAppealDialog

    db, rid, sid = late
    host = QWidget()
    qtbot.addWidget(host)
    dlg = AppealDialog(db, sheets.open_sheet(db, sid), host)
    dlg.dialog.lodgedOnEdit.setDate(QDate(2030, 1, 2))  # a slip of the year
    assert dlg.dialog.lodgedOnEdit.date() == QDate(2026, 12, 14)
    dlg.dialog.reject()
    workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="分数有误", lodged_on=dt.date(2026, 12, 16))
    dlg = ResolveAppealDialog(db, sheets.open_sheet(db, sid), host)
    dlg.dialog.decidedOnEdit.setDate(QDate(2030, 1, 2))
    assert dlg.dialog.decidedOnEdit.date() == QDate(2026, 12, 14)
    dlg.dialog.reject()


def test_the_publicity_preview_says_the_end_is_unconfirmed(qtbot, late):
    from dangjian_desktop.gui.reports.page import ReportsTab

    db, rid, sid = late
    tab = ReportsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    with qtbot.waitSignal(tab.rated, timeout=15000):
        tab.set_database(db)
    with qtbot.waitSignal(tab.preview_ready, timeout=20000):
        tab.tabs.setCurrentIndex(2)
        if tab.task is None:
            tab.build_preview()
    assert tab.preview.error is None, tab.preview.error
    assert f"公示期 2026年12月15日 至 2027年1月4日（{MARK}）" in tab.preview.info.text()
    assert any(MARK in w for w in tab.preview.warnings)
    tab.set_database(None)


def test_an_appeal_after_the_counted_end_asks_for_the_calendar_first(qtbot, assessment_tab, late, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    db, rid, sid = late
    monkeypatch.setattr(dates, "today", lambda: dt.date(2027, 1, 5))
    ed = assessment_tab.editor
    ed.reload()
    ed.workflow.move_button("申诉").click()
    prompt = ed.current_dialog
    assert prompt is not None and "2027 年的放假安排" in prompt.text_label.text()
    assert f"2027年1月4日（{MARK}" in prompt.text_label.text()
    prompt.weekdays_button.click()
    prompt.current_message.button(QMessageBox.StandardButton.Yes).click()
    assert workdays.year_status(db, 2027).basis == "weekdays"
    # Monday–Friday confirmed: 1 January counts, the window ended on the 4th; the appeal dialog
    # opens and says so without a mark.
    dlg = ed.current_dialog
    assert dlg is not prompt and "2027年1月4日" in dlg.dialog.windowLabel.text()
    assert "未确认" not in dlg.dialog.windowLabel.text()
    dlg.dialog.reject()


def test_starting_publicity_shows_the_deadline_it_will_have(qtbot, db, monkeypatch):
    from PySide6.QtCore import QDate

    from dangjian_desktop.gui.assessment.sheet_dialogs import MoveDialog

    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 12, 1))
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, year=2026)
    drive(db, b.id, "审核")
    host = QWidget()
    qtbot.addWidget(host)
    dlg = MoveDialog(db, sheets.open_sheet(db, b.id), "公示", "开始公示", host)
    hint = dlg.dialog.hintLabel
    assert "15 个工作日" in hint.text() and "至 2026年12月21日。" in hint.text()  # within 2026: plain
    dlg.dialog.dateEdit.setDate(QDate(2026, 12, 15))
    assert f"至 2027年1月4日（{MARK}，暂按周一至周五推算）。" in hint.text()
    dlg.dialog.reject()
