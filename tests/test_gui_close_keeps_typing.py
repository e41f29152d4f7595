"""A score typed into the sheet without Enter is kept when the database or the window is closed,
as it is when the clerk leaves the cell (it was lost without a word)."""

from __future__ import annotations

import pytest
from assessment_util import add_branches, new_round
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from dangjian_desktop.assessment import sheets
from dangjian_desktop.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("how", ["close_database", "close"])
def test_a_score_typed_without_enter_is_saved_on_closing(qtbot, tmp_path, db, db_path, how):
    add_branches(db, [("东岭村党支部", "村")])
    _rid, branches = new_round(db, "chuangxing", year=2026)
    sid = branches[0].id
    db.close()
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.open_database(db_path)
    page = w.assessment_tab
    w.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.loading, timeout=20000)
    page.open_sheet(sid)
    ed = page.editor
    row = next(r for r in range(ed.model.rowCount()) if ed.model.is_item_row(r))
    code = ed.model.item_at(row).code
    index = ed.model.index(row, 3)  # 自评分
    ed.view.setFocus()
    ed.view.setCurrentIndex(index)
    ed.view.edit(index)
    line = ed.view.indexWidget(index)
    line.setFocus()
    qtbot.keyClicks(line, "18")
    assert QApplication.focusWidget() is line
    w.auto_backup.suspended = True
    getattr(w, how)()
    from dangjian_desktop.db import Database

    with Database.open(db_path, mode="read") as again:
        assert sheets.open_sheet(again, sid).scores("self").get(code) == 18
