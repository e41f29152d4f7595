"""The 考核检查 and 结果报告 pages read the database when their tab is shown, not while it is hidden."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from dangjian_desktop.assessment import rounds
from dangjian_desktop.db import Database
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.registry import init_office
from dangjian_desktop.registry.orgs import add_org

pytestmark = pytest.mark.gui


@pytest.fixture
def town(tmp_path):
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    rid = rounds.create_round(db, year=2025, scheme_id="chuangxing")
    db.close()
    return path, rid


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_database()


def test_a_hidden_assessment_tab_loads_when_first_shown(qtbot, window, town):
    path, rid = town
    window.open_database(path)
    a, r = window.assessment_tab, window.reports_tab
    assert window.tabs.currentWidget() is window.registry_tab
    assert a.db is None and a.round_id is None and not a.dashboard.rows  # nothing read while hidden
    assert r.db is None and r.task is None  # no rating started either
    assert window.lazy_tabs.is_stale(a) and window.lazy_tabs.is_stale(r)
    window.tabs.setCurrentWidget(a)
    qtbot.waitUntil(lambda: not a.loading, timeout=10000)  # the dashboard is read off the GUI thread
    assert a.db is window.db and a.round_id == rid and [x.org_name for x in a.dashboard.rows] == ["东岭村党支部"]
    assert not window.lazy_tabs.is_stale(a)
    with qtbot.waitSignal(r.rated, timeout=15000):
        window.tabs.setCurrentWidget(r)
    assert r.db is window.db and r.round_id == rid


def test_a_change_made_while_hidden_is_read_when_shown_again(qtbot, window, town):
    path, rid = town
    window.open_database(path)
    a = window.assessment_tab
    window.tabs.setCurrentWidget(a)
    window.tabs.setCurrentWidget(window.registry_tab)
    calls = []
    real = a.on_data_changed
    a.on_data_changed = lambda tables=None: (calls.append(tables), real(tables))
    with qtbot.waitSignal(window.data_changed, timeout=5000):  # every commit reaches the bus
        rid2 = rounds.create_round(window.db, year=2026, scheme_id="chuangxing")
    assert calls == [] and window.lazy_tabs.is_stale(a)  # hidden: only marked stale
    window.tabs.setCurrentWidget(a)
    assert calls and "assessment_round" in calls[0]
    qtbot.waitUntil(lambda: a.round_combo.findData(rid2) >= 0, timeout=5000)  # re-read on the event loop
    assert a.round_combo.findData(rid) >= 0
    assert not window.lazy_tabs.is_stale(a)


def test_closing_the_database_reaches_a_hidden_page_at_once(window, town):
    path, _rid = town
    window.open_database(path)
    a = window.assessment_tab
    window.tabs.setCurrentWidget(a)
    assert a.db is window.db
    window.tabs.setCurrentWidget(window.registry_tab)
    window.close_database()
    assert a.db is None and not window.lazy_tabs.is_stale(a)
    window.open_database(path)
    assert a.db is None  # hidden: the new database waits for the tab
    window.tabs.setCurrentWidget(a)
    assert a.db is window.db


def test_the_registry_re_reads_its_figures_after_a_change_only_when_shown(qtbot, window, town):
    import datetime as dt

    from dangjian_desktop.registry import add_member, idcard

    path, _rid = town
    window.open_database(path)
    reg = window.registry_tab
    qtbot.waitUntil(lambda: not reg.figures.running, timeout=10000)
    branch = window.db.scalar("SELECT id FROM org WHERE org_type = '党支部'")
    assert reg.node_count(("org", branch)) == 0
    window.tabs.setCurrentWidget(window.points_tab)
    starts = []
    real = reg.figures.start
    reg.figures.start = lambda: (starts.append(1), real())
    with qtbot.waitSignal(window.data_changed, timeout=5000):
        add_member(window.db, {"name": "李四", "ethnicity": "汉族", "join_date": "2015-07-01", "category": "正式党员",
                               "id_number": idcard.make("110101", dt.date(1980, 1, 2), 2, True)}, org_id=branch)
    assert starts == [] and window.lazy_tabs.is_stale(reg)  # nothing read behind the 党员积分 page
    window.tabs.setCurrentWidget(reg)
    assert starts == [1] and not window.lazy_tabs.is_stale(reg)
    qtbot.waitUntil(lambda: reg.node_count(("org", branch)) == 1, timeout=10000)


def test_the_points_page_behind_another_reads_a_change_when_shown(qtbot, window, town, monkeypatch):
    import datetime as dt

    from dangjian_desktop.gui.points.meetings import MeetingsPanel
    from dangjian_desktop.registry import add_member, idcard

    path, _rid = town
    window.open_database(path)
    window.tabs.setCurrentWidget(window.points_tab)
    window.tabs.setCurrentWidget(window.registry_tab)
    reads = []
    real = MeetingsPanel.refresh
    monkeypatch.setattr(MeetingsPanel, "refresh", lambda panel: (reads.append(1), real(panel))[1])
    branch = window.db.scalar("SELECT id FROM org WHERE org_type = '党支部'")
    with qtbot.waitSignal(window.data_changed, timeout=5000):
        add_member(window.db, {"name": "李四", "ethnicity": "汉族", "join_date": "2015-07-01", "category": "正式党员",
                               "id_number": idcard.make("110101", dt.date(1980, 1, 2), 2, True)}, org_id=branch)
    assert reads == []  # nothing read behind the 组织台账 page the clerk saved in
    window.tabs.setCurrentWidget(window.points_tab)
    assert reads == [1]
