"""Shared fixtures: every test gets its own data folder; nothing touches the user's real data."""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Office keys live outside the per-test data folders, in one folder per test process, so a
# database built once (module or session fixtures) still verifies in every test that uses it.
# Removed when the process ends: a run otherwise left one folder behind per process.
os.environ["DANGJIAN_KEYS_DIR"] = tempfile.mkdtemp(prefix="dangjian-test-keys-")
atexit.register(shutil.rmtree, os.environ["DANGJIAN_KEYS_DIR"], ignore_errors=True)

try:  # Python's garbage collection on the main (GUI) thread only, as in the application
    from dangjian_desktop.gui.kit import collector as _gc_collector
except ImportError:  # no Qt: the core's tests need none
    _gc_collector = None
else:
    _gc_collector.disable_automatic()


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


@pytest.fixture(autouse=True)
def _hidden_tabs_not_prepared(monkeypatch):
    """A window's hidden tabs are prepared (read in advance) only in the tests of that
    (tests/test_gui_tab_preparer.py): elsewhere a test that waits a second and a half would find
    pages reading that it never showed."""
    try:
        from dangjian_desktop.gui.tab_preparer import TabPreparer
    except ImportError:  # no Qt: the core's tests need none
        return
    monkeypatch.setattr(TabPreparer, "IDLE_MS", None)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_main_thread():
    """After each test, the collection automatic GC would have made (switched off: see above)."""
    yield
    if _gc_collector is not None:
        _gc_collector.collect_due()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.sqlite"


@pytest.fixture(scope="session")
def town_template(tmp_path_factory) -> Path:
    """The database `db` starts from: a town office 测试镇, created once per test process (each
    pytest-xdist worker is one) and closed; every test gets a copy of the file (a blink, where
    creating it again takes a fifth of a second of CPU, for most tests of the suite)."""
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    folder = tmp_path_factory.mktemp("db-template")
    path = folder / "office.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        _own_user_dirs(mp, folder / "user")
        database = Database.create(path)
        try:
            init_office(database, name="测试镇", level="town")
        finally:
            database.close()
    return _closed_cleanly(path)


@pytest.fixture
def db(db_path, town_template):
    """A fresh database with a town office (this test's own copy of town_template)."""
    from dangjian_desktop.db import Database

    shutil.copyfile(town_template, db_path)
    database = Database.open(db_path)
    yield database
    database.close()


def _own_user_dirs(mp: pytest.MonkeyPatch, folder: Path) -> None:
    """Data folders for a session fixture: those are made before any test's own (_isolated_user_dirs)."""
    for var in ("DANGJIAN_DATA_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        mp.setenv(var, str(folder / var.lower()))


def _closed_cleanly(path: Path) -> Path:
    """`path`, after checking that no -wal or -shm file is left beside it: a copy of the file alone
    is then the whole database."""
    left = [p.name for p in path.parent.glob(path.name + "-*")]
    assert not left, f"the template database was not closed cleanly: {left}"
    return path


class DemoOffices:
    """Demo offices built once per test process (with pytest-xdist: once per worker) by the real
    `dangjian init` and `dangjian demo`, each test getting its own copy of the closed file.

    Building a demo town takes seconds to tens of seconds; copying its closed file takes a blink.
    The copies verify because the office keys live in DANGJIAN_KEYS_DIR, set once per process
    above. Only the database file is copied: it is built, closed and checked to have no -wal or
    -shm file left beside it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.built: dict[tuple, Path] = {}
        self._printed: dict[tuple, str] = {}

    def template(self, *, seed: int, name: str = "文城镇", level: str = "town", towns: int | None = None) -> Path:
        key = self._key(seed=seed, name=name, level=level, towns=towns)
        if key not in self.built:
            from dangjian_desktop.cli import main

            path = self.folder / f"{level}-{seed}-{towns or 0}.sqlite"
            demo = ["demo", "--seed", str(seed)] + (["--towns", str(towns)] if towns else [])
            for leftover in (path, *path.parent.glob(path.name + "*")):  # of a build that failed
                leftover.unlink(missing_ok=True)
            out = io.StringIO()
            with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
                _own_user_dirs(mp, self.folder / "user")
                assert main(["--db", str(path), "init", "--name", name, "--level", level]) == 0
                out.seek(0)
                out.truncate()
                assert main(["--db", str(path), *demo]) == 0
            self._printed[key] = out.getvalue()
            self.built[key] = _closed_cleanly(path)
        return self.built[key]

    def printed(self, **template) -> str:
        """What `dangjian demo` printed while building that office."""
        self.template(**template)
        return self._printed[self._key(**template)]

    @staticmethod
    def _key(*, seed: int, name: str = "文城镇", level: str = "town", towns: int | None = None) -> tuple:
        return seed, name, level, towns

    def copy(self, dest: Path, **template) -> Path:
        """A fresh copy of the demo office described by `template` (see template()) at `dest`."""
        shutil.copyfile(self.template(**template), dest)
        return dest


@pytest.fixture(scope="session")
def demo_offices(tmp_path_factory) -> DemoOffices:
    return DemoOffices(tmp_path_factory.mktemp("demo-offices"))


@pytest.fixture
def demo_town(demo_offices, tmp_path) -> Path:
    """This test's own copy of the demo town 文城镇 (`dangjian demo --seed 7`)."""
    return demo_offices.copy(tmp_path / "town.sqlite", seed=7)
