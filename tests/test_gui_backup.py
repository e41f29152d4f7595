"""备份与恢复 in the main window: the dialog lists the backups, 立即备份 adds one, 恢复 replaces the
database and reopens it; automatic backups on closing a changed database and on the timer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from dangjian_desktop.db.backup import backup_dir, list_backups, make_backup
from dangjian_desktop.gui.backup_dialog import BackupDialog, open_backup_dialog, size_text
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.registry import get_setting, set_setting

pytestmark = pytest.mark.gui

ISSUER = "publicity_issuer"


@pytest.fixture
def window(qtbot, tmp_path, db, db_path):
    set_setting(db, ISSUER, "中共测试镇委员会")
    db.close()
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.open_database(db_path)
    yield w
    if isinstance(w.current_dialog, BackupDialog):
        qtbot.waitUntil(lambda: w.current_dialog.task is None, timeout=20000)
        w.current_dialog.reject()
    w.auto_backup.suspended = True
    w.close_database()


def reasons(db_path):
    return sorted(b.reason for b in list_backups(db_path, details=False))


def answer_from_the_event_loop(button) -> None:
    """Click a message box's button from the event loop, as the clerk's click arrives. The answer
    closes the database, which waits for background reads while handling events; a box clicked
    from outside any event loop (a plain click() in a test) can then be deleted by Qt under its
    own click handler, which crashed this test now and then."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, button.click)


def open_dialog(window) -> BackupDialog:
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text().startswith("备份与恢复"))
    action.trigger()
    dlg = window.current_dialog
    assert isinstance(dlg, BackupDialog) and dlg.isVisible()
    return dlg


def test_the_dialog_lists_each_backup_with_date_size_version_and_counts(window, db_path):
    make_backup(window.db, "manual")
    make_backup(window.db, "close")
    dlg = open_dialog(window)
    assert dlg.table.rowCount() == 2
    assert [dlg.table.horizontalHeaderItem(c).text() for c in range(dlg.table.columnCount())] == [
        "时间", "类型", "大小", "数据库版本", "党组织", "党员", "考核轮次", "原位置"]
    assert dlg.table.isColumnHidden(7)  # no backup was made with the database elsewhere
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", dlg.table.item(0, 0).text())
    assert {dlg.table.item(r, 1).text() for r in range(2)} == {"手动备份", "关闭时自动备份"}
    newest = list_backups(db_path)[0]
    assert dlg.table.item(0, 2).text() == size_text(newest.size) and size_text(newest.size)[-2:] in ("KB", "MB")
    assert dlg.table.item(0, 3).text().startswith("第") and dlg.table.item(0, 4).text() == "1"
    assert str(backup_dir(db_path)) in dlg.info_label.text() and "保留规则" in dlg.info_label.text()
    assert not dlg.restore_button.isEnabled()  # nothing selected yet
    dlg.table.selectRow(0)
    assert dlg.restore_button.isEnabled()


def test_a_moved_database_lists_the_backups_made_where_it_was(qtbot, tmp_path, db, db_path):
    earlier = make_backup(db, "manual")
    db.close()
    new = tmp_path / "新文件夹" / "改了名的.sqlite"
    new.parent.mkdir()
    db_path.rename(new)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.open_database(new)
    try:
        dlg = open_dialog(w)
        assert dlg.table.rowCount() == 1 and not dlg.table.isColumnHidden(7)
        assert dlg.table.item(0, 7).text() == str(db_path) and dlg.table.item(0, 1).text() == "手动备份"
        assert str(earlier) in dlg.table.item(0, 0).toolTip() and "不按本数据库的保留规则清理" in dlg.table.item(0, 0).toolTip()
        assert str(backup_dir(new)) in dlg.info_label.text()
        assert "现有 0 份备份，共占 0" in dlg.info_label.text() and "另有 1 份是数据库在原位置时做的" in dlg.info_label.text()
        dlg.reject()
    finally:
        w.auto_backup.suspended = True
        w.close_database()


def test_backup_now_adds_one(window, qtbot, db_path):
    dlg = open_dialog(window)
    assert dlg.table.rowCount() == 0
    dlg.backup_button.click()
    qtbot.waitUntil(lambda: dlg.task is None and dlg.table.rowCount() == 1, timeout=20000)
    assert reasons(db_path) == ["manual"]
    assert dlg.table.item(0, 1).text() == "手动备份" and "已备份" in dlg.status_label.text()
    assert dlg.selected().path == list_backups(db_path)[0].path


