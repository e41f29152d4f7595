"""The 党员积分 page on the operations layer (offscreen): it hears every committed change on the
database's OperationBus, 撤销上一批 from Ctrl+Z inside the tab, Esc leaves the meeting screen,
Excel import and export run off the GUI thread with the page held still meanwhile, a refusal is
told, and the 星级党员 preview keeps one PDF buffer however often it is rebuilt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QBuffer, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from dangjian_desktop.meetings.ledger import record_meeting
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.ledger import add_entry

from points_util import YEAR, add_branch, item

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db):
    b = add_branch(db, "东河村党支部", n=4)
    catalogue.ensure_catalogue(db, db.local_office_id, YEAR)
    return db, b


@pytest.fixture
def tab(qtbot, town):
    from dangjian_desktop.gui.points.page import PointsTab

    db, b = town
    widget = PointsTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_database(db)
    widget.year_spin.setValue(YEAR)
    widget.select_branch(b.id)
    yield widget
    if widget.bus is not None:
        widget.bus.wait_idle()
    if widget.current_dialog is not None:
        widget.current_dialog.dialog.reject()
    if widget.message_box is not None:
        widget.message_box.reject()
    widget.set_database(None)


def answer(qtbot, tab, button=QMessageBox.StandardButton.Yes) -> None:
    qtbot.waitUntil(lambda: tab.message_box is not None and tab.message_box.isVisible(), timeout=3000)
    qtbot.mouseClick(tab.message_box.button(button), Qt.MouseButton.LeftButton)


def total_of(tab, member_name: str) -> float:
    return {t.name: t.total for t in tab.ledger.member_model.rows}[member_name]


def test_the_page_hears_a_change_made_elsewhere_on_the_bus(qtbot, tab, town):
    db, b = town
    tab.tabs.setCurrentWidget(tab.ledger)
    name = db.get("member", b.members[0])["name"]
    assert total_of(tab, name) == 60
    add_entry(db, b.members[0], item(db, "A05").id, f"{YEAR}-05-04")  # not through the page
    assert total_of(tab, name) == 62
    tab.tabs.setCurrentWidget(tab.meetings)  # the other panels reload when shown
    assert [r["meeting_type"] for r in tab.meetings.model.rows] == []
    record_meeting(db, org_id=b.id, meeting_type="党课", date=f"{YEAR}-06-01",
                   attendance={m: "出席" for m in b.members})
    assert [r["meeting_type"] for r in tab.meetings.model.rows] == ["党课"]


def test_ctrl_z_inside_the_tab_takes_the_last_batch_back(qtbot, tab, town):
    db, b = town
    record_meeting(db, org_id=b.id, meeting_type="党课", date=f"{YEAR}-06-01",
                   attendance={m: "出席" for m in b.members})
    tab.tabs.setCurrentWidget(tab.meetings)
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    view = tab.meetings.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "撤销上一批录入" in tab.message_box.text() and "会议、考勤和这批积分记录" in tab.message_box.text()
    answer(qtbot, tab)
    assert db.scalar("SELECT count(*) FROM meeting") == 0
    assert tab.meetings.model.rows == [] and "已撤销" in tab.message.text()
    assert not tab.meetings.undo_button.isEnabled()


def test_escape_leaves_the_meeting_screen_without_writing(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    view = tab.meetings.entry.form.attendanceView
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert tab.meetings.stack.currentIndex() == 0
    assert db.scalar("SELECT count(*) FROM meeting") == 0


def test_catalogue_excel_goes_out_and_comes_back_in_off_the_gui_thread(qtbot, tab, town, tmp_path):
    db, _b = town
    office = db.local_office_id
    tab.tabs.setCurrentWidget(tab.catalogue)
    path = tmp_path / "细则.xlsx"
    tab.catalogue.export_file(path)
    assert path.exists() and f"已导出 {path}" in tab.message.text()
    catalogue.add_item(db, office, YEAR, {"code": "C9", "kind": "加分", "title": "护林巡河", "points": 1, "unit": "次"})
    assert "C9" in [i.code for i in tab.catalogue.model.rows]
    op = tab.catalogue.import_file(path)
    assert not tab.tabs.isEnabled()  # held still while the import runs
    qtbot.waitUntil(lambda: not op.running, timeout=15000)
    assert tab.tabs.isEnabled()
    qtbot.waitUntil(lambda: tab.message_box is not None)
    assert "删除1项" in tab.message_box.text() and tab.message_box.windowTitle() == "导入积分细则"
    assert "C9" not in [i.code for i in tab.catalogue.model.rows]


def test_ledger_excel_goes_out_and_comes_back_as_one_batch(qtbot, tab, town, tmp_path):
    from dangjian_desktop.points.batch import undo_last_batch

    db, b = town
    add_entry(db, b.members[0], item(db, "A05").id, f"{YEAR}-05-04", note="志愿服务")
    tab.tabs.setCurrentWidget(tab.ledger)
    path = tmp_path / "台账.xlsx"
    query = tab.ledger.export_file(path)
    qtbot.waitUntil(lambda: not query.running, timeout=15000)
    assert path.exists() and f"已导出 {path}" in tab.message.text()
    undo_last_batch(db, db.local_office_id)
    name = db.get("member", b.members[0])["name"]
    assert total_of(tab, name) == 60
    op = tab.ledger.import_file(path)
    qtbot.waitUntil(lambda: not op.running, timeout=15000)
    qtbot.waitUntil(lambda: tab.message_box is not None)
    assert "已导入1条积分记录" in tab.message_box.text()
    assert total_of(tab, name) == 62 and tab.ledger.undo_button.isEnabled()


def test_a_refused_import_is_told_and_writes_nothing(qtbot, tab, town, tmp_path):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.ledger)
    path = tmp_path / "台账.xlsx"
    path.write_text("这不是 Excel 文件", encoding="utf-8")
    before = db.scalar("SELECT count(*) FROM tx_log")
    op = tab.ledger.import_file(path)
    qtbot.waitUntil(lambda: not op.running, timeout=15000)
    qtbot.waitUntil(lambda: tab.message_box is not None)
    assert "台账.xlsx" in tab.message_box.text() and "Traceback" not in tab.message_box.text()
    assert db.scalar("SELECT count(*) FROM tx_log") == before and tab.tabs.isEnabled()


def test_deleting_a_meeting_asks_and_takes_its_points_with_it(qtbot, tab, town):
    db, b = town
    record_meeting(db, org_id=b.id, meeting_type="支部党员大会", date=f"{YEAR}-06-01",
                   attendance={m: "出席" for m in b.members})
    tab.tabs.setCurrentWidget(tab.meetings)
    tab.meetings.view.selectRow(0)
    qtbot.mouseClick(tab.meetings.delete_button, Qt.MouseButton.LeftButton)
    assert "它的考勤记录、由考勤记入的积分和会议照片将一并删除" in tab.message_box.text()
    answer(qtbot, tab)
    assert db.scalar("SELECT count(*) FROM meeting") == 0
    assert db.scalar("SELECT count(*) FROM points_entry") == 0 and tab.meetings.model.rows == []


def test_the_stars_preview_keeps_one_pdf_buffer(qtbot, tab, town):
    from dangjian_desktop.registry import set_setting

    set_setting(town[0], "publicity_contact_phone", "0359-6123456")
    tab.tabs.setCurrentWidget(tab.totals)
    qtbot.mouseClick(tab.totals.print_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    for paper in ("A3", "A4", "A3"):
        dlg.paper.setCurrentText(paper)
        assert dlg.pdf_bytes is not None, dlg.info.text()
    qtbot.waitUntil(lambda: len(dlg.findChildren(QBuffer)) == 1)
    assert dlg.document.pageCount() >= 1 and "4名党员" in dlg.info.text()
