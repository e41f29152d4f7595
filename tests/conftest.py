"""Shared fixtures: every test gets its own data folder; nothing touches the user's real data."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Office keys live outside the per-test data folders, in one folder per test process, so a
# database built once (module or session fixtures) still verifies in every test that uses it.
os.environ["DANGJIAN_KEYS_DIR"] = tempfile.mkdtemp(prefix="dangjian-test-keys-")


def _isolate_qt_settings(folder) -> None:
    """Every QSettings file under `folder`, on every platform: Qt ignores XDG_CONFIG_HOME on
    Windows (%APPDATA%) and reads it only once per process elsewhere. The default format becomes
    INI, so that a plain QSettings() never reaches the Windows registry either. Only when Qt is
    installed (the core's tests need none)."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):  # native: a file on Linux
        for scope, sub in ((QSettings.Scope.UserScope, "user"), (QSettings.Scope.SystemScope, "system")):
            QSettings.setPath(fmt, scope, str(folder / sub))


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """This test's own data folder and settings (yielded: the folder holding both)."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    _isolate_qt_settings(base / "qt-settings")
    yield base


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.sqlite"


@pytest.fixture
def db(db_path):
    """A fresh database with a town office."""
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    database = Database.create(db_path)
    init_office(database, name="测试镇", level="town")
    yield database
    database.close()
