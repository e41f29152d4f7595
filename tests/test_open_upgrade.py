"""Opening a database of an older schema upgrades it after a checked backup of the whole file
(seconds for a county's, minutes for a prefecture's): the core reports how far it is, and the
window does it off its own thread, with a bar, instead of freezing."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.db import Database, latest_version
from dangjian_desktop.db.backup import list_backups
from dangjian_desktop.registry import init_office

OLD = latest_version() - 1


@pytest.fixture
def old_town(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database.create(path, schema_version=OLD)
    init_office(db, name="升级镇", level="town")
    db.close()
    return path


def test_needs_upgrade_only_for_an_older_schema(old_town, tmp_path):
    assert Database.needs_upgrade(old_town)
    Database.open(old_town).close()
    assert not Database.needs_upgrade(old_town)
    (tmp_path / "notes.sqlite").write_text("不是数据库", encoding="utf-8")
    assert not Database.needs_upgrade(tmp_path / "notes.sqlite")
    assert not Database.needs_upgrade(tmp_path / "missing.sqlite")


def test_the_upgrade_reports_the_backup_and_the_migration(old_town):
    seen: list[tuple[int, int, str]] = []
    with Database.open(old_town, progress=lambda *step: seen.append(step)) as db:
        assert db.schema_version == latest_version()
        assert db.verify() == []
    texts = [text for _, _, text in seen]
    assert any(total > 0 and done == total for done, total, _ in seen)  # the backup's copy, to its end
    assert texts[-1] == f"正在把数据库升级到第 {latest_version()} 版"
    assert texts.index(texts[-1]) > 0  # after the backup
    assert any(b.path.name.endswith(f"upgrade-v{latest_version()}.zip") for b in list_backups(old_town))


@pytest.mark.gui
def test_the_window_upgrades_off_its_thread(old_town, qtbot, tmp_path, monkeypatch):
    from dangjian_desktop.gui.main_window import MainWindow

    threads: list[bool] = []
    migrate = Database._migrate

    def watched(self, **kw):
        if self.schema_version < latest_version():
            threads.append(threading.current_thread() is threading.main_thread())
        return migrate(self, **kw)

    monkeypatch.setattr(Database, "_migrate", watched)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.open_database(old_town)
    assert threads == [False]
    assert w.db.schema_version == latest_version() and not w.db.readonly
    w.close_database()
