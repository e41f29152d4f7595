"""检查数据 in the File menu finds an outside edit; 修改记录 shows a member's changes."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from dangjian_desktop.gui.data_check import ChangeHistoryDialog
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.registry import add_member, add_org
from dangjian_desktop.registry.idcard import make

pytestmark = pytest.mark.gui


@pytest.fixture
def member_db(db, db_path):
    root = db.scalar("SELECT id FROM org")
    branch = add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "孙丽", "ethnicity": "汉族", "id_number": make("140826", dt.date(1988, 1, 9), 2, False),
                          "join_date": "2012-07-01", "full_date": "2013-07-01", "category": "正式党员"},
                     org_id=branch, event_date="2012-07-01")
    with db.transaction("更正电话", actor="周干事") as tx:
        tx.update("member", mid, {"phone": "13700000003"})
    db.close()
    return db_path, mid


@pytest.fixture
def window(qtbot, tmp_path, member_db):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(member_db[0], settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_database()


def _result_box(window, qtbot) -> QMessageBox:
    task = window.action_check.trigger() or window._check_task
    qtbot.waitUntil(lambda: not task.running and isinstance(window.current_dialog, QMessageBox), timeout=20000)
    return window.current_dialog


def test_check_data_says_sound(window, qtbot):
    box = _result_box(window, qtbot)
    assert "数据库完好" in box.text()
    box.close()


def test_check_data_finds_an_outside_edit(window, qtbot, member_db):
    path, mid = member_db
    conn = sqlite3.connect(path)
    conn.execute("UPDATE member SET name = '外改', rev = rev + 1 WHERE id = ?", (mid,))
    conn.commit()
    conn.close()
    box = _result_box(window, qtbot)
    assert "发现" in box.text() and "外改" in box.detailedText() and "事务 #" in box.detailedText()
    box.close()


def test_check_data_without_the_key_says_it_cannot_tell_not_that_it_was_tampered(window, qtbot, monkeypatch):
    """A database brought from another computer without its key: 检查数据 says nothing could be
    confirmed and how to bring the key, not that the data were changed behind the program's back."""
    import dangjian_desktop.db.database as database_module

    monkeypatch.setattr(database_module, "load_key", lambda _kid: None)
    box = _result_box(window, qtbot)
    assert "没有写入这些数据时用的签章密钥" in box.text() and "并不表示数据有问题" in box.text()
    assert "在本程序之外被改动过，或已损坏" not in box.text() and "本机没有签章密钥" in box.detailedText()
    assert box.icon() == QMessageBox.Icon.Information
    box.close()


def test_change_history_lists_who_changed_what(window, qtbot, member_db):
    _, mid = member_db
    dlg = ChangeHistoryDialog(window.db, "member", mid, "党员 孙丽", window)
    qtbot.addWidget(dlg)
    cells = [[dlg.table.item(r, c).text() for c in range(dlg.table.columnCount())] for r in range(dlg.table.rowCount())]
    assert any(row[1] == "周干事" and row[2] == "更正电话" and row[4] == "联系电话" and row[6] == "13700000003"
               for row in cells)
    assert any(row[3] == "新建" and row[4] == "姓名" and row[6] == "孙丽" for row in cells)
    assert any(row[4] == "入党日期" and row[6] == "2012年7月1日" for row in cells)
    assert any(row[4] == "所在党组织" and row[6] == "南村党支部" for row in cells)  # the branch by name, not id


def test_change_history_names_a_branch_deleted_since(window, qtbot, member_db):
    from dangjian_desktop.registry.orgs import delete_org

    _, mid = member_db
    db = window.db
    south = db.scalar("SELECT org_id FROM member WHERE id = ?", (mid,))
    south_gid = db.scalar("SELECT coalesce(gid, id) FROM org WHERE id = ?", (south,))
    north = add_org(db, parent_id=db.scalar("SELECT parent_id FROM org WHERE id = ?", (south,)), name="北村党支部",
                    org_type="党支部", kind="村")
    with db.transaction("转移组织关系") as tx:
        tx.update("member", mid, {"org_id": north})
    delete_org(db, south)
    dlg = ChangeHistoryDialog(db, "member", mid, "党员 孙丽", window)
    qtbot.addWidget(dlg)
    cells = [[dlg.table.item(r, c).text() for c in range(dlg.table.columnCount())] for r in range(dlg.table.rowCount())]
    assert any(row[4] == "所在党组织" and row[5] == "南村党支部（已删除）" and row[6] == "北村党支部" for row in cells)
    # never the internal ids (a local id is a short number: a whole cell, or a word in one)
    assert not any(south == text or south in text.split() or south_gid in text for row in cells for text in row)


def test_check_data_moves_its_progress_bar_to_the_end(window, qtbot):
    box = _result_box(window, qtbot)
    task = window._check_task  # the check whose result is shown (not one started before it)
    done, total, text = task._last
    assert total > 0 and done == total and text
    box.close()


def test_check_data_can_be_cancelled(window, qtbot):
    window.action_check.trigger()
    task = window._check_task
    task.cancel()  # 取消 on the progress dialog
    qtbot.waitUntil(lambda: not task.running, timeout=20000)
    assert window.current_dialog is None or not isinstance(window.current_dialog, QMessageBox)
    assert "已取消检查数据" in window.statusBar().currentMessage()
