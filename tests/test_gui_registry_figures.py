"""After a save the 组织台账 page re-reads its tree counts and warnings off the GUI thread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.db import Database
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.gui.registry import figures
from dangjian_desktop.registry import add_member, add_org, idcard, init_office

pytestmark = pytest.mark.gui


def member(name: str, serial: int, category: str = "正式党员") -> dict:
    return {"name": name, "ethnicity": "汉族", "id_number": idcard.make("110101", dt.date(1980, 1, serial), serial, True),
            "join_date": "2015-07-01", "category": category}


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    add_member(db, member("张三", 1), org_id=branch)
    db.close()
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    w.open_database(path)
    # Opening reads the figures in the background too: the tests start once that read is shown.
    qtbot.waitUntil(lambda: not w.registry_tab.figures.running, timeout=10000)
    yield w, branch
    w.close_database()


def test_a_save_returns_before_the_counts_and_warnings_are_read(qtbot, window, monkeypatch):
    w, branch = window
    tab = w.registry_tab
    assert w.tabs.currentWidget() is tab
    tab.select_org(branch)
    assert tab.node_count(("org", branch)) == 1
    assert not [x for x in tab.warnings.all if x.code == "probation_overdue"]

    release, reading, read_done, threads = threading.Event(), threading.Event(), threading.Event(), []
    real = figures.tree_counts

    def blocking_counts(db, *read):  # the read waits until the test lets it go
        threads.append(threading.current_thread() is threading.main_thread())
        reading.set()
        release.wait(10)
        try:
            return real(db, *read)
        finally:
            read_done.set()

    monkeypatch.setattr(figures, "tree_counts", blocking_counts)
    mid = add_member(w.db, member("李四", 2, "预备党员"), org_id=branch)  # the save; the bus tells the page
    assert reading.wait(5), "the counts are being re-read"
    assert not read_done.is_set(), "the save returned while the read was still waiting"
    assert threads == [False], "the read runs off the GUI thread"
    assert mid in tab.members.model.ids, "the member table follows at once"
    assert tab.node_count(("org", branch)) == 1  # the old figures until the read ends

    with qtbot.waitSignal(tab.refreshed, timeout=10000):
        release.set()
    assert tab.node_count(("org", branch)) == 2
    assert "2 人" in tab.details.labels["members"].text()
    assert [x.member_id for x in tab.warnings.all if x.code == "probation_overdue"] == [mid]
    assert f"预警（{tab.warning_count()}）" in tab.warnings.box.title()


def test_a_change_during_the_read_is_read_again(qtbot, window, monkeypatch):
    w, branch = window
    tab = w.registry_tab
    release, calls = threading.Event(), []
    real = figures.tree_counts

    def slow_counts(db, *read):
        calls.append(1)
        release.wait(10)
        return real(db, *read)

    monkeypatch.setattr(figures, "tree_counts", slow_counts)
    add_member(w.db, member("李四", 2), org_id=branch)
    qtbot.waitUntil(lambda: calls == [1], timeout=5000)
    add_member(w.db, member("王五", 3), org_id=branch)  # heard while the first read runs
    release.set()
    assert w.operations.wait_idle()
    assert len(calls) == 2, "read once more after the change heard meanwhile"
    assert tab.node_count(("org", branch)) == 3


def test_opening_a_database_reads_the_warnings_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    mid = add_member(db, member("李四", 2, "预备党员"), org_id=branch)
    db.close()
    threads = []
    real = figures.warnings_refreshed

    def recording(db, previous, **kw):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(db, previous, **kw)

    monkeypatch.setattr(figures, "warnings_refreshed", recording)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    tab = w.registry_tab
    w.open_database(path)
    assert tab.figures.running and tab.warning_count() == 0  # shown before the warnings are read
    qtbot.waitUntil(lambda: not tab.figures.running, timeout=10000)
    assert threads == [False]
    assert [x.member_id for x in tab.warnings.all if x.code == "probation_overdue"] == [mid]
    w.close_database()


def test_after_a_save_only_the_members_branch_is_counted_again(qtbot, window, monkeypatch):
    """The counts go on from the tree the page read: a save at a prefecture counts one branch
    again, not every member; what the page shows is what a full read gives."""
    from dangjian_desktop.registry import tree

    w, branch = window
    tab = w.registry_tab
    full_reads = []
    real = tree.read_counts
    monkeypatch.setattr(tree, "read_counts", lambda db: full_reads.append(1) or real(db))
    for serial, name in ((2, "李四"), (3, "王五")):
        add_member(w.db, member(name, serial), org_id=branch)
        assert w.operations.wait_idle()
        qtbot.waitUntil(lambda: not tab.figures.running, timeout=5000)
    assert full_reads == []
    assert tab.node_count(("org", branch)) == 3
    assert tab.figures.counts_read.rows == tree.read_counts(w.db).rows


def test_after_a_member_is_saved_the_committee_warnings_are_kept_not_read_again(qtbot, window, monkeypatch):
    """A member saved changes no term, committee or group leader: those warnings are kept from the
    last read; a committee changed reads them again."""
    from dangjian_desktop.registry import add_committee_member, start_term
    from dangjian_desktop.registry import warnings as registry_warnings

    w, branch = window
    tab = w.registry_tab
    reads = []
    real = registry_warnings._organisation_warnings
    monkeypatch.setattr(registry_warnings, "_organisation_warnings", lambda *a: reads.append(1) or real(*a))
    add_member(w.db, member("李四", 2), org_id=branch)
    assert w.operations.wait_idle()
    qtbot.waitUntil(lambda: not tab.figures.running, timeout=5000)
    vacant = lambda: [x for x in tab.warnings.all if x.code == "secretary_vacant" and x.org_id == branch]  # noqa: E731
    assert reads == [] and vacant()
    start_term(w.db, branch, start_date="2024-03-01", years=3)
    mid = add_member(w.db, member("王五", 3), org_id=branch)
    add_committee_member(w.db, branch, role="书记", start_date="2024-03-01", member_id=mid)
    assert w.operations.wait_idle()
    qtbot.waitUntil(lambda: not tab.figures.running, timeout=5000)
    assert reads and not vacant()
