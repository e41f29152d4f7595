"""取消 on a long export (a ledger, a table as shown): it stops at its next progress report, no
file is written, no box tells the clerk what they did."""

from __future__ import annotations

import time

import pytest

from ledgers_gui_util import ledgers_page, panel_named

pytestmark = pytest.mark.gui


@pytest.fixture
def first_report_waits(monkeypatch):
    """The work waits at its first progress report until 取消 is pressed (else a short export may
    end before the test presses it)."""
    from dangjian_desktop.gui.kit import operations

    real = operations.stoppable

    def stoppable(progress, cancelled, stopped=None):
        report, waited = real(progress, cancelled, stopped), []

        def first_waits(*args):
            if not waited:
                waited.append(True)
                deadline = time.monotonic() + 10
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.005)
            report(*args)
        return first_waits

    monkeypatch.setattr(operations, "stoppable", stoppable)
    return lambda: monkeypatch.setattr(operations, "stoppable", real)


def _cancelled_at_once(qtbot, query) -> None:
    assert query.task is not None and query.task.cancel_event is not None  # the dialog has 取消
    query.task.cancel()
    qtbot.waitUntil(lambda: not query.running, timeout=20000)


@pytest.mark.parametrize("suffix", ["xlsx", "pdf"])
def test_a_ledger_export_cancelled_writes_nothing(qtbot, demo_town, tmp_path, suffix, first_report_waits):
    with ledgers_page(qtbot, demo_town) as page:
        panel = panel_named(qtbot, page, "TrainingPanel")
        assert panel.model.rowCount() > 0
        target = tmp_path / f"培训.{suffix}"
        query = panel.export(target)
        _cancelled_at_once(qtbot, query)
        assert not target.exists() and not list(tmp_path.glob("*.part"))
        assert page.current_message is None and not page.status.text().startswith("已保存")
        first_report_waits()  # no more waiting
        saved = panel.export(target)  # not cancelled: written as before
        qtbot.waitUntil(lambda: not saved.running, timeout=20000)
        assert target.exists()


def test_a_table_as_shown_cancelled_writes_nothing(qtbot, demo_town, tmp_path, first_report_waits):
    from dangjian_desktop.gui.table_export import save_view_table, table_of_view

    with ledgers_page(qtbot, demo_town) as page:
        panel = page.panels[0]
        target = tmp_path / "党费.xlsx"
        query = save_view_table(page, table_of_view(panel.view, "党费"), target)
        _cancelled_at_once(qtbot, query)
        assert not target.exists() and page.current_message is None
