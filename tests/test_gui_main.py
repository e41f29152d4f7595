"""The main window: welcome page, creating and opening databases, four tabs, status bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop.db import Database
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.registry import init_office

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_database()


def test_welcome_page_until_a_database_is_open(window):
    assert window.pages.currentWidget() is window.welcome
    assert window.db_label.text() == "未打开数据库"


def test_the_tabs_in_order(window):
    titles = [window.tabs.tabText(i).split("(")[0] for i in range(window.tabs.count())]
    assert titles == ["组织台账", "党员积分", "考核检查", "结果报告", "统计", "台账"]


def test_new_database_through_the_dialog(window, qtbot, tmp_path):
    path = tmp_path / "新镇.sqlite"
    window.welcome.new_button.click()
    dlg = window.current_dialog.dialog
    ok = dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # no name yet: refused, dialog stays open
    assert dlg.isVisible() and "单位名称" in dlg.errorLabel.text()
    dlg.nameEdit.setText("青山镇")
    dlg.pathEdit.setText(str(path))
    ok.click()
    qtbot.waitUntil(lambda: window.db is not None)
    assert path.exists()
    assert "青山镇" in window.windowTitle()
    assert str(path) in window.db_label.text()
    assert window.pages.currentWidget() is window.tabs


def test_a_file_name_alone_goes_in_the_data_folder_as_a_database_file(window, qtbot, tmp_path, monkeypatch):
    """Typed without a folder, the file was made in whatever folder the program started in (the
    program's own folder), and without .sqlite 打开数据库 did not list it."""
    from dangjian_desktop.paths import default_db_path

    monkeypatch.chdir(tmp_path)
    window.new_database_dialog()
    dlg = window.current_dialog.dialog
    dlg.nameEdit.setText("青山镇")
    dlg.pathEdit.setText("青山镇")
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.db is not None)
    made = default_db_path().parent / "青山镇.sqlite"
    assert window.db.path == made and made.exists()
    assert list(tmp_path.glob("青山镇*")) == []
    assert str(made) in window.db_label.text()


def test_a_folder_as_the_place_is_refused_with_what_to_do(window, tmp_path):
    window.new_database_dialog()
    dlg = window.current_dialog.dialog
    dlg.nameEdit.setText("青山镇")
    dlg.pathEdit.setText(str(tmp_path))
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.isVisible() and "文件夹" in dlg.errorLabel.text()
    assert window.db is None
    dlg.reject()


def test_a_database_that_cannot_be_made_there_brings_the_dialog_back_as_typed(window, qtbot, tmp_path,
                                                                              monkeypatch):
    """A write-protected place: the reason is told in the dialog, which keeps the name, the level and
    the place (it closed, and the clerk typed everything again)."""
    import errno
    import os

    import dangjian_desktop.db.lock as lock_mod

    class Refused:  # the lock module's os on a write-protected stick
        def open(self, path, flags, mode=0o777):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

        def __getattr__(self, name):
            return getattr(os, name)

    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: boxes.append(a[2]))
    monkeypatch.setattr(lock_mod, "os", Refused())
    window.new_database_dialog()
    dlg = window.current_dialog.dialog
    dlg.nameEdit.setText("某某县")
    dlg.levelCombo.setCurrentIndex(1)
    dlg.pathEdit.setText(str(tmp_path / "县.sqlite"))
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(dlg.isVisible)
    assert window.db is None and window.current_dialog.dialog is dlg
    assert "只读" in dlg.errorLabel.text() and boxes == []
    assert (dlg.nameEdit.text(), dlg.levelCombo.currentIndex()) == ("某某县", 1)
    monkeypatch.setattr(lock_mod, "os", os)
    dlg.pathEdit.setText(str(tmp_path / "县2.sqlite"))
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.db is not None)
    assert "某某县" in window.windowTitle()


def test_existing_file_is_not_overwritten(window, qtbot, db, db_path):
    db.close()
    window.new_database_dialog()
    dlg = window.current_dialog.dialog
    dlg.nameEdit.setText("别的镇")
    dlg.pathEdit.setText(str(db_path))
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.isVisible() and "已存在" in dlg.errorLabel.text()
    assert window.db is None


