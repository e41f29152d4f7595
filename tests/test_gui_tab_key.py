"""Tab leaves a table the clerk reads and picks from (Qt's tables kept it for ever, walking their cells
round and round), and stays in one typed into like a sheet of paper (the 考核表)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QPushButton, QTableWidget, QVBoxLayout

from dangjian_desktop.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    return w


def a_dialog(window, triggers=None):
    dlg = QDialog(window)
    lay = QVBoxLayout(dlg)
    before, table, after = QPushButton("上一个"), QTableWidget(3, 3), QPushButton("下一个")
    if triggers is not None:
        table.setEditTriggers(triggers)
    for w in (before, table, after):
        lay.addWidget(w)
    dlg.show()
    dlg.activateWindow()
    return dlg, before, table, after


def press_tab(qtbot, times=1, key=Qt.Key.Key_Tab):
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), key)


def test_tab_passes_through_a_table_read_and_picked_from(qtbot, window):
    dlg, before, table, after = a_dialog(window, QAbstractItemView.EditTrigger.NoEditTriggers)
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    press_tab(qtbot)
    assert table.hasFocus()
    table.setCurrentCell(1, 1)
    press_tab(qtbot)
    assert after.hasFocus()
    press_tab(qtbot, key=Qt.Key.Key_Backtab)
    assert table.hasFocus()
    press_tab(qtbot, key=Qt.Key.Key_Backtab)
    assert before.hasFocus()
    dlg.close()


def test_a_table_typed_into_keeps_tab_for_its_next_cell(qtbot, window):
    dlg, before, table, after = a_dialog(window, QAbstractItemView.EditTrigger.AnyKeyPressed)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentCell(0, 0)
    press_tab(qtbot)
    assert table.hasFocus() and (table.currentRow(), table.currentColumn()) == (0, 1)
    dlg.close()


def test_a_view_may_ask_to_keep_tab(qtbot, window):
    dlg, before, table, after = a_dialog(window, QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setProperty("tabWalksCells", True)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentCell(0, 0)
    press_tab(qtbot)
    assert table.hasFocus() and table.currentColumn() == 1
    dlg.close()