def test_enter_on_the_list_makes_no_backup(window, qtbot, db_path):
    from PySide6.QtCore import Qt

    make_backup(window.db, "manual")
    dlg = open_dialog(window)
    dlg.table.setFocus()
    dlg.table.selectRow(0)
    qtbot.keyClick(dlg.table, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert dlg.task is None and reasons(db_path) == ["manual"] and dlg.isVisible()
    assert not any(b.isDefault() or b.autoDefault() for b in (dlg.backup_button, dlg.restore_button, dlg.close_button))


def test_the_keep_rule_and_the_space_ceiling_are_set_in_the_dialog_and_thin_at_once(window, qtbot, db_path):
    import datetime as dt

    from dangjian_desktop.db.backup import keep_policy, space_rule
    from dangjian_desktop.db.backup_rules import SpaceRule
    from dangjian_desktop.gui.backup_rules_dialog import BackupRulesDialog

    folder = backup_dir(db_path)
    folder.mkdir(parents=True)
    now = dt.datetime.now().replace(microsecond=0)
    for h in range(6):  # six backups of 300 MB within the last hours (sparse files)
        with open(folder / f"office_{now - dt.timedelta(hours=h):%Y%m%d-%H%M%S}_auto.zip", "wb") as f:
            f.truncate(300 << 20)
    dlg = open_dialog(window)
    info = dlg.info_label.text()
    assert "空间上限：所有备份最多共占 10 GB" in info and "现有 6 份备份，共占 1.8 GB" in info
    dlg.rules_button.click()
    rules = dlg.current_dialog
    assert isinstance(rules, BackupRulesDialog) and rules.dialog.isVisible()
    assert rules.w("allDaysSpin").value() == 2 and rules.w("spaceSpin").value() == 10
    rules.w("spaceSpin").setValue(0)
    assert rules.w("spaceSpin").text() == "不设上限"
    spin = rules.w("spaceSpin")  # a small ceiling typed stays one (it became 不设上限 at one decimal)
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.04")
    spin.interpretText()
    assert spin.value() == 0.04 and spin.text() != "不设上限"
    rules.w("allDaysSpin").setValue(3)
    rules.w("spaceSpin").setValue(1.0)
    rules.ok_button.click()
    assert not rules.dialog.isVisible() and dlg.current_dialog is None
    assert keep_policy(window.db).all_days == 3 and space_rule(window.db) == SpaceRule(1.0)
    assert len(list_backups(db_path, details=False)) == 3  # 1 GB: three of them, the newest
    assert "删去了 3 份较早的备份" in dlg.status_label.text()
    assert "最多共占 1 GB" in dlg.info_label.text() and dlg.table.rowCount() == 3


def test_restore_replaces_the_database_and_reopens_it(window, qtbot, db_path):
    make_backup(window.db, "manual")
    set_setting(window.db, ISSUER, "后来改的")
    dlg = open_dialog(window)
    dlg.table.selectRow(0)
    dlg.restore_button.click()
    box = dlg.message_box
    assert box is not None and "替换当前数据库" in box.text()
    answer_from_the_event_loop(box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: "已用" in dlg.status_label.text() and dlg.task is None and window.db is not None,
                    timeout=20000)
    assert get_setting(window.db, ISSUER) == "中共测试镇委员会"
    assert window.db.verify() == []
    assert "恢复前的数据库已备份" in dlg.status_label.text()
    assert reasons(db_path) == ["manual", "restore"]  # no on-close backup on top of the restore's own
    assert dlg.table.rowCount() == 2
    dlg.message_box.close()


def test_a_failed_restore_reopens_the_database_as_it_was(window, qtbot, db_path, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"no database here" * 64)
    dlg = open_dialog(window)
    dlg.restore_file(junk)
    qtbot.waitUntil(lambda: dlg.task is None and window.db is not None, timeout=20000)
    assert get_setting(window.db, ISSUER) == "中共测试镇委员会"
    assert "不是党建台账的数据库" in dlg.message_box.text()
    dlg.message_box.close()


def test_open_backup_folder(window, monkeypatch, db_path):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    dlg = open_dialog(window)
    dlg.folder_button.click()
    assert opened == [str(backup_dir(db_path))] and backup_dir(db_path).is_dir()


def test_no_dialog_without_a_database(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert open_backup_dialog(w) is None and shown == ["请先打开数据库。"]


# ---- automatic backups ----------------------------------------------------------------------

def test_closing_after_a_change_backs_up_and_not_without_one(window, db_path):
    window.close_database()
    assert reasons(db_path) == []  # nothing changed
    assert window.open_database(db_path)
    set_setting(window.db, ISSUER, "改了一处")
    window.close()  # closing the window closes the database
    assert reasons(db_path) == ["close"]
    [b] = list_backups(db_path)
    assert b.reason_label == "关闭时自动备份"
    from dangjian_desktop.db.backup import read_details
    assert read_details(b.path)["marker"] is not None


def test_closing_again_after_a_timer_backup_adds_nothing(window, qtbot, db_path):
    set_setting(window.db, ISSUER, "改了")
    with qtbot.waitSignal(window.auto_backup.finished, timeout=20000):
        window.auto_backup.on_timer()
    assert reasons(db_path) == ["auto"]
    window.auto_backup.on_timer()  # no change since: no new backup
    assert not window.auto_backup.running
    window.close_database()
    assert reasons(db_path) == ["auto"]


def test_a_background_backup_heard_before_its_thread_ended_is_not_still_running(window, qtbot, db_path):
    """Its report is its thread's last step, but the thread may not have ended when the GUI thread
    hears it: the next tick must not then find it 'running' and skip its backup."""
    import time

    relay = window.auto_backup._relay

    class Lingering:  # the thread reports, then takes a while to end
        class done:  # noqa: N801 - stands in for the signal
            @staticmethod
            def emit(*args):
                relay.done.emit(*args)
                time.sleep(0.4)

    window.auto_backup._relay = Lingering
    set_setting(window.db, ISSUER, "改了")
    with qtbot.waitSignal(window.auto_backup.finished, timeout=20000):
        window.auto_backup.on_timer()
    assert not window.auto_backup.running
    set_setting(window.db, ISSUER, "又改了")
    with qtbot.waitSignal(window.auto_backup.finished, timeout=20000):
        window.auto_backup.on_timer()  # a backup again, not skipped
    assert reasons(db_path) == ["auto", "auto"]


def test_a_failing_timed_backup_is_told_in_a_box_once_then_in_the_status_bar(window, qtbot, monkeypatch):
    from dangjian_desktop.errors import UserError
    from dangjian_desktop.gui import backup_auto

    def full(*_a, **_k):
        raise UserError("磁盘空间不足，没有备份：……磁盘 C:\\ 只剩 0.1 GB。")

    monkeypatch.setattr(backup_auto, "auto_backup", full)
    auto = window.auto_backup
    auto.suspended = True  # no backup on closing (it would fail too, and say so in a box that waits)
    for n in range(2):
        set_setting(window.db, ISSUER, f"改了{n}")
        with qtbot.waitSignal(auto.finished, timeout=20000):
            auto.on_timer()
        assert window.statusBar().currentMessage().startswith("定时自动备份没有成功：磁盘空间不足")
        if n == 0:
            first = box = auto.failure_box
            assert box is not None and box.windowTitle() == "定时自动备份没有成功"
            assert "只剩 0.1 GB" in box.text() and "每 30 分钟会再试" in box.text()
            box.close()
    assert auto.failure_box is first  # the second failure: the status bar only
    window.close_database()  # a database opened again is told again
    assert not auto.failure_told


def test_the_timer_runs_every_thirty_minutes_while_a_database_is_open(window):
    timer = window.auto_backup.timer
    assert timer.isActive() and timer.interval() == 30 * 60 * 1000
    window.close_database()
    assert not timer.isActive()


def test_a_change_before_a_failed_restore_is_still_backed_up_on_closing(window, qtbot, db_path, tmp_path):
    set_setting(window.db, ISSUER, "恢复之前改的")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"no database here" * 64)
    dlg = open_dialog(window)
    dlg.restore_file(junk)
    qtbot.waitUntil(lambda: dlg.task is None and window.db is not None, timeout=20000)
    dlg.message_box.close()
    dlg.reject()
    window.auto_backup.suspended = False
    window.close_database()
    assert reasons(db_path) == ["close"]


def test_after_a_crash_the_work_no_backup_holds_is_backed_up_on_closing(qtbot, tmp_path, db, db_path):
    """The session before ended without closing (its lock left behind) after a change: the next
    session's close backs it up even when nothing more is changed."""
    import json

    set_setting(db, ISSUER, "崩溃之前改的")
    db.close()
    Path(f"{db_path}.lock").write_text(json.dumps({"host": "另一次运行", "pid": 999999, "user": "x",
                                                   "since": "2026-12-01T08:00:00+00:00"}), encoding="utf-8")
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.open_database(db_path) and w.db.stale_lock_cleared is not None
    w.close_database()
    assert reasons(db_path) == ["close"]
    assert w.open_database(db_path)  # a clean start after it: nothing new to back up
    w.close_database()
    assert reasons(db_path) == ["close"]
