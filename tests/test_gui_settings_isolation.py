"""Tests never write the user's real settings, on any platform: a MainWindow built without a
settings object (as tests/test_gui_points.py and others do) keeps them in this test's own folder,
because tests/conftest.py moves every QSettings file there."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.gui.main_window import MainWindow, user_settings

pytestmark = pytest.mark.gui


def inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


# Twice: Qt looks up its settings folder once per process, so without the fixture the second run
# would write into (and read back) the first run's file, or on Windows into %APPDATA%.
@pytest.mark.parametrize("run", [1, 2])
def test_default_settings_stay_in_this_tests_folder(qtbot, db, db_path, _isolated_user_dirs, run):
    folder = _isolated_user_dirs
    assert user_settings().value("last_db") is None  # nothing left over from another test
    db.close()
    w = MainWindow(db_path)  # no settings object: the user's default settings
    qtbot.addWidget(w)
    try:
        assert w.db is not None
        w.settings.sync()
        assert w.settings.status() == QSettings.Status.NoError
        path = Path(w.settings.fileName())
        assert inside(str(path), folder), path
        assert "last_db" in path.read_text(encoding="utf-8")
        assert MainWindow.last_db_setting() == str(db_path)
        assert inside(QSettings().fileName(), folder)  # a plain QSettings() too (never the registry)
    finally:
        w.close_database()
