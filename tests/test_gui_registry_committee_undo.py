"""编辑 → 撤销 of committee changes in the main window (pytest-qt, offscreen): a 换届 through its dialog
is named on the menu and Ctrl+Z brings the former term and committee back; 任命支委 likewise."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from dangjian_desktop.registry import add_committee_member, add_member, add_org, idcard, start_term

pytestmark = pytest.mark.gui


@pytest.fixture
def office(db):
    """A branch elected 2021-03-01 with 张伟 as its secretary; closed so that the window can open it."""
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                          "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
    term = start_term(db, branch, start_date="2021-03-01", years=3)
    cm = add_committee_member(db, branch, role="书记", start_date="2021-03-01", member_id=mid)
    db.close()
    return branch, term, cm


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


def committee_shown(tab) -> list[str]:
    table = tab.details.committee_table
    return [" ".join(table.item(r, c).text() for c in range(2)) for r in range(table.rowCount())]


def accept(qtbot, tab) -> None:
    dlg = tab.current_dialog
    qtbot.mouseClick(dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.dialog.isVisible(), timeout=3000)


def test_a_new_term_is_undone_by_ctrl_z_and_redone(qtbot, window, office):
    branch, term, cm = office
    db, tab, undo = window.db, window.registry_tab, window.undo_menu.action_undo
    tab.select_org(branch)
    assert committee_shown(tab) and "2021年3月1日换届" in tab.details.term_label.text()
    assert not undo.isEnabled()
    qtbot.mouseClick(tab.details.button_new_term, Qt.MouseButton.LeftButton)
    tab.current_dialog.dialog.startEdit.setText("2024-03-01")
    accept(qtbot, tab)
    qtbot.waitUntil(lambda: committee_shown(tab) == [])
    assert db.get("committee_term", term)["ended_on"] == "2024-03-01"
    assert db.get("committee_member", cm)["end_date"] == "2024-03-01"
    assert (undo.text(), undo.isEnabled()) == ("撤销 换届 南村党支部", True)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.details.committee_table.setFocus()
    qtbot.keyClick(tab.details.committee_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(committee_shown(tab)) == 1)
    assert "2021年3月1日换届" in tab.details.term_label.text()
    assert db.get("committee_term", term)["ended_on"] is None
    assert db.get("committee_member", cm)["end_date"] is None
    assert db.scalar("SELECT count(*) FROM committee_term WHERE org_id = ?", (branch,)) == 1
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == "撤销：换届 南村党支部"
    assert window.undo_menu.action_redo.text() == "重做 换届 南村党支部"
    assert "已撤销：换届 南村党支部" in window.statusBar().currentMessage()

    window.undo_menu.action_redo.trigger()
    qtbot.waitUntil(lambda: committee_shown(tab) == [])
    assert "2024年3月1日换届" in tab.details.term_label.text()


def test_an_appointment_is_named_on_the_menu_and_undone(qtbot, window, office):
    branch, _term, _cm = office
    db, tab, undo = window.db, window.registry_tab, window.undo_menu.action_undo
    tab.select_org(branch)
    qtbot.mouseClick(tab.details.button_appoint, Qt.MouseButton.LeftButton)
    f = tab.current_dialog.dialog
    f.roleCombo.setCurrentIndex(f.roleCombo.findData("委员"))
    f.memberCombo.setEditText("刘洋")  # not on the roster: typed by name
    accept(qtbot, tab)
    qtbot.waitUntil(lambda: len(committee_shown(tab)) == 2)
    assert undo.text() == "撤销 任命支委 刘洋（委员）"
    undo.trigger()
    qtbot.waitUntil(lambda: len(committee_shown(tab)) == 1)
    assert db.scalar("SELECT count(*) FROM committee_member WHERE name = '刘洋'") == 0
