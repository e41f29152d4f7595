"""编辑 → 撤销 after the 导入花名册 wizard: the import is offered on the main window's menu by its
counts, and taking it back leaves the members that were there before."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.gui.roster.wizard import RosterImportWizard

from roster_util import add_branches, member_count, person, write_roster

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, db, db_path, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    add_branches(db, "红星村党支部")
    db.close()
    win = MainWindow(db_path, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_database()


def _import_five(qtbot, window, tmp_path):
    """Five new members imported through the wizard, as a clerk does."""
    wizard = RosterImportWizard(window.db, parent=window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.set_file(write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 6)]))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        wizard.next()
    wizard.accept()


def test_the_wizards_import_is_undone_from_the_edit_menu(qtbot, window, tmp_path):
    db = window.db
    _import_five(qtbot, window, tmp_path)
    assert member_count(db) == 5

    action = window.undo_menu.action_undo
    assert action.isEnabled() and action.text() == "撤销 导入花名册（新增 5 名，修改 0 名）"
    action.trigger()
    assert member_count(db) == 0
    assert window.undo_menu.message_box is None  # not refused
    assert window.undo_menu.action_redo.text() == "重做 导入花名册（新增 5 名，修改 0 名）"


def test_a_large_import_is_undone_in_the_background_and_redone(qtbot, window, tmp_path, monkeypatch):
    """A step of many rows runs on the thread pool (the window paints, a progress dialog after a
    moment); the menu is off until it ended, then the members are back as before."""
    from dangjian_desktop.gui import undo_menu

    monkeypatch.setattr(undo_menu, "LONG_STEP_ROWS", 3)  # five members and their history: "large"
    db = window.db
    _import_five(qtbot, window, tmp_path)
    menu = window.undo_menu
    menu.action_undo.trigger()
    assert not menu.action_undo.isEnabled() and not menu.action_redo.isEnabled()  # while it runs
    qtbot.waitUntil(lambda: menu.action_redo.isEnabled(), timeout=10000)
    assert member_count(db) == 0 and menu.message_box is None
    assert "已撤销：导入花名册" in window.statusBar().currentMessage()
    menu.action_redo.trigger()
    qtbot.waitUntil(lambda: menu.action_undo.isEnabled(), timeout=10000)
    assert member_count(db) == 5