def test_second_window_opens_read_only_and_says_so(window, qtbot, db, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    assert window.open_database(db_path)  # `db` (this process) holds the writer lock
    assert window.db.readonly
    assert "只读" in window.db_label.text() and shown and "只读" in shown[0]


def test_demo_database_opens_with_data(window, qtbot):
    window.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    assert window.db.scalar("SELECT count(*) FROM member") > 100
    assert "演示镇" in window.windowTitle()


def test_settings_dialog_opens_from_the_file_menu(window, qtbot, db, db_path):
    db.close()
    window.open_database(db_path)
    assert window.action_settings.isEnabled()
    window.action_settings.trigger()
    dlg = window.current_dialog
    assert dlg is not None and dlg.dialog.isVisible()
    dlg.dialog.reject()


def test_settings_need_an_open_writable_database(window):
    assert not window.action_settings.isEnabled()


def _a_backup(db, tmp_path):
    from dangjian_desktop.db.backup import make_backup
    from dangjian_desktop.registry import set_setting

    set_setting(db, "publicity_issuer", "中共备份镇委员会")
    usb = tmp_path / "U盘"
    usb.mkdir()
    backup = make_backup(db, "manual", usb)
    db.close()
    return backup


def test_a_backup_is_restored_into_a_new_database_file_from_the_welcome_page(window, qtbot, db, tmp_path,
                                                                              monkeypatch):
    """On a new computer: 从备份恢复… with the backup from the stick, a place for the database; the
    restored database is opened with what the backup held."""
    from dangjian_desktop.gui import restore_new
    from dangjian_desktop.registry import get_setting

    backup = _a_backup(db, tmp_path)
    target = tmp_path / "新电脑" / "本镇"
    target.parent.mkdir()
    monkeypatch.setattr(restore_new.QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    monkeypatch.setattr(restore_new.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.welcome.restore_button.click()
    qtbot.waitUntil(lambda: window.db is not None)
    assert window.db.path == target.with_name("本镇.sqlite")  # the suffix added
    assert get_setting(window.db, "publicity_issuer") == "中共备份镇委员会"
    assert window.pages.currentWidget() is window.tabs and "已从备份" in window.statusBar().currentMessage()


def test_a_backup_chosen_to_open_is_offered_for_restoring(window, qtbot, db, tmp_path, monkeypatch):
    from dangjian_desktop.gui import main_window as mw, restore_new

    backup = _a_backup(db, tmp_path)
    target = tmp_path / "恢复.sqlite"
    asked = []
    monkeypatch.setattr(mw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    monkeypatch.setattr(restore_new.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(restore_new.QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or restore_new.QMessageBox.StandardButton.Yes)
    window.open_database_dialog()
    qtbot.waitUntil(lambda: window.db is not None)
    assert asked and "是一份备份，不能直接打开" in asked[0]
    assert window.db.path == target


def test_the_welcome_page_says_when_the_database_used_last_is_not_there(qtbot, tmp_path, db, db_path):
    """On a USB stick not plugged in (or moved): the welcome page only asked to make a new database."""
    from dangjian_desktop.gui.app import start_window
    from dangjian_desktop.gui.main_window import user_settings

    db.close()
    gone = tmp_path / "U盘" / "青山镇.sqlite"
    user_settings().setValue("last_db", str(gone))
    w = start_window(None)
    qtbot.addWidget(w)
    w.show()
    assert w.db is None and w.pages.currentWidget() is w.welcome
    assert w.welcome.missing_label.isVisible() and str(gone) in w.welcome.missing_label.text()
    assert w.open_database(db_path)
    w.close_database()
    assert not w.welcome.missing_label.isVisible()
    user_settings().setValue("last_db", str(db_path))  # there: opened, nothing said
    w2 = start_window(None)
    qtbot.addWidget(w2)
    try:
        assert w2.db is not None and w2.welcome.missing_label.isHidden()
    finally:
        w2.close_database()
