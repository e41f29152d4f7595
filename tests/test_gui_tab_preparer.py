"""While the clerk reads the first tab, the hidden tabs read what they show first (tab_preparer.py):
a tab clicked afterwards is only painted. Not while the clerk types or a dialog is open, one page
at a time, quietly (no progress dialog for a hidden page), and never after the database closed."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.gui.tab_preparer import TabPreparer
from dangjian_desktop.registry import add_member, idcard

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(TabPreparer, "IDLE_MS", 100)
    monkeypatch.setattr(TabPreparer, "POLL_MS", 20)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.close_database()


def idle(w: MainWindow) -> bool:
    return w.preparer.done and not w.operations.busy and QThreadPool.globalInstance().activeThreadCount() == 0


def rows_shown(w: MainWindow) -> dict[str, int]:
    stats = w.statistics_tab
    return {"考核检查": len(w.assessment_tab.dashboard.rows), "结果报告": w.reports_tab.results.model.rowCount(),
            "统计": len(stats.sections[stats.current_key()].views or []),
            "台账": w.ledgers_tab.panels[0].model.rowCount()}


def counting_ratings(monkeypatch, delay: float = 0.0) -> list[str]:
    import dangjian_desktop.gui.reports.page as reports_page

    calls: list[str] = []
    real = reports_page.rate_round

    def rate_round(db, round_id, **kw):
        calls.append(round_id)
        time.sleep(delay)
        return real(db, round_id, **kw)

    monkeypatch.setattr(reports_page, "rate_round", rate_round)
    return calls


def test_hidden_tabs_are_read_while_the_window_is_idle_and_only_painted_when_shown(
        qtbot, window, demo_town, monkeypatch):
    ratings = counting_ratings(monkeypatch)
    window.open_database(demo_town)
    assert window.tabs.currentWidget() is window.registry_tab
    assert rows_shown(window) == {"考核检查": 0, "结果报告": 0, "统计": 0, "台账": 0}  # nothing read at once
    qtbot.waitUntil(lambda: idle(window), timeout=60000)
    pages = [window.assessment_tab, window.reports_tab, window.statistics_tab, window.ledgers_tab]
    assert all(p in window.preparer.prepared for p in pages)
    assert window.registry_tab not in window.preparer.prepared  # the tab on show read itself
    shown = rows_shown(window)
    assert all(n > 0 for n in shown.values()), shown
    assert ratings == [window.reports_tab.round_id]
    assert not window.lazy_tabs.is_stale(window.assessment_tab) and not window.lazy_tabs.is_stale(window.reports_tab)
    for page in pages:  # shown: painted, nothing read again
        window.tabs.setCurrentWidget(page)
        assert not window.operations.busy, page
    assert ratings == [window.reports_tab.round_id] and rows_shown(window) == shown


def test_nothing_is_prepared_while_the_clerk_types(qtbot, window, demo_town, monkeypatch):
    monkeypatch.setattr(TabPreparer, "IDLE_MS", 400)
    window.open_database(demo_town)
    search = window.registry_tab.members.search_edit
    for _ in range(8):  # a key every 0.1 s for 0.8 s: twice the quiet time asked for
        qtbot.keyClick(search, Qt.Key.Key_Shift)
        qtbot.wait(100)
    assert window.preparer.prepared == [] and window.assessment_tab.db is None
    qtbot.waitUntil(lambda: idle(window), timeout=60000)
    assert window.assessment_tab in window.preparer.prepared and window.assessment_tab.dashboard.rows


def test_nothing_is_prepared_while_a_dialog_is_open(qtbot, window, demo_town):
    window.open_database(demo_town)
    dlg = QDialog(window)
    dlg.setModal(True)
    dlg.show()
    assert QApplication.activeModalWidget() is dlg
    qtbot.wait(500)  # five times the quiet time
    assert window.preparer.prepared == [] and not window.preparer.done
    dlg.close()
    qtbot.waitUntil(lambda: idle(window), timeout=60000)
    assert window.reports_tab in window.preparer.prepared


def test_a_hidden_page_reads_without_a_progress_dialog(qtbot, window, demo_town, monkeypatch):
    ratings = counting_ratings(monkeypatch, delay=1.0)  # longer than a progress dialog waits
    seen: list[QProgressDialog] = []
    said: set[str] = set()
    summary = window.reports_tab.results.summary_label

    def quiet() -> bool:
        seen.extend(d for d in QApplication.topLevelWidgets() + window.findChildren(QProgressDialog)
                    if isinstance(d, QProgressDialog) and d.isVisible())
        said.add(summary.text())
        return idle(window)

    window.open_database(demo_town)
    qtbot.waitUntil(quiet, timeout=60000)
    assert ratings and seen == []
    assert "正在计算评定结果…" in said  # what a clerk clicking the tab meanwhile reads
    assert window.reports_tab.results.model.rowCount() > 0 and summary.text() not in ("", "正在计算评定结果…")


def test_a_failed_hidden_rating_leaves_no_word_of_reading(qtbot, window, demo_town, monkeypatch):
    import dangjian_desktop.gui.reports.page as reports_page
    from dangjian_desktop.errors import UserError

    def broken(db, round_id, **kw):
        raise UserError("评定失败（测试）")

    monkeypatch.setattr(reports_page, "rate_round", broken)
    window.open_database(demo_town)
    qtbot.waitUntil(lambda: window.reports_tab.current_message is not None, timeout=60000)
    assert "评定失败" in window.reports_tab.current_message.text()
    assert window.reports_tab.results.summary_label.text() == ""
    window.reports_tab.current_message.done(0)


def test_closing_the_database_stops_preparing_and_another_is_prepared_anew(qtbot, window, demo_town, monkeypatch):
    monkeypatch.setattr(TabPreparer, "IDLE_MS", 300)
    window.open_database(demo_town)
    window.close_database()
    assert window.preparer.done
    qtbot.wait(500)
    assert window.preparer.prepared == [] and window.assessment_tab.db is None
    window.open_database(demo_town)
    qtbot.waitUntil(lambda: idle(window), timeout=60000)
    assert window.assessment_tab.db is window.db and window.assessment_tab.dashboard.rows


def test_switched_off_nothing_is_prepared(qtbot, window, demo_town, monkeypatch):
    monkeypatch.setattr(TabPreparer, "IDLE_MS", None)
    window.open_database(demo_town)
    qtbot.wait(400)
    assert window.preparer.done and window.preparer.prepared == []
    assert window.assessment_tab.db is None and window.ledgers_tab.panels[0].model.rowCount() == 0


def test_a_change_saved_after_preparing_is_read_when_the_page_is_shown(qtbot, window, demo_town):
    window.open_database(demo_town)
    qtbot.waitUntil(lambda: idle(window), timeout=60000)
    dues_panel = window.ledgers_tab.panels[0]
    before = dues_panel.model.rowCount()
    branch = window.db.scalar("SELECT id FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    add_member(window.db, {"name": "预备读", "ethnicity": "汉族", "category": "正式党员", "join_date": "2015-07-01",
                           "id_number": idcard.make("110101", dt.date(1970, 3, 5), 3, True)}, org_id=branch)
    assert dues_panel.model.rowCount() == before  # hidden: marked, not read
    with qtbot.waitSignal(dues_panel.loaded, timeout=20000):
        window.tabs.setCurrentWidget(window.ledgers_tab)
    assert dues_panel.model.rowCount() == before + 1
