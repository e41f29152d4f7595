"""The main window on a database on read-only media: it opens, read-only, and the status bar says why."""

from __future__ import annotations

import errno
import os

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


class _LockFileRefused:
    """The lock module's `os`, except that the lock file cannot be made (a write-protected stick)."""

    def open(self, path, flags, mode=0o777):
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return os.open(path, flags, mode)

    def __getattr__(self, name):
        return getattr(os, name)


def test_read_only_media_opens_read_only_with_the_reason_in_the_status_bar(qtbot, tmp_path, db, db_path,
                                                                           monkeypatch):
    import dangjian_desktop.db.lock as lock_mod

    db.close()
    monkeypatch.setattr(lock_mod, "os", _LockFileRefused())
    window = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.open_database(db_path)
        assert window.db.readonly
        message = window.statusBar().currentMessage()
        assert "磁盘是只读的" in message and "只读方式打开" in message
        assert "（只读）" in window.windowTitle()
        assert not window.action_settings.isEnabled()
    finally:
        window.close_database()


def test_the_read_only_reason_goes_with_its_database(qtbot, tmp_path, db, db_path, monkeypatch):
    """Closing it, or opening another (writable) database, clears the reason: it said the next
    database was read-only too."""
    import dangjian_desktop.db.lock as lock_mod
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    db.close()
    other = tmp_path / "other.sqlite"
    with Database.create(other) as odb:
        init_office(odb, name="青山镇", level="town")
    monkeypatch.setattr(lock_mod, "os", _LockFileRefused())
    window = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.open_database(db_path)
        assert "只读" in window.statusBar().currentMessage()
        monkeypatch.setattr(lock_mod, "os", os)
        assert window.open_database(other)
        assert not window.db.readonly
        assert window.statusBar().currentMessage() == ""
        monkeypatch.setattr(lock_mod, "os", _LockFileRefused())
        assert window.open_database(db_path)
        window.close_database()
        assert window.statusBar().currentMessage() == ""
    finally:
        window.close_database()
