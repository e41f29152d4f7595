"""编辑 → 撤销 / 重做 in the main window (pytest-qt, offscreen): a member edited through the dialog,
a score typed in the sheet, a member marked 免评, a refused undo, and Ctrl+Z inside a text field
undoing the text."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from dangjian_desktop.assessment import rounds, sheets
from dangjian_desktop.db import Database
from dangjian_desktop.registry import add_member, add_org, idcard, update_member

pytestmark = pytest.mark.gui


@pytest.fixture
def office(db, db_path):
    """A town with one branch and one member; closed so that the window can open it."""
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                          "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
    rounds.create_round(db, year=2025, scheme_id="chuangxing")
    db.close()
    return branch, mid


@pytest.fixture
def window(qtbot, office, db_path, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    box = win.undo_menu.message_box
    if box is not None:
        box.done(0)
    win.close_database()


def member_names(tab) -> list[str]:
    model = tab.members.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def edit_member_name(qtbot, tab, member_id: str, name: str) -> None:
    tab.select_members([member_id])
    tab.edit_member()
    dlg = tab.current_dialog
    dlg.dialog.nameEdit.setText(name)
    qtbot.mouseClick(dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.dialog.isVisible(), timeout=3000)


def test_the_edit_menu_names_the_action_and_undo_restores_the_member(qtbot, window, office):
    branch, mid = office
    menu = window.undo_menu
    undo, redo = menu.action_undo, menu.action_redo
    assert [a.text() for a in window.menuBar().actions()][:2] == ["文件(&F)", "编辑(&E)"]
    assert (undo.text(), undo.isEnabled(), redo.text(), redo.isEnabled()) == ("撤销", False, "重做", False)
    tab = window.registry_tab
    tab.select_org(branch)
    edit_member_name(qtbot, tab, mid, "张三")
    assert member_names(tab) == ["张三"]
    assert (undo.text(), undo.isEnabled()) == ("撤销 修改党员 张伟→张三", True)
    txs = window.db.scalar("SELECT count(*) FROM tx_log")
    undo.trigger()
    qtbot.waitUntil(lambda: member_names(tab) == ["张伟"])
    assert window.db.get("member", mid)["name"] == "张伟"
    assert window.db.scalar("SELECT count(*) FROM tx_log") == txs + 1
    assert window.db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == "撤销：修改党员 张伟→张三"
    assert (undo.text(), undo.isEnabled()) == ("撤销", False)
    assert (redo.text(), redo.isEnabled()) == ("重做 修改党员 张伟→张三", True)
    assert "已撤销：修改党员 张伟→张三" in window.statusBar().currentMessage()
    redo.trigger()
    qtbot.waitUntil(lambda: member_names(tab) == ["张三"])
    assert undo.text() == "撤销 修改党员 张伟→张三" and not redo.isEnabled()


def test_ctrl_z_undoes_the_database_but_in_a_text_field_the_text(qtbot, window, office):
    branch, mid = office
    tab = window.registry_tab
    tab.select_org(branch)
    edit_member_name(qtbot, tab, mid, "张三")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # Typing in the search field: Ctrl+Z takes the typed text back, the database keeps 张三.
    tab.members.search_edit.setFocus()
    qtbot.keyClicks(tab.members.search_edit, "zs")
    qtbot.keyClick(tab.members.search_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.members.search_edit.text() == ""
    assert window.db.get("member", mid)["name"] == "张三"
    assert window.undo_menu.action_undo.isEnabled()
    # In the member table Ctrl+Z undoes the edit; Ctrl+Shift+Z and Ctrl+Y redo it.
    tab.members.view.setFocus()
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.db.get("member", mid)["name"] == "张伟")
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.db.get("member", mid)["name"] == "张三")
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.db.get("member", mid)["name"] == "张三")


def test_a_refused_undo_says_why_and_changes_nothing(qtbot, window, office):
    branch, mid = office
    tab = window.registry_tab
    tab.select_org(branch)
    edit_member_name(qtbot, tab, mid, "张三")
    update_member(window.db, mid, {"phone": "13800138000"})  # changed again elsewhere
    qtbot.waitUntil(lambda: window.db.get("member", mid)["rev"] == 3)
    txs = window.db.scalar("SELECT count(*) FROM tx_log")
    window.undo_menu.action_undo.trigger()
    box = window.undo_menu.message_box
    assert box is not None and box.isVisible()
    assert "不能撤销“修改党员 张伟→张三”" in box.text() and "此后又被修改过" in box.text()
    assert window.db.scalar("SELECT count(*) FROM tx_log") == txs
    m = window.db.get("member", mid)
    assert (m["name"], m["phone"]) == ("张三", "13800138000")
    assert member_names(tab) == ["张三"]
    assert window.undo_menu.action_undo.text() == "撤销" and not window.undo_menu.action_undo.isEnabled()


def test_a_typed_score_is_undone_from_the_menu(qtbot, window, office):
    branch, _mid = office
    tab = window.assessment_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)  # the dashboard is read off the GUI thread
    sid = tab.open_branch("东岭村党支部")
    view, model = tab.editor.view, tab.editor.model
    row = next(r for r in range(model.rowCount()) if model.is_item_row(r))
    code = model.item_at(row).code
    view.setFocus()
    for typed in ("12", "15"):
        view.setCurrentIndex(model.index(row, 3))
        qtbot.keyClick(view, typed[0])
        editor = view.indexWidget(view.currentIndex())
        qtbot.keyClicks(editor, typed[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert sheets.open_sheet(window.db, sid).item(code).self_score == 15
    undo = window.undo_menu.action_undo
    assert undo.text() == f"撤销 填写自评分 东岭村党支部 {code}"
    undo.trigger()
    qtbot.waitUntil(lambda: tab.editor.model.item_at(row).self_score == 12)
    assert sheets.open_sheet(window.db, sid).item(code).self_score == 12
    assert tab.editor.model.data(tab.editor.model.index(row, 3)) == "12"
    undo.trigger()
    qtbot.waitUntil(lambda: tab.editor.model.item_at(row).self_score is None)
    assert window.db.verify() == []


def test_a_tab_with_its_own_ctrl_z_keeps_it_while_the_focus_is_inside(qtbot, window, office):
    """The 党员积分 tab's Ctrl+Z (撤销上一批) wins inside it; the menu's Ctrl+Z everywhere else."""
    branch, mid = office
    tab = window.registry_tab
    tab.select_org(branch)
    edit_member_name(qtbot, tab, mid, "张三")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    undo = window.undo_menu.action_undo
    assert [k.toString() for k in undo.shortcuts()] == ["Ctrl+Z"]
    window.tabs.setCurrentWidget(window.points_tab)
    inside = window.points_tab.tabs.currentWidget()
    inside.setFocus()
    qtbot.waitUntil(lambda: undo.shortcuts() == [])
    assert [k.toString() for k in window.undo_menu.action_redo.shortcuts()] == ["Ctrl+Y", "Ctrl+Shift+Z"]
    qtbot.keyClick(inside, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the tab's own: no batch here
    assert window.db.get("member", mid)["name"] == "张三"
    window.tabs.setCurrentWidget(tab)
    tab.members.view.setFocus()
    qtbot.waitUntil(lambda: [k.toString() for k in undo.shortcuts()] == ["Ctrl+Z"])
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.db.get("member", mid)["name"] == "张伟")


def test_the_stack_is_emptied_when_another_database_opens(qtbot, window, office, tmp_path):
    branch, mid = office
    tab = window.registry_tab
    tab.select_org(branch)
    edit_member_name(qtbot, tab, mid, "张三")
    assert window.undo_menu.stack.can_undo()
    other = tmp_path / "other.sqlite"
    from dangjian_desktop.registry import init_office

    db2 = Database.create(other)
    init_office(db2, name="别的镇", level="town")
    db2.close()
    assert window.open_database(other)
    assert not window.undo_menu.stack.can_undo() and not window.undo_menu.action_undo.isEnabled()


def exempt_in_points_tab(qtbot, window, branch):
    """The 党员积分 tab's 年度汇总 with the branch's one member marked 免评 through its dialog."""
    tab = window.points_tab
    window.tabs.setCurrentWidget(tab)
    tab.select_branch(branch)
    tw = tab.totals
    tab.tabs.setCurrentWidget(tw)
    qtbot.waitUntil(lambda: len(tw.model.rows) == 1)
    tw.view.selectRow(0)
    qtbot.mouseClick(tw.exempt_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.reason.setText("长期患病，本人申请，支部同意")
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    return tab, tw


def test_marking_a_member_exempt_is_undone_by_ctrl_z_and_redone(qtbot, window, office):
    from dangjian_desktop.points.totals import not_rated_exemption

    branch, mid = office
    tab, tw = exempt_in_points_tab(qtbot, window, branch)
    year, db = tab.year, window.db
    exempt = lambda: not_rated_exemption(db, mid, year) is not None  # noqa: E731
    assert exempt() and tw.model.rows[0].rating == "免评"
    undo, redo = window.undo_menu.action_undo, window.undo_menu.action_redo
    assert (undo.text(), undo.isEnabled()) == (f"撤销 登记免评 张伟（{year}年度）", True)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tw.view.setFocus()
    qtbot.keyClick(tw.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # inside the tab: its newest change
    qtbot.waitUntil(lambda: not exempt())
    qtbot.waitUntil(lambda: tw.model.rows[0].rating != "免评")
    assert tab.message_box is None  # not 撤销上一批: there is no batch, and nothing was asked
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == f"撤销：登记免评 张伟（{year}年度）"
    assert redo.text() == f"重做 登记免评 张伟（{year}年度）"
    qtbot.keyClick(tw.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tw.model.rows[0].rating == "免评")
    # Clearing it (取消免评) is undone as well.
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    tw.view.selectionModel().select(tw.model.index(0, 0), flags)  # not selectRow: it follows the modifier keys
    assert tw.unexempt_button.isEnabled()
    qtbot.mouseClick(tw.unexempt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.message_box is not None and tab.message_box.isVisible())
    qtbot.mouseClick(tab.message_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not exempt())
    assert undo.text() == f"撤销 取消免评 张伟（{year}年度）"
    undo.trigger()
    qtbot.waitUntil(exempt)
    assert db.verify() == []


def test_ctrl_z_in_the_points_tab_takes_the_newer_batch_back_before_an_exemption(qtbot, window, office):
    from dangjian_desktop.points import catalogue
    from dangjian_desktop.points.ledger import add_entry
    from dangjian_desktop.points.totals import not_rated_exemption

    branch, mid = office
    tab, tw = exempt_in_points_tab(qtbot, window, branch)
    db = window.db
    catalogue.ensure_catalogue(db, db.local_office_id, tab.year)
    item = next(i for i in catalogue.items(db, db.local_office_id, tab.year) if i.code == "A05")
    add_entry(db, mid, item.id, f"{tab.year}-01-02")  # a batch after the exemption
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tw.view.setFocus()
    qtbot.keyClick(tw.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.message_box is not None and tab.message_box.isVisible())
    assert "撤销上一批录入" in tab.message_box.text()
    tab.message_box.reject()
    assert not_rated_exemption(db, mid, tab.year) is not None
