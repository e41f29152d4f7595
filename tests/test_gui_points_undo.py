"""编辑 → 撤销 after a change of the 积分细则 or of the 民主评议 sheet (pytest-qt, offscreen, in the
main window): an item added, changed and deleted through the catalogue page, the base score and a
member's review are taken back by Ctrl+Z inside the 党员积分 tab or the menu's action, and a review
in a year locked since is refused in words."""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from dangjian_desktop import dates
from dangjian_desktop.registry import add_member, add_org, idcard

pytestmark = pytest.mark.gui

OK = QDialogButtonBox.StandardButton.Ok


@pytest.fixture
def window(qtbot, db, db_path, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                    "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
    db.close()
    win = MainWindow(db_path, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    tab = win.points_tab
    win.tabs.setCurrentWidget(tab)
    tab.select_branch(branch)
    yield win, tab
    for box in (tab.message_box, win.undo_menu.message_box):
        if box is not None and shiboken6.isValid(box):
            box.done(0)
    win.close_database()


def ctrl(qtbot, win, view, key) -> None:
    """Ctrl+<key> with the focus in a table of the 党员积分 tab."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    view.setFocus()
    qtbot.keyClick(view, key, Qt.KeyboardModifier.ControlModifier)


def choose(view, found) -> None:
    """Select the first row for which found(row) holds (not selectRow: it follows the modifier keys)."""
    model = view.model()
    r = next(n for n, row in enumerate(model.rows) if found(row))
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().select(model.index(r, 0), flags)


def codes(panel) -> list[str]:
    return [i.code for i in panel.model.rows]


def test_catalogue_items_and_the_base_score_are_undone_from_the_catalogue_page(qtbot, window):
    win, tab = window
    cp, db, year = tab.catalogue, win.db, tab.year
    undo, redo = win.undo_menu.action_undo, win.undo_menu.action_redo
    tab.tabs.setCurrentWidget(cp)
    qtbot.waitUntil(lambda: len(cp.model.rows) > 0)
    qtbot.mouseClick(cp.add_button, Qt.MouseButton.LeftButton)
    d = tab.current_dialog.dialog
    d.codeEdit.setText("X1")
    d.titleEdit.setText("参加志愿服务")
    d.pointsSpin.setValue(1)
    qtbot.mouseClick(d.buttonBox.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert "X1" in codes(cp)
    assert (undo.text(), undo.isEnabled()) == ("撤销 新增积分细则 X1 参加志愿服务", True)
    ctrl(qtbot, win, cp.view, Qt.Key.Key_Z)  # inside the tab, no batch: the menu's step
    qtbot.waitUntil(lambda: "X1" not in codes(cp))
    assert tab.message_box is None and redo.text() == "重做 新增积分细则 X1 参加志愿服务"
    ctrl(qtbot, win, cp.view, Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: "X1" in codes(cp))
    # Changed through the dialog.
    choose(cp.view, lambda it: it.code == "X1")
    qtbot.mouseClick(cp.edit_button, Qt.MouseButton.LeftButton)
    d = tab.current_dialog.dialog
    d.titleEdit.setText("参加志愿服务活动")
    qtbot.mouseClick(d.buttonBox.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    title = lambda: db.scalar("SELECT title FROM points_item WHERE code = 'X1' AND year = ?", (year,))  # noqa: E731
    assert title() == "参加志愿服务活动" and undo.text() == "撤销 修改积分细则 X1 参加志愿服务活动"
    undo.trigger()
    qtbot.waitUntil(lambda: title() == "参加志愿服务")
    # Deleted after asking.
    choose(cp.view, lambda it: it.code == "X1")
    qtbot.mouseClick(cp.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.message_box is not None and tab.message_box.isVisible())
    qtbot.mouseClick(tab.message_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "X1" not in codes(cp))
    assert undo.text() == "撤销 删除积分细则 X1 参加志愿服务"
    ctrl(qtbot, win, cp.view, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: "X1" in codes(cp))
    # The base score.
    cp.base.setText("70")
    qtbot.mouseClick(cp.base_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cp.base.text() == "70")
    assert undo.text() == f"撤销 修改{year}年度基础分 60→70"
    ctrl(qtbot, win, cp.view, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: cp.base.text() == "60")
    assert tab.settings().base_score == 60
    assert db.verify() == []


def review_through_the_sheet(qtbot, tab, good: int, grade: str) -> None:
    tw = tab.totals
    tab.tabs.setCurrentWidget(tw)
    qtbot.waitUntil(lambda: len(tw.model.rows) == 1)
    qtbot.mouseClick(tw.review_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    spin, _fair, _poor, combo = dlg.spins[0]
    spin.setValue(good)
    combo.setCurrentIndex(combo.findData(grade))
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)


def test_a_review_is_undone_by_ctrl_z_and_refused_once_the_year_is_locked(qtbot, window):
    from dangjian_desktop.points.totals import lock_year

    win, tab = window
    db, year, tw = win.db, tab.year, tab.totals
    undo, redo = win.undo_menu.action_undo, win.undo_menu.action_redo
    grade = lambda: db.scalar("SELECT grade FROM member_review WHERE year = ?", (year,))  # noqa: E731
    review_through_the_sheet(qtbot, tab, 1, "优秀")
    assert grade() == "优秀" and (undo.text(), undo.isEnabled()) == (f"撤销 民主评议 张伟（{year}年度）", True)
    ctrl(qtbot, win, tw.view, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: grade() is None)
    assert tab.message_box is None
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == f"撤销：民主评议 张伟（{year}年度）"
    redo.trigger()
    qtbot.waitUntil(lambda: grade() == "优秀")
    qtbot.waitUntil(lambda: [t.review for t in tw.model.rows] == ["优秀"])
    today = dates.today().isoformat()
    lock_year(db, db.local_office_id, year, publicity_start=today, publicity_end=today)
    undo.trigger()
    box = win.undo_menu.message_box
    qtbot.waitUntil(lambda: box is not None and box.isVisible())
    assert "锁定" in box.text() and f"民主评议 张伟（{year}年度）" in box.text()
    assert grade() == "优秀" and not undo.isEnabled()
