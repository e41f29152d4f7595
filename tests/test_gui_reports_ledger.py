"""整改台账 on the 结果报告 page (pytest-qt, offscreen): reopening a closed entry is asked, runs as one
operation the operation bus announces, and the page shows the entry open again; a closed entry is
not edited (the clerk is told to reopen it first)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from assessment_util import add_branches, new_round
from dangjian_desktop import dates
from dangjian_desktop.assessment import rectification as rect_api
from dangjian_desktop.gui.kit.operations import Operation, bus_for

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, db):
    from dangjian_desktop.gui.reports.page import ReportsTab

    (org,) = add_branches(db, [("东岭村党支部", "村")])
    rid, _ = new_round(db)
    entry = rect_api.add_rectification(db, org_id=org, round_id=rid, problem="党员活动室设施陈旧",
                                       deadline=dates.add_months(dates.today(), 2).isoformat())
    rect_api.close_rectification(db, entry, closed_on=dates.today().isoformat(), note="已更新设施")
    tab = ReportsTab()
    qtbot.addWidget(tab)
    tab.show()
    with qtbot.waitSignal(tab.rated, timeout=15000):
        tab.set_database(db)
    db.on_commit(tab.on_data_changed)  # as the main window wires it
    tab.tabs.setCurrentWidget(tab.ledger)
    yield tab, entry
    tab.set_database(None)


def _select(tab, entry_id: str) -> None:
    tab.ledger.view.selectRow(next(n for n, r in enumerate(tab.ledger.model.rows) if r.id == entry_id))


def test_reopening_a_closed_entry_is_one_announced_operation(qtbot, db, page):
    tab, entry = page
    _select(tab, entry)
    assert tab.ledger.reopen_button.isEnabled() and not tab.ledger.edit_button.isEnabled()
    heard = []
    bus_for(db).changed.connect(heard.append)
    units = db.scalar("SELECT count(*) FROM tx_log")
    tab.ledger.reopen_button.click()
    box = tab.current_message
    assert box is not None and "重新打开" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert db.scalar("SELECT count(*) FROM tx_log") == units + 1
    told = [c for c in heard if c.touches("rectification")]
    assert len(told) == 1 and isinstance(told[0].source, Operation), "one operation, told to every page"
    shown = next(r for r in tab.ledger.model.rows if r.id == entry)
    assert shown.status == "整改中" and not shown.closed
    _select(tab, entry)
    assert tab.ledger.edit_button.isEnabled() and not tab.ledger.reopen_button.isEnabled()


def test_declining_to_reopen_changes_nothing(qtbot, db, page):
    tab, entry = page
    _select(tab, entry)
    units = db.scalar("SELECT count(*) FROM tx_log")
    tab.ledger.reopen_button.click()
    tab.current_message.button(QMessageBox.StandardButton.No).click()
    assert db.scalar("SELECT count(*) FROM tx_log") == units
    assert next(r for r in rect_api.list_rectifications(db) if r.id == entry).closed


def test_a_closed_entry_is_not_edited(qtbot, db, page):
    tab, entry = page
    _select(tab, entry)
    tab.ledger.view.doubleClicked.emit(tab.ledger.view.currentIndex())
    assert tab.current_dialog is None  # no form opened
    assert "重新打开" in tab.current_message.text()
    tab.current_message.button(QMessageBox.StandardButton.Ok).click()


def test_the_entry_edited_stays_current_and_销号_acts_on_it(qtbot, db, page):
    tab, closed = page
    org = db.scalar("SELECT org_id FROM rectification WHERE id = ?", (closed,))
    deadline = dates.add_months(dates.today(), 3).isoformat()
    later = [rect_api.add_rectification(db, org_id=org, round_id=tab.round_id, problem=f"问题{k}", deadline=deadline)
             for k in range(3)]
    rows = [r.id for r in tab.ledger.model.rows]
    edited = rows[2]
    assert edited in later
    _select(tab, edited)
    rect_api.update_rectification(db, edited, responsible="李四")  # saved from the edit dialog
    assert tab.ledger.selected().id == edited and tab.ledger.close_button.isEnabled()
