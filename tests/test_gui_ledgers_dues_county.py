"""The 党费 sub-page of a county: its first town shown while the whole year is read (the same
members, in the same place, as the whole list begins with), no totals and no table export until
the rest is there; and the current row kept when the rows are read again (after a payment the
clerk goes on from the member paid for)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool

from dangjian_desktop import dates
from dangjian_desktop.db import Database
from dangjian_desktop.ledgers import dues

from ledgers_gui_util import ledgers_page

pytestmark = pytest.mark.gui

TODAY = dates.today()


@pytest.fixture
def county(demo_offices, tmp_path):
    return demo_offices.copy(tmp_path / "county.sqlite", seed=5, name="文昌县", level="county", towns=2)


def test_first_office_is_the_beginning_of_the_whole_year(county, demo_town):
    with Database.open(county, mode="read") as db:
        part = dues.first_office(db, TODAY.year, as_of=TODAY)
        whole = dues.status(db, TODAY.year, as_of=TODAY)
        assert part is not None and 0 < len(part.members) < len(whole.members)
        assert {m.org_id for m in part.members} <= {b.org_id for b in part.branches}
        assert [m.to_dict() for m in part.members] == [m.to_dict() for m in whole.members[:len(part.members)]]
        towns = {db.scalar("SELECT office_id FROM org WHERE id = ?", (m.org_id,)) for m in whole.members}
        assert len(towns) == 2 and part.scope[0] in towns
        # The first member after the part is of another town.
        after = whole.members[len(part.members)]
        assert db.scalar("SELECT office_id FROM org WHERE id = ?", (after.org_id,)) != part.scope[0]
    with Database.open(demo_town, mode="read") as db:  # a town's database: nothing to show first
        assert dues.first_office(db, TODAY.year) is None


def test_a_countys_first_town_is_shown_while_the_year_is_read(qtbot, county):
    parts = []
    with ledgers_page(qtbot, county) as page:
        panel = page.panels[0]
        whole = len(panel.data.members)

        def seen(part, show=panel.show_part):
            show(part)
            parts.append((part, panel.model.rowCount(), panel.hint.text(),
                          [a.isEnabled() for a in panel.table_actions]))

        panel.show_part = seen
        panel.forget()  # read the year afresh, as when the tab is first shown
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            panel.refresh()
        assert len(parts) == 1
        part, rows, hint, enabled = parts[0]
        assert 0 < rows == len(part.members) < whole
        town = page.town_combo.itemText(page.town_combo.findData(part.scope[0]))
        assert hint.startswith("正在读取") and town in hint and "按时足额" not in hint
        assert enabled == [False, False]
        # Then the whole year: totals, exports back, the first rows those shown first.
        assert panel.model.rowCount() == whole and panel.early_rows is None
        assert "按时足额" in panel.hint.text()
        assert all(a.isEnabled() for a in panel.table_actions)
        assert [panel.model.row(i).member_id for i in range(rows)] == [m.member_id for m in part.members]
        # A town chosen: read as before, nothing shown first.
        parts.clear()
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            page.town_combo.setCurrentIndex(1)
        assert parts == [] and 0 < panel.model.rowCount() < whole


def test_the_current_member_stays_current_when_the_year_is_read_again(qtbot, county):
    with ledgers_page(qtbot, county) as page:
        panel = page.panels[0]
        panel.view.selectRow(40)
        member = panel.current()
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            dues.record_payment(page.db, member.member_id, TODAY.year, (12, 12), amount="1.00",
                                paid_on=TODAY.isoformat())
        assert panel.current() is not member  # read again
        assert panel.current().member_id == member.member_id
        assert panel.view.currentIndex().row() == 40
        assert panel.view.selectionModel().isRowSelected(40)
        # Sorted by 已交, the member's row moves with the payment: still the current one.
        paid = next(c for c in range(panel.model.columnCount())
                    if panel.model.headerData(c, Qt.Orientation.Horizontal) == "已交（元）")
        panel.view.sortByColumn(paid, Qt.SortOrder.DescendingOrder)
        before = panel.view.currentIndex().row()
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            dues.record_payment(page.db, member.member_id, TODAY.year, (12, 12), amount="500.00",
                                paid_on=TODAY.isoformat())
        assert panel.view.currentIndex().row() != before
        assert panel.current().member_id == member.member_id


def test_a_read_under_way_shows_nothing_once_the_database_is_let_go(qtbot, county):
    with ledgers_page(qtbot, county) as page:
        panel = page.panels[0]
        shown = []
        panel.show_part = lambda part: shown.append(part)
        panel.forget()
        panel.refresh()  # the whole county read afresh: its first town first
        panel.forget()  # another database opened meanwhile
        QThreadPool.globalInstance().waitForDone(20000)
        for _ in range(3):
            QCoreApplication.processEvents()
        assert shown == [] and panel.model.rowCount() == 0 and panel.early_rows is None
        assert all(a.isEnabled() for a in panel.table_actions)


def test_a_member_paid_up_under_owing_only_leaves_the_cursor_on_the_next(qtbot, demo_town):
    with ledgers_page(qtbot, demo_town) as page:
        panel = page.panels[0]
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            panel.owing_only.setChecked(True)
            panel.refresh()
        owing = [panel.model.row(i) for i in range(panel.model.rowCount())]
        assert len(owing) >= 3 and all(m.arrears_fen for m in owing)
        panel.view.selectRow(1)
        paid = panel.current()
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            dues.record_payment(page.db, paid.member_id, paid.year, f"{paid.months_owed[0]}-{paid.months_owed[-1]}",
                                paid_on=TODAY.isoformat())
        assert paid.member_id not in {panel.model.row(i).member_id for i in range(panel.model.rowCount())}
        assert panel.view.currentIndex().row() == 1
        assert panel.current().member_id == owing[2].member_id  # the next one owing, where the paid one was


def test_another_town_does_not_inherit_the_cursor_place(qtbot, county):
    with ledgers_page(qtbot, county) as page:
        panel = page.panels[0]
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            page.town_combo.setCurrentIndex(1)
        panel.view.selectRow(5)
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            page.town_combo.setCurrentIndex(2)
        assert not panel.view.currentIndex().isValid()  # nobody chosen in the other town


def test_the_whole_countys_rows_name_their_town(qtbot, county):
    """All towns at once: 乡镇 is shown first, each row's own (one town chosen: hidden again)."""
    with ledgers_page(qtbot, county) as page:
        panel = page.panels[0]
        towns = dict(page.db.tuples("SELECT o.id, f.name FROM org o JOIN office f ON f.id = o.office_id"))
        assert panel.model.headerData(0, Qt.Orientation.Horizontal) == "乡镇"
        assert not panel.view.isColumnHidden(0)
        shown = {panel.model.index(r, 0).data() for r in range(panel.model.rowCount())}
        assert len(shown) == 2 and shown <= set(towns.values())
        for r in (0, panel.model.rowCount() - 1):
            assert panel.model.index(r, 0).data() == towns[panel.model.row(r).org_id]
