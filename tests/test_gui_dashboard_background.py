"""The 考核检查 tab reads its dashboard off the GUI thread: the window shows 正在读取… meanwhile and
opens the first sheet once the rows are there."""

from __future__ import annotations

import threading

import pytest

from assessment_util import add_branches, new_round

pytestmark = pytest.mark.gui


def test_the_dashboard_is_read_off_the_gui_thread(qtbot, db, monkeypatch):
    from dangjian_desktop.gui.assessment import page as page_module
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db)
    threads = []
    real = page_module.build_dashboard

    def built(reader, round_id):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(reader, round_id)

    monkeypatch.setattr(page_module, "build_dashboard", built)
    tab = AssessmentTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.set_database(db)
    # The round is picked at once; its rows follow.
    assert tab.round_id == rid and tab.loading
    assert tab.dashboard.counts_label.text() == "正在读取…" and tab.dashboard.rows == []
    with qtbot.waitSignal(tab.refreshed, timeout=10000):
        pass
    assert not tab.loading and threads == [False]
    assert {r.sheet_id for r in tab.dashboard.rows} == {b.id for b in branches}
    assert tab.editor.sheet_id == tab.dashboard.rows[0].sheet_id  # the first sheet, opened when they came
    assert "共 2 个党组织" in tab.dashboard.counts_label.text()
    tab.set_database(None)


def test_a_read_asked_for_while_one_runs_shows_the_last(qtbot, db):
    from dangjian_desktop.assessment import sheets
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db)
    tab = AssessmentTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.set_database(db)
    sheets.set_scores(db, b.id, "self", {i.code: i.max for i in sheets.open_sheet(db, b.id).items})
    tab.refresh_dashboard()  # while the first read runs: what it brings is stale
    shown = []
    tab.refreshed.connect(lambda: shown.append(list(tab.dashboard.rows[0].missing)))
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)
    assert len(shown) == 1  # only the last read is shown
    assert not any("自评分未填" in m for m in shown[0])  # and it has the scores entered
    tab.set_database(None)
